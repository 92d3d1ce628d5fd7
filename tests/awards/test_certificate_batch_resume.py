"""A certificate batch holds no stale lock and survives a dead run: the claim, the heartbeat, the
takeover of a stale batch, and re-issuing past a dead batch (through the API), as the organiser."""

import datetime as dt

import pytest
from django.utils import timezone

from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus, BatchStatus
from awards.models import Certificate, CertificateBatch
from awards.services import certificate as certificate_services
from awards.services import certificate_batch as batches
from awards.services.certificate_batch import (
    certificate_batch_run,
    certificate_batches_resume,
    certificates_plan,
)
from judging.models import AuditLog
from tests.api.helpers import assert_error
from tests.factories.awards import AwardFactory, AwardTierFactory

pytestmark = pytest.mark.django_db
SIGNING_KEY = generate_signing_key_b64()


@pytest.fixture(autouse=True)
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = SIGNING_KEY


@pytest.fixture
def final_award(contest, team, member, advisor):
    tier = AwardTierFactory(contest=contest)
    return AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)


@pytest.fixture
def expected(contest, final_award):
    return len(certificates_plan(contest=contest))


def _batch(contest, organiser, **fields) -> CertificateBatch:
    batch = CertificateBatch.objects.create(contest=contest, created_by=organiser)
    if fields:
        CertificateBatch.objects.filter(pk=batch.pk).update(**fields)
        batch.refresh_from_db()
    return batch


def _ago(seconds: float):
    return timezone.now() - dt.timedelta(seconds=seconds)


def _issue_rows(contest):
    return AuditLog.objects.filter(contest=contest, action="certificates.issue")


def test_run_claims_queued_batch_and_heartbeats(contest, organiser, expected, settings):
    batch = _batch(contest, organiser)
    before = timezone.now()
    certificate_batch_run(batch_id=batch.pk, claim="task-1")
    batch.refresh_from_db()
    assert (batch.status, batch.claimed_by) == (BatchStatus.DONE, "task-1")
    assert batch.heartbeat_at >= before
    assert (batch.total, batch.done, batch.issued) == (expected, expected, expected)
    assert Certificate.objects.filter(batch=batch).count() == expected


def test_run_leaves_a_live_batch_of_another_run_alone(contest, organiser, expected):
    batch = _batch(
        contest, organiser, status=BatchStatus.RUNNING, claimed_by="live", heartbeat_at=_ago(1)
    )
    certificate_batch_run(batch_id=batch.pk, claim="intruder")
    batch.refresh_from_db()
    assert (batch.status, batch.claimed_by, batch.done) == (BatchStatus.RUNNING, "live", 0)
    assert Certificate.objects.count() == 0
    assert _issue_rows(contest).count() == 0


def test_redelivered_message_resumes_at_once(contest, organiser, expected):
    """The pool child died: the same task id comes back and carries on from the last row."""
    batch = _batch(contest, organiser)
    certificate_batch_run(batch_id=batch.pk, claim="task-1")
    half = list(Certificate.objects.filter(batch=batch).order_by("seq"))[expected // 2 :]
    kept = {c.serial for c in Certificate.objects.exclude(pk__in=[c.pk for c in half])}
    Certificate.objects.filter(pk__in=[c.pk for c in half]).delete()  # as if never committed
    AuditLog.objects.filter(contest=contest).delete()
    CertificateBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now(), finished_at=None
    )
    certificate_batch_run(batch_id=batch.pk, claim="task-1")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert (batch.total, batch.done, batch.issued) == (expected, expected, expected)
    certificates = list(Certificate.objects.filter(contest=contest))
    assert len(certificates) == expected
    assert kept <= {c.serial for c in certificates}
    row = _issue_rows(contest).get()
    assert (row.data["count"], row.data["resumed"]) == (expected, True)


def test_stale_batch_taken_over_by_resume(
    contest, organiser, expected, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_BATCH_STALE_SECONDS = 60
    dead = _batch(
        contest, organiser, status=BatchStatus.RUNNING, claimed_by="dead", heartbeat_at=_ago(61)
    )
    live = _batch(
        AwardFactory(status=AwardStatus.FINAL).contest,
        organiser,
        status=BatchStatus.RUNNING,
        claimed_by="live",
        heartbeat_at=_ago(5),
    )
    finished = _batch(contest, organiser, status=BatchStatus.DONE, heartbeat_at=_ago(600))
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_batches_resume() == [dead.pk]
    dead.refresh_from_db()
    live.refresh_from_db()
    finished.refresh_from_db()
    assert dead.status == BatchStatus.DONE and dead.claimed_by not in ("", "dead")
    assert Certificate.objects.filter(batch=dead).count() == expected
    assert (live.status, live.claimed_by) == (BatchStatus.RUNNING, "live")
    assert finished.status == BatchStatus.DONE
    # The dead run's message, redelivered later, finds the batch finished and writes nothing.
    certificate_batch_run(batch_id=dead.pk, claim="dead")
    assert Certificate.objects.filter(contest=contest).count() == expected
    assert _issue_rows(contest).count() == 1


def test_resume_does_not_enqueue_twice(
    contest, organiser, expected, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        batches.certificate_batch_run_task,
        "apply_async",
        lambda args, task_id: sent.append((args, task_id)),
    )
    dead = _batch(contest, organiser, status=BatchStatus.RUNNING, heartbeat_at=_ago(3600))
    with django_capture_on_commit_callbacks(execute=True):
        assert certificate_batches_resume() == [dead.pk]
        assert certificate_batches_resume() == []  # the claim's fresh heartbeat: not stale now
    dead.refresh_from_db()
    assert sent == [([dead.pk], dead.claimed_by)]


def test_run_stops_when_taken_over(contest, organiser, expected, monkeypatch):
    """A run too slow to beat loses its claim to another: it stops without writing more."""
    batch = _batch(contest, organiser)
    calls = {"n": 0}
    real_sign = certificate_services.certificate_signed_content

    def steal_after_first(certificate):
        calls["n"] += 1
        if calls["n"] == 3:  # each row signs its content, then renders it: row 2 is being signed
            CertificateBatch.objects.filter(pk=batch.pk).update(claimed_by="thief")
        return real_sign(certificate)

    monkeypatch.setattr(certificate_services, "certificate_signed_content", steal_after_first)
    certificate_batch_run(batch_id=batch.pk, claim="slow")
    batch.refresh_from_db()
    assert (batch.status, batch.claimed_by) == (BatchStatus.RUNNING, "thief")
    assert batch.done == 1  # the row after the theft was committed, its heartbeat refused
    assert Certificate.objects.filter(batch=batch).count() == 2
    assert _issue_rows(contest).count() == 0


# --------------------------------------------------------------------------------------------
# Through the API: a dead batch never blocks re-issuing; a live one does


def test_reissue_past_dead_batch(
    client_for, organiser, contest, expected, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_BATCH_STALE_SECONDS = 60
    dead = _batch(
        contest, organiser, status=BatchStatus.RUNNING, claimed_by="dead", heartbeat_at=_ago(61)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert response.status_code == 202, response.content
    dead.refresh_from_db()
    assert (dead.status, dead.error, dead.claimed_by) == (BatchStatus.FAILED, "timed out", "")
    polled = client_for(organiser).get(f"/api/certificate-batches/{response.json()['id']}/")
    assert (polled.json()["status"], polled.json()["issued"]) == ("done", expected)
    # The dead run's message, if redelivered, finds its batch ended and issues nothing twice.
    certificate_batch_run(batch_id=dead.pk, claim="dead")
    assert Certificate.objects.filter(contest=contest).count() == expected


def test_reissue_refused_while_batch_alive(client_for, organiser, contest, expected, settings):
    settings.CERTIFICATE_BATCH_STALE_SECONDS = 60
    live = _batch(
        contest, organiser, status=BatchStatus.RUNNING, claimed_by="live", heartbeat_at=_ago(59)
    )
    batches_before = CertificateBatch.objects.count()
    body = assert_error(
        client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/"),
        409,
        "batch_running",
    )
    assert body["message_en"] == "A certificate batch is already running."
    live.refresh_from_db()
    assert (live.status, live.claimed_by) == (BatchStatus.RUNNING, "live")
    assert CertificateBatch.objects.count() == batches_before
    assert Certificate.objects.count() == 0


def test_reissue_by_stranger_forbidden_leaves_dead_batch(
    client_for, stranger, organiser, contest, expected
):
    dead = _batch(contest, organiser, status=BatchStatus.RUNNING, heartbeat_at=_ago(3600))
    assert_error(
        client_for(stranger).post(f"/api/contests/{contest.pk}/certificates/issue/"),
        403,
        "not_permitted",
    )
    dead.refresh_from_db()
    assert dead.status == BatchStatus.RUNNING
    assert CertificateBatch.objects.count() == 1
