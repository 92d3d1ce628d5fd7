"""Benchmark: the challenge list and the team list at national scale (数据要素× 2025).

    python bench/api_lists.py [--scale F] [--requests N] [--seed N]

Builds, with bulk_create, one contest with the 14 tracks of 数据要素× 2025, 500 × F challenges
from 40 × F publishers, 20,000 × F teams of 2–5 members (one team per person) with a lead
organisation, some co-applicants and one entry each. Then, through django.test.Client and the
whole middleware stack, times N requests per row of the table (pages spread evenly over
1..last page, page sizes 20 and 100) and counts their queries:

- ``GET /api/challenges/?contest=..`` anonymously, cycling through plain, search, prize and track
  filters;
- ``GET /api/teams/?contest=..`` as the contest's organiser (force_login: sees every team);
- the floor: a bare view in this script, mounted through a urlconf override and called by the
  same logged-in client, that returns the same team rows with one ``.values()`` query and
  JsonResponse. The gap to it is what DRF, pagination's COUNT and the serializers cost.

Database: without DATABASE_URL, a fresh SQLite file in a temporary folder (migrated here, removed
at the end). With DATABASE_URL, that database as is: it is migrated (a warning says so), the
bench's rows are added under their own contest and deleted at the end, and ANALYZE runs after the
load as autovacuum would. Settings run with DJANGO_DEBUG=0 unless the environment says otherwise.

Prints progress, a table, the median time of each query of the page-1 requests, and as the last
line one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import secrets
import shutil
import statistics
import sys
import time
import types
import warnings
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from _common import configure, percentile  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
    from contest.validators import USCC_CHARSET, uscc_check_character

    n_teams = max(1, round(20_000 * scale))
    n_challenges = max(1, round(500 * scale))
    n_publishers = max(3, round(40 * scale))
    n_leads = max(10, round(3_000 * scale))
    now = timezone.now()
    uscc_base = (int(tag, 16) % 2_000_000_000) * 10_000  # per run; below 31**9

    def make_uscc(n: int) -> str:
        """A valid 统一社会信用代码 (enterprise, region 320100) numbered n."""
        body = ""
        for _ in range(9):
            body = USCC_CHARSET[n % 31] + body
            n //= 31
        first17 = "91320100" + body
        return first17 + uscc_check_character(first17)

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


def floor_view(request):
    """The floor: the same team rows, one query, no DRF, no COUNT, no members."""
    from django.http import JsonResponse

    from contest.models import Team

    size = int(request.GET.get("page_size", 20))
    offset = (int(request.GET.get("page", 1)) - 1) * size
    rows = list(
        Team.objects.filter(contest_id=int(request.GET["contest"]))
        # The API's order within a contest, by the (contest_id, code) index. Not "contest", which
        # follows Contest.Meta.ordering into a join and a sort of every row (see the report).
        .order_by("contest_id", "code")
        .values(
            "id",
            "code",
            "name",
            "lead_organisation_id",
            "track_id",
            "group_id",
            "challenge_id",
            "captain_id",
            "roster_locked",
            "created_at",
        )[offset : offset + size]
    )
    return JsonResponse({"results": rows})


def bench_urlconf():
    """config.urls with the floor view mounted in front of the SPA catch-all."""
    from django.urls import path

    import config.urls

    module = types.ModuleType("bench_api_lists_urls")
    module.urlpatterns = [path("bench/floor/", floor_view)] + list(config.urls.urlpatterns)
    sys.modules[module.__name__] = module
    return module.__name__


class QueryTimer:
    """An execute_wrapper that times each query (CaptureQueriesContext keeps only whole ms)."""

    def __init__(self) -> None:
        self.log: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.log.append(((time.perf_counter() - started) * 1000, sql))


def variant_of(url: str) -> str:
    """The URL without its page and page size: query counts are compared per variant."""
    path, _, query = url.partition("?")
    keep = [p for p in query.split("&") if not p.startswith(("page=", "page_size="))]
    return path + "?" + "&".join(keep)


def run_requests(client, urls: list[str]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    gc.collect()  # each series starts from the same heap, not with the previous one's garbage
    for url in urls[:3]:  # warm-up: URL resolver, serializer and permission set-up, DB caches
        client.get(url)
    times, counts, per_query = [], {}, []
    for url in urls:
        timer = QueryTimer()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}: {response.content[:300]!r}")
        times.append(elapsed)
        counts.setdefault(variant_of(url), set()).add(len(ctx.captured_queries))
        per_query.append(timer.log)
    sql = [sum(ms for ms, _ in log) for log in per_query]
    return {
        "median": statistics.median(times),
        "p95": percentile(times, 0.95),
        "sql_median": statistics.median(sql),
        "sql_p95": percentile(sql, 0.95),
        "queries": sorted(set().union(*counts.values())),
        "by_variant": counts,
        "per_query": per_query,
        "urls": urls,
    }


def spread_pages(count: int, size: int, n: int) -> list[int]:
    """n page numbers spread evenly over 1..last page."""
    last = max(1, math.ceil(count / size))
    return [1 + (i * (last - 1)) // max(1, n - 1) for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=50, help="requests per table row")
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    backend, folder = configure("api-lists")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings

    from contest.models import User

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    where = settings.DATABASES["default"]["NAME"]
    print(
        f"database: {backend} {where}  (DEBUG={settings.DEBUG}); "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    started = time.perf_counter()
    if backend == "postgresql":
        # A shared database: migrate only what the bench touches (contest, sessions and their
        # dependencies), not apps whose migrations may be mid-edit by someone else.
        print(
            f"WARNING: migrating contest and sessions in {where} and adding rows there; "
            "the rows are deleted at the end",
            flush=True,
        )
        call_command("migrate", "contest", verbosity=0)
        call_command("migrate", "sessions", verbosity=0)
    else:
        call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)

    rng = random.Random(args.seed)
    tag = secrets.token_hex(4)  # unique per run: emails, codes and USCCs never collide
    ids: dict = {}
    try:
        started = time.perf_counter()
        ids = build(args.scale, rng, tag)
        build_seconds = time.perf_counter() - started
        counts = ids["counts"]
        print(
            f"built in {build_seconds:.1f} s: {counts['teams']:,} teams, {counts['members']:,} "
            f"members, {counts['entries']:,} entries, {counts['co_applicants']:,} co-applicants, "
            f"{counts['challenges']:,} challenges, {counts['organisations']:,} organisations",
            flush=True,
        )
        if backend == "postgresql":
            analyze()
            print("ANALYZE done", flush=True)

        contest, n = ids["contest"], args.requests
        public = Client()
        organiser = Client()
        organiser.force_login(User.objects.get(pk=ids["organiser"]))
        ids["sessions"] = [organiser.session.session_key]

        rows: dict[tuple[str, int], dict] = {}
        with override_settings(ROOT_URLCONF=bench_urlconf()):
            for size in (20, 100):
                # Challenges: cycle through the filter variants, each over its own page range.
                variant_urls = []
                for variant in CHALLENGE_VARIANTS:
                    query = {"contest": contest, "page_size": size, **variant}
                    if "track" in query:
                        query["track"] = ids["track"]
                    qs = "&".join(f"{k}={v}" for k, v in query.items())
                    total = public.get(f"/api/challenges/?{qs}").json()["count"]
                    pages = spread_pages(total, size, math.ceil(n / len(CHALLENGE_VARIANTS)))
                    variant_urls.append([f"/api/challenges/?{qs}&page={p}" for p in pages])
                urls = [
                    variant_urls[i % len(variant_urls)][i // len(variant_urls)] for i in range(n)
                ]
                rows["challenges", size] = run_requests(public, urls)
                print(f"  challenges page_size={size}: done", flush=True)

                teams = counts["teams"]
                base = f"contest={contest}&page_size={size}"
                pages = spread_pages(teams, size, n)
                rows["teams", size] = run_requests(
                    organiser, [f"/api/teams/?{base}&page={p}" for p in pages]
                )
                print(f"  teams page_size={size}: done", flush=True)
                rows["floor", size] = run_requests(
                    organiser, [f"/bench/floor/?{base}&page={p}" for p in pages]
                )
                print(f"  floor page_size={size}: done", flush=True)
        organiser.logout()
    finally:
        if backend == "postgresql" and ids:
            started = time.perf_counter()
            cleanup(ids)
            print(f"deleted the bench's rows in {time.perf_counter() - started:.1f} s", flush=True)
        connection.close()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    labels = {
        "challenges": "GET /api/challenges/ (anonymous, filters)",
        "teams": "GET /api/teams/ (organiser)",
        "floor": "floor: .values() + JsonResponse",
    }
    print()
    print(
        f"{'endpoint':44} {'size':>4} {'median ms':>10} {'p95 ms':>8} "
        f"{'SQL median':>11} {'SQL p95':>8} {'queries':>8}"
    )
    for (name, size), row in rows.items():
        queries = "/".join(map(str, row["queries"]))
        print(
            f"{labels[name]:44} {size:>4} {row['median']:>10.1f} {row['p95']:>8.1f} "
            f"{row['sql_median']:>11.1f} {row['sql_p95']:>8.1f} {queries:>8}"
        )
    print()
    print("each query: median / max ms over the requests (challenges: the unfiltered variant)")
    for name in ("challenges", "teams"):
        for size in (20, 100):
            row = rows[name, size]
            first = variant_of(row["urls"][0])
            logs = [
                log
                for url, log in zip(row["urls"], row["per_query"], strict=True)
                if variant_of(url) == first
            ]
            for position in range(len(logs[0])):
                times = [log[position][0] for log in logs]
                sql = " ".join(logs[0][position][1].split())[:80]
                print(
                    f"  {name:10} {size:>3} #{position + 1} {statistics.median(times):7.2f} "
                    f"{max(times):7.2f}  {sql}"
                )
    # Per filter variant, one query count for every page and the same at both page sizes.
    independent = all(
        all(len(c) == 1 for c in rows[name, 20]["by_variant"].values())
        and rows[name, 20]["by_variant"] == rows[name, 100]["by_variant"]
        for name in ("challenges", "teams", "floor")
    )
    print(f"query counts independent of page and page size: {independent}")
    result = {
        "challenge_list_p95_ms": round(rows["challenges", 20]["p95"], 1),
        "team_list_p95_ms": round(rows["teams", 20]["p95"], 1),
        "floor_p95_ms": round(rows["floor", 20]["p95"], 1),
        "challenge_list_queries": max(rows["challenges", 20]["queries"]),
        "team_list_queries": max(rows["teams", 20]["queries"]),
        "challenge_list_p95_ms_100": round(rows["challenges", 100]["p95"], 1),
        "team_list_p95_ms_100": round(rows["teams", 100]["p95"], 1),
        "floor_p95_ms_100": round(rows["floor", 100]["p95"], 1),
        "challenge_list_queries_100": max(rows["challenges", 100]["queries"]),
        "team_list_queries_100": max(rows["teams", 100]["queries"]),
        "challenge_list_median_ms": round(rows["challenges", 20]["median"], 1),
        "team_list_median_ms": round(rows["teams", 20]["median"], 1),
        "floor_median_ms": round(rows["floor", 20]["median"], 1),
        "queries_independent_of_page_size": independent,
        "backend": backend,
        "scale": args.scale,
        "requests": n,
        "build_seconds": round(build_seconds, 1),
        "loadavg_1m": round(os.getloadavg()[0], 1),  # other work on the machine inflates times
        **ids["counts"],
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
