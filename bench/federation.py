"""Benchmark: the national 数据要素× final accepting what its sub-contests recommended.

    python bench/federation.py [--projects N] [--subs N] [--tracks N] [--file-kb N]

Builds one national contest (14 tracks, one stage) and 31 sub-contests with the same 14 tracks,
and 900 projects spread over the sub-contests × tracks: a team each (a lead organisation, a
captain, a member and an advisor), a submitted entry with two stored files (plan and slides,
`--file-kb` KB each, their SHA-256 recorded), and a pending recommendation to the national
contest with its rank and score (the rows are bulk-created: the bench times the decisions, not
the sub-contests' judging). Then times:

- accept_seconds: `judging.services.recommendation.recommendation_accept` for every
  recommendation, one call (one transaction) each, as `POST /api/recommendations/{id}/accept/`
  does: each makes one team with its members and organisations and one draft entry whose files
  are copied through the storage API and checked against their checksums, and records the audit
  row. Notifications go to an in-memory broker (the API only enqueues them).
- report_seconds: `awards.reports.contest_report_xlsx(contest=national)` and
  `awards.reports.contest_report_pdf(contest=national)` together. That package is another work
  stream's; while it is absent the figure is null and a line says so.

Database: without DATABASE_URL, a fresh SQLite file in a temporary folder; with DATABASE_URL,
that database, the bench's rows deleted at the end. Files go to a temporary MEDIA_ROOT, removed
at the end. The last line is one JSON object with accept_seconds, report_seconds and projects.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _common import configure, split  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROVINCES = [
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
]


def uscc(n: int) -> str:
    from contest.validators import uscc_compose

    return uscc_compose("91110000", n)


def build(args, ids: dict, tag: str):
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from contest.enums import EntryFileKind, EntryStatus, MemberRole, OrganisationKind
    from contest.models import (
        Contest,
        ContestRole,
        Entry,
        EntryFile,
        Organisation,
        Stage,
        Team,
        TeamMember,
        Track,
    )
    from judging.models import Recommendation

    User = get_user_model()
    national = Contest.objects.create(
        code=f"bench-national-{tag}",
        name="全国数据要素×大赛总决赛（基准）",
        kind="data_elements",
        edition="2026",
        year=2026,
        series=f"bench-{tag}",
        region="全国",
    )
    ids["contests"].append(national.pk)
    organiser = User.objects.create_user(email=f"org-{tag}@bench.invalid", real_name="国赛组委会")
    ids["users"].append(organiser.pk)
    ContestRole.objects.create(contest=national, user=organiser, role="organiser")
    Stage.objects.create(contest=national, name="全国总决赛", kind="roadshow", order=1)
    codes = [f"t{i:02d}" for i in range(args.tracks)]
    national_tracks = {
        c: Track.objects.create(contest=national, code=c, name=f"赛道{c}", order=i)
        for i, c in enumerate(codes)
    }
    per_sub = split(args.projects, [1.0] * args.subs)
    content_base = secrets.token_bytes(args.file_kb * 1024)
    n = 0
    for s in range(args.subs):
        province = PROVINCES[s % len(PROVINCES)]
        sub = Contest.objects.create(
            code=f"bench-sub-{tag}-{s}",
            name=f"{province}分赛（基准）",
            kind="data_elements",
            edition="2026",
            year=2026,
            region=province,
            parent=national,
        )
        ids["contests"].append(sub.pk)
        stage = Stage.objects.create(contest=sub, name="省赛", kind="online_review", order=1)
        tracks = [
            Track.objects.create(contest=sub, code=c, name=f"赛道{c}", order=i)
            for i, c in enumerate(codes)
        ]
        per_track = split(per_sub[s], [1.0] * args.tracks)
        for t, count in enumerate(per_track):
            for rank in range(1, count + 1):
                n += 1
                people = User.objects.bulk_create(
                    [
                        User(
                            email=f"{n}-{k}-{tag}@bench.invalid",
                            real_name=f"{province}成员{n}-{k}",
                        )
                        for k in range(3)
                    ]
                )
                ids["users"].extend(p.pk for p in people)
                org = Organisation.objects.create(
                    name=f"{province}数据科技{n}有限公司",
                    kind=OrganisationKind.ENTERPRISE,
                    uscc=uscc(int(tag, 16) * 10000 + n),
                    province=province,
                )
                ids["organisations"].append(org.pk)
                team = Team.objects.create(
                    contest=sub,
                    code=f"T{n:05d}",
                    name=f"{province}团队{n}",
                    lead_organisation=org,
                    track=tracks[t],
                    captain=people[0],
                )
                TeamMember.objects.bulk_create(
                    [
                        TeamMember(team=team, contest=sub, user=people[k], role=role, order=k)
                        for k, role in enumerate(
                            (MemberRole.CAPTAIN, MemberRole.MEMBER, MemberRole.ADVISOR)
                        )
                    ]
                )
                entry = Entry.objects.create(
                    team=team,
                    stage=stage,
                    title=f"{province}作品{n}",
                    summary="数据要素赋能",
                    status=EntryStatus.SUBMITTED,
                )
                for kind, name in (
                    (EntryFileKind.PLAN, "方案书.pdf"),
                    (EntryFileKind.SLIDES, "路演.pdf"),
                ):
                    content = b"%PDF-1.4\n" + name.encode() + str(n).encode() + content_base
                    stored = EntryFile(
                        entry=entry,
                        kind=kind,
                        version=1,
                        is_current=True,
                        original_name=name,
                        file_type="pdf",
                        content_type="application/pdf",
                        size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                        uploaded_by=people[0],
                    )
                    stored.file.save(name, ContentFile(content), save=False)
                    stored.save()
                Recommendation.objects.create(
                    from_contest=sub,
                    to_contest=national,
                    entry=entry,
                    track=national_tracks[codes[t]],
                    rank=rank,
                    final_score=Decimal(95) - rank,
                    created_by=organiser,
                )
    return national, organiser


def cleanup(ids: dict) -> None:
    """Delete the bench's rows in plain SQL, children before parents."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    contests = ids["contests"]
    if not contests:
        return
    marks = ", ".join(["%s"] * len(contests))
    teams = f'SELECT id FROM "contest_team" WHERE contest_id IN ({marks})'
    entries = f'SELECT id FROM "contest_entry" WHERE team_id IN ({teams})'
    with transaction.atomic(), connection.cursor() as cursor:
        statements = [
            f'DELETE FROM "judging_recommendation" WHERE to_contest_id IN ({marks})',
            f'DELETE FROM "judging_recommendationquota" WHERE parent_id IN ({marks})',
            f'DELETE FROM "contest_entryfile" WHERE entry_id IN ({entries})',
            f'UPDATE "contest_entry" SET carried_from_id = NULL WHERE team_id IN ({teams})',
            f'DELETE FROM "contest_entry" WHERE team_id IN ({teams})',
            f'DELETE FROM "contest_teammember" WHERE team_id IN ({teams})',
            f'DELETE FROM "contest_team_co_applicants" WHERE team_id IN ({teams})',
            f'DELETE FROM "contest_team" WHERE contest_id IN ({marks})',
            f'DELETE FROM "contest_track" WHERE contest_id IN ({marks})',
            f'DELETE FROM "contest_stage" WHERE contest_id IN ({marks})',
            f'DELETE FROM "contest_contestrole" WHERE contest_id IN ({marks})',
            f'DELETE FROM "judging_auditlog" WHERE contest_id IN ({marks})',
        ]
        for sql in statements:
            cursor.execute(sql, contests)
        cursor.execute(f'DELETE FROM "contest_contest" WHERE parent_id IN ({marks})', contests)
        cursor.execute(f'DELETE FROM "contest_contest" WHERE id IN ({marks})', contests)
        for name, table in (
            ("users", get_user_model()._meta.db_table),
            ("organisations", "contest_organisation"),
        ):
            rows = ids[name]
            for start in range(0, len(rows), 500):
                chunk = rows[start : start + 500]
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE id IN ({", ".join(["%s"] * len(chunk))})', chunk
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=900)
    parser.add_argument("--subs", type=int, default=31)
    parser.add_argument("--tracks", type=int, default=14)
    parser.add_argument("--file-kb", type=int, default=64)
    args = parser.parse_args()
    backend, folder = configure("federation")
    media = Path(tempfile.mkdtemp(prefix="saiwu-bench-federation-media-"))
    os.environ["MEDIA_ROOT"] = str(media)
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from judging.models import Recommendation
    from judging.services.recommendation import recommendation_accept

    ids: dict = {"contests": [], "users": [], "organisations": []}
    tag = secrets.token_hex(3)
    try:
        started = time.perf_counter()
        national, organiser = build(args, ids, tag)
        print(
            f"database: {backend}; built {args.projects} projects over {args.subs} sub-contests "
            f"x {args.tracks} tracks in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        pending = list(Recommendation.objects.filter(to_contest=national).order_by("pk"))
        started = time.perf_counter()
        for rec in pending:
            recommendation_accept(actor=organiser, recommendation=rec)
        accept_seconds = round(time.perf_counter() - started, 3)
        carried = Recommendation.objects.filter(
            to_contest=national, status="accepted", national_entry__isnull=False
        ).count()
        print(f"accepted {carried} of {len(pending)} in {accept_seconds} s", flush=True)
        report_seconds = None
        try:
            from awards.reports import contest_report_pdf, contest_report_xlsx
        except ImportError as missing:
            print(f"report_seconds: null (awards.reports is not here: {missing})", flush=True)
        else:
            started = time.perf_counter()
            xlsx = contest_report_xlsx(contest=national)
            pdf = contest_report_pdf(contest=national)
            report_seconds = round(time.perf_counter() - started, 3)
            print(f"report: xlsx {len(xlsx)} bytes, pdf {len(pdf)} bytes", flush=True)
        print(
            json.dumps(
                {
                    "accept_seconds": accept_seconds,
                    "report_seconds": report_seconds,
                    "projects": carried,
                }
            )
        )
    finally:
        if backend == "postgresql":
            cleanup(ids)
        shutil.rmtree(media, ignore_errors=True)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
