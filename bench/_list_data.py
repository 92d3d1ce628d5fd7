"""The data of the list benchmark (bench/api_lists.py): build it with bulk_create at national
scale, ANALYZE it, delete it again."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

TRACKS = [
    "工业制造", "现代农业", "商贸流通", "交通运输", "金融服务", "科技创新", "文化旅游",
    "医疗健康", "应急管理", "气象服务", "城市治理", "绿色低碳", "医疗保障", "开放性创新",
]  # fmt: skip
TRACK_WEIGHTS = [3.2, 2.4, 1.9, 1.7, 2.8, 1.5, 1.2, 2.1, 0.8, 0.5, 1.6, 1.1, 0.6, 0.9]
TOPICS = [
    "数据融合平台", "智能质检", "供应链风控", "精准营销", "能耗优化", "可信数据空间", "大模型应用",
    "时空数据服务", "信用评价", "隐私计算平台", "预测性维护", "数字孪生", "智慧调度", "溯源体系",
]  # fmt: skip
PHRASES = [
    "汇聚多源异构数据，", "打通上下游企业的数据壁垒，", "基于隐私计算实现数据可用不可见，",
    "构建行业数据要素流通平台，", "提升资源配置效率与决策水平，", "形成可复制可推广的应用场景，",
    "利用大模型对非结构化数据进行治理，", "建立数据质量评估与标注体系，", "降低运营成本20%以上，",
    "支撑政府监管与公共服务，", "实现全流程数字化与智能化，", "保障数据安全与合规使用。",
]  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国志红文斌宇浩然思雨欣怡子轩"
CITIES = ["南京", "苏州", "杭州", "合肥", "武汉", "成都", "西安", "广州", "深圳", "济南", "郑州"]
ORG_WORDS = ["数智", "云图", "天衡", "星河", "华信", "远景", "智联", "恒通", "新元", "博达", "睿思"]
CHALLENGE_VARIANTS = [
    {},
    {"search": "数据"},
    {"prize_min": "1000000"},
    {"search": "平台", "prize_max": "3000000"},
    {"track": None, "prize_min": "500000"},  # track filled in with the largest track's id
]


def build(scale: float, rng: random.Random, tag: str) -> dict:
    """Create the bench's rows; return their ids (for the requests and for the clean-up)."""
    from django.db import transaction
    from django.utils import timezone

    from contest.enums import (
        ChallengeStatus,
        ContestKind,
        ContestRoleKind,
        ContestStatus,
        EntryStatus,
        MemberRole,
        OrganisationKind,
        StageKind,
    )
    from contest.models import (
        Challenge,
        Contest,
        ContestRole,
        Entry,
        Group,
        Organisation,
        Stage,
        Team,
        TeamMember,
        Track,
        User,
    )
    from contest.validators import uscc_compose

    n_teams = max(1, round(20_000 * scale))
    n_challenges = max(1, round(500 * scale))
    n_publishers = max(3, round(40 * scale))
    n_leads = max(10, round(3_000 * scale))
    now = timezone.now()
    uscc_base = (int(tag, 16) % 2_000_000_000) * 10_000  # per run; below 31**9

    def make_uscc(n: int) -> str:
        """A valid 统一社会信用代码 (enterprise, region 320100) numbered n."""
        return uscc_compose("91320100", n)

    def person_name() -> str:
        return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))

    ids: dict = {"tag": tag}
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"{rng.choice(CITIES)}{rng.choice(ORG_WORDS)}{rng.choice(TOPICS)[:2]}"
                    f"科技有限公司{i}",
                    kind=OrganisationKind.ENTERPRISE,
                    uscc=make_uscc(uscc_base + i),
                    province="江苏",
                    city=rng.choice(CITIES),
                )
                for i in range(n_publishers + n_leads)
            ],
            batch_size=1000,
        )
        ids["organisations"] = [o.pk for o in orgs]
        publishers, leads = orgs[:n_publishers], orgs[n_publishers:]

        contest = Contest.objects.create(
            code=f"bench-{tag}",
            name=f"2025年“数据要素×”大赛（基准 {tag}）",
            kind=ContestKind.DATA_ELEMENTS,
            edition="2025",
            year=2025,
            status=ContestStatus.REGISTRATION_OPEN,
            registration_opens_at=now - timedelta(days=30),
            registration_closes_at=now + timedelta(days=30),
            entrant_kinds=["person", "enterprise", "university"],
            team_size_min=2,
            team_size_max=5,
            joint_entries_allowed=True,
        )
        ids["contest"] = contest.pk
        tracks = Track.objects.bulk_create(
            [
                Track(contest=contest, code=f"t{i + 1:02d}", name=name, order=i)
                for i, name in enumerate(TRACKS)
            ]
        )
        groups = Group.objects.bulk_create(
            [
                Group(contest=contest, code="startup", name="初创组", order=1),
                Group(contest=contest, code="growth", name="成长组", order=2),
            ]
        )
        stage = Stage.objects.create(
            contest=contest, name="初赛", kind=StageKind.ONLINE_REVIEW, order=1
        )
        organiser = User.objects.create(
            email=f"organiser.{tag}@bench.example.com", real_name="组委会", password="!bench"
        )
        ContestRole.objects.create(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
        ids["organiser"] = organiser.pk

        statuses = [ChallengeStatus.PUBLISHED] * 80 + [ChallengeStatus.CLOSED] * 8
        statuses += [ChallengeStatus.DRAFT] * 7 + [ChallengeStatus.SUBMITTED] * 5
        challenge_tracks = rng.choices(tracks, weights=TRACK_WEIGHTS, k=n_challenges)
        challenges = []
        for i, track in enumerate(challenge_tracks):
            status = rng.choice(statuses)
            negotiable = rng.random() < 0.1
            challenges.append(
                Challenge(
                    contest=contest,
                    code=f"JB-{i + 1:04d}",
                    title=f"{track.name}{rng.choice(TOPICS)}揭榜项目{i + 1}",
                    publisher=rng.choice(publishers),
                    track=track,
                    background="".join(rng.choices(PHRASES, k=8)),
                    targets="".join(rng.choices(PHRASES, k=4)),
                    acceptance_indicators="通过第三方测评，准确率不低于95%。",
                    prize_amount=None if negotiable else Decimal(rng.randrange(20, 501) * 10_000),
                    prize_negotiable=negotiable,
                    deadline=now + timedelta(days=rng.randrange(30, 120)),
                    contact_name=person_name(),
                    contact_phone="025-8888" + f"{i:04d}"[-4:],
                    status=status,
                    published_at=now - timedelta(days=rng.randrange(1, 60))
                    if status in (ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED)
                    else None,
                )
            )
        challenges = Challenge.objects.bulk_create(challenges, batch_size=500)
        by_track: dict[int, list] = {}
        for c in challenges:
            if c.status == ChallengeStatus.PUBLISHED:
                by_track.setdefault(c.track_id, []).append(c)

        sizes = [rng.randint(2, 5) for _ in range(n_teams)]
        users = User.objects.bulk_create(
            [
                User(
                    email=f"u{i}.{tag}@bench.example.com",
                    real_name=person_name(),
                    password="!bench",
                    province="江苏",
                )
                for i in range(sum(sizes))
            ],
            batch_size=2000,
        )
        if users[0].pk is None:  # a backend that does not return ids from bulk inserts
            id_of = dict(
                User.objects.filter(email__endswith=f".{tag}@bench.example.com").values_list(
                    "email", "id"
                )
            )
            for u in users:
                u.pk = u.id = id_of[u.email]
        ids["users"] = [u.pk for u in users]

        team_tracks = rng.choices(tracks, weights=TRACK_WEIGHTS, k=n_teams)
        teams, start = [], 0
        for i, (size, track) in enumerate(zip(sizes, team_tracks, strict=True)):
            options = by_track.get(track.pk)
            teams.append(
                Team(
                    contest=contest,
                    code=f"T{i + 1:06d}",
                    name=f"{rng.choice(ORG_WORDS)}{rng.choice(TOPICS)[:4]}队{i + 1}",
                    lead_organisation=rng.choice(leads) if rng.random() < 0.8 else None,
                    track=track,
                    group=rng.choice(groups),
                    challenge=rng.choice(options) if options and rng.random() < 0.25 else None,
                    captain=users[start],
                )
            )
            start += size
        teams = Team.objects.bulk_create(teams, batch_size=2000)
        if teams[0].pk is None:
            id_of = dict(Team.objects.filter(contest=contest).values_list("code", "id"))
            for t in teams:
                t.pk = t.id = id_of[t.code]

        members, co_applicants, entries, start = [], [], [], 0
        through = Team.co_applicants.through
        for team, size in zip(teams, sizes, strict=True):
            for order in range(size):
                role = MemberRole.CAPTAIN if order == 0 else MemberRole.MEMBER
                if order == size - 1 and size >= 4 and rng.random() < 0.3:
                    role = MemberRole.ADVISOR
                members.append(
                    TeamMember(
                        team=team,
                        contest=contest,
                        user=users[start + order],
                        role=role,
                        order=order,
                    )
                )
            start += size
            if rng.random() < 0.15:
                for org in rng.sample(leads, k=rng.choice((1, 2))):
                    if org.pk != team.lead_organisation_id:
                        co_applicants.append(through(team_id=team.pk, organisation_id=org.pk))
            submitted = rng.random() < 0.7
            entries.append(
                Entry(
                    team=team,
                    stage=stage,
                    title=f"{team.name}：{rng.choice(TOPICS)}方案",
                    summary="".join(rng.choices(PHRASES, k=3)),
                    status=EntryStatus.SUBMITTED if submitted else EntryStatus.DRAFT,
                    submitted_at=now - timedelta(hours=rng.randrange(1, 500))
                    if submitted
                    else None,
                )
            )
        TeamMember.objects.bulk_create(members, batch_size=2000)
        through.objects.bulk_create(co_applicants, batch_size=2000)
        Entry.objects.bulk_create(entries, batch_size=2000)

    biggest = max(tracks, key=lambda t: sum(1 for tt in team_tracks if tt.pk == t.pk))
    ids.update(
        track=biggest.pk,
        counts={
            "teams": len(teams),
            "members": len(members),
            "co_applicants": len(co_applicants),
            "entries": len(entries),
            "challenges": len(challenges),
            "organisations": len(orgs),
        },
    )
    return ids


def analyze() -> None:
    """PostgreSQL: fresh planner statistics after the bulk load, as autovacuum would provide."""
    from django.db import connection

    from contest.models import Challenge, Entry, Organisation, Team, TeamMember, User

    tables = [m._meta.db_table for m in (Challenge, Entry, Organisation, Team, TeamMember, User)]
    tables.append(Team.co_applicants.through._meta.db_table)
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


def cleanup(ids: dict) -> None:
    """Delete the bench's rows (PostgreSQL: the database is shared), in plain SQL on the tables
    the bench filled: no ORM collector, so no dependence on other apps' tables (which may be
    mid-migration while other people work) and no per-object queries."""
    from django.contrib.sessions.models import Session
    from django.db import connection, transaction

    from contest.models import (
        Challenge,
        Contest,
        ContestRole,
        Entry,
        Group,
        Organisation,
        Stage,
        Team,
        TeamMember,
        Track,
        User,
    )

    table = {m: m._meta.db_table for m in (Challenge, Contest, ContestRole, Entry, Group, Organisation, Stage, Team, TeamMember, Track, User, Session)}  # fmt: skip
    co_applicants = Team.co_applicants.through._meta.db_table
    contest = ids.get("contest")
    user_ids = ids.get("users", []) + ([ids["organiser"]] if "organiser" in ids else [])
    with transaction.atomic(), connection.cursor() as cursor:
        for key in ids.get("sessions", []):
            cursor.execute(f'DELETE FROM "{table[Session]}" WHERE session_key = %s', [key])
        if contest:
            teams = f'SELECT id FROM "{table[Team]}" WHERE contest_id = %s'
            cursor.execute(f'DELETE FROM "{table[Entry]}" WHERE team_id IN ({teams})', [contest])
            cursor.execute(f'DELETE FROM "{co_applicants}" WHERE team_id IN ({teams})', [contest])
            for model in (TeamMember, Team, Challenge, Track, Group, Stage, ContestRole):
                cursor.execute(f'DELETE FROM "{table[model]}" WHERE contest_id = %s', [contest])
            cursor.execute(f'DELETE FROM "{table[Contest]}" WHERE id = %s', [contest])
        for model, pks in ((User, user_ids), (Organisation, ids.get("organisations", []))):
            for start in range(0, len(pks), 5000):
                chunk = pks[start : start + 5000]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f'DELETE FROM "{table[model]}" WHERE id IN ({marks})', chunk)
