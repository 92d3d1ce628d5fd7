"""The final 验收 of an agreement by an expert panel, on the judging machinery unchanged.

The winner's delivery becomes an entry of a stage of kind `acceptance` (`contest.enums.StageKind`)
of the same contest: that stage has its rubric, its panel (invitations, declarations, 回避),
the assignment of experts to the entry and their reviews, and publishes its result like any
other stage (`judging.services.result.results_publish`). Nothing in judging knows of agreements.

* `acceptance_schedule` (organiser): once every milestone is accepted, the agreement's entry is
  created in the acceptance stage, submitted, with the 验收 date. A 验收 after 限期整改 is
  scheduled in another acceptance stage (one entry per team per stage).
* `acceptance_decide` (organiser, or the chair of the stage's panel): 通过 / 不通过 / 限期整改
  with the reasons (and the deadline for 整改), read against the stage's latest published
  result, whose score for the entry is kept on the review. The agreement follows: accepted,
  failed or rectifying.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from awards.enums import AcceptanceOutcome, AgreementStatus, MilestoneStatus
from awards.errors import error
from awards.models import AcceptanceReview, Agreement
from awards.selectors import snapshot_rows
from awards.services.agreement import ACTIVE_STATUSES, status_text
from awards.validators import reason_check
from contest.enums import EntryStatus, StageKind
from contest.models import Entry, Stage
from contest.permissions import permission_require
from judging.selectors import snapshot_latest
from judging.services.audit import audit_record

OUTCOME_STATUS = {
    AcceptanceOutcome.PASSED: AgreementStatus.ACCEPTED,
    AcceptanceOutcome.FAILED: AgreementStatus.FAILED,
    AcceptanceOutcome.RECTIFY: AgreementStatus.RECTIFYING,
}


@transaction.atomic
def acceptance_schedule(
    *, actor, agreement: Agreement, stage: Stage, scheduled_on: dt.date
) -> AcceptanceReview:
    agreement = (
        Agreement.objects.select_for_update().select_related("contest", "team").get(pk=agreement.pk)
    )
    permission_require(actor, "awards.schedule_acceptance", agreement)
    if stage.kind != StageKind.ACCEPTANCE or stage.contest_id != agreement.contest_id:
        raise error("acceptance_stage_invalid", fields={"stage": ["acceptance_stage_invalid"]})
    if agreement.status not in ACTIVE_STATUSES:
        raise error("agreement_not_active", status=status_text(agreement))
    open_count = agreement.milestones.exclude(status=MilestoneStatus.ACCEPTED).count()
    if open_count:
        raise error("acceptance_milestones_open", count=open_count, details={"open": open_count})
    if agreement.acceptance_reviews.filter(outcome="").exists():
        raise error("acceptance_pending")
    if Entry.objects.filter(team=agreement.team, stage=stage).exists():
        raise error("entry_exists")
    entry = Entry.objects.create(
        team=agreement.team,
        stage=stage,
        title=f"验收：{agreement.title}"[:200],
        summary=agreement.acceptance_indicators,
        status=EntryStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    review = AcceptanceReview.objects.create(
        agreement=agreement, stage=stage, entry=entry, scheduled_on=scheduled_on, created_by=actor
    )
    audit_record(
        contest=agreement.contest_id,
        actor=actor,
        action="acceptance.schedule",
        obj=review,
        data={
            "agreement": agreement.pk,
            "stage": stage.pk,
            "entry": entry.pk,
            "scheduled_on": scheduled_on,
        },
    )
    return review


@transaction.atomic
def acceptance_decide(
    *,
    actor,
    review: AcceptanceReview,
    outcome: str,
    reason: str,
    rectify_by: dt.date | None = None,
) -> AcceptanceReview:
    review = (
        AcceptanceReview.objects.select_for_update()
        .select_related("agreement__contest", "stage")
        .get(pk=review.pk)
    )
    permission_require(actor, "awards.decide_acceptance", review)
    if review.outcome:
        raise error("acceptance_decided")
    if outcome not in AcceptanceOutcome.values:
        raise error(
            "acceptance_outcome_invalid", fields={"outcome": ["acceptance_outcome_invalid"]}
        )
    reason = reason_check(reason)
    if outcome == AcceptanceOutcome.RECTIFY:
        if rectify_by is None or rectify_by <= review.scheduled_on:
            raise error(
                "rectify_deadline_required", fields={"rectify_by": ["rectify_deadline_required"]}
            )
    else:
        rectify_by = None
    snapshot = snapshot_latest(review.stage)
    row = None
    if snapshot is not None:
        row = next((r for r in snapshot_rows(snapshot) if r.entry_id == review.entry_id), None)
    if row is None:
        raise error("acceptance_results_missing")
    review.outcome = outcome
    review.reason = reason
    review.rectify_by = rectify_by
    review.snapshot = snapshot
    review.final_score = row.final_score
    review.decided_by = actor
    review.decided_at = timezone.now()
    review.save()
    agreement = review.agreement
    agreement.status = OUTCOME_STATUS[outcome]
    agreement.save(update_fields=["status", "updated_at"])
    audit_record(
        contest=agreement.contest_id,
        actor=actor,
        action="acceptance.decide",
        obj=review,
        reason=reason,
        data={
            "agreement": agreement.pk,
            "outcome": outcome,
            "rectify_by": rectify_by,
            "snapshot": snapshot.pk,
            "snapshot_sha256": snapshot.sha256,
            "final_score": str(row.final_score) if row.final_score is not None else None,
        },
    )
    return review
