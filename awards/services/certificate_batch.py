"""Issuing a contest's certificates in batches: who gets one, the checks before a batch starts, and
the task body that issues what is missing with progress the organiser polls.

Issued only for *final* awards (after the notice and its objections): one certificate for the team,
one per member (captain included) and one per advisor; an organiser award gives one to the
organisation. The unique constraints on (award, user) and (award, team role) make
`certificates_issue` idempotent: running it again issues only what is missing. Serial:
`<PREFIX><year>-<10 random characters><check character>`, e.g. `SJYS2026-7K3QX9M2TDH`
(`awards.certificates.serials`; `seq` still numbers a contest's certificates in issue order).
Every PDF is PAdES-signed as it is rendered. Issuing runs as a task over a `CertificateBatch`
that the organiser polls (total, done, status)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from awards.enums import AwardStatus, BatchStatus, CertificateRole, CertificateStatus
from awards.errors import error
from awards.models import Award, Certificate, CertificateBatch, CertificateTemplate
from awards.services.award import names_missing_glyphs
from awards.services.certificate import certificate_create
from awards.services.certificate_status import StatusPositions
from awards.services.certificate_template import certificate_layout
from awards.signals import certificate_issued
from awards.tasks import certificate_batch_run_task
from awards.workdays import local_date
from contest.models import Contest, TeamMember
from contest.permissions import permission_require
from judging.services.audit import audit_record

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Planning who gets a certificate


@dataclass(frozen=True)
class PlannedCertificate:
    award: Award
    role: str
    user_id: int | None
    recipient_name: str
    team_name: str

    @property
    def key(self) -> tuple[int, str, int | None]:
        return (self.award.pk, self.role, self.user_id)


def _final_awards(contest: Contest) -> QuerySet[Award]:
    members = TeamMember.objects.select_related("user").order_by("order", "id")
    return (
        Award.objects.filter(contest=contest, status=AwardStatus.FINAL)
        .select_related("tier__track", "team__track", "organisation", "contest")
        .prefetch_related(Prefetch("team__members", queryset=members))
        .order_by("tier__order", "tier_id", "rank", "team__code", "organisation__name", "id")
    )


def certificates_plan(*, contest: Contest) -> list[PlannedCertificate]:
    """Every certificate the contest's final awards call for, in printing order."""
    plan: list[PlannedCertificate] = []
    for award in _final_awards(contest):
        if award.organisation_id:
            plan.append(
                PlannedCertificate(
                    award, CertificateRole.ORGANISATION, None, award.organisation.name, ""
                )
            )
            continue
        team = award.team
        plan.append(PlannedCertificate(award, CertificateRole.TEAM, None, team.name, team.name))
        for member in team.members.all():
            role = CertificateRole.ADVISOR if member.role == "advisor" else CertificateRole.MEMBER
            plan.append(
                PlannedCertificate(award, role, member.user_id, member.user.real_name, team.name)
            )
    return plan


def _existing_keys(contest: Contest) -> set[tuple[int, str, int | None]]:
    return set(
        Certificate.objects.filter(contest=contest).values_list(
            "award_id", "recipient_role", "user_id"
        )
    )


def certificate_serial_prefix(contest: Contest, template: CertificateTemplate | None) -> str:
    prefix = (template.serial_prefix if template else "") or re.sub(
        r"[^A-Za-z0-9]", "", contest.code
    )[:12]
    prefix, year = prefix.upper(), str(contest.year)
    # A contest's code usually carries its year already (jbgs-2026): never print it twice.
    return prefix if prefix.endswith(year) else f"{prefix}{year}"


# --------------------------------------------------------------------------------------------
# Issuing


@transaction.atomic
def certificates_issue(*, actor, contest: Contest) -> CertificateBatch:
    """Start issuing the contest's certificates: checks now, the work in a task.

    Refuses when no award is final, when a name (or the template's text) has a character the
    certificate font lacks, or when a batch is already running. Idempotent: the batch issues only
    certificates that do not exist yet."""
    permission_require(actor, "awards.issue_certificates", contest)
    Contest.objects.select_for_update().filter(pk=contest.pk).first()
    if not Award.objects.filter(contest=contest, status=AwardStatus.FINAL).exists():
        raise error("no_final_awards")
    # A batch whose worker died (no heartbeat for the stale threshold) holds no lock: it is ended
    # here, so re-issuing is never refused because of a dead run.
    unfinished = CertificateBatch.objects.filter(
        contest=contest, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    )
    unfinished.filter(_stale_q()).update(
        status=BatchStatus.FAILED, error="timed out", finished_at=timezone.now(), claimed_by=""
    )
    if unfinished.exists():
        raise error("batch_running")
    plan = certificates_plan(contest=contest)
    issues = names_missing_glyphs([(p.role, p.recipient_name) for p in plan])
    if issues:
        raise error(
            "names_missing_glyphs",
            names="；".join(f"{i['name']}（{''.join(i['missing'])}）" for i in issues),
            details={"glyph_issues": issues},
        )
    from awards.certificates.signing import pdf_signing_identity, signing_key

    signing_key()  # a missing key in production fails here, not halfway through the task
    pdf_signing_identity()  # and so does a PDF signing certificate that does not load
    existing = _existing_keys(contest)
    batch = CertificateBatch.objects.create(
        contest=contest,
        created_by=actor,
        total=sum(1 for p in plan if p.key not in existing),
    )

    transaction.on_commit(lambda: certificate_batch_run_task.delay(batch.pk))
    return batch


# --------------------------------------------------------------------------------------------
# Running a batch: claimed by one live run, heartbeat per row, taken over when its worker dies


def _stale_seconds() -> int:
    return int(getattr(settings, "CERTIFICATE_BATCH_STALE_SECONDS", 60))


def _stale_q() -> Q:
    """Unfinished batches with no sign of life for the stale threshold (never started: since
    creation)."""
    before = timezone.now() - dt.timedelta(seconds=_stale_seconds())
    return Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, created_at__lt=before)


def _claim(batch_id: int, claim: str) -> bool:
    """Take the batch for this run, atomically: it is queued, or its claim is ours (the same
    message redelivered after its worker died), or its heartbeat is stale (a dead worker's)."""
    unfinished = CertificateBatch.objects.filter(
        pk=batch_id, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    )
    free = Q(status=BatchStatus.QUEUED, claimed_by="") | Q(claimed_by=claim) | _stale_q()
    return bool(
        unfinished.filter(free).update(
            status=BatchStatus.RUNNING, claimed_by=claim, heartbeat_at=timezone.now()
        )
    )


def _mine(batch_id: int, claim: str) -> QuerySet[CertificateBatch]:
    return CertificateBatch.objects.filter(
        pk=batch_id, claimed_by=claim, status=BatchStatus.RUNNING
    )


class BatchClaimLost(Exception):
    """Another run took the batch over (this one was too slow to beat): stop without writing."""


def certificate_batch_run(*, batch_id: int, claim: str | None = None) -> None:
    """The task body: issue every missing certificate of the batch's contest, with progress.

    Resumable and idempotent: the run claims the batch (`claim` is the task id, so the same message
    redelivered after a worker death takes it back at once), bumps `heartbeat_at` with every row,
    and stops if another run took the batch over; rows already issued are not issued again (the
    unique constraints back this), so a resumed run finishes what a dead one started.
    A row that cannot be issued is counted as failed with its reason (never swallowed); one
    issued meanwhile by another run is skipped. The batch ends `failed` when any row failed
    (with the reason and the counts), `done` otherwise."""
    claim = claim or f"run-{uuid.uuid4()}"
    if not _claim(batch_id, claim):
        return  # finished, gone, or held by a live run
    batch = CertificateBatch.objects.select_related("contest", "created_by").get(pk=batch_id)
    contest = batch.contest
    already = Certificate.objects.filter(batch=batch).count()  # issued by a dead run of this batch
    _mine(batch_id, claim).update(
        started_at=batch.started_at or timezone.now(),
        done=already,
        issued=already,
        failed=0,
        skipped=0,
    )
    try:
        _, failures = _issue_missing(batch, contest, claim, already)
    except BatchClaimLost:
        return
    except SoftTimeLimitExceeded:  # progress is kept: release the claim so the batch resumes now
        log.warning("Certificate batch %s hit the soft time limit; released to resume", batch_id)
        _mine(batch_id, claim).update(claimed_by="", heartbeat_at=None)
        certificate_batches_resume()
        return
    except Exception as exc:  # recorded for the organiser polling the batch
        log.exception("Certificate batch %s failed", batch.pk)
        _mine(batch_id, claim).update(
            status=BatchStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    batch.refresh_from_db()
    error_text = ""
    if failures:
        error_text = (
            f"{len(failures)} 张证书未能颁发 {len(failures)} certificate(s) could not be issued "
            f"(issued {batch.issued}, failed {batch.failed}, skipped {batch.skipped}): "
            + "; ".join(failures[:5])
        )[:2000]
    serials = list(
        Certificate.objects.filter(batch=batch).order_by("seq").values_list("serial", flat=True)
    )
    with transaction.atomic():
        ended = _mine(batch_id, claim).update(
            status=BatchStatus.FAILED if failures else BatchStatus.DONE,
            error=error_text,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
        )
        if ended and (serials or failures):
            audit_record(
                contest=contest,
                actor=batch.created_by,
                action="certificates.issue",
                obj=batch,
                reason=error_text,
                data={
                    "count": len(serials),
                    "serials": serials,
                    "failed": len(failures),
                    "skipped": batch.skipped,
                    "resumed": already > 0,
                },
            )


def certificate_batches_resume() -> list[int]:
    """Hand every dead batch (unfinished, heartbeat stale) to a new run: the periodic beat task and
    each worker at start-up call this. The new run's task id is written as the claim before it is
    enqueued, so a second scan does not enqueue it twice; the dead run's message, if Redis ever
    redelivers it, finds the claim taken and returns."""
    resumed: list[int] = []
    stale = CertificateBatch.objects.filter(
        _stale_q(), status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    )
    for batch_id in stale.values_list("pk", flat=True):
        claim = str(uuid.uuid4())
        with transaction.atomic():
            taken = (
                CertificateBatch.objects.filter(pk=batch_id)
                .filter(_stale_q(), status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING])
                .update(claimed_by=claim, heartbeat_at=timezone.now())
            )
            if not taken:
                continue
            log.warning("Certificate batch %s has no live worker: resumed as %s", batch_id, claim)
            transaction.on_commit(
                lambda b=batch_id, c=claim: certificate_batch_run_task.apply_async(
                    args=[b], task_id=c
                )
            )
        resumed.append(batch_id)
    return resumed


def certificate_seq_next(contest: Contest) -> int:
    """The contest's next certificate number; call with the contest row locked."""
    last = Certificate.objects.filter(contest=contest).aggregate(m=Max("seq"))["m"]
    return (last or 0) + 1


def _replaced_certificate(planned: PlannedCertificate) -> Certificate | None:
    """After a correction changed the award: the revoked certificate of the same person on the
    award it supersedes, which the new one replaces."""
    if not planned.award.supersedes_id:
        return None
    return (
        Certificate.objects.filter(
            award_id=planned.award.supersedes_id,
            recipient_role=planned.role,
            user_id=planned.user_id,
            status=CertificateStatus.REVOKED,
            replaced_by__isnull=True,
        )
        .order_by("-id")
        .first()
    )


def _issue_missing(
    batch: CertificateBatch, contest: Contest, claim: str, already: int
) -> tuple[list[str], list[str]]:
    template = CertificateTemplate.objects.filter(contest=contest).first()
    layout = certificate_layout(template)
    prefix = certificate_serial_prefix(contest, template)
    issue_date = (template.issue_date if template else None) or local_date(timezone.now())
    bodies = list(template.issuing_bodies) if template else []
    existing = _existing_keys(contest)
    missing = [p for p in certificates_plan(contest=contest) if p.key not in existing]
    if not _mine(batch.pk, claim).update(total=already + len(missing), heartbeat_at=timezone.now()):
        raise BatchClaimLost
    positions = StatusPositions()
    issued: list[str] = []
    failures: list[str] = []
    for planned in missing:
        award = planned.award
        track = award.tier.track or (award.team.track if award.team_id else None)
        counter = "issued"
        try:
            with transaction.atomic():
                Contest.objects.select_for_update().filter(pk=contest.pk).first()
                seq = certificate_seq_next(contest)
                certificate = Certificate(
                    contest=contest,
                    award=award,
                    batch=batch,
                    seq=seq,
                    recipient_role=planned.role,
                    user_id=planned.user_id,
                    team=award.team,
                    recipient_name=planned.recipient_name,
                    team_name=planned.team_name,
                    award_name=award.tier.name,
                    contest_name=contest.name,
                    track_name=track.name if track else "",
                    issue_date=issue_date,
                    issuing_bodies=bodies,
                    replaces=_replaced_certificate(planned),
                )
                certificate_create(certificate, layout, prefix_year=prefix, positions=positions)
                certificate_issued.send(sender=Certificate, certificate=certificate)
        except IntegrityError as exc:
            if planned.key in _existing_keys(contest):  # issued meanwhile by another run
                counter = "skipped"
            else:  # e.g. a serial another contest already uses: a failure, with its reason
                counter = "failed"
                failures.append(f"{planned.recipient_name}（{planned.role}）: {exc}"[:300])
        except SoftTimeLimitExceeded:
            raise
        except Exception as exc:  # a row that cannot be rendered or signed
            log.exception("Certificate of %s failed", planned.recipient_name)
            counter = "failed"
            failures.append(f"{planned.recipient_name}（{planned.role}）: {exc}"[:300])
        if counter == "issued":
            issued.append(certificate.serial)
        beat = {"done": F("done") + 1, counter: F(counter) + 1, "heartbeat_at": timezone.now()}
        if not _mine(batch.pk, claim).update(**beat):
            raise BatchClaimLost
    return issued, failures
