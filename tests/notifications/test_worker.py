"""The outbox through a real Celery worker on Redis: the worker sends the queued e-mail to the
SMTP server on loopback, and the same task delivered again sends nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from contest.services.team import invitation_create
from notifications.models import Message
from notifications.services.outbox import event_raise
from tests.factories.contest import TeamFactory, UserFactory

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_messages_send_on_a_real_worker_sends_once(smtp, settings):
    if not BROKER:
        if os.environ.get("CI"):
            pytest.fail("CI must set CELERY_TEST_BROKER_URL to a Redis URL")
        pytest.skip("CELERY_TEST_BROKER_URL is not set: no Redis broker to test against")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if os.environ.get("CI"):
            pytest.fail("CI runs this test on PostgreSQL: set DATABASE_URL")
        pytest.skip("the in-memory SQLite test database cannot be shared with a worker process")
    database_url = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    # Rows written here with the test's eager sending switched off: the worker sends them.
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    UserFactory(email="lisi@example.com", real_name="李四")
    team = TeamFactory(name="星火团队")
    invitation = invitation_create(
        actor=team.captain, team=team, invitee_contact="lisi@example.com"
    )
    event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    Message.objects.filter(channel="email").update(status="queued", attempts=0)
    queue = f"test-notify-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "NOTIFY_TEST_SMTP_PORT": str(settings.EMAIL_PORT),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue, "--pool", "solo"]
        + ["--without-heartbeat", "--without-mingle", "--without-gossip", "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        client = Celery("saiwu-test", broker=BROKER, backend=BROKER, set_as_current=False)
        first = client.send_task("notifications.messages_send", args=["email"], queue=queue)
        assert first.get(timeout=60) == {"sent": 1, "failed": 0, "retry": 0, "more": False}
        again = client.send_task("notifications.messages_send", args=["email"], queue=queue)
        assert again.get(timeout=60) == {"sent": 0, "failed": 0, "retry": 0, "more": False}
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert [m["to"] for m in smtp.messages] == [["lisi@example.com"]]
    assert Message.objects.get(channel="email").status == "sent"
