"""A certificate batch survives a dead worker: real Celery workers on a real Redis broker, against the
real test database (PostgreSQL).

1. The whole worker (main process, pool child, embedded beat) is SIGKILLed mid-batch; a new worker
   is started, and its beat finds the batch's heartbeat stale and hands it to a new run.
2. Only the pool child is SIGKILLed (what the OOM killer does); `reject_on_worker_lost` puts the
   message back and the same worker's new child takes the batch back at once (same task id).

Either way every recipient ends with exactly one valid certificate, each verifies, and the audit
chain has one issue row for the batch. Short heartbeat thresholds through the environment keep
each case to seconds."""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from awards.enums import AwardStatus, BatchStatus, CertificateStatus
from awards.models import Certificate, CertificateBatch
from awards.services.certificate import certificate_verify_public
from awards.services.certificate_batch import certificates_issue, certificates_plan
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.factories.awards import AwardFactory, AwardTierFactory
from tests.factories.contest import TeamFactory

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "")
ROOT = Path(__file__).resolve().parent.parent
AWARDS = 40  # two certificates each (team and captain): several seconds of rendering and signing
STALE_SECONDS = 3
RESUME_SECONDS = 1
RECOVERY_LIMIT = 120  # the issue's bound: a dead worker's batch is taken over within 2 minutes

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    if not BROKER:
        if os.environ.get("CI"):
            pytest.fail("CI must set CELERY_TEST_BROKER_URL to a Redis URL")
        pytest.skip("CELERY_TEST_BROKER_URL is not set: no Redis broker to test against")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if os.environ.get("CI"):
            pytest.fail("CI runs this test on PostgreSQL: set DATABASE_URL")
        pytest.skip("the in-memory SQLite test database cannot be shared with a worker process")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
        f"{db['NAME']}"
    )


@pytest.fixture
def worker_env(settings, tmp_path):
    key = base64.b64encode(os.urandom(32)).decode()
    settings.CERTIFICATE_SIGNING_KEY = key
    queue = f"test-kill-{os.getpid()}-{time.monotonic_ns()}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_RESULT_BACKEND": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CERTIFICATE_SIGNING_KEY": key,
        "CERTIFICATE_BATCH_STALE_SECONDS": str(STALE_SECONDS),
        "CERTIFICATE_BATCH_RESUME_SECONDS": str(RESUME_SECONDS),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    return {"env": env, "queue": queue, "tmp": tmp_path}


class Worker:
    """A `celery worker` subprocess in its own process group (so the whole of it can be killed)."""

    def __init__(self, worker_env: dict, *, beat: bool, name: str):
        args = [sys.executable, "-m", "celery", "-A", "config", "worker"]
        args += ["-Q", worker_env["queue"], "--pool", "prefork", "--concurrency", "1"]
        args += ["-n", f"{name}@%h", "--without-mingle", "--without-gossip", "-l", "warning"]
        if beat:
            args += ["-B", "-s", str(worker_env["tmp"] / f"beat-{name}")]
        self.name = name
        self.log = open(worker_env["tmp"] / f"{name}.log", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=worker_env["env"],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        """Until the worker answers a ping (its start-up scan for dead batches has been sent)."""
        from celery import Celery

        client = Celery("saiwu-test", broker=BROKER, backend=BROKER, set_as_current=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            replies = client.control.ping(timeout=0.5) or []
            if any(name.startswith(f"{self.name}@") for reply in replies for name in reply):
                return
            assert self.process.poll() is None, self.stop()
        pytest.fail(f"worker {self.name} not ready within {timeout} s\n{self.stop()}")

    def pool_children(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_all(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> str:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()
        return Path(self.log.name).read_text(errors="replace")


@pytest.fixture
def big_contest(contest, organiser):
    tier = AwardTierFactory(contest=contest, quota_count=AWARDS)
    for rank in range(1, AWARDS + 1):
        AwardFactory(
            contest=contest,
            tier=tier,
            team=TeamFactory(contest=contest),
            status=AwardStatus.FINAL,
            rank=rank,
        )
    return contest, organiser


def _issue(monkeypatch, worker_env, contest, organiser) -> CertificateBatch:
    """Start the batch as the organiser would; its task goes to the test's own queue."""
    from celery import Celery

    client = Celery("saiwu-test", broker=BROKER, backend=BROKER, set_as_current=False)

    class Enqueue:
        @staticmethod
        def delay(batch_id):
            client.send_task(
                "awards.certificate_batch_run", args=[batch_id], queue=worker_env["queue"]
            )

    monkeypatch.setattr("awards.services.certificate_batch.certificate_batch_run_task", Enqueue)
    return certificates_issue(actor=organiser, contest=contest)


def _wait(predicate, timeout: float, what: str, logs) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"{what} not reached within {timeout} s\n{logs()}")


def _batch(batch_id: int) -> CertificateBatch:
    return CertificateBatch.objects.get(pk=batch_id)


def _running_mid_batch(batch_id: int, minimum: int = 5) -> bool:
    batch = _batch(batch_id)
    return batch.status == BatchStatus.RUNNING and minimum <= batch.done < batch.total


def _assert_complete(contest, batch_id: int) -> None:
    batch = _batch(batch_id)
    plan = certificates_plan(contest=contest)
    assert (batch.status, batch.failed, batch.error) == (BatchStatus.DONE, 0, "")
    assert len(plan) == 2 * AWARDS
    certificates = list(Certificate.objects.filter(contest=contest))
    keys = Counter((c.award_id, c.recipient_role, c.user_id) for c in certificates)
    assert keys == Counter(p.key for p in plan)  # every recipient exactly once, nobody else
    assert len({c.serial for c in certificates}) == len(certificates)
    assert sorted(c.seq for c in certificates) == list(range(1, len(plan) + 1))  # no gap, no twin
    assert {c.status for c in certificates} == {CertificateStatus.ISSUED}
    assert (batch.total, batch.done, batch.issued) == (len(plan), len(plan), len(plan))
    for certificate in certificates:
        facts = certificate_verify_public(serial=certificate.serial)
        assert facts is not None and facts["valid"] is True, certificate.serial
        with certificate.pdf.open("rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    issue_rows = AuditLog.objects.filter(contest=contest, action="certificates.issue")
    assert issue_rows.count() == 1
    assert issue_rows.get().data["count"] == len(plan)
    assert audit_verify(contest=contest).ok


def test_batch_survives_whole_worker_sigkill(monkeypatch, worker_env, big_contest):
    contest, organiser = big_contest
    first = Worker(worker_env, beat=False, name="first")
    second = None

    def logs():
        return first.stop() + (second.stop() if second else "")

    try:
        first.wait_ready()
        batch = _issue(monkeypatch, worker_env, contest, organiser)
        _wait(lambda: _running_mid_batch(batch.pk), 60, "the batch running mid-way", logs)
        first.kill_all()
        killed_at = time.monotonic()
        at_kill = _batch(batch.pk)
        assert at_kill.status == BatchStatus.RUNNING and 0 < at_kill.done < at_kill.total
        second = Worker(worker_env, beat=True, name="second")
        _wait(
            lambda: _batch(batch.pk).status != BatchStatus.RUNNING,
            RECOVERY_LIMIT,
            "the batch taken over and finished",
            logs,
        )
        recovered_in = time.monotonic() - killed_at
        print(
            f"whole worker killed at {at_kill.done}/{at_kill.total}: done {recovered_in:.1f} s later"
        )
        assert _batch(batch.pk).claimed_by != at_kill.claimed_by  # a new run took it over
    finally:
        first.stop()
        if second:
            second.stop()
    _assert_complete(contest, batch.pk)


def test_batch_survives_pool_child_sigkill(monkeypatch, worker_env, big_contest):
    contest, organiser = big_contest
    # No beat: only reject_on_worker_lost's redelivery can finish the batch.
    worker = Worker(worker_env, beat=False, name="only")
    try:
        worker.wait_ready()
        batch = _issue(monkeypatch, worker_env, contest, organiser)
        _wait(lambda: _running_mid_batch(batch.pk), 60, "the batch running mid-way", worker.stop)
        children = worker.pool_children()
        assert len(children) == 1, children
        os.kill(children[0], signal.SIGKILL)
        killed_at = time.monotonic()
        at_kill = _batch(batch.pk)
        assert at_kill.status == BatchStatus.RUNNING and 0 < at_kill.done < at_kill.total
        _wait(
            lambda: _batch(batch.pk).status != BatchStatus.RUNNING,
            RECOVERY_LIMIT,
            "the redelivered batch finished",
            worker.stop,
        )
        assert worker.process.poll() is None  # the worker itself lived on
        assert worker.pool_children() != children  # with a new child
        recovered_in = time.monotonic() - killed_at
        print(
            f"pool child killed at {at_kill.done}/{at_kill.total}: done {recovered_in:.1f} s later"
        )
        assert _batch(batch.pk).claimed_by == at_kill.claimed_by  # the same message, redelivered
    finally:
        worker.stop()
    _assert_complete(contest, batch.pk)
