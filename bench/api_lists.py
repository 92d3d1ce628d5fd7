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
from pathlib import Path

from _common import configure, percentile  # bench/ is on sys.path when a script runs
from _list_data import CHALLENGE_VARIANTS, analyze, build, cleanup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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
        # A shared database: migrate only what the bench touches (contest, sessions, and axes,
        # which records the organiser's login, with their dependencies), not apps whose
        # migrations may be mid-edit by someone else.
        print(
            f"WARNING: migrating contest, sessions and axes in {where} and adding rows there; "
            "the rows are deleted at the end",
            flush=True,
        )
        call_command("migrate", "contest", verbosity=0)
        call_command("migrate", "sessions", verbosity=0)
        call_command("migrate", "axes", verbosity=0)
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
