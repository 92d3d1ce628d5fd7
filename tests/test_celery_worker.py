"""One task through a real Celery worker on a real Redis broker, against the real test database."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from contest.enums import InvitationStatus
from contest.models import Invitation
from tests.factories.contest import TeamFactory

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_invitations_expire_runs_on_real_worker():
    if not BROKER:
        if os.environ.get("CI"):
            pytest.fail("CI must set CELERY_TEST_BROKER_URL to a Redis URL")
        pytest.skip("CELERY_TEST_BROKER_URL is not set: no Redis broker to test against")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if os.environ.get("CI"):
            pytest.fail("CI runs this test on PostgreSQL: set DATABASE_URL")
        pytest.skip("the in-memory SQLite test database cannot be shared with a worker process")
    else:
        database_url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    team = TeamFactory()
    invitation = Invitation.objects.create(
        team=team, expires_at=timezone.now() - timedelta(minutes=1), invited_by=team.captain
    )
    queue = f"test-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,  # the worker's start-up scan stays on the test's queue
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from celery import Celery

        client = Celery("saiwu-test", broker=BROKER, backend=BROKER, set_as_current=False)
        result = client.send_task("contest.invitations_expire", queue=queue)
        assert result.get(timeout=60) == 1
    finally:
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = ""
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.EXPIRED, output
