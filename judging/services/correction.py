"""The correction (更正) of a stage's published results: the one way back once they are frozen.

`results_correction_open` withdraws the published snapshot (it stays public, marked 已更正 with
its reason), reopens the scores of the reviews the correction names (all submitted reviews when
it names none) and puts the stage in the phase "under correction" (`judging.phases`): only those
reviews can be scored again, the results recomputed and published as a new version, which
`results_publish` links from the withdrawn one (`replaced_by`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contest.models import Stage
from contest.permissions import permission_require
from judging.enums import ReviewStatus, SnapshotStatus
from judging.errors import error
from judging.models import ResultSnapshot, Review
from judging.phases import phase_require
from judging.services.audit import AuditEntry, audit_record, audit_record_bulk
from judging.signals import snapshot_withdrawn
from judging.tasks import results_recompute_task


@transaction.atomic
def results_correction_open(
    *, actor, stage: Stage, reason: str, review_ids: list[int] | None = None
) -> ResultSnapshot:
    """Open a correction of the stage's published results (organisers; a reason is required).

    In one transaction: the latest published snapshot is withdrawn (status, when, by whom, why;
    the reviews reopened are kept on it), the named submitted reviews of the stage — or all of
    them when `review_ids` is empty — go back to draft, one `results.correction_open` row and one
    `review.reopen` row per review are written on the audit chain, and
    `judging.signals.snapshot_withdrawn` is sent (awards marks what it derived as stale). The
    stored results are recomputed after the commit. Returns the withdrawn snapshot.
    """
    permission_require(actor, "judging.open_correction", stage.contest)
    if not (isinstance(reason, str) and reason.strip()):
        raise error("reason_required", fields={"reason": ["reason_required"]})
    reason = reason.strip()
    phase_require(stage, "results.correction_open")
    snapshot = (
        ResultSnapshot.objects.select_for_update()
        .filter(stage=stage, status=SnapshotStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    submitted = Review.objects.select_for_update().filter(
        stage=stage, status=ReviewStatus.SUBMITTED
    )
    if review_ids:
        wanted = sorted({int(pk) for pk in review_ids})
        reviews = list(submitted.filter(pk__in=wanted).order_by("pk"))
        missing = sorted(set(wanted) - {r.pk for r in reviews})
        if missing:
            raise error(
                "correction_reviews_invalid",
                reviews="、".join(map(str, missing)),
                fields={"review_ids": ["correction_reviews_invalid"]},
                details={"review_ids": missing},
            )
    else:
        reviews = list(submitted.order_by("pk"))
    now = timezone.now()
    snapshot.status = SnapshotStatus.WITHDRAWN
    snapshot.withdrawn_at = now
    snapshot.withdrawn_by = actor
    snapshot.withdrawal_reason = reason
    snapshot.correction_review_ids = [r.pk for r in reviews]
    snapshot.save(
        update_fields=[
            "status",
            "withdrawn_at",
            "withdrawn_by",
            "withdrawal_reason",
            "correction_review_ids",
        ]
    )
    for review in reviews:
        review.status = ReviewStatus.DRAFT
        review.reopened_count += 1
    Review.objects.bulk_update(reviews, ["status", "reopened_count"])
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="results.correction_open",
        obj=snapshot,
        reason=reason,
        data={
            "stage": stage.pk,
            "version": snapshot.version,
            "sha256": snapshot.sha256,
            "reviews": [r.pk for r in reviews],
            "all_reviews": not review_ids,
        },
    )
    audit_record_bulk(
        contest=stage.contest_id,
        entries=[
            AuditEntry(
                actor=actor,
                action="review.reopen",
                obj=review,
                reason=reason,
                data={
                    "entry": review.entry_id,
                    "judge": review.judge_id,
                    "total": str(review.total),
                    "correction_of": snapshot.version,
                },
            )
            for review in reviews
        ],
    )
    snapshot_withdrawn.send(sender=ResultSnapshot, snapshot=snapshot, reason=reason, actor=actor)
    transaction.on_commit(lambda: results_recompute_task.delay(stage.pk))
    return snapshot


def correction_review_ids(stage: Stage) -> set[int] | None:
    """Under a correction, the reviews it reopened; None when the stage is not under one."""
    found = (
        ResultSnapshot.objects.filter(
            stage_id=stage.pk, status=SnapshotStatus.WITHDRAWN, replaced_by__isnull=True
        )
        .order_by("-version")
        .values_list("correction_review_ids", flat=True)
        .first()
    )
    return None if found is None else set(found)
