"""A 公示 notice to every entrant of a big contest: `python bench/notifications.py [--scale F]`.

1. Builds a contest with 22,000 × scale teams of 3 to 6 people (about 100,000 × scale people),
   in bulk.
2. Raises `notice_opened` once (`notifications.services.outbox.event_raise`, what the task does
   after `notice_open` commits) and times it until the rows are committed: one inbox and one
   e-mail row per person (`queued_seconds`).
3. Starts an SMTP sink on loopback (aiosmtpd, counting what it accepts) and two worker processes
   that run `notifications.services.delivery.messages_send(channel="email")` — the body of the
   `notifications.messages_send` task — until nothing is due, and times the whole send
   (`sent_per_s`: e-mails accepted by the sink per second of wall-clock).

Needs PostgreSQL (DATABASE_URL: the batches are claimed with SKIP LOCKED, the rows are copied
with COPY); the database is migrated and the contest left in it. The rate limit per channel is
lifted for the measure (NOTIFICATIONS_EMAIL_PER_SECOND=0). The last line is one JSON object:
queued_seconds, sent_per_s, recipients, messages (targets: queued within 10 s, at least 500
e-mails per second).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import configure  # noqa: E402

WORKER = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from notifications.services.delivery import messages_send
total = 0
began = time.time()
while True:
    counts = messages_send(channel="email", batch_size=500, time_budget=3600)
    total += counts["sent"]
    if not counts["more"] and counts["sent"] == 0:
        break
print(began, time.time(), total)
"""


class Sink:
    """Accepts every message and counts it."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
        return "250 OK"


def build(scale: float):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from awards.models import Notice
    from contest.enums import MemberRole
    from contest.models import Team, TeamMember
    from tests.factories.contest import ContestFactory

    User = get_user_model()
    rng = random.Random(11)
    tag = uuid.uuid4().hex[:8]
    contest = ContestFactory(code=f"bench-notify-{tag}", name="2026 全省创新创业大赛")
    n_teams = max(1, round(22_000 * scale))
    sizes = [rng.randint(3, 6) for _ in range(n_teams)]
    users = User.objects.bulk_create(
        [
            User(email=f"n{tag}-{i}@bench.example.cn", real_name=f"参赛者{i}", password="!")
            for i in range(sum(sizes))
        ],
        batch_size=5000,
    )
    starts = [sum(sizes[:0])]
    for size in sizes[:-1]:
        starts.append(starts[-1] + size)
    teams = Team.objects.bulk_create(
        [
            Team(contest=contest, code=f"T{i:06d}", name=f"团队{i}", captain=users[starts[i]])
            for i in range(n_teams)
        ],
        batch_size=5000,
    )
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                team=teams[i],
                contest=contest,
                user=users[starts[i] + j],
                role=MemberRole.CAPTAIN if j == 0 else MemberRole.MEMBER,
                order=j,
            )
            for i in range(n_teams)
            for j in range(sizes[i])
        ],
        batch_size=5000,
    )
    now = timezone.now()
    notice = Notice.objects.create(
        contest=contest,
        title="第十三届创新创业大赛拟获奖名单公示",
        days=5,
        working_days=False,
        opens_at=now,
        closes_at=now + timezone.timedelta(days=5),
        created_by=users[0],
    )
    return notice, len(users)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    backend, _ = configure("notifications")
    if backend != "postgresql":
        sys.exit("bench/notifications.py needs PostgreSQL: set DATABASE_URL=postgres://…")
    # The send that the raise enqueues on commit goes to an in-memory broker: the two workers below
    # do the sending.
    os.environ["CELERY_BROKER_URL"] = "memory://"
    os.environ["CELERY_RESULT_BACKEND"] = "cache+memory://"
    os.environ["NOTIFICATIONS_EMAIL_PER_SECOND"] = "0"
    from aiosmtpd.controller import Controller

    sink = Sink()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ.update(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_USE_TLS="0",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from notifications.models import Message
    from notifications.services.outbox import event_raise

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    notice, people = build(args.scale)
    print(f"built {people} people in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    with transaction.atomic():
        created = event_raise(event="notice_opened", model="awards.Notice", obj_id=notice.pk)
    queued_seconds = time.perf_counter() - started
    emails = Message.objects.filter(object_id=str(notice.pk), channel="email").count()
    print(f"queued {created} messages ({emails} e-mails) in {queued_seconds:.2f} s", flush=True)

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER.format(root=str(ROOT))],
            env=os.environ.copy(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    # Each worker reports when it began and ended sending (after its own Django start-up).
    reports = [w.communicate()[0].strip().splitlines()[-1].split() for w in workers]
    per_worker = [int(r[2]) for r in reports]
    send_seconds = max(float(r[1]) for r in reports) - min(float(r[0]) for r in reports)
    controller.stop()
    sent = sink.count
    print(f"sent {sent} e-mails in {send_seconds:.1f} s (workers: {per_worker})", flush=True)
    print(
        json.dumps(
            {
                "queued_seconds": round(queued_seconds, 2),
                "sent_per_s": round(sent / send_seconds, 1),
                "recipients": people,
                "messages": created,
                "emails_sent": sent,
                "workers": len(workers),
            }
        )
    )


if __name__ == "__main__":
    main()
