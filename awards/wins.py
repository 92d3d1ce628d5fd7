"""Wins (获奖) read across contests: the past national wins of organisations, for the rule across
editions (`contest.editions`, filled in `AwardsConfig.ready`), and the awards of teams, for the
national contest's inbox of recommendations."""

from __future__ import annotations

from django.db.models import Q

from awards.enums import ACTIVE_AWARD_STATUSES, AwardStatus
from awards.models import Award


def organisation_national_wins(
    organisation_ids: list[int], series: str, exclude_contest_id: int
) -> dict[int, list[dict]]:
    """Final awards to teams each organisation led or co-applied with, in the national editions
    (no parent) of `series` other than `exclude_contest_id`, oldest first; one win per contest
    and team (a team holding two tiers of one edition won that edition once)."""
    ids = set(organisation_ids)
    rows = (
        Award.objects.filter(
            status=AwardStatus.FINAL,
            team__isnull=False,
            contest__series=series,
            contest__parent__isnull=True,
        )
        .exclude(contest_id=exclude_contest_id)
        .filter(Q(team__lead_organisation_id__in=ids) | Q(team__co_applicants__in=ids))
        .select_related("contest", "tier", "team")
        .prefetch_related("team__co_applicants")
        .order_by("contest__year", "contest_id", "tier__order", "pk")
        .distinct()
    )
    wins: dict[int, list[dict]] = {}
    seen: set[tuple[int, int, int]] = set()
    for award in rows:
        team = award.team
        holders = {team.lead_organisation_id, *(o.pk for o in team.co_applicants.all())}
        for org_id in holders & ids:
            key = (org_id, award.contest_id, team.pk)
            if key in seen:
                continue
            seen.add(key)
            wins.setdefault(org_id, []).append(
                {
                    "contest_id": award.contest_id,
                    "contest": award.contest.name,
                    "edition": award.contest.edition,
                    "year": award.contest.year,
                    "tier": award.tier.name,
                }
            )
    return wins


def team_awards(team_ids: list[int]) -> dict[int, list[dict]]:
    """The active awards of each team: [{"tier", "status", "rank"}], by tier order."""
    awards: dict[int, list[dict]] = {}
    rows = (
        Award.objects.filter(team_id__in=team_ids, status__in=ACTIVE_AWARD_STATUSES)
        .select_related("tier")
        .order_by("tier__order", "pk")
    )
    for award in rows:
        awards.setdefault(award.team_id, []).append(
            {"tier": award.tier.name, "status": award.status, "rank": award.rank}
        )
    return awards
