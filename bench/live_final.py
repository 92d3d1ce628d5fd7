"""Benchmark: the live final's big screens — from a judge's submit to the update on every screen.

    [DATABASE_URL=postgres://…] [CHANNEL_REDIS_URL=redis://…] \\
        python bench/live_final.py [--judges 30] [--teams 60] [--viewers 200] [--in-flight 4]

Builds a roadshow final (tests/judging/live_fixtures.py: `judges` judges on the panel, `teams`
submitted entries, the stage's rubric), draws the order and starts the session, then starts its
own server as `make serve` does (gunicorn's asyncio worker on config.asgi; one worker and the
in-memory channel layer, or `--workers N` on CHANNEL_REDIS_URL's Redis) and connects `viewers`
WebSocket screens (aiohttp, all in this process). For each team in the drawn order every judge
submits a score over HTTP (POST /api/live/<id>/scores/ with the judge's token; at most
`--in-flight` submits at a time, as judges do not all press at the same instant); the organiser
then moves to the next team.

The latency of a submit is from just before its request is sent until the last of the viewers
has received a message at or after the event it made (the response carries the event's number,
every screen message starts with the number of the state it carries; changes committed together
arrive in one message); the screens read only that number, so the client is not what is
measured.
Prints progress and, last, one JSON line: submit_to_screen_p50_ms, submit_to_screen_p95_ms,
submit_to_screen_max_ms, submit_http_p95_ms, submits, messages_per_screen (how many messages each
screen received: changes committed while one is being built share the next), teams,
load_average, cpu_calibration_ms (a fixed pure-Python workload timed on one core just before the
run, `_common.cpu_calibration_ms`: the same code gives other figures on a slower machine), topology,
viewers, judges.
Target (issue 14): p95 under 300 ms.

With CELERY_BROKER_URL a Celery worker runs beside them (docker-compose's `worker`): the
stage's results recompute there, not in the web processes. As docker-compose runs it:

    CHANNEL_REDIS_URL=redis://127.0.0.1:6379/8 CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \
    DATABASE_URL=postgres://…/bench_live python bench/live_final.py --web-workers 3

Without DATABASE_URL a fresh SQLite file is used. With DATABASE_URL that database is migrated
and the bench's rows stay in it: give it an empty database of its own (the factories' codes start
again at 0 in every run).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import (  # bench/ is on sys.path when a script runs
    configure,
    cpu_calibration_ms,
    percentile,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SEQ = re.compile(rb'^\{"type": "(?:event|snapshot)", "seq": (\d+)')


class Screens:
    """`viewers` WebSockets; for every event number, when the last screen had it. A message
    carries the state at its number, so a screen has every event up to that number (changes
    committed together arrive in one message)."""

    def __init__(self, count: int):
        self.count = count
        self.arrivals: dict[int, int] = {}  # seq -> screens that have it
        self.complete: dict[int, float] = {}  # seq -> when the last screen got it
        self.waiters: dict[int, asyncio.Event] = {}
        self.sockets = []
        self.messages = 0  # received, all screens together

    def _seen(self, before: int, seq: int, at: float) -> None:
        for n in range(before + 1, seq + 1):
            count = self.arrivals.get(n, 0) + 1
            self.arrivals[n] = count
            if count == self.count:
                self.complete[n] = at
                self.waiters.setdefault(n, asyncio.Event()).set()

    async def _read(self, ws, last: int) -> None:
        import aiohttp

        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            at = time.perf_counter()
            self.messages += 1
            found = SEQ.match(message.data.encode()[:48])
            if found and int(found.group(1)) > last:
                seq = int(found.group(1))
                self._seen(last, seq, at)
                last = seq

    async def connect(self, client, url: str) -> None:
        async def one():
            ws = await client.ws_connect(url, heartbeat=None, max_msg_size=0)
            first = json.loads((await ws.receive()).data)
            assert first["type"] == "snapshot"
            self.sockets.append(ws)
            asyncio.ensure_future(self._read(ws, first["seq"]))

        for start in range(0, self.count, 20):  # 20 at a time, like screens coming up
            await asyncio.gather(*(one() for _ in range(min(20, self.count - start))))

    async def wait(self, seq: int, timeout: float = 60) -> float:
        event = self.waiters.setdefault(seq, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)
        return self.complete[seq]


async def drive(server, web, session_id, tokens, entries_order, args):
    import aiohttp

    from tests.judging.live_fixtures import scores_for

    latencies, http_times = [], []
    timeout = aiohttp.ClientTimeout(total=120)
    # no pool limit: each screen holds its connection (aiohttp allows 100 by default)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as client:
        screens = Screens(args.viewers)
        ws_url = server.url.replace("http", "ws") + f"/ws/live/{session_id}/"
        started = time.perf_counter()
        await screens.connect(client, ws_url)
        print(
            f"{args.viewers} screens connected in {time.perf_counter() - started:.1f} s", flush=True
        )
        gate = asyncio.Semaphore(args.in_flight)

        async def submit(token: str, entry: int, tenths: int) -> None:
            async with gate:
                sent = time.perf_counter()
                async with client.post(
                    f"{web.url}/api/live/{session_id}/scores/",
                    json={"entry": entry, "scores": scores_for(tenths)},
                    headers={"Authorization": f"Token {token}"},
                ) as answer:
                    body = await answer.json()
                    assert answer.status == 200, body
                http_times.append((time.perf_counter() - sent) * 1000)
            done = await screens.wait(body["seq"])
            latencies.append((done - sent) * 1000)

        organiser = tokens["organiser"]
        for number, entry in enumerate(entries_order, start=1):
            await asyncio.gather(
                *(
                    submit(token, entry, 50 + 5 * ((number + j) % 10))
                    for j, token in enumerate(tokens["judges"])
                )
            )
            async with client.post(
                f"{web.url}/api/live/{session_id}/next/",
                headers={"Authorization": f"Token {organiser}"},
            ) as answer:
                assert answer.status == 200, await answer.text()
            if number % 10 == 0:
                print(
                    f"team {number}/{len(entries_order)}: p95 so far "
                    f"{percentile(latencies, 0.95):.0f} ms",
                    flush=True,
                )
        for ws in screens.sockets:
            await ws.close()
    return latencies, http_times, screens.messages / max(1, args.viewers)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judges", type=int, default=30)
    parser.add_argument("--teams", type=int, default=60)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--in-flight", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--web-workers",
        type=int,
        default=0,
        help="serve HTTP on this many sync WSGI workers and only the WebSockets on the ASGI "
        "ones, as docker-compose's web and live services do (needs CHANNEL_REDIS_URL)",
    )
    args = parser.parse_args()

    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    backend, folder = configure("live-final")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from judging.models import LiveSlot
    from judging.services.live import live_order_draw, live_session_create, live_session_start
    from tests.judging.live_fixtures import live_world_build
    from tests.live_server_fixtures import LiveServer, server_env, token_for

    redis_url = os.environ.get("CHANNEL_REDIS_URL", "")
    if (args.workers > 1 or args.web_workers) and not redis_url:
        sys.exit(
            "--workers > 1 and --web-workers need CHANNEL_REDIS_URL (the in-memory layer is per "
            "process)"
        )
    print(
        f"database: {backend}; channel layer: {'redis' if redis_url else 'in-memory'}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    world = live_world_build(judges=args.judges, teams=args.teams)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    live_order_draw(actor=world.organiser, session=session)
    live_session_start(actor=world.organiser, session=session)
    order = list(
        LiveSlot.objects.filter(session=session)
        .order_by("position")
        .values_list("entry_id", flat=True)
    )
    tokens = {
        "organiser": token_for(world.organiser),
        "judges": [token_for(j) for j in world.judges],
    }
    print(
        f"built {args.judges} judges, {args.teams} teams in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    if backend == "postgresql":
        db = connection.settings_dict
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        database = {
            "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        }
    else:
        database = {"SQLITE_PATH": os.environ["SQLITE_PATH"]}
    connection.close()
    tmp = Path(tempfile.mkdtemp(prefix="saiwu-bench-live-"))
    env = server_env(tmp, database, redis_url, debug=False)
    broker = os.environ.get("CELERY_BROKER_URL", "")
    worker = None
    if broker:  # as docker-compose's `worker`: recomputes leave the web processes
        env["CELERY_BROKER_URL"] = broker
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning"]
            + ["--concurrency", "1", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
    server = LiveServer(tmp, env, workers=args.workers)
    web = LiveServer(tmp, env, workers=args.web_workers, wsgi=True) if args.web_workers else server
    try:
        server.wait_ready()
        web.wait_ready()
        load_before = os.getloadavg()[0]
        calibration = cpu_calibration_ms()
        latencies, http_times, messages = asyncio.run(
            drive(server, web, session.pk, tokens, order, args)
        )
    finally:
        server.stop()
        if web is not server:
            web.stop()
        if worker is not None:
            worker.terminate()  # warm shutdown: the running recompute finishes
            try:
                worker.wait(60)
            except subprocess.TimeoutExpired:  # a countdown task held it: the run is measured
                worker.kill()
                worker.wait()
        shutil.rmtree(tmp, ignore_errors=True)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
    result = {
        "submit_to_screen_p50_ms": round(percentile(latencies, 0.50), 1),
        "submit_to_screen_p95_ms": round(percentile(latencies, 0.95), 1),
        "submit_to_screen_max_ms": round(max(latencies), 1),
        "submit_http_p95_ms": round(percentile(http_times, 0.95), 1),
        "submits": len(latencies),
        "messages_per_screen": round(messages),
        "teams": args.teams,
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "cpu_calibration_ms": calibration,
        "topology": (
            f"{args.web_workers} wsgi + {args.workers} asgi, redis"
            if args.web_workers
            else f"{args.workers} asgi, {'redis' if redis_url else 'in-memory'}"
        )
        + (", celery worker" if broker else ""),
        "viewers": args.viewers,
        "judges": args.judges,
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
