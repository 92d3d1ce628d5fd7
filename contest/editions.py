"""The rule across editions (届次): an organisation (by USCC) may win the national contest of a
series at most `wins_max` times, and a contest may exclude past national winners altogether.

Wins are awards, which live in the awards app above this one; this app must not import it. So
the awards app registers the function that counts them (`wins_source_register`, called in
`AwardsConfig.ready`). A registry rather than `apps.get_model("awards", "Award")`: the query on
awards' fields and statuses stays in the awards app that owns them, this app depends only on a
small typed contract, and with awards absent no wins are known (the rule cannot refuse anyone).
The check runs at registration (`team_create`, `team_update`) and at recommendation
(`judging.services.recommendation.recommendation_create`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from contest.errors import error
from contest.models import Contest, Organisation

# (organisation_ids, series, exclude_contest_id) -> {organisation_id: [win, ...]}, a win being
# {"contest_id", "contest", "edition", "year", "tier"}: final awards to teams the organisation
# led or co-applied with, in national editions (no parent) of the series other than the excluded.
WinsSource = Callable[[list[int], str, int], dict[int, list[dict]]]
_wins_source: WinsSource | None = None


def wins_source_register(source: WinsSource | None) -> None:
    global _wins_source
    _wins_source = source


def rule_contest(contest: Contest) -> Contest:
    """The contest whose rule applies: the national contest of a sub-contest, else itself."""
    return contest.parent if contest.parent_id else contest


def organisation_wins(*, contest: Contest, organisation_ids: Iterable[int]) -> dict[int, list]:
    """Past national wins of each organisation in the series of `contest`'s rule contest."""
    rules_of = rule_contest(contest)
    ids = sorted({i for i in organisation_ids if i})
    if not ids or not rules_of.series or _wins_source is None:
        return {}
    return _wins_source(ids, rules_of.series, rules_of.pk)


def _past(wins: list[dict]) -> str:
    return "、".join(f"{w['contest']}（{w['edition']}）{w['tier']}" for w in wins)


def edition_rule_check(*, contest: Contest, organisations: Iterable[Organisation | None]) -> None:
    """Refuse an organisation that has won `wins_max` times already (it could not win again) or,
    where the rule contest excludes past national winners, one that has won at all."""
    rules_of = rule_contest(contest)
    named = {o.pk: o for o in organisations if o is not None}
    if not named or (rules_of.wins_max is None and not rules_of.past_winners_excluded):
        return
    wins = organisation_wins(contest=contest, organisation_ids=named)
    for org_id, org in named.items():
        past = wins.get(org_id) or []
        if not past:
            continue
        details = {"organisation": org.pk, "uscc": org.uscc, "wins": len(past), "past_wins": past}
        if rules_of.past_winners_excluded:
            raise error(
                "past_winner_excluded",
                organisation=org.name,
                past=_past(past),
                details=details,
            )
        if rules_of.wins_max is not None and len(past) >= rules_of.wins_max:
            raise error(
                "edition_wins_exceeded",
                organisation=org.name,
                wins=len(past),
                wins_max=rules_of.wins_max,
                past=_past(past),
                details={**details, "wins_max": rules_of.wins_max},
            )
