"""The figures of the organiser's report to government, for one contest or a whole national
contest (a parent with its sub-contests), in a constant number of queries.

Scope: a contest without sub-contests is reported alone. A contest with sub-contests (the
national contest) is reported with all of them: registrations, entrants and people come from the
sub-contests (that is where teams register; the national final's teams are recommended from
them and would count twice), stages, awards and judges from the national contest and every
sub-contest; `sub_contests` breaks the figures down per contest.

Definitions (docs/developer/reports.md):
- registration: a team; its province, city and organisation type are those of its lead
  organisation, its track the track's name (sub-contests' tracks of the same name add up);
- entrant: an organisation, lead or co-applicant of at least one team, counted once per row, in
  its own province, city and type and in the tracks of its teams;
- person: a user on a team as captain, member or advisor, counted once per row however many
  teams, in the province, city, type and track of the team (its lead organisation's);
- stage outcome: `reached` = entries in the stage not withdrawn, `submitted` = of those submitted,
  `passed` = entries promoted out of the stage (晋级), `recommended` per sub-contest = entries
  recommended to the national contest and not withdrawn;
- awards: not removed and not stale (proposed, in notice or final), by tier name and by province
  of the team's lead organisation (or of the organisation for an organiser award);
- judges: accepted panel members, each once per row, by expertise tag ("field") and by province
  of their judge profile ("region").

Queries: 10, whatever the number of contests, teams, people, awards or judges.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from awards.enums import AwardStatus
from awards.models import Award
from contest.enums import EntryStatus, MemberRole, OrganisationKind, StageKind
from contest.models import Contest, Entry, Organisation, Stage, Team, TeamMember
from judging.enums import PanelStatus, RecommendationStatus
from judging.models import PanelMembership, Promotion, Recommendation

NOT_GIVEN = "未填写 Not given"


def _label(value, labels: dict | None = None) -> str:
    if value in (None, ""):
        return NOT_GIVEN
    return labels.get(value, str(value)) if labels else str(value)


def _rows(
    sets: dict, labels: dict | None = None, *, order: Callable | None = None, **extra
) -> list[dict]:
    """One row per key: the size of each named set, sorted by `order` or by the first count
    (descending) then key; keys None and "" become one row labelled "未填写 Not given" (key None)."""
    merged: dict = defaultdict(lambda: defaultdict(set))
    for name, per_key in sets.items():
        for key, members in per_key.items():
            merged[key or None][name] |= members
    first = next(iter(sets))
    rows = [
        {
            "key": key,
            "label": _label(key, labels),
            **{name: len(merged[key][name]) for name in sets},
            **{name: fn(key) for name, fn in extra.items()},
        }
        for key in merged
    ]
    if order is not None:
        rows.sort(key=lambda r: order(r["key"]))
    else:
        rows.sort(key=lambda r: (-r[first], r["key"] is None, str(r["key"] or "")))
    return rows


def _scope(contest: Contest) -> tuple[list[dict], list[int]]:
    """The contests reported (the contest first, then its sub-contests by code) and the ids of
    those whose teams are the registrations."""
    contests = list(
        Contest.objects.filter(Q(pk=contest.pk) | Q(parent_id=contest.pk))
        .order_by()
        .values("id", "code", "name", "region", "parent_id")
    )
    contests.sort(key=lambda c: (c["id"] != contest.pk, c["code"]))
    children = [c["id"] for c in contests if c["id"] != contest.pk]
    return contests, children or [contest.pk]


def _registrations(registering: list[int]) -> dict:
    """Teams, entrants and people per province, city, track and organisation type. 3 queries."""
    teams = {
        t[0]: t[1:]
        for t in Team.objects.filter(contest_id__in=registering)
        .order_by()
        .values_list(
            "pk",
            "contest_id",
            "track__name",
            "track__order",
            "lead_organisation_id",
            "lead_organisation__province",
            "lead_organisation__city",
            "lead_organisation__kind",
        )
    }
    co_applicants = list(
        Organisation.co_applied_teams.through.objects.filter(team_id__in=list(teams))
        .order_by()
        .values_list(
            "team_id",
            "organisation_id",
            "organisation__province",
            "organisation__city",
            "organisation__kind",
        )
    )
    people = list(
        TeamMember.objects.filter(contest_id__in=registering)
        .order_by()
        .values_list("team_id", "user_id", "role")
    )
    dims = ("province", "city", "track", "organisation_kind")
    counts = {d: defaultdict(lambda: defaultdict(set)) for d in dims}
    per_contest = defaultdict(lambda: defaultdict(set))
    track_order: dict = {}
    city_province: dict = {}

    def add(team_id, name, value, organisation=None):
        """Count `value` in the team's rows; an entrant in its own province, city and type."""
        team = teams[team_id]
        _, track, order, _, province, city, kind = team
        if organisation is not None:
            province, city, kind = organisation
        track_order.setdefault(track or None, order if order is not None else 1 << 30)
        city_key = f"{province} {city}".strip() if city else None
        if city_key:
            city_province[city_key] = province
        for dim, key in zip(dims, (province, city_key, track, kind), strict=True):
            counts[dim][name][key].add(value)
        per_contest[team[0]][name].add(value)

    for team_id, team in teams.items():
        add(team_id, "registrations", team_id)
        if team[3] is not None:
            add(team_id, "entrants", team[3], team[4:])
    for team_id, organisation_id, *organisation in co_applicants:
        add(team_id, "entrants", organisation_id, organisation)
    totals = defaultdict(set)
    for team_id, user_id, role in people:
        add(team_id, "people", user_id)
        totals["people"].add(user_id)
        totals["advisors" if role == MemberRole.ADVISOR else "members"].add(user_id)
    for team_id, team in teams.items():
        totals["registrations"].add(team_id)
        if team[3] is not None:
            totals["entrants"].add(team[3])
    totals["entrants"] |= {row[1] for row in co_applicants}

    def named(dim):
        per = counts[dim]
        return {name: per[name] for name in ("registrations", "entrants", "people")}

    kinds = dict(OrganisationKind.choices)
    return {
        "totals": {
            name: len(totals[name])
            for name in ("registrations", "entrants", "people", "members", "advisors")
        },
        "by_province": _rows(named("province")),
        "by_city": _rows(named("city"), province=lambda k: city_province.get(k) or None),
        "by_track": _rows(
            named("track"), order=lambda k: (k is None, track_order.get(k, 0), str(k or ""))
        ),
        "by_organisation_kind": _rows(named("organisation_kind"), kinds),
        "per_contest": per_contest,
    }


def _stages(contest: Contest, contest_ids: list[int]) -> tuple[list[dict], dict]:
    """Reached, submitted and passed per stage; the sub-contests' stages of the same name add up
    (listed in their order), the national contest's own stages come after them. 4 queries."""
    stages = list(
        Stage.objects.filter(contest_id__in=contest_ids)
        .order_by("order", "id")
        .values_list("pk", "contest_id", "name", "kind", "order")
    )
    entries = {
        r["stage_id"]: r
        for r in Entry.objects.filter(stage__contest_id__in=contest_ids)
        .exclude(status=EntryStatus.WITHDRAWN)
        .order_by()
        .values("stage_id")
        .annotate(
            reached=Count("pk"), submitted=Count("pk", filter=Q(status=EntryStatus.SUBMITTED))
        )
    }
    passed = dict(
        Promotion.objects.filter(from_stage__contest_id__in=contest_ids)
        .order_by()
        .values("from_stage_id")
        .annotate(n=Count("entry_id", distinct=True))
        .values_list("from_stage_id", "n")
    )
    recommended = dict(
        Recommendation.objects.filter(from_contest_id__in=contest_ids)
        .exclude(status=RecommendationStatus.WITHDRAWN)
        .order_by()
        .values("from_contest_id")
        .annotate(n=Count("entry_id", distinct=True))
        .values_list("from_contest_id", "n")
    )
    kinds = dict(StageKind.choices)
    national = len(contest_ids) > 1
    rows: dict[tuple, dict] = {}
    for pk, contest_id, name, kind, _order in stages:
        level = "national" if national and contest_id == contest.pk else "contest"
        row = rows.setdefault(
            (level, name),
            {
                "key": f"{level}:{name}",
                "name": name,
                "level": level,
                "kind": kind,
                "kind_label": kinds.get(kind, kind),
                "stages": 0,
                "reached": 0,
                "submitted": 0,
                "passed": 0,
            },
        )
        row["stages"] += 1
        row["reached"] += entries.get(pk, {}).get("reached", 0)
        row["submitted"] += entries.get(pk, {}).get("submitted", 0)
        row["passed"] += passed.get(pk, 0)
    ordered = sorted(rows.values(), key=lambda r: r["level"] == "national")
    return ordered, recommended


def _awards(contest_ids: list[int]) -> tuple[dict, dict]:
    """Active awards by tier name and by province. 1 query."""
    rows = (
        Award.objects.filter(contest_id__in=contest_ids)
        .exclude(status__in=[AwardStatus.REMOVED, AwardStatus.STALE])
        .order_by()
        .values(
            "contest_id",
            "tier__name",
            "tier__order",
            "status",
            province=Coalesce("team__lead_organisation__province", "organisation__province"),
        )
        .annotate(n=Count("pk"))
    )
    by_tier: dict = {}
    by_province: dict = defaultdict(lambda: {"count": 0, "final": 0})
    per_contest: dict = defaultdict(int)
    total = final = 0
    for r in rows:
        tier = by_tier.setdefault(
            r["tier__name"],
            {"key": r["tier__name"], "label": r["tier__name"], "count": 0, "final": 0},
        )
        tier["order"] = min(tier.get("order", r["tier__order"]), r["tier__order"])
        is_final = r["status"] == AwardStatus.FINAL
        for row in (tier, by_province[r["province"] or None]):
            row["count"] += r["n"]
            row["final"] += r["n"] if is_final else 0
        per_contest[r["contest_id"]] += r["n"]
        total += r["n"]
        final += r["n"] if is_final else 0
    tiers = sorted(by_tier.values(), key=lambda t: (t.pop("order"), t["key"]))
    provinces = sorted(
        ({"key": k, "label": _label(k), **v} for k, v in by_province.items()),
        key=lambda r: (-r["count"], r["key"] is None, r["key"] or ""),
    )
    return (
        {"total": total, "final": final, "by_tier": tiers, "by_province": provinces},
        per_contest,
    )


def _judges(contest_ids: list[int]) -> tuple[dict, dict]:
    """Accepted panel members by expertise tag and by province. 1 query."""
    rows = (
        PanelMembership.objects.filter(
            stage__contest_id__in=contest_ids, status=PanelStatus.ACCEPTED
        )
        .order_by()
        .values_list(
            "judge_id",
            "stage__contest_id",
            "judge__judge_profile__province",
            "judge__judge_profile__expertise",
        )
    )
    fields: dict = defaultdict(set)
    regions: dict = defaultdict(set)
    per_contest: dict = defaultdict(set)
    everyone: set = set()
    for judge_id, contest_id, province, expertise in rows:
        everyone.add(judge_id)
        per_contest[contest_id].add(judge_id)
        regions[province or None].add(judge_id)
        tags = [t for t in expertise or [] if isinstance(t, str) and t.strip()]
        for tag in tags or [None]:
            fields[tag.strip() if tag else None].add(judge_id)
    return (
        {
            "total": len(everyone),
            "by_field": _rows({"count": fields}),
            "by_region": _rows({"count": regions}),
        },
        per_contest,
    )


def _sub_contests(contests: Iterable[dict], contest: Contest, parts: dict) -> list[dict]:
    reg, awards, judges, recommended = parts.values()
    return [
        {
            "contest": c["id"],
            "code": c["code"],
            "name": c["name"],
            "region": c["region"],
            "level": "national" if c["id"] == contest.pk else "sub_contest",
            "registrations": len(reg[c["id"]]["registrations"]),
            "entrants": len(reg[c["id"]]["entrants"]),
            "people": len(reg[c["id"]]["people"]),
            "judges": len(judges.get(c["id"], ())),
            "awards": awards.get(c["id"], 0),
            "recommended": recommended.get(c["id"], 0),
        }
        for c in contests
    ]


def contest_report_data(*, contest: Contest) -> dict:
    """Every figure of the report for `contest` (with its sub-contests, if it has any)."""
    contests, registering = _scope(contest)
    contest_ids = [c["id"] for c in contests]
    registrations = _registrations(registering)
    stages, recommended = _stages(contest, contest_ids)
    awards, awards_per_contest = _awards(contest_ids)
    judges, judges_per_contest = _judges(contest_ids)
    per_contest = registrations.pop("per_contest")
    national = len(contests) > 1
    return {
        "contest": {
            "id": contest.pk,
            "code": contest.code,
            "name": contest.name,
            "edition": contest.edition,
            "year": contest.year,
        },
        "scope": "national" if national else "contest",
        "generated_at": timezone.localtime(),
        "totals": {
            **registrations.pop("totals"),
            "sub_contests": len(contests) - 1,
            "awards": awards["total"],
            "awards_final": awards["final"],
            "judges": judges["total"],
            "recommended": sum(recommended.values()),
        },
        "registrations": registrations,
        "stages": stages,
        "awards": {"by_tier": awards["by_tier"], "by_province": awards["by_province"]},
        "judges": {"by_field": judges["by_field"], "by_region": judges["by_region"]},
        "sub_contests": _sub_contests(
            contests if national else [],
            contest,
            {
                "registrations": per_contest,
                "awards": awards_per_contest,
                "judges": judges_per_contest,
                "recommended": recommended,
            },
        ),
    }
