"""Reads of assignments: the judge's worklist, filtered by role (a conflicted entry never appears
for a judge), and a stage's assignments and scoring progress for its organisers."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from contest.models import Stage
from judging.enums import PanelStatus, ReviewStatus
from judging.models import Assignment, PanelMembership
from judging.selectors.conflict import conflict_filter


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
        .select_related("stage__contest", "entry__team__track", "entry__redaction", "review")
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


def assignments_of_stage(*, stage: Stage) -> QuerySet[Assignment]:
    return (
        Assignment.objects.filter(stage=stage)
        .select_related("entry__team", "judge", "review")
        .order_by("entry_id", "judge_id")
    )


def judge_progress(*, stage: Stage) -> list[dict]:
    """Per panel member: assignments, submitted reviews and drafts (scoring-progress view)."""
    memberships = (
        PanelMembership.objects.filter(stage=stage)
        .select_related("judge", "track")
        .order_by("track_id", "judge__real_name", "id")
    )
    counts = {
        row["judge_id"]: row
        for row in Assignment.objects.filter(stage=stage)
        .values("judge_id")
        .annotate(
            assigned=Count("id"),
            submitted=Count("review", filter=Q(review__status=ReviewStatus.SUBMITTED)),
            drafts=Count("review", filter=Q(review__status=ReviewStatus.DRAFT)),
        )
    }
    rows = []
    for m in memberships:
        c = counts.get(m.judge_id, {})
        rows.append(
            {
                "judge": m.judge_id,
                "judge_name": m.judge.real_name,
                "track": m.track_id,
                "track_name": m.track.name if m.track else "",
                "status": m.status,
                "min_load": m.min_load,
                "max_load": m.max_load,
                "assigned": c.get("assigned", 0),
                "submitted": c.get("submitted", 0),
                "drafts": c.get("drafts", 0),
            }
        )
    return rows
