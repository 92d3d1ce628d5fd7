"""Conflicts of interest (回避) — a hard constraint that no route may break.

A judge conflicts with a team when (a) the judge's organisation is the team's lead organisation or a
co-applicant (organisations are unique by 统一社会信用代码), (b) the judge is a member or advisor of
the team, (c) the contest sets same-province recusal and the team's lead organisation (or, for a
team of people, its captain) is in the judge's province, or (d) the judge or an organiser declared
it. (a)–(c) are checked live as well as stored, so a member who joins after detection still counts.
"""

from __future__ import annotations

from django.db import transaction

from contest.models import Contest, Team
from contest.permissions import permission_require
from judging.enums import ConflictSource
from judging.errors import error
from judging.models import Conflict, JudgeProfile, PanelMembership
from judging.selectors.conflict import conflict_reasons, conflicted_teams
from judging.services.audit import audit_record


@transaction.atomic
def conflicts_detect(*, contest: Contest) -> int:
    """Store the automatically detected conflicts of every judge on any panel of the contest."""
    judge_ids = set(
        PanelMembership.objects.filter(stage__contest=contest).values_list("judge_id", flat=True)
    )
    created = 0
    for profile_user in JudgeProfile.objects.filter(user_id__in=judge_ids).select_related("user"):
        judge = profile_user.user
        for team in conflicted_teams(judge=judge, contest=contest).select_related(
            "lead_organisation", "captain", "contest"
        ):
            for source in conflict_reasons(judge=judge, team=team):
                if source in (
                    ConflictSource.DECLARED_BY_JUDGE,
                    ConflictSource.DECLARED_BY_ORGANISER,
                ):
                    continue
                _, was_created = Conflict.objects.get_or_create(
                    contest=contest, judge=judge, team=team, source=source
                )
                created += int(was_created)
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
    # Submitted reviews stay on record (and are excluded from results by the results service).
    for assignment in Assignment.objects.filter(judge=judge, entry__team=team).select_related(
        "entry"
    ):
        review = getattr(assignment, "review", None)
        if review is not None and review.status == ReviewStatus.SUBMITTED:
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
    return conflict
