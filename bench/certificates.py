"""Certificate rendering throughput: `python bench/certificates.py [--scale F]`.

Runs the real renderer (`awards.certificates.render`) on one core, in this process:

1. N certificates as separate one-page PDFs (what a winner downloads, or a task fills one by one),
2. the same N certificates rendered and PAdES-signed, as issuing does (`awards.certificates.pades`,
   with a derived P-256 identity: the platform's own),
3. the same N certificates as one combined PDF (what an organiser prints),

with N = 10,000 × scale. The renderer and signer need no Django settings, so none are loaded.
Timings are CPU seconds of this process (time.process_time), so other load on the machine does not
distort them; wall-clock figures are printed alongside. The last line is one JSON object:
certificates_per_s, signed_certificates_per_s, pages_per_s, bytes_per_pdf, peak_rss_mb, and the
cost per step, render_ms and sign_ms (targets: ≥80, ≥85, ≥300, —, <300).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from awards.certificates.fonts import missing_glyphs  # noqa: E402
from awards.certificates.layout import CertificateData, CertificateLayout  # noqa: E402
from awards.certificates.pades import PadesSigner, identity_derived  # noqa: E402
from awards.certificates.render import (  # noqa: E402
    render_certificate,
    render_certificates_combined,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏"
)
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "皇甫", "慕容"]
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红梅鑫宇浩然子轩梓涵一诺欣怡雨桐"
)
RARE = "喆堃玥昇燚犇淼鑫垚婧翀珺琰曌"  # characters common in names, rare elsewhere
TEAM_WORDS = [
    "智造先锋",
    "星火",
    "玥光",
    "创客联盟",
    "云帆",
    "启明",
    "堃石",
    "匠心",
    "极光",
    "青藤",
]
TEAM_SUFFIX = ["队", "团队", "战队", "工作室", "创新团队"]
AWARDS = ["特等奖", "一等奖", "二等奖", "三等奖", "优秀奖", "最佳创意奖", "优秀指导教师奖"]
TRACKS = ["工业制造", "医疗健康", "现代农业", "数字经济", "文化创意", "绿色低碳", "智慧城市", ""]
CONTESTS = [
    "第三届“赛务杯”创新创业大赛",
    "2025年全省“技能兴省”职业技能大赛暨第三届创新创业大赛",
    "第十二届大学生科技创新竞赛",
]
BODIES = [
    ("省人力资源和社会保障厅", "省人才工作领导小组办公室"),
    ("省人社厅", "省人才办"),
    ("大赛组织委员会",),
]


def person_name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.08 else rng.choice(SURNAMES)
    given = "".join(
        rng.choice(RARE if rng.random() < 0.2 else GIVEN) for _ in range(rng.choice((1, 2, 2)))
    )
    return surname + given


def make_items(n: int, seed: int = 20251121) -> list[CertificateData]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        role = rng.choices(["team", "member", "advisor"], weights=[1, 4, 1])[0]
        team = rng.choice(TEAM_WORDS) + rng.choice(TEAM_SUFFIX)
        serial = f"SW-2025-{i % 8:02d}-{i:06d}"
        items.append(
            CertificateData(
                serial=serial,
                recipient_name=team if role == "team" else person_name(rng),
                recipient_role=role,
                team_name=team,
                award_name=rng.choice(AWARDS),
                contest_name=rng.choice(CONTESTS),
                track_name=rng.choice(TRACKS),
                issue_date=dt.date(2025, 11, 21) + dt.timedelta(days=rng.randint(0, 30)),
                verification_url=f"https://saiwu.example.cn/verify/{serial}",
                issuing_bodies=rng.choice(BODIES),
                status="revoked" if rng.random() < 0.01 else "issued",
            )
        )
    return items


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 10,000 certificates")
    args = parser.parse_args()
    n = max(1, round(10_000 * args.scale))

    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    layout = CertificateLayout()
    items = make_items(n)
    flagged = sum(1 for d in items if missing_glyphs(d.recipient_name))
    print(f"{n} certificates, {flagged} names with characters the font lacks", flush=True)

    # Warm-up: font parsing, default background and seals, QR geometry (one-off per process).
    cpu0, wall0 = time.process_time(), time.perf_counter()
    render_certificates_combined(layout, make_items(24, seed=1))
    print(f"warm-up {time.process_time() - cpu0:.2f} s CPU", flush=True)

    total_bytes = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    step = max(1, n // 10)
    for i, data in enumerate(items, 1):
        total_bytes += len(render_certificate(layout, data))
        if i % step == 0 or i == n:
            cpu = time.process_time() - cpu0
            print(f"separate: {i}/{n}  {i / cpu:.0f}/s CPU  rss {peak_rss_mb():.0f} MB", flush=True)
    separate_cpu = time.process_time() - cpu0
    separate_wall = time.perf_counter() - wall0

    # Rendered (with the signed data in the metadata) and PAdES-signed, as issuing does.
    signer = PadesSigner(identity_derived(b"bench" * 7), reason="颁发获奖证书 Award certificate")
    signer.sign(render_certificate(layout, items[0]))  # the CMS template is built once
    render_cpu = sign_cpu = 0.0
    signed_bytes = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for i, data in enumerate(items, 1):
        t0 = time.process_time()
        pdf = render_certificate(layout, data, info={"/SaiwuSignature": data.serial})
        t1 = time.process_time()
        signed_bytes += len(signer.sign(pdf))
        t2 = time.process_time()
        render_cpu += t1 - t0
        sign_cpu += t2 - t1
        if i % step == 0 or i == n:
            cpu = time.process_time() - cpu0
            print(f"signed: {i}/{n}  {i / cpu:.0f}/s CPU  rss {peak_rss_mb():.0f} MB", flush=True)
    signed_cpu = time.process_time() - cpu0
    signed_wall = time.perf_counter() - wall0
    print(
        f"per certificate: render {1000 * render_cpu / n:.2f} ms, PAdES sign "
        f"{1000 * sign_cpu / n:.2f} ms CPU; signed PDF {signed_bytes / n / 1024:.0f} KiB",
        flush=True,
    )

    cpu0, wall0 = time.process_time(), time.perf_counter()
    combined = render_certificates_combined(layout, items)
    combined_cpu = time.process_time() - cpu0
    combined_wall = time.perf_counter() - wall0
    print(
        f"combined: {n} pages, {len(combined) / 1e6:.1f} MB, {combined_cpu:.1f} s CPU "
        f"({combined_wall:.1f} s wall)",
        flush=True,
    )
    del combined

    result = {
        "certificates_per_s": round(n / separate_cpu, 1),
        "signed_certificates_per_s": round(n / signed_cpu, 1),
        "pages_per_s": round(n / combined_cpu, 1),
        "bytes_per_pdf": round(total_bytes / n),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "render_ms": round(1000 * render_cpu / n, 2),
        "sign_ms": round(1000 * sign_cpu / n, 2),
    }
    print(
        f"wall-clock: {n / separate_wall:.1f} certificates/s, {n / signed_wall:.1f} signed/s, "
        f"{n / combined_wall:.1f} pages/s",
        flush=True,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
