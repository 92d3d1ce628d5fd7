"""Conflicts of interest (回避) — a hard constraint that no route may break.

A judge conflicts with a team when (a) an organisation of the judge (the judge profile's or the
one the person stated) is, by 统一社会信用代码, the team's lead organisation, a co-applicant, or the
own organisation of one of its members or advisors, (b) the judge is the captain, a member or an
advisor of the team, or of any team of the contest (a contestant judges none of its teams),
(c) the contest sets same-province recusal and the team's lead organisation (or, for a team of
people, its captain) is in the judge's province, (d) the judge or an organiser declared it, or
(e) a member or advisor is a relative or student the judge named in the declaration (by ID
number, or by real name where no ID number is on record). (a)–(c) and (e) are checked live as
well as stored, so a member who joins after detection still counts.
"""

from __future__ import annotations

from django.db import transaction

from contest.models import Contest, Team
from contest.permissions import permission_require
from judging.enums import ConflictSource
from judging.errors import error
from judging.models import Conflict, PanelMembership
from judging.selectors.conflict import conflict_reasons, conflicted_teams
from judging.services.audit import audit_record


@transaction.atomic
def conflicts_detect(*, contest: Contest) -> int:
    """Store the automatically detected conflicts of every judge on any panel of the contest,
    each new one on the audit chain. (The rules are also applied live on every read, so a
    conflict that arises after this run still keeps the judge away from the team.)"""
    from django.contrib.auth import get_user_model

    judge_ids = set(
        PanelMembership.objects.filter(stage__contest=contest).values_list("judge_id", flat=True)
    )
    created = 0
    for judge in get_user_model().objects.filter(pk__in=judge_ids).order_by("pk"):
        for team in (
            conflicted_teams(judge=judge, contest=contest)
            .select_related("lead_organisation", "captain", "contest")
            .order_by("pk")
        ):
            for source in conflict_reasons(judge=judge, team=team):
                if source in (
                    ConflictSource.DECLARED_BY_JUDGE,
                    ConflictSource.DECLARED_BY_ORGANISER,
                ):
                    continue
                conflict, was_created = Conflict.objects.get_or_create(
                    contest=contest, judge=judge, team=team, source=source
                )
                if was_created:
                    created += 1
                    audit_record(
                        contest=contest,
                        actor=None,
                        action="conflict.detect",
                        obj=conflict,
                        data={"judge": judge.pk, "team": team.pk, "source": source},
                    )
    return created


@transaction.atomic
def conflict_declare(*, actor, judge, team: Team, reason: str) -> Conflict:
    """A judge recuses from a team, or an organiser declares a conflict; removes open assignments."""
    from judging.enums import ReviewStatus
    from judging.models import Assignment

    contest = team.contest
    if actor.pk == judge.pk:
        source = ConflictSource.DECLARED_BY_JUDGE
    else:
        permission_require(actor, "judging.declare_conflict", contest)
        source = ConflictSource.DECLARED_BY_ORGANISER
    if not reason.strip():
        raise error("reason_required", fields={"reason": ["reason_required"]})
    conflict, _created = Conflict.objects.get_or_create(
        contest=contest,
        judge=judge,
        team=team,
        source=source,
        defaults={"reason": reason, "created_by": actor},
    )
    # A conflicted judge must not keep the entry: drop assignments and their unsubmitted drafts.
    # Submitted reviews stay on record (and are excluded from results by the results service):
    # their stage's stored results no longer count them, so the stage is marked for a recompute.
    stages_counted = set()
    for assignment in Assignment.objects.filter(judge=judge, entry__team=team).select_related(
        "entry"
    ):
        review = getattr(assignment, "review", None)
        if review is not None and review.status == ReviewStatus.SUBMITTED:
            stages_counted.add(assignment.stage_id)
            continue
        if review is not None:
            review.scores.all().delete()
            review.delete()
        assignment.delete()
    audit_record(
        contest=contest,
        actor=actor,
        action="conflict.declare",
        obj=conflict,
        reason=reason,
        data={"judge": judge.pk, "team": team.pk, "source": source},
    )
    if stages_counted:
        from judging.services.recompute import results_mark_dirty

        for stage_id in sorted(stages_counted):
            results_mark_dirty(stage_id=stage_id, submits=0, full=True)
    return conflict
