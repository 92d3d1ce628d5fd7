"""The data of the public-read benchmark (bench/public_reads.py), on top of bench/_list_data.py's
challenge list and teams: the other contests, a published notice with its list, a published
ranking and signed certificates, bulk-inserted."""

from __future__ import annotations

import random
import secrets
from datetime import timedelta
from decimal import Decimal

PROVINCES = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
]  # fmt: skip
# (name, region): the national final, a sub-contest per province, two industry sub-contests
CONTESTS = [
    ("国家数据局“数据要素×”大赛全国总决赛", "全国"),
    *((f"“数据要素×”大赛{p}分赛", p) for p in PROVINCES),
    ("“数据要素×”大赛工业制造行业赛", "全国"),
    ("“数据要素×”大赛金融服务行业赛", "全国"),
]


def build_public(ids: dict, scale: float, rng: random.Random, tag: str) -> dict:
    """On top of bench/_list_data.build: more contests, a published notice with its list, a
    published ranking and signed certificates. Bulk inserts, as the list bench does."""
    from django.db import transaction
    from django.utils import timezone

    from awards.certificates.signing import certificate_content, certificate_sign
    from awards.enums import AwardStatus, CertificateRole, CertificateStatus, NoticeStatus
    from awards.models import Award, AwardTier, Certificate, Notice
    from contest.enums import ContestKind, ContestStatus
    from contest.models import Contest, Entry, Stage, Team, TeamMember
    from judging.enums import SnapshotStatus
    from judging.models import ResultSnapshot

    now = timezone.now()
    contest = Contest.objects.get(pk=ids["contest"])
    stage = Stage.objects.get(contest=contest, order=1)
    with transaction.atomic():
        others = Contest.objects.bulk_create(
            [
                Contest(
                    code=f"bench-{tag}-{i:02d}",
                    name=name,
                    kind=ContestKind.DATA_ELEMENTS,
                    edition="2025",
                    year=2025,
                    status=rng.choice([ContestStatus.REGISTRATION_OPEN, ContestStatus.PUBLISHED]),
                    region=region,
                    registration_opens_at=now - timedelta(days=30),
                    registration_closes_at=now + timedelta(days=30),
                    entrant_kinds=["enterprise", "university"],
                )
                for i, (name, region) in enumerate(CONTESTS)
            ]
        )
        ids["contests"] = [c.pk for c in others]

        n_ranked = max(10, round(1_200 * scale))
        entries = list(
            Entry.objects.filter(stage=stage)
            .select_related("team")
            .order_by("id")
            .values_list("id", "title", "team_id", "team__code", "team__name", "team__track_id")[
                :n_ranked
            ]
        )
        track_names = dict(contest.tracks.values_list("id", "name"))
        scored = sorted(((round(rng.uniform(55, 98), 2), e) for e in entries), key=lambda r: -r[0])
        rows = [
            {
                "entry": e[0],
                "title": e[1],
                "team": e[2],
                "team_code": e[3],
                "team_name": e[4],
                "group_key": str(e[5]),
                "group_name": track_names.get(e[5], ""),
                "raw": f"{score:.4f}",
                "normalised": None,
                "final": f"{score:.4f}",
                "rank": rank,
                "tied": False,
                "overridden": False,
                "review_count": 5,
            }
            for rank, (score, e) in enumerate(scored, start=1)
        ]
        snapshot = ResultSnapshot.objects.create(
            stage=stage,
            version=1,
            data={"rows": rows},
            sha256=secrets.token_hex(32),
            status=SnapshotStatus.PUBLISHED,
            published_by_id=ids["organiser"],
            chain_head=secrets.token_hex(32),
            chain_rows=len(rows) * 6,
        )
        ids["stage"] = stage.pk

        n_awards = max(4, round(300 * scale))
        shares = [0.1, 0.2, 0.3, 0.4]  # 一/二/三等奖, 优秀奖
        bounds = [round(n_awards * sum(shares[: i + 1])) for i in range(4)]
        counts = [b - a for a, b in zip([0, *bounds], bounds, strict=False)]
        tiers = AwardTier.objects.bulk_create(
            [
                AwardTier(contest=contest, name=name, order=i, quota_count=count)
                for i, (name, count) in enumerate(
                    zip(["一等奖", "二等奖", "三等奖", "优秀奖"], counts, strict=True), start=1
                )
            ]
        )
        notice = Notice.objects.create(
            contest=contest,
            stage=stage,
            title="2025年“数据要素×”大赛（基准）拟获奖名单公示",
            days=5,
            working_days=True,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=6),
            status=NoticeStatus.OPEN,
            created_by_id=ids["organiser"],
        )
        ids["notice"] = notice.pk
        awards = []
        for i, row in enumerate(rows[:n_awards]):
            tier = tiers[next(t for t, b in enumerate(bounds) if i < b)]
            awards.append(
                Award(
                    contest=contest,
                    tier=tier,
                    stage=stage,
                    snapshot=snapshot,
                    team_id=row["team"],
                    entry_id=row["entry"],
                    group_key=row["group_key"],
                    group_name=row["group_name"],
                    rank=row["rank"],
                    final_score=Decimal(row["final"]),
                    status=AwardStatus.IN_NOTICE,
                    notice=notice,
                )
            )
        awards = Award.objects.bulk_create(awards, batch_size=1000)

        n_certs = max(1, round(500 * scale))
        team_names = dict(Team.objects.filter(contest=contest).values_list("id", "name"))
        captains = {
            team: (user, name)
            for team, user, name in TeamMember.objects.filter(contest=contest, order=0).values_list(
                "team_id", "user_id", "user__real_name"
            )
        }
        from awards.certificates.serials import serial_new

        prefix_year = f"B{tag.upper()}2025"
        certificates = []
        for seq, award in enumerate(awards[:n_certs], start=1):
            role = CertificateRole.TEAM if seq % 3 == 0 else CertificateRole.MEMBER
            user, name = captains[award.team_id]
            if role == CertificateRole.TEAM:
                user, name = None, team_names[award.team_id]
            fields = {
                "serial": serial_new(prefix_year),
                "recipient_name": name,
                "recipient_role": role,
                "team_name": team_names[award.team_id],
                "award_name": award.tier.name,
                "contest_name": contest.name,
                "track_name": award.group_name,
                "issue_date": now.date(),
                "issuing_bodies": ["国家数据局", "“数据要素×”大赛组委会"],
            }
            certificates.append(
                Certificate(
                    contest=contest,
                    award=award,
                    seq=seq,
                    team_id=award.team_id,
                    user_id=user,
                    signature=certificate_sign(certificate_content(**fields)),
                    status=CertificateStatus.ISSUED,
                    **fields,
                )
            )
        Certificate.objects.bulk_create(certificates, batch_size=1000)
        ids["serials"] = [c.serial for c in certificates]
    ids["counts"].update(
        contests=len(others) + 1,
        ranked_rows=len(rows),
        awards=len(awards),
        certificates=len(certificates),
    )
    return ids
