"""Who an event reaches: the people behind a team, a contest's organisers, a challenge's
publishers. Querysets, so a 公示 to every team of a contest stays one subquery."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q


def active_users():
    return get_user_model().objects.filter(is_active=True)


def team_people(team_ids):
    """Everyone on these teams (captains, members, advisors). `team_ids` may be a list or a
    values_list queryset (kept a subquery: a 公示 reaches every team of a contest)."""
    from contest.models import Team, TeamMember

    if not hasattr(team_ids, "query"):
        team_ids = list(team_ids)
    members = TeamMember.objects.filter(team_id__in=team_ids).values("user_id")
    captains = Team.objects.filter(pk__in=team_ids).values("captain_id")
    return active_users().filter(Q(pk__in=members) | Q(pk__in=captains))


def contest_organisers(contest_id: int):
    return active_users().filter(
        contest_roles__contest_id=contest_id, contest_roles__role="organiser"
    )


def challenge_publishers(challenge):
    return active_users().filter(
        Q(
            contest_roles__contest_id=challenge.contest_id,
            contest_roles__role="publisher",
            contest_roles__organisation_id=challenge.publisher_id,
        )
        | Q(pk=challenge.created_by_id)
    )
