"""Reads of assignments: the judge's worklist, filtered by role. A conflicted entry never appears
for a judge."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from contest.models import Stage
from judging.enums import PanelStatus, ReviewStatus
from judging.models import Assignment, PanelMembership
from judging.services.conflict import conflict_filter


def assignments_of_judge(*, user, stage: Stage | None = None) -> QuerySet[Assignment]:
    """The judge's worklist: assignments on accepted panels with a signed declaration, minus every
    entry whose team the judge conflicts with (checked live, per contest)."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    accepted = PanelMembership.objects.filter(
        judge_id=user.pk,
        stage_id=OuterRef("stage_id"),
        status=PanelStatus.ACCEPTED,
        declaration_accepted_at__isnull=False,
    )
    qs = (
        Assignment.objects.filter(judge=user)
        .filter(Exists(accepted))
        .select_related("stage__contest", "entry__team__track", "review")
    )
    if stage is not None:
        qs = qs.filter(stage=stage)
    contest_ids = set(qs.values_list("stage__contest_id", flat=True).distinct())
    if not contest_ids:
        return qs
    from contest.models import Contest

    excluded = Q()
    for contest in Contest.objects.filter(pk__in=contest_ids):
        excluded |= Q(stage__contest_id=contest.pk) & conflict_filter(
            judge=user, contest=contest, team_prefix="entry__team__"
        )
    return qs.exclude(excluded)


def worklist_progress(*, user, stage: Stage) -> dict:
    qs = assignments_of_judge(user=user, stage=stage)
    total = qs.count()
    submitted = qs.filter(review__status=ReviewStatus.SUBMITTED).count()
    drafts = qs.filter(review__status=ReviewStatus.DRAFT).count()
    return {
        "total": total,
        "submitted": submitted,
        "drafts": drafts,
        "not_started": total - submitted - drafts,
    }
