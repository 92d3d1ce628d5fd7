"""Benchmark: public reads under a spike (a 公示 published, QR codes scanned at a ceremony).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test python bench/public_reads.py \
        [--scale F] [--duration S] [--connections N] [--no-uncached] [--keep]

Builds a dedicated PostgreSQL database next to DATABASE_URL's (`saiwu_bench_public_reads`,
dropped and created again; the database named in DATABASE_URL is not touched) and a dedicated
Redis database (CACHE_URL, default redis://127.0.0.1:6379/14, flushed), then at national scale:
the challenge list of one contest (500 × F challenges, 20,000 × F teams, from bench/_list_data.py)
and, from bench/_public_data.py, 34 more contests (a national final, 31 provinces, two industry
sub-contests), a published notice of 300 × F awards, a published ranking of 1,200 × F entries and
a signed certificate for each award.

Then it starts gunicorn (debug off, 4 sync workers, the production settings with the cache on
Redis) and loads it with wrk (Debian's `wrk`), 50 connections, for each endpoint:

- ``challenge_list``: ``GET /api/challenges/?contest=..&page=P&page_size=20`` over 10 pages and
  the 14 track filters (24 URLs);
- ``contest_list``: ``GET /api/contests/?page_size=100``, as the SPA asks;
- ``notice``: ``GET /api/notices/<id>/``, the published notice with its list;
- ``ranking``: ``GET /api/stages/<id>/snapshots/``, the published ranking;
- ``verify``: ``GET /api/certificates/verify/<serial>/`` over every serial, each request from
  another client address (X-Forwarded-For behind one proxy, as nginx sends it) so that the
  verification throttle (60/min per address) counts every request without refusing the bench;
- ``not_modified``: the first challenge list page with the ETag it was served with (304);
- ``floor``: a bare view (``JsonResponse``, no query) through the same middleware stack;
- ``healthz``: ``/healthz`` (one ``SELECT 1``), the issue's "bare health check".

Each endpoint is warmed for 2 s, then measured for `--duration` s; every answer must be 2xx/304
(wrk's non-2xx count is printed and fails the run). Unless --no-uncached, the same endpoints run
again with the public cache off (`PUBLIC_CACHE = False`: the views answer every request). Before
the load, an in-process micro-benchmark (django.test.Client, no network) gives the median time of
a cache hit, a miss and the floor, to show where the time goes.

Prints progress, a table, the load average before and after, and as the last line one JSON object
with challenge_list_rps, verify_rps, notice_rps, floor_rps, contest_list_rps, ranking_rps,
not_modified_rps, healthz_rps (and the *_uncached_rps figures).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import types
import warnings
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

BENCH_DB = "saiwu_bench_public_reads"
DEFAULT_CACHE_URL = "redis://127.0.0.1:6379/14"
WORKERS = 4


# --------------------------------------------------------------------------------------------
# The server side: gunicorn loads `public_reads:wsgi_app()` with bench/ on its path.


def floor_view(request):
    """The floor: a bare view, no query, through the whole middleware stack."""
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})


def wsgi_app():
    """gunicorn's application: config.wsgi with the floor view mounted in front of the SPA's
    catch-all, and the public cache on or off as BENCH_PUBLIC_CACHE says."""
    from django.core.wsgi import get_wsgi_application

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    application = get_wsgi_application()
    from django.conf import settings
    from django.urls import path

    import config.urls

    module = types.ModuleType("bench_public_reads_urls")
    module.urlpatterns = [path("bench/floor/", floor_view)] + list(config.urls.urlpatterns)
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    settings.PUBLIC_CACHE = os.environ.get("BENCH_PUBLIC_CACHE", "1") == "1"
    return application


# --------------------------------------------------------------------------------------------
# Load


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LUA = """
local paths = {%(paths)s}
local etag = %(etag)s
local n = 0
math.randomseed(%(seed)d)
request = function()
  n = n + 1
  local headers = {}
  headers["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255)
    .. "." .. math.random(1, 254)
  if etag ~= "" then headers["If-None-Match"] = etag end
  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
end
"""


def wrk(base: str, paths: list[str], seconds: float, connections: int, etag: str = "") -> dict:
    script = Path(tempfile.mkstemp(prefix="saiwu-wrk-", suffix=".lua")[1])
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write_text(LUA % {"paths": quoted, "etag": json.dumps(etag), "seed": os.getpid()})
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{round(seconds)}s",
                "--timeout",
                "20s",  # a slow uncached answer is counted, not dropped at wrk's 2 s
                "--latency",
                "-s",
                str(script),
                base,
            ],  # fmt: skip
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(f"wrk failed ({out.returncode}): {out.stderr or out.stdout}")
        out = out.stdout
    finally:
        script.unlink()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return {
        "rps": rps,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
        "p50": p50.group(1) if p50 else "?",
        "p99": p99.group(1) if p99 else "?",
    }


def server_start(env: dict, port: int, cached: bool) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "public_reads:wsgi_app()",
        "--pythonpath", f"{HERE},{ROOT}",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS),
        "--timeout", "60",
        "--log-level", "warning",
        "--preload",  # Django is set up once, before the fork: every worker is ready at once
        "--no-control-socket",  # other gunicorns on this machine own the default socket
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        env={**env, "BENCH_PUBLIC_CACHE": "1" if cached else "0"},
        cwd=str(ROOT),
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            if fetch(f"http://127.0.0.1:{port}", "/bench/floor/")[0] == 200:
                return process
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 120 s")


def server_stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def fetch(base: str, path: str, headers: dict | None = None):
    import urllib.request

    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def drain(base: str) -> None:
    """Wait until the workers have worked off the requests wrk left queued when it stopped (a
    sync worker still answers each, to a closed socket): the next run starts on idle workers."""
    deadline = time.time() + 180
    while time.time() < deadline:
        started = time.perf_counter()
        fetch(base, "/bench/floor/")
        if time.perf_counter() - started < 0.5:
            return


def load_all(base: str, targets: dict, args, label: str) -> dict:
    results = {}
    for name, (paths, etag) in targets.items():
        wrk(base, paths, 2, args.connections, etag)  # warm-up: connections, caches, entries
        drain(base)
        found = wrk(base, paths, args.duration, args.connections, etag)
        drain(base)
        if found["non_2xx"]:
            raise SystemExit(f"{label} {name}: {found['non_2xx']} answers were not 2xx/3xx")
        results[name] = found
        print(
            f"  {label:9} {name:15} {found['rps']:9.0f} req/s   p50 {found['p50']:>8}   "
            f"p99 {found['p99']:>8}  {found['socket_errors']}",
            flush=True,
        )
    return results


# --------------------------------------------------------------------------------------------
# Where the time goes, in process


def micro(targets: dict, n: int = 300) -> dict:
    """Median µs per request through django.test.Client (no network, no gunicorn): the floor,
    a cache hit and the uncached view, to show what the cache saves and what is left."""
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_FOR="10.0.0.1")
    out = {}

    def median_us(path: str, **headers) -> float:
        times = []
        for i in range(n):
            headers["HTTP_X_FORWARDED_FOR"] = f"10.1.{i // 250}.{i % 250 + 1}"
            started = time.perf_counter()
            response = client.get(path, **headers)
            times.append((time.perf_counter() - started) * 1e6)
            if response.status_code not in (200, 304):
                raise SystemExit(f"{path}: HTTP {response.status_code}")
        return statistics.median(times)

    out["floor"] = median_us("/bench/floor/")
    for name in ("challenge_list", "notice", "verify"):
        path = targets[name][0][0]
        settings.PUBLIC_CACHE = True
        client.get(path)
        out[f"{name}_hit"] = median_us(path)
        settings.PUBLIC_CACHE = False
        out[f"{name}_view"] = median_us(path)
    settings.PUBLIC_CACHE = True
    return out


# --------------------------------------------------------------------------------------------


def bench_database_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}")), admin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-uncached", action="store_true", help="skip the cache-off run")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    source = os.environ.get("DATABASE_URL", "")
    if not source.startswith("postgres"):
        raise SystemExit("set DATABASE_URL to a PostgreSQL server (a dedicated database is made)")
    database_url, admin_url = bench_database_url(source)
    cache_url = os.environ.get("BENCH_CACHE_URL", DEFAULT_CACHE_URL)

    import psycopg
    import redis

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    redis.Redis.from_url(cache_url).flushdb()

    from _common import configure

    os.environ["DATABASE_URL"] = database_url
    os.environ["CACHE_URL"] = cache_url
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # plain HTTP on the loopback, no proxy in front
    os.environ["DJANGO_NUM_PROXIES"] = "1"  # the client address comes from X-Forwarded-For
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    if not os.environ.get("CERTIFICATE_SIGNING_KEY"):
        from awards.certificates.signing import generate_signing_key_b64

        os.environ["CERTIFICATE_SIGNING_KEY"] = generate_signing_key_b64()
    configure("public-reads")
    warnings.filterwarnings("ignore", message="No directory at")  # whitenoise: no collectstatic
    import django

    django.setup()
    import django.db
    import django.urls
    from _list_data import analyze, build
    from _public_data import build_public
    from django.conf import settings
    from django.core.management import call_command

    load_before = os.getloadavg()
    print(
        f"database: postgresql {BENCH_DB} (DEBUG={settings.DEBUG}), cache {cache_url}; "
        f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} "
        f"on {os.cpu_count()} CPUs",
        flush=True,
    )
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate: {time.perf_counter() - started:.1f} s", flush=True)
    rng = random.Random(args.seed)
    tag = secrets.token_hex(4)
    started = time.perf_counter()
    ids = build(args.scale, rng, tag)
    ids = build_public(ids, args.scale, rng, tag)
    analyze()
    with django.db.connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"build: {time.perf_counter() - started:.1f} s  {ids['counts']}", flush=True)

    contest = ids["contest"]
    from contest.models import Track

    track_ids = list(Track.objects.filter(contest_id=contest).values_list("pk", flat=True))
    from contest.selectors import challenges_visible

    visible = challenges_visible(user=None).filter(contest_id=contest).count()
    pages = range(1, min(10, -(-visible // 20)) + 1)
    challenge_paths = [
        f"/api/challenges/?contest={contest}&page={p}&page_size=20" for p in pages
    ] + [f"/api/challenges/?contest={contest}&track={t}&page_size=20" for t in track_ids]
    targets = {
        "challenge_list": (challenge_paths, ""),
        "contest_list": (["/api/contests/?page_size=100"], ""),
        "notice": ([f"/api/notices/{ids['notice']}/"], ""),
        "ranking": ([f"/api/stages/{ids['stage']}/snapshots/"], ""),
        "verify": ([f"/api/certificates/verify/{s}/" for s in ids["serials"]], ""),
        "floor": (["/bench/floor/"], ""),
        "healthz": (["/healthz"], ""),
    }

    # In process: where the time goes.
    import config.urls

    module = types.ModuleType("bench_public_reads_urls")
    module.urlpatterns = [django.urls.path("bench/floor/", floor_view)] + list(
        config.urls.urlpatterns
    )
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__
    django.urls.clear_url_caches()
    us = micro(targets)
    print("in process, median µs per request (django.test.Client, no network):", flush=True)
    for name, value in us.items():
        print(f"  {name:22} {value:8.0f}", flush=True)

    env = {**os.environ, "PYTHONPATH": f"{HERE}:{ROOT}"}
    results: dict[str, dict] = {}
    for cached in (True, False) if not args.no_uncached else (True,):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        label = "cached" if cached else "uncached"
        process = server_start(env, port, cached)
        try:
            run_targets = dict(targets)
            if cached:
                status, headers, _ = fetch(base, challenge_paths[0])
                etag = headers.get("ETag", "")
                if status != 200 or not etag:
                    raise SystemExit(f"no ETag on {challenge_paths[0]} (HTTP {status})")
                status, _, body = fetch(base, challenge_paths[0], {"If-None-Match": etag})
                if status != 304 or body:
                    raise SystemExit(f"If-None-Match answered {status} with {len(body)} bytes")
                run_targets["not_modified"] = ([challenge_paths[0]], etag)
            else:  # the cheapest first
                order = ("verify", "contest_list", "challenge_list", "ranking", "notice")
                run_targets = {k: targets[k] for k in order}
            print(f"gunicorn {WORKERS} workers, wrk 2 threads, {args.connections} connections, "
                  f"{args.duration:.0f} s per endpoint, public cache {'on' if cached else 'off'}:",
                  flush=True)  # fmt: skip
            results[label] = load_all(base, run_targets, args, label)
        finally:
            server_stop(process)

    load_after = os.getloadavg()
    print(
        f"load average after: {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} "
        "(other work on this machine shares its CPUs: the lead remeasures on a quiet machine)",
        flush=True,
    )
    if not args.keep:
        django.db.connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        redis.Redis.from_url(cache_url).flushdb()

    summary = {f"{k}_rps": round(v["rps"]) for k, v in results["cached"].items()}
    for name, found in results.get("uncached", {}).items():
        summary[f"{name}_uncached_rps"] = round(found["rps"])
    floor = summary["floor_rps"]
    summary["min_cached_to_floor"] = round(
        min(summary[f"{k}_rps"] for k in ("challenge_list", "verify", "notice")) / floor, 2
    )
    summary.update(
        {f"{k}_us": round(v) for k, v in us.items()},
        workers=WORKERS,
        connections=args.connections,
        load_before=round(load_before[0], 2),
        load_after=round(load_after[0], 2),
        cpus=os.cpu_count(),
        scale=args.scale,
    )
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
