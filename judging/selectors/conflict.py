"""Reads of conflicts of interest (回避): the rules stated in `judging.services.conflict` evaluated
live: whether a judge conflicts with a team and why, the teams a judge conflicts with, and the
same rules for every review of a stage at once. The writes (detection, declaration) are in
`judging.services.conflict`.

Every rule is read at query time from the current rows (members, organisations, declarations),
so a member who joins a team after the judge accepted still counts: the rules fail closed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from contest.models import Contest, Stage, Team, TeamMember
from judging.enums import ConflictSource
from judging.models import Conflict, DeclaredRelation, JudgeProfile


def _profile(judge) -> JudgeProfile | None:
    return JudgeProfile.objects.filter(user_id=judge.pk).select_related("organisation").first()


_UNREAD = object()


def judge_usccs(*, judge, profile=_UNREAD) -> set[str]:
    """The USCCs of the judge's organisations: the one on the judge profile (set by organisers)
    and the one the person stated for themself; both count. `profile`: the judge's profile as
    `_profile` read it (None: has none), when the caller has it already."""
    from django.contrib.auth import get_user_model

    if profile is _UNREAD:
        usccs = set(
            JudgeProfile.objects.filter(user_id=judge.pk, organisation__isnull=False).values_list(
                "organisation__uscc", flat=True
            )
        )
    else:
        usccs = {profile.organisation.uscc} if profile and profile.organisation_id else set()
    usccs.update(
        get_user_model()
        .objects.filter(pk=judge.pk, organisation__isnull=False)
        .values_list("organisation__uscc", flat=True)
    )
    usccs.update(_publisher_usccs(judge_ids=[judge.pk]).get(judge.pk, ()))
    return {u for u in usccs if u}


def _publisher_usccs(*, judge_ids) -> dict[int, set[str]]:
    """评榜: the organisations a person publishes challenges for (`ContestRole` publisher, any
    contest) are theirs too, so a publisher never scores an entrant of its own organisation."""
    from contest.enums import ContestRoleKind
    from contest.models import ContestRole

    found: dict[int, set[str]] = {}
    for user_id, uscc in (
        ContestRole.objects.filter(user_id__in=judge_ids, role=ContestRoleKind.PUBLISHER)
        .order_by()
        .values_list("user_id", "organisation__uscc")
    ):
        if uscc:
            found.setdefault(user_id, set()).add(uscc)
    return found


@dataclass
class _Relations:
    ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # every declared name
    names_without_id: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.names)

    def member_q(self, user_prefix: str = "user__") -> Q:
        """Members matching a declared relative or student: by ID number; by real name where the
        member has no ID number on record, or where the judge gave none."""
        u = user_prefix
        q = Q(**{f"{u}id_number__in": sorted(self.ids)}) if self.ids else Q(pk__in=[])
        q |= Q(**{f"{u}id_number": "", f"{u}real_name__in": sorted(self.names)})
        if self.names_without_id:
            q |= Q(**{f"{u}real_name__in": sorted(self.names_without_id)})
        return q

    def matches(self, id_number: str, real_name: str) -> bool:
        if id_number and id_number in self.ids:
            return True
        if not id_number and real_name in self.names:
            return True
        return real_name in self.names_without_id


def _relations(*, judge_id: int, contest_id: int) -> _Relations:
    relations = _Relations()
    for name, id_number in DeclaredRelation.objects.filter(
        judge_id=judge_id, contest_id=contest_id
    ).values_list("name", "id_number"):
        relations.names.add(name)
        if id_number:
            relations.ids.add(id_number)
        else:
            relations.names_without_id.add(name)
    return relations


def judge_is_contestant(*, judge, contest: Contest) -> bool:
    """Whether the judge is captain, member or advisor of any team of the contest."""
    return (
        TeamMember.objects.filter(contest_id=contest.pk, user_id=judge.pk).exists()
        or Team.objects.filter(contest_id=contest.pk, captain_id=judge.pk).exists()
    )


def conflict_filter(*, judge, contest: Contest, team_prefix: str = "") -> Q:
    """A Q over teams (or over rows reaching a team through `team_prefix`, e.g. "entry__team__")
    that matches every team the judge conflicts with in this contest."""
    p = team_prefix
    team_id_ref = "pk" if p == "" else f"{p}id"
    stored = Conflict.objects.filter(judge_id=judge.pk, team_id=OuterRef(team_id_ref))
    member = TeamMember.objects.filter(user_id=judge.pk, team_id=OuterRef(team_id_ref))
    q = Q(Exists(stored)) | Q(Exists(member)) | Q(**{f"{p}captain_id": judge.pk})
    # A contestant (on any team of the contest) judges none of its teams: every team matches.
    in_contest = Q(**{f"{p}contest_id": contest.pk})
    on_a_team = TeamMember.objects.filter(user_id=judge.pk, contest_id=contest.pk)
    captains = Team.objects.filter(captain_id=judge.pk, contest_id=contest.pk)
    q |= in_contest & (Q(Exists(on_a_team)) | Q(Exists(captains)))
    profile = _profile(judge)
    usccs = sorted(judge_usccs(judge=judge, profile=profile))
    if usccs:
        q |= Q(**{f"{p}lead_organisation__uscc__in": usccs})
        co_applicant = Team.co_applicants.through.objects.filter(
            team_id=OuterRef(team_id_ref), organisation__uscc__in=usccs
        )
        colleague = TeamMember.objects.filter(
            team_id=OuterRef(team_id_ref), user__organisation__uscc__in=usccs
        )
        q |= Q(Exists(co_applicant)) | Q(Exists(colleague))
    relations = _relations(judge_id=judge.pk, contest_id=contest.pk)
    if relations:
        related = TeamMember.objects.filter(team_id=OuterRef(team_id_ref)).filter(
            relations.member_q()
        )
        q |= Q(Exists(related))
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


def _team_usccs(team: Team) -> set[str]:
    usccs = set(team.co_applicants.values_list("uscc", flat=True))
    usccs.update(
        TeamMember.objects.filter(team=team, user__organisation__isnull=False).values_list(
            "user__organisation__uscc", flat=True
        )
    )
    if team.lead_organisation_id:
        usccs.add(team.lead_organisation.uscc)
    return usccs


def conflict_reasons(*, judge, team: Team) -> list[str]:
    """Which rules make this pair a conflict (for messages and the organiser's view)."""
    reasons = list(
        Conflict.objects.filter(judge_id=judge.pk, team=team).values_list("source", flat=True)
    )
    profile = _profile(judge)
    if (
        team.captain_id == judge.pk
        or TeamMember.objects.filter(user_id=judge.pk, team=team).exists()
    ):
        reasons.append(ConflictSource.TEAM_MEMBER)
    elif judge_is_contestant(judge=judge, contest=team.contest):
        reasons.append(ConflictSource.CONTESTANT)
    usccs = judge_usccs(judge=judge)
    if usccs and usccs & _team_usccs(team):
        reasons.append(ConflictSource.SAME_ORGANISATION)
    relations = _relations(judge_id=judge.pk, contest_id=team.contest_id)
    if relations and TeamMember.objects.filter(team=team).filter(relations.member_q()).exists():
        reasons.append(ConflictSource.DECLARED_RELATION)
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
    evaluated for all (judge, team) pairs of a stage at once: (a) an organisation of the judge
    (by USCC) leads or co-applies for the team or is a member's own, (b) the judge is on the team,
    or on any team of the contest, (c) same province when the contest sets it, (d) a stored
    conflict, (e) a member is a relative or student the judge declared. `conflict_filter` builds
    one query per judge; 1,500 of those would cost seconds, so the same rules run here on the few
    rows that can match (tests check both agree)."""
    from django.contrib.auth import get_user_model

    if not reviews:
        return set()
    judge_ids = sorted({r[2] for r in reviews})
    team_ids = sorted(set(entry_team.values()))
    stored: set[tuple[int, int]] = set()
    members: set[tuple[int, int]] = set()
    provinces: dict[int, str] = {}
    judge_usccs_of: dict[int, set[str]] = {}
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
        for user_id, uscc, province in (
            JudgeProfile.objects.filter(user_id__in=chunk)
            .order_by()
            .values_list("user_id", "organisation__uscc", "province")
        ):
            provinces[user_id] = province
            if uscc:
                judge_usccs_of.setdefault(user_id, set()).add(uscc)
        for user_id, uscc in (
            get_user_model()
            .objects.filter(pk__in=chunk, organisation__isnull=False)
            .order_by()
            .values_list("pk", "organisation__uscc")
        ):
            judge_usccs_of.setdefault(user_id, set()).add(uscc)
        for user_id, usccs in _publisher_usccs(judge_ids=chunk).items():
            judge_usccs_of.setdefault(user_id, set()).update(usccs)
    contestants = {
        user_id
        for user_id in TeamMember.objects.filter(contest=contest, user_id__in=judge_ids)
        .order_by()
        .values_list("user_id", flat=True)
    }
    for captain_id, team_id in (
        Team.objects.filter(contest=contest).order_by().values_list("captain_id", "pk")
    ):
        members.add((captain_id, team_id))
        contestants.add(captain_id)
    relations = {
        j: _relations(judge_id=j, contest_id=contest.pk)
        for j in DeclaredRelation.objects.filter(contest=contest, judge_id__in=judge_ids)
        .order_by()
        .values_list("judge_id", flat=True)
        .distinct()
    }
    team_usccs: dict[int, set[str]] = {}
    team_people: dict[int, list[tuple[str, str]]] = {}
    if judge_usccs_of or relations:
        lead_uscc = dict(
            Team.objects.filter(contest=contest, lead_organisation__isnull=False)
            .order_by()
            .values_list("pk", "lead_organisation__uscc")
        )
        for team_id in team_ids:
            if team_lead.get(team_id) is not None and team_id in lead_uscc:
                team_usccs.setdefault(team_id, set()).add(lead_uscc[team_id])
        for chunk in id_chunks(team_ids):
            for team_id, uscc in Team.co_applicants.through.objects.filter(
                team_id__in=chunk
            ).values_list("team_id", "organisation__uscc"):
                team_usccs.setdefault(team_id, set()).add(uscc)
            for team_id, uscc, id_number, real_name in (
                TeamMember.objects.filter(team_id__in=chunk)
                .order_by()
                .values_list(
                    "team_id", "user__organisation__uscc", "user__id_number", "user__real_name"
                )
            ):
                if uscc:
                    team_usccs.setdefault(team_id, set()).add(uscc)
                team_people.setdefault(team_id, []).append((id_number, real_name))
    province_of_team: dict[int, str] = {}
    judge_province: dict[int, str] = {}
    if contest.conflict_same_province:
        judge_province = {j: p for j, p in provinces.items() if p}
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
    for review_id, entry_id, judge_id, _total in reviews:
        team_id = entry_team[entry_id]
        pair = (judge_id, team_id)
        usccs = judge_usccs_of.get(judge_id)
        province = judge_province.get(judge_id)
        related = relations.get(judge_id)
        if (
            pair in stored
            or pair in members
            or judge_id in contestants
            or (usccs and usccs & team_usccs.get(team_id, set()))
            or (related and any(related.matches(i, n) for i, n in team_people.get(team_id, [])))
            or (province and province_of_team.get(team_id) == province)
        ):
            excluded.add(review_id)
    return excluded


def id_chunks(ids: list[int], size: int = 900):
    """Id lists in chunks below SQLite's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
