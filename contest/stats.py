"""Figures for the organiser's charts, contest side: registrations and entries.

Every function aggregates in the database (`values().annotate(Count(...))`, `TruncDate`) and
returns plain dicts, so the number of queries does not grow with the number of teams or entries.
A registration is a team: its day is the day the team was created (in the installation's time
zone); its region is the province of its lead organisation, its organisation type that
organisation's kind. Teams without a track or lead organisation are counted under None.
"""

from __future__ import annotations

from django.db.models import Count, F
from django.db.models.functions import TruncDate

from contest.enums import EntryStatus, OrganisationKind
from contest.models import Contest, Entry, Stage, Team


def registration_statistics(*, contest: Contest) -> dict:
    """Teams of the contest per day (with the running total), per track, per province of the
    lead organisation and per kind of lead organisation. Four queries."""
    teams = Team.objects.filter(contest=contest).order_by()
    per_day = (
        teams.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("day")
    )
    over_time = []
    running = 0
    for row in per_day:
        running += row["count"]
        over_time.append({"date": row["day"], "count": row["count"], "cumulative": running})
    by_track = [
        {"key": r["track_id"], "label": r["track__name"] or "", "count": r["count"]}
        for r in teams.values("track_id", "track__name")
        .annotate(count=Count("id"))
        .order_by(F("track__order").asc(nulls_last=True), F("track_id").asc(nulls_last=True))
    ]
    by_region = [
        {"key": r["province"], "label": r["province"] or "", "count": r["count"]}
        for r in teams.values(province=F("lead_organisation__province"))
        .annotate(count=Count("id"))
        .order_by("-count", F("province").asc(nulls_last=True))
    ]
    labels = dict(OrganisationKind.choices)
    by_kind = [
        {"key": r["kind"], "label": labels.get(r["kind"], ""), "count": r["count"]}
        for r in teams.values(kind=F("lead_organisation__kind"))
        .annotate(count=Count("id"))
        .order_by("-count", F("kind").asc(nulls_last=True))
    ]
    return {
        "total": running,
        "over_time": over_time,
        "by_track": by_track,
        "by_region": by_region,
        "by_organisation_kind": by_kind,
    }


def entry_statistics(*, contest: Contest) -> dict:
    """Entries per stage and status, every stage of the contest in order (stages without entries
    too, with zeros) and every status. Two queries."""
    stages = list(
        Stage.objects.filter(contest=contest).order_by("order", "id").values("id", "name", "order")
    )
    counts: dict[tuple[int, str], int] = {
        (r["stage_id"], r["status"]): r["count"]
        for r in Entry.objects.filter(stage__contest=contest)
        .order_by()
        .values("stage_id", "status")
        .annotate(count=Count("id"))
    }
    statuses = [value for value, _ in EntryStatus.choices]
    return {
        "statuses": [{"key": value, "label": label} for value, label in EntryStatus.choices],
        "stages": [
            {
                "stage": s["id"],
                "name": s["name"],
                "counts": {status: counts.get((s["id"], status), 0) for status in statuses},
                "total": sum(counts.get((s["id"], status), 0) for status in statuses),
            }
            for s in stages
        ],
    }
