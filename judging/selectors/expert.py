"""Reads of the expert pool: who may be drawn for a stage (or one of its tracks), and why the
others may not. Computed in a constant number of queries, whatever the size of the pool.

Entrants are the teams with a live (not withdrawn) entry in the stage, in the track if one is
given; before any team has an entry there, every team of the contest (in the track) counts, so a
draw made early is no less strict. An expert is excluded, with every reason that applies, when:

- ``inactive``: taken out of the pool;
- ``unavailable``: the event date is one of their unavailable dates;
- ``fields``: fields are wanted and the expert has none of them;
- ``same_organisation``: their organisation (by USCC; also their account's, and their judge
  profile's) leads, co-applies for, or employs a member or advisor of an entrant;
- ``same_province``: the contest sets same-province recusal and an entrant's lead organisation
  (or, without one, its captain) is in the expert's province;
- ``declared_relation``: a member or advisor of an entrant is a relative or student the expert
  declared (by ID number; by name where either side has no ID number), in the pool or in a panel
  declaration of this contest;
- ``contestant``: their account is on a team of the contest;
- ``on_panel``: their account is already on the stage's panel (invited or accepted);
- ``already_drawn``: an earlier draw of the stage has them standing by, invited or confirmed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from contest.enums import EntryStatus
from contest.models import Stage, Team, TeamMember
from judging.enums import ExpertPickStatus, PanelStatus
from judging.models import DeclaredRelation, Expert, ExpertDrawPick, JudgeProfile, PanelMembership

EXCLUSION_REASONS = (
    "inactive",
    "unavailable",
    "fields",
    "same_organisation",
    "same_province",
    "declared_relation",
    "contestant",
    "on_panel",
    "already_drawn",
)
OPEN_PICK_STATUSES = (
    ExpertPickStatus.STANDBY,
    ExpertPickStatus.INVITED,
    ExpertPickStatus.CONFIRMED,
)


@dataclass
class DrawPool:
    """The sorted candidate keys, and the excluded keys with their reasons."""

    candidates: list[str] = field(default_factory=list)
    excluded: dict[str, list[str]] = field(default_factory=dict)

    @property
    def excluded_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(EXCLUSION_REASONS, 0)
        for reasons in self.excluded.values():
            for reason in reasons:
                counts[reason] += 1
        return {k: v for k, v in counts.items() if v}


def experts_of_contest(contest) -> QuerySet[Expert]:
    return Expert.objects.filter(contest=contest).order_by("pk")


def _entrant_teams(stage: Stage, track) -> QuerySet[Team]:
    live = Team.objects.filter(
        contest_id=stage.contest_id,
        entries__stage=stage,
        entries__status__in=[EntryStatus.DRAFT, EntryStatus.SUBMITTED],
    )
    teams = Team.objects.filter(contest_id=stage.contest_id)
    if track is not None:
        live = live.filter(track=track)
        teams = teams.filter(track=track)
    ids = list(live.values_list("pk", flat=True).distinct())
    return Team.objects.filter(pk__in=ids) if ids else teams


@dataclass
class _Entrants:
    usccs: set[str] = field(default_factory=set)
    provinces: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # every person's name
    names_without_id: set[str] = field(default_factory=set)


def _entrants(stage: Stage, track) -> _Entrants:
    """Organisations, provinces and people of the entrants: three queries."""
    found = _Entrants()
    teams = _entrant_teams(stage, track)
    for lead_id, uscc, lead_province, captain_province, c_uscc, c_id, c_name in teams.values_list(
        "lead_organisation_id",
        "lead_organisation__uscc",
        "lead_organisation__province",
        "captain__province",
        "captain__organisation__uscc",
        "captain__id_number",
        "captain__real_name",
    ):
        province = lead_province if lead_id is not None else captain_province
        if province:
            found.provinces.add(province)
        found.usccs.update(u for u in (uscc, c_uscc) if u)
        _person(found, c_id, c_name)
    found.usccs.update(
        u
        for u in Team.co_applicants.through.objects.filter(team__in=teams).values_list(
            "organisation__uscc", flat=True
        )
        if u
    )
    for uscc, id_number, name in TeamMember.objects.filter(team__in=teams).values_list(
        "user__organisation__uscc", "user__id_number", "user__real_name"
    ):
        if uscc:
            found.usccs.add(uscc)
        _person(found, id_number, name)
    return found


def _person(found: _Entrants, id_number: str | None, name: str | None) -> None:
    if name:
        found.names.add(name)
        if not id_number:
            found.names_without_id.add(name)
    if id_number:
        found.ids.add(id_number)


def _related(relations: list[dict], entrants: _Entrants) -> bool:
    for relation in relations:
        id_number, name = relation.get("id_number") or "", relation.get("name") or ""
        if id_number and id_number in entrants.ids:
            return True
        if not id_number and name in entrants.names:
            return True
        if name in entrants.names_without_id:
            return True
    return False


def draw_pool(
    *, stage: Stage, track=None, fields_wanted=(), event_date: datetime.date | None = None
) -> DrawPool:
    """Who may be drawn and who may not (with why). Twelve queries, whatever the pool's size."""
    contest = stage.contest
    experts = list(
        experts_of_contest(contest).values(
            "pk",
            "user_id",
            "organisation_uscc",
            "province",
            "fields",
            "active",
            "unavailable_dates",
            "declared_relations",
        )
    )
    entrants = _entrants(stage, track)
    user_ids = sorted({e["user_id"] for e in experts if e["user_id"]})
    account_usccs: dict[int, set[str]] = {}
    for pk, uscc in (
        get_user_model()
        .objects.filter(pk__in=user_ids, organisation__isnull=False)
        .values_list("pk", "organisation__uscc")
    ):
        account_usccs.setdefault(pk, set()).add(uscc)
    for pk, uscc in JudgeProfile.objects.filter(
        user_id__in=user_ids, organisation__isnull=False
    ).values_list("user_id", "organisation__uscc"):
        account_usccs.setdefault(pk, set()).add(uscc)
    panel_relations: dict[int, list[dict]] = {}
    for judge_id, name, id_number in DeclaredRelation.objects.filter(
        contest=contest, judge_id__in=user_ids
    ).values_list("judge_id", "name", "id_number"):
        panel_relations.setdefault(judge_id, []).append({"name": name, "id_number": id_number})
    contestants = set(
        TeamMember.objects.filter(contest=contest, user_id__in=user_ids).values_list(
            "user_id", flat=True
        )
    ) | set(
        Team.objects.filter(contest=contest, captain_id__in=user_ids).values_list(
            "captain_id", flat=True
        )
    )
    on_panel = set(
        PanelMembership.objects.filter(stage=stage, judge_id__in=user_ids)
        .exclude(status=PanelStatus.DECLINED)
        .values_list("judge_id", flat=True)
    )
    drawn = set(
        ExpertDrawPick.objects.filter(draw__stage=stage, status__in=OPEN_PICK_STATUSES).values_list(
            "expert_id", flat=True
        )
    )
    wanted = {str(f).strip() for f in fields_wanted or [] if str(f).strip()}
    day = event_date.isoformat() if event_date else None
    same_province = contest.conflict_same_province

    pool = DrawPool()
    for e in experts:
        reasons = []
        user_id = e["user_id"]
        if not e["active"]:
            reasons.append("inactive")
        if day and day in set(e["unavailable_dates"] or []):
            reasons.append("unavailable")
        if wanted and not wanted & set(e["fields"] or []):
            reasons.append("fields")
        usccs = {e["organisation_uscc"]} if e["organisation_uscc"] else set()
        usccs |= account_usccs.get(user_id, set())
        if usccs & entrants.usccs:
            reasons.append("same_organisation")
        if same_province and e["province"] and e["province"] in entrants.provinces:
            reasons.append("same_province")
        relations = list(e["declared_relations"] or []) + panel_relations.get(user_id, [])
        if relations and _related(relations, entrants):
            reasons.append("declared_relation")
        if user_id and user_id in contestants:
            reasons.append("contestant")
        if user_id and user_id in on_panel:
            reasons.append("on_panel")
        if e["pk"] in drawn:
            reasons.append("already_drawn")
        key = str(e["pk"])
        if reasons:
            pool.excluded[key] = reasons
        else:
            pool.candidates.append(key)
    pool.candidates.sort()
    return pool


def expert_draws_of_stage(stage: Stage):
    from judging.models import ExpertDraw

    return (
        ExpertDraw.objects.filter(stage=stage)
        .select_related("track", "created_by")
        .prefetch_related("picks__expert")
        .order_by("-pk")
    )
