"""Reads of conflicts of interest (回避): the rules stated in `judging.services.conflict` evaluated
live: whether a judge conflicts with a team and why, the teams a judge conflicts with, and the
same rules for every review of a stage at once. The writes (detection, declaration) are in
`judging.services.conflict`.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from contest.models import Contest, Stage, Team, TeamMember
from judging.enums import ConflictSource
from judging.models import Conflict, JudgeProfile


def _profile(judge) -> JudgeProfile | None:
    return JudgeProfile.objects.filter(user_id=judge.pk).select_related("organisation").first()


def conflict_filter(*, judge, contest: Contest, team_prefix: str = "") -> Q:
    """A Q over teams (or over rows reaching a team through `team_prefix`, e.g. "entry__team__")
    that matches every team the judge conflicts with in this contest."""
    p = team_prefix
    team_id_ref = "pk" if p == "" else f"{p}id"
    stored = Conflict.objects.filter(judge_id=judge.pk, team_id=OuterRef(team_id_ref))
    member = TeamMember.objects.filter(user_id=judge.pk, team_id=OuterRef(team_id_ref))
    q = Q(Exists(stored)) | Q(Exists(member))
    profile = _profile(judge)
    if profile and profile.organisation_id:
        q |= Q(**{f"{p}lead_organisation_id": profile.organisation_id})
        co_applicant = Team.co_applicants.through.objects.filter(
            team_id=OuterRef(team_id_ref), organisation_id=profile.organisation_id
        )
        q |= Q(Exists(co_applicant))
    if contest.conflict_same_province and profile and profile.province:
        q |= Q(**{f"{p}lead_organisation__province": profile.province})
        q |= Q(**{f"{p}lead_organisation__isnull": True, f"{p}captain__province": profile.province})
    return q


def conflict_exists(*, judge, team: Team) -> bool:
    contest = team.contest
    return (
        Team.objects.filter(pk=team.pk)
        .filter(conflict_filter(judge=judge, contest=contest))
        .exists()
    )


def conflicted_teams(*, judge, contest: Contest) -> QuerySet[Team]:
    return (
        Team.objects.filter(contest=contest)
        .filter(conflict_filter(judge=judge, contest=contest))
        .distinct()
    )


def conflict_reasons(*, judge, team: Team) -> list[str]:
    """Which rules make this pair a conflict (for messages and the organiser's view)."""
    reasons = list(
        Conflict.objects.filter(judge_id=judge.pk, team=team).values_list("source", flat=True)
    )
    profile = _profile(judge)
    if TeamMember.objects.filter(user_id=judge.pk, team=team).exists():
        reasons.append(ConflictSource.TEAM_MEMBER)
    if (
        profile
        and profile.organisation_id
        and (
            team.lead_organisation_id == profile.organisation_id
            or team.co_applicants.filter(pk=profile.organisation_id).exists()
        )
    ):
        reasons.append(ConflictSource.SAME_ORGANISATION)
    if team.contest.conflict_same_province and profile and profile.province:
        province = (
            team.lead_organisation.province if team.lead_organisation else team.captain.province
        )
        if province == profile.province:
            reasons.append(ConflictSource.SAME_PROVINCE)
    return sorted(set(reasons))


def conflicted_review_ids(
    *,
    stage: Stage,
    contest,
    reviews: list[tuple[int, int, int, float]],
    entry_team: dict[int, int],
    team_lead: dict[int, int | None],
) -> set[int]:
    """Ids of reviews whose judge conflicts with the entry's team: the rules of `conflict_filter`
    evaluated for all (judge, team) pairs of a stage at once: (a) the judge's organisation leads or co-applies for the team, (b) the judge is on
    the team, (c) same province when the contest sets it, (d) a stored conflict. `conflict_filter`
    builds one query per judge; 1,500 of those would cost seconds, so the same rules run here on
    the few rows that can match (tests check both agree)."""
    if not reviews:
        return set()
    judge_ids = sorted({r[2] for r in reviews})
    stored: set[tuple[int, int]] = set()
    members: set[tuple[int, int]] = set()
    profiles: dict[int, tuple[int | None, str]] = {}
    # Explicit id lists in chunks, and no join to the team table: the (judge, team) pairs are
    # matched against the stage's teams below. Joined to contest_team, SQLite probes every team
    # of the contest against the id list (seconds); by the judge's index it reads a few rows.
    for chunk in id_chunks(judge_ids):
        stored.update(
            Conflict.objects.filter(judge_id__in=chunk)
            .order_by()
            .values_list("judge_id", "team_id")
        )
        members.update(
            TeamMember.objects.filter(user_id__in=chunk)
            .order_by()
            .values_list("user_id", "team_id")
        )
        profiles.update(
            (user_id, (organisation_id, province))
            for user_id, organisation_id, province in JudgeProfile.objects.filter(user_id__in=chunk)
            .order_by()
            .values_list("user_id", "organisation_id", "province")
        )
    judge_org = {j: org for j, (org, _) in profiles.items() if org}
    co_applicants: set[tuple[int, int]] = set()
    for chunk in id_chunks(sorted(set(judge_org.values()))):
        co_applicants.update(
            Team.co_applicants.through.objects.filter(organisation_id__in=chunk).values_list(
                "team_id", "organisation_id"
            )
        )
    province_of_team: dict[int, str] = {}
    judge_province: dict[int, str] = {}
    if contest.conflict_same_province:
        judge_province = {j: p for j, (_, p) in profiles.items() if p}
        if judge_province:
            for team_id, lead, lead_province, captain_province in (
                Team.objects.filter(contest=contest, entries__stage=stage)
                .order_by()
                .values_list(
                    "pk", "lead_organisation_id", "lead_organisation__province", "captain__province"
                )
            ):
                province_of_team[team_id] = lead_province if lead is not None else captain_province

    excluded: set[int] = set()
    if not (stored or members or judge_org or judge_province):
        return excluded
    for review_id, entry_id, judge_id, _total in reviews:
        team_id = entry_team[entry_id]
        pair = (judge_id, team_id)
        org = judge_org.get(judge_id)
        province = judge_province.get(judge_id)
        if (
            pair in stored
            or pair in members
            or (org is not None and (team_lead[team_id] == org or (team_id, org) in co_applicants))
            or (province and province_of_team.get(team_id) == province)
        ):
            excluded.add(review_id)
    return excluded


def id_chunks(ids: list[int], size: int = 900):
    """Id lists in chunks below SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
