"""Benchmark: judges submitting at the deadline while the stage's results stay fresh.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… \
        python bench/scoring_load.py [--scale F] [--seconds S] [--rate R] [--settings national|plain]

Builds the national online-review stage of bench/results.py (22,000 × F entries, 1,500 × F
judges, 66,000 × F submitted reviews × 6 criteria), puts every judge on their track's panel with
the declaration signed, opens the review window and gives each judge one more assignment (an
entry of their track they have not reviewed, none of a team they conflict with). Then it starts
its own gunicorn (3 sync workers) and Celery worker (prefork, 2 processes, on a queue of its
own) and drives the judges' submits through the API — POST /api/judge/assignments/<id>/submit/
with the judge's token, all six scores — at a steady R per second (20) for S seconds (60), each
judge at most once, from a pool of client threads. A monitor polls the stage's `ResultState`.

--settings national: the stage ranks per track with the tie-break chain of bench/results.py
(criterion "innovation", then first places), which reads every review: each recompute is a full
one. plain: the mean with no tie-break, where a recompute updates only the changed entries.

Prints progress lines and, last, one JSON line:
- submit_p95_ms: 95th percentile of the submit requests' latency (send to full response);
- submits_per_s: submits answered 200 per second of the run;
- max_staleness_s: the longest time from a submit's response until a recompute that includes
  it (started after it) had finished — how far what organisers see lagged the last submit;
- recomputes: how many recomputes ran during the run and its drain; entries, reviews (built).
Targets (issue 16): p95 < 150 ms, staleness < 10 s, recomputes < submits / 10.

Without CELERY_BROKER_URL the recompute runs in the web process after each response (the
embedded default). Without DATABASE_URL a SQLite file is used (slow; for a quick look only).
The bench's rows are deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _common import configure, percentile  # bench/ is on sys.path when a script runs

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

PORT = 8000 + os.getpid() % 1000
WORKERS = 3
CLIENT_THREADS = 24


def prepare(built: dict, rng: random.Random, ids: dict, plain: bool, needed: int) -> list[tuple]:
    """Panels, the review window, open assignments (one per judge, more at a small scale so
    that `needed` submits exist) and a token per judge; returns (assignment id, token, scores)
    per open assignment, shuffled."""
    from django.db import transaction
    from django.utils import timezone
    from knox.models import AuthToken

    from contest.models import Organisation
    from judging.enums import AssignmentSource, PanelStatus
    from judging.models import (
        Assignment,
        Conflict,
        JudgeProfile,
        PanelMembership,
        ResultSettings,
    )
    from judging.services.recompute import results_recompute_run

    stage = built["stage"]
    now = timezone.now()
    with transaction.atomic():
        stage.review_opens_at = now - datetime.timedelta(days=1)
        stage.review_closes_at = now + datetime.timedelta(days=1)
        stage.save(update_fields=["review_opens_at", "review_closes_at"])
        if plain:
            ResultSettings.objects.filter(stage=stage).update(tie_break=[])
        assigned = set(Assignment.objects.filter(stage=stage).values_list("entry_id", "judge_id"))
        track_of_judge = dict(
            Assignment.objects.filter(stage=stage)
            .order_by()
            .values_list("judge_id", "entry__team__track_id")
            .distinct()
        )
        entries_of_track: dict[int, list[tuple[int, int]]] = {}
        for entry_id, team_id, track_id in stage.entries.values_list(
            "pk", "team_id", "team__track_id"
        ):
            entries_of_track.setdefault(track_id, []).append((entry_id, team_id))
        lead_orgs = set(
            Organisation.objects.filter(led_teams__contest_id=stage.contest_id)
            .values_list("pk", flat=True)
            .distinct()
        )
        # judges whose organisation leads a team are recused somewhere: leave them out
        clean = set(
            JudgeProfile.objects.filter(user_id__in=list(track_of_judge))
            .exclude(organisation_id__in=lead_orgs)
            .values_list("user_id", flat=True)
        )
        conflicts = set(
            Conflict.objects.filter(contest=stage.contest).values_list("judge_id", "team_id")
        )
        judges = sorted(track_of_judge)
        PanelMembership.objects.bulk_create(
            [
                PanelMembership(
                    stage=stage,
                    judge_id=j,
                    status=PanelStatus.ACCEPTED,
                    declaration_accepted_at=now,
                    declaration_text="本人承诺 / I declare",
                )
                for j in judges
            ],
            batch_size=5000,
        )
        new = []
        per_judge = max(1, -(-needed // max(len(clean), 1)))
        for judge_id in [j for j in judges if j in clean] * per_judge:
            for _ in range(20):
                entry_id, team_id = rng.choice(entries_of_track[track_of_judge[judge_id]])
                if (entry_id, judge_id) not in assigned and (judge_id, team_id) not in conflicts:
                    assigned.add((entry_id, judge_id))
                    new.append(
                        Assignment(
                            stage=stage,
                            entry_id=entry_id,
                            judge_id=judge_id,
                            source=AssignmentSource.MANUAL,
                            anonymous_code=f"L{len(new):06d}",
                        )
                    )
                    break
        new = Assignment.objects.bulk_create(new, batch_size=5000)
    from contest.models import User

    users = User.objects.in_bulk([a.judge_id for a in new])
    work, tokens = [], {}
    for a in new:
        if a.judge_id not in tokens:
            tokens[a.judge_id] = AuthToken.objects.create(users[a.judge_id])[1]
        token = tokens[a.judge_id]
        scores = {
            key: str(min(10.0, max(0.0, round(rng.gauss(6.5, 1.5) * 2) / 2)))
            for key in ("innovation", "value", "data", "feasibility", "team", "scale")
        }
        work.append((a.pk, token, scores))
    # the stored results the run starts from: one full recompute, as after the review window
    results_recompute_run(stage_id=stage.pk, force_full=True)
    rng.shuffle(work)
    return work


def cleanup_extra(ids: dict) -> None:
    from django.db import connection, transaction
    from knox.models import AuthToken

    from contest.models import Stage
    from judging.models import PanelMembership, ResultState

    contest = ids.get("contest")
    with transaction.atomic(), connection.cursor() as cursor:
        if contest:
            stages = f'SELECT id FROM "{Stage._meta.db_table}" WHERE contest_id = %s'
            for model in (PanelMembership, ResultState):
                cursor.execute(
                    f'DELETE FROM "{model._meta.db_table}" WHERE stage_id IN ({stages})', [contest]
                )
        users = ids.get("users", [])
        for start in range(0, len(users), 5000):
            chunk = users[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f'DELETE FROM "{AuthToken._meta.db_table}" WHERE user_id IN ({marks})', chunk
            )


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, cwd=str(ROOT), start_new_session=True)


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_server(process: subprocess.Popen) -> None:
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/judge/assignments/", timeout=5)
            return
        except urllib.error.HTTPError as answer:  # 401 without a token: the server is up
            print(f"server up ({answer.code} to an anonymous request)", flush=True)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 120 s")


def submit(assignment_id: int, token: str, scores: dict) -> tuple[int, float, float]:
    body = json.dumps({"scores": scores}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/api/judge/assignments/{assignment_id}/submit/",
        data=body,
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as refused:
        status = refused.code
        print(f"refused {status}: {refused.read()[:200]!r}", flush=True)
    return status, time.perf_counter() - started, time.time()


class Monitor(threading.Thread):
    """Polls the stage's ResultState: (wall time seen, computed_at, recomputes) at each run's end."""

    def __init__(self, stage_id: int):
        super().__init__(daemon=True)
        self.stage_id, self.runs, self.done = stage_id, [], threading.Event()

    def run(self) -> None:
        from django.db import connection

        from judging.models import ResultState

        last = None
        while not self.done.is_set():
            row = (
                ResultState.objects.filter(stage_id=self.stage_id)
                .values_list("recomputes", "computed_at", "dirty_since")
                .first()
            )
            if row and row[0] != last:
                last = row[0]
                self.runs.append((time.time(), row[1].timestamp(), row[0]))
            self.latest = row
            time.sleep(0.1)
        connection.close()


def drive(work: list[tuple], rate: float, seconds: float) -> list[tuple[int, float, float]]:
    n = min(len(work), int(rate * seconds))
    results: list = [None] * n
    t0 = time.perf_counter() + 0.5
    next_index = iter(range(n))
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                return
            delay = t0 + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            results[i] = submit(*work[i])

    threads = [threading.Thread(target=client) for _ in range(CLIENT_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def profile(work: list[tuple], n: int) -> dict:
    """Submit `n` reviews in this process through the whole Django stack (middleware, token
    authentication, view, service) and report what one submit costs independently of the
    machine's load: its CPU time in the web process, its queries, and a cProfile of the lot."""
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def one(assignment_id: int, token: str, scores: dict) -> None:
        response = Client(HTTP_AUTHORIZATION=f"Token {token}").post(
            f"/api/judge/assignments/{assignment_id}/submit/",
            json.dumps({"scores": scores}),
            content_type="application/json",
        )
        if response.status_code != 200:
            raise SystemExit(f"profile submit refused {response.status_code}: {response.content!r}")

    one(*work[0])  # warm: imports, URL resolver, first-connection setup
    counted, timed, profiled = work[1 : 1 + n], work[1 + n : 1 + 2 * n], work[1 + 2 * n : 1 + 3 * n]
    queries, statements = [], {}
    for item in counted:
        with CaptureQueriesContext(connection) as captured:
            one(*item)
        queries.append(len(captured))
        for q in captured.captured_queries:
            key = q["sql"][:90]
            count, seconds = statements.get(key, (0, 0.0))
            statements[key] = (count + 1, seconds + float(q["time"]))
    cpu, wall = [], []
    for item in timed:
        c0, w0 = time.process_time(), time.perf_counter()
        one(*item)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    profiler = cProfile.Profile(time.process_time)  # CPU time, not time waiting on the database
    profiler.enable()
    for item in profiled:
        one(*item)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
    print(out.getvalue(), flush=True)
    print(f"statements of {len(counted)} submits (count, total ms, first 90 characters):")
    for key, (count, seconds) in sorted(statements.items(), key=lambda kv: -kv[1][1]):
        print(f"  {count:4d} {seconds * 1000:8.1f}  {key}", flush=True)
    return {
        "profiled_submits": n,
        "queries_per_submit": max(queries),
        "cpu_ms_p50": round(percentile(cpu, 0.5), 2),
        "cpu_ms_p95": round(percentile(cpu, 0.95), 2),
        "wall_ms_p50": round(percentile(wall, 0.5), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--settings", choices=["national", "plain"], default="national")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--workers",
        type=int,
        default=WORKERS,
        help="gunicorn sync workers (3; config/gunicorn.conf.py deploys WEB_CONCURRENCY=4)",
    )
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="instead of the load run: profile 3×N submits in this process (queries, CPU, cProfile)",
    )
    args = parser.parse_args()

    backend, folder = configure("scoring_load")
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()
    import results as national  # bench/results.py: the same national stage
    from django.conf import settings
    from django.core.management import call_command

    from judging.models import ResultState

    broker = settings.CELERY_BROKER_URL
    where = settings.DATABASES["default"]["NAME"]
    print(f"database: {backend} {where}; broker: {broker or 'none (embedded, eager)'}", flush=True)
    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    tag = secrets.token_hex(4)
    ids: dict = {"users": [], "organisations": []}
    server = worker = None
    result: dict = {}
    try:
        started = time.perf_counter()
        built = national.build(args.scale, rng, tag, ids)
        if backend == "postgresql":
            national.analyze()
        needed = int(args.rate * args.seconds)
        work = prepare(built, rng, ids, plain=args.settings == "plain", needed=needed)
        counts = built["counts"]
        stage = built["stage"]
        print(
            f"built in {time.perf_counter() - started:.1f} s: {counts['entries']:,} entries, "
            f"{counts['judges']:,} judges, {counts['reviews']:,} reviews; "
            f"{len(work):,} open assignments; settings {args.settings}",
            flush=True,
        )
        if args.profile:
            result = {"settings": args.settings, "entries": counts["entries"]}
            result.update(profile(work, args.profile))
            print(json.dumps(result), flush=True)
            return
        queue = f"bench-scoring-{os.getpid()}"
        env = {
            **os.environ,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "PYTHONPATH": str(ROOT),
        }
        from django.db import connection

        connection.close()  # the children open their own
        server = start(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "config.wsgi:application",
                "--bind", f"127.0.0.1:{PORT}",
                "--workers", str(args.workers),
                "--timeout", "120",
                "--log-level", "warning",
                "--no-control-socket",
                "--preload",
            ],
            env,
        )  # fmt: skip
        if broker:
            worker = start(
                [
                    sys.executable, "-m", "celery", "-A", "config", "worker",
                    "-Q", queue, "-c", "2", "--without-heartbeat", "--without-mingle",
                    "--without-gossip", "-l", "warning",
                ],
                env,
            )  # fmt: skip
        wait_for_server(server)
        before = ResultState.objects.get(stage=stage).recomputes
        monitor = Monitor(stage.pk)
        monitor.start()
        print(f"driving {args.rate:g} submits/s for {args.seconds:g} s", flush=True)
        began = time.time()
        answers = drive(work, args.rate, args.seconds)
        elapsed = time.time() - began
        ok = [a for a in answers if a[0] == 200]
        print(
            f"{len(ok):,} of {len(answers):,} submits answered 200 in {elapsed:.1f} s", flush=True
        )
        # let the last marks be recomputed
        deadline = time.time() + 60
        last_answer = max(a[2] for a in answers)
        while time.time() < deadline:
            if any(computed >= last_answer for _, computed, _ in monitor.runs):
                break
            time.sleep(0.2)
        time.sleep(0.3)
        monitor.done.set()
        monitor.join()
        staleness = 0.0
        for _, _, answered in ok:
            finished = [seen for seen, computed, _ in monitor.runs if computed >= answered]
            lag = (min(finished) if finished else time.time()) - answered
            staleness = max(staleness, lag)
        recomputes = ResultState.objects.get(stage=stage).recomputes - before
        latencies = [a[1] * 1000 for a in answers]
        result = {
            "database": backend,
            "broker": bool(broker),
            "settings": args.settings,
            "scale": args.scale,
            "entries": counts["entries"],
            "reviews": counts["reviews"],
            "submits": len(answers),
            "refused": len(answers) - len(ok),
            "submit_p50_ms": round(percentile(latencies, 0.5), 1),
            "submit_p95_ms": round(percentile(latencies, 0.95), 1),
            "submits_per_s": round(len(ok) / elapsed, 2),
            "max_staleness_s": round(staleness, 2),
            "recomputes": recomputes,
            "last_recompute": ResultState.objects.get(stage=stage).last_kind,
        }
        print(
            f"recomputes {recomputes} ({result['last_recompute']} last), "
            f"max staleness {staleness:.2f} s, p95 {result['submit_p95_ms']} ms",
            flush=True,
        )
    finally:
        stop(server)
        stop(worker)
        if backend == "postgresql":
            cleanup_extra(ids)
            national.cleanup(ids)
            print("bench rows deleted", flush=True)
        elif folder is not None:
            import shutil

            from django.db import connection

            connection.close()
            shutil.rmtree(folder, ignore_errors=True)
    keys = ("entries", "reviews", "submit_p95_ms", "submits_per_s", "max_staleness_s", "recomputes")
    print(json.dumps({**{k: result.get(k) for k in keys}, **result}))


if __name__ == "__main__":
    main()
