"""Reads for an incremental update of a stage's results (`judging.services.recompute`): the
stage's entries, the stored result rows, and the counted reviews of a few entries only. The rules
are those of `judging.selectors.result.stage_scoring_data` (submitted reviews of entries that are
not withdrawn, minus reviews of judges who now conflict), applied to the changed entries."""

from __future__ import annotations

from dataclasses import dataclass

from contest.enums import EntryStatus
from contest.models import Stage
from judging.enums import ReviewStatus
from judging.models import EntryResult, Review
from judging.selectors.conflict import conflicted_review_ids, id_chunks
from judging.selectors.result import SCOPE_TEAM_FIELD, AsFloat, group_key_of


@dataclass(frozen=True)
class StageEntries:
    groups: dict[int, str]  # every entry that is not withdrawn -> group key
    team: dict[int, int]
    team_lead: dict[int, int | None]
    submitted: set[int]


def stage_entries(*, stage: Stage, scope: str) -> StageEntries:
    """The stage's entries that are not withdrawn, with their group, team and status (one query)."""
    group_field = SCOPE_TEAM_FIELD.get(scope)
    columns = ["pk", "team_id", "status", "team__lead_organisation_id"]
    if group_field:
        columns.append(group_field)
    groups: dict[int, str] = {}
    team: dict[int, int] = {}
    team_lead: dict[int, int | None] = {}
    submitted: set[int] = set()
    for row in stage.entries.exclude(status=EntryStatus.WITHDRAWN).order_by().values_list(*columns):
        entry_id, team_id, status, lead = row[0], row[1], row[2], row[3]
        groups[entry_id] = group_key_of(scope, row[4] if group_field else None)
        team[entry_id] = team_id
        team_lead[team_id] = lead
        if status == EntryStatus.SUBMITTED:
            submitted.add(entry_id)
    return StageEntries(groups=groups, team=team, team_lead=team_lead, submitted=submitted)


STORED_COLUMNS = (
    "entry_id",
    "group_key",
    "review_count",
    "raw_score",
    "normalised_score",
    "final_score",
    "rank",
    "tied",
    "decided_by",
    "trimmed",
    "overridden",
)


def stored_result_rows(*, stage: Stage) -> list[tuple]:
    """The stage's stored `EntryResult` rows as tuples in `STORED_COLUMNS` order."""
    return list(EntryResult.objects.filter(stage=stage).order_by().values_list(*STORED_COLUMNS))


def counted_reviews_of(
    *, stage: Stage, entry_ids: list[int], entries: StageEntries
) -> list[tuple[int, int, int, float]]:
    """(review id, entry id, judge id, total) of the counted reviews of these entries."""
    reviews: list[tuple[int, int, int, float]] = []
    wanted = sorted(e for e in entry_ids if e in entries.team)
    for chunk in id_chunks(wanted):
        reviews.extend(
            Review.objects.filter(stage=stage, status=ReviewStatus.SUBMITTED, entry_id__in=chunk)
            .order_by()
            .values_list("pk", "entry_id", "judge_id", AsFloat("total"))
        )
    reviews = [r for r in reviews if r[3] is not None]
    excluded = conflicted_review_ids(
        stage=stage,
        contest=stage.contest,
        reviews=reviews,
        entry_team={e: entries.team[e] for e in wanted},
        team_lead=entries.team_lead,
    )
    return [r for r in reviews if r[0] not in excluded]


def result_state_for(*, stage: Stage):
    """The stage's freshness row, or an unsaved empty one (never computed) when none is stored."""
    from judging.models import ResultState

    found = ResultState.objects.filter(stage=stage).first()
    return found if found is not None else ResultState(stage=stage)
