"""Reads for results and ranking: the stage's scoring data as flat rows, stored results, snapshots.

`stage_scoring_data` is the one loader behind the ranking, the consistency report and the score
export, so all three see the same reviews: the stage's SUBMITTED reviews of ranked entries, minus
every review by a judge who now conflicts with the entry's team (回避 is checked live: a conflict
found after the review was submitted still removes it). Everything is fetched with
`.values_list()`, never as model instances, so a national stage (66,000 reviews) loads in a
fraction of a second.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from django.db.models import F, FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from contest.enums import EntryStatus
from contest.models import Challenge, Group, Stage, Track
from judging.consistency import ConsistencyReport, consistency_compute
from judging.enums import RankingScope, ReviewStatus, SnapshotStatus
from judging.models import (
    Criterion,
    EntryResult,
    PanelOverride,
    ResultSettings,
    ResultSnapshot,
    Review,
    ReviewScore,
    Rubric,
)
from judging.selectors.conflict import conflicted_review_ids, id_chunks


class AsFloat(Cast):
    """CAST(x AS a float type), the driver's float passed through as is: SQLite and psycopg
    both return a Python float already, so Django's per-row converter (about 0.2 s over a
    national stage's 130,000 values) is skipped."""

    def __init__(self, expression):
        super().__init__(expression, output_field=FloatField())

    @property
    def convert_value(self):
        return self._convert_value_noop


STAGE_GROUP_KEY = "stage"
NO_GROUP_KEY = "none"
NO_GROUP_NAME = "未分组 Ungrouped"

# scope -> the team column that decides the ranking group
SCOPE_TEAM_FIELD = {
    RankingScope.TRACK: "team__track_id",
    RankingScope.GROUP: "team__group_id",
    RankingScope.CHALLENGE: "team__challenge_id",
}


def group_key_of(scope: str, value) -> str:
    """The stored `EntryResult.group_key` of an entry: the track / group / challenge id as text,
    "none" when the team has none, or "stage" when the whole stage is one ranking."""
    if scope == RankingScope.STAGE:
        return STAGE_GROUP_KEY
    return NO_GROUP_KEY if value is None else str(value)


def group_names(*, stage: Stage, scope: str) -> dict[str, str]:
    """group_key -> display name for every possible group of the stage's contest (one query)."""
    names = {NO_GROUP_KEY: NO_GROUP_NAME, STAGE_GROUP_KEY: stage.name}
    if scope == RankingScope.TRACK:
        rows = Track.objects.filter(contest_id=stage.contest_id).values_list("pk", "name")
    elif scope == RankingScope.GROUP:
        rows = Group.objects.filter(contest_id=stage.contest_id).values_list("pk", "name")
    elif scope == RankingScope.CHALLENGE:
        rows = (
            Challenge.objects.filter(
                Q(contest_id=stage.contest_id) | Q(teams__contest=stage.contest_id)
            )
            .distinct()
            .values_list("pk", "code", "title")
        )
        rows = [(pk, f"{code} {title}") for pk, code, title in rows]
    else:
        rows = []
    names.update({str(pk): name for pk, name in rows})
    return names


def result_settings_for(*, stage: Stage) -> ResultSettings:
    """The stage's settings, or the unsaved defaults (mean, per track) when none are stored yet.
    Reading never writes; `ranking_compute` stores the defaults the first time it runs."""
    found = ResultSettings.objects.filter(stage=stage).first()
    return found if found is not None else ResultSettings(stage=stage)


def tie_break_criteria(tie_break: Iterable[dict]) -> list[str]:
    return sorted({r["key"] for r in tie_break if r.get("rule") == "criterion" and r.get("key")})


def result_settings_dict(settings: ResultSettings) -> dict:
    """The settings as recorded (audit rows) and frozen (snapshots)."""
    return {
        "method": settings.method,
        "trim_min_reviews": settings.trim_min_reviews,
        "normalise": settings.normalise,
        "scope": settings.scope,
        "tie_break": settings.tie_break,
        "outlier_threshold": str(settings.outlier_threshold),
        # 评榜 by publishers: only when set, so snapshots without it keep their form
        **(
            {"publisher_weight": str(settings.publisher_weight)}
            if settings.publisher_weight
            else {}
        ),
    }


@dataclass
class ScoringData:
    """What one stage's ranking is computed from, as plain Python values."""

    entry_groups: dict[int, str]  # every ranked entry -> group key
    entry_team: dict[int, int]
    # (review id, entry id, judge id, total) of the reviews that count
    reviews: list[tuple[int, int, int, float]]
    # review id -> {criterion key: value}, for the criteria asked for only
    scores: dict[int, dict[str, float]] = field(default_factory=dict)
    excluded_review_ids: set[int] = field(default_factory=set)  # judge now in conflict

    def review_rows(self) -> list[tuple[int, int, float, dict[str, float]]]:
        """Rows for `judging.aggregation` / `judging.consistency`: (entry, judge, total, scores)."""
        scores, none = self.scores, {}
        if not scores:
            return [(e, j, t, none) for _, e, j, t in self.reviews]
        return [(e, j, t, scores.get(r, none)) for r, e, j, t in self.reviews]


def _submitted_reviews(stage: Stage) -> QuerySet[Review]:
    return Review.objects.filter(stage=stage, status=ReviewStatus.SUBMITTED)


def stage_scoring_data(
    *, stage: Stage, scope: str, criteria: Iterable[str] = (), with_scores_of_all: bool = False
) -> ScoringData:
    """Load the stage for ranking (see the module docstring for which reviews count).

    Ranked entries: the stage's submitted entries, and any other entry that is not withdrawn but
    has a submitted review. Withdrawn entries and their reviews are left out. `criteria`: the
    criterion keys whose per-review scores are needed (the tie-break chain's); with
    `with_scores_of_all`, every criterion's.
    """
    contest = stage.contest
    group_field = SCOPE_TEAM_FIELD.get(scope)
    columns = ["pk", "team_id", "status", "team__lead_organisation_id"]
    if group_field:
        columns.append(group_field)
    entry_rows = (
        stage.entries.exclude(status=EntryStatus.WITHDRAWN).order_by().values_list(*columns)
    )
    entry_groups: dict[int, str] = {}
    entry_team: dict[int, int] = {}
    submitted: set[int] = set()
    team_lead: dict[int, int | None] = {}
    for row in entry_rows:
        entry_id, team_id, status, lead = row[0], row[1], row[2], row[3]
        entry_groups[entry_id] = group_key_of(scope, row[4] if group_field else None)
        entry_team[entry_id] = team_id
        team_lead[team_id] = lead
        if status == EntryStatus.SUBMITTED:
            submitted.add(entry_id)

    reviews = list(
        _submitted_reviews(stage)
        .order_by()
        .values_list("pk", "entry_id", "judge_id", AsFloat("total"))
    )
    reviews = [r for r in reviews if r[1] in entry_team and r[3] is not None]
    excluded = conflicted_review_ids(
        stage=stage, contest=contest, reviews=reviews, entry_team=entry_team, team_lead=team_lead
    )
    if excluded:
        reviews = [r for r in reviews if r[0] not in excluded]
    reviewed = {r[1] for r in reviews}
    entry_groups = {e: g for e, g in entry_groups.items() if e in submitted or e in reviewed}

    scores: dict[int, dict[str, float]] = {}
    criteria = list(criteria)
    if criteria or with_scores_of_all:
        # The stage's criteria identify its scores: one index scan of the score table, no join
        # to the reviews (status and recusal are applied through `kept`).
        wanted = Criterion.objects.filter(rubric__stage=stage)
        if not with_scores_of_all:
            wanted = wanted.filter(key__in=criteria)
        key_of = dict(wanted.values_list("pk", "key"))
        kept = {r[0] for r in reviews}
        for chunk in id_chunks(sorted(key_of)):
            for review_id, criterion_id, value in (
                ReviewScore.objects.filter(criterion_id__in=chunk)
                .order_by()
                .values_list("review_id", "criterion_id", AsFloat("value"))
            ):
                if review_id in kept:
                    scores.setdefault(review_id, {})[key_of[criterion_id]] = value
    return ScoringData(
        entry_groups=entry_groups,
        entry_team=entry_team,
        reviews=reviews,
        scores=scores,
        excluded_review_ids=excluded,
    )


def panel_overrides(*, stage: Stage) -> list[tuple[int, object, int | None, str]]:
    """(entry id, score or None, panel order or None, reason) of every 合议 of the stage."""
    return list(
        PanelOverride.objects.filter(stage=stage)
        .order_by()
        .values_list("entry_id", "score", "panel_order", "reason")
    )


# --------------------------------------------------------------------------------------------
# Stored results


def results_of_stage(*, stage: Stage, group_key: str | None = None) -> QuerySet[EntryResult]:
    """Stored result rows in ranking order (group, rank, unranked last), with entry and team."""
    qs = (
        EntryResult.objects.filter(stage=stage)
        .select_related("entry__team")
        .annotate(
            override_reason=Subquery(
                PanelOverride.objects.filter(
                    stage_id=stage.pk, entry_id=OuterRef("entry_id")
                ).values("reason")[:1]
            )
        )
        .order_by("group_key", F("rank").asc(nulls_last=True), "entry_id")
    )
    if group_key is not None:
        qs = qs.filter(group_key=group_key)
    return qs


def snapshot_latest(stage: Stage) -> ResultSnapshot | None:
    """The newest published snapshot of the stage (awards are proposed from this), or None:
    a snapshot withdrawn by a correction (更正) is never the one awards follow."""
    return (
        ResultSnapshot.objects.filter(stage=stage, status=SnapshotStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )


def stages_with_results_published_at() -> QuerySet[Stage]:
    """Stages annotated with `results_published_at`: when the results now in force were
    published (the newest published snapshot), None while nothing is published. One subquery, so
    a contest's stages still load in one query (the public results page opens on the latest
    stage that has results)."""
    latest = ResultSnapshot.objects.filter(
        stage=OuterRef("pk"), status=SnapshotStatus.PUBLISHED
    ).order_by("-version")
    return Stage.objects.annotate(results_published_at=Subquery(latest.values("published_at")[:1]))


def snapshots_of_stage(*, stage: Stage) -> QuerySet[ResultSnapshot]:
    """Every version, newest first (organisers), with what replaced each and what it replaced."""
    return (
        ResultSnapshot.objects.filter(stage=stage)
        .select_related("replaced_by", "replaces")
        .order_by("-version")
    )


def snapshots_public(*, stage: Stage) -> list[ResultSnapshot]:
    """What the public sees: the latest published snapshot and every snapshot withdrawn by a
    correction (shown as 已更正 with its reason and what replaced it), newest first."""
    latest = (
        ResultSnapshot.objects.filter(stage=stage, status=SnapshotStatus.PUBLISHED)
        .order_by("-version")
        .values("pk")[:1]
    )
    return list(
        snapshots_of_stage(stage=stage).filter(
            Q(status=SnapshotStatus.WITHDRAWN) | Q(pk__in=Subquery(latest))
        )
    )


# --------------------------------------------------------------------------------------------
# Consistency


@dataclass(frozen=True)
class StageConsistency:
    report: ConsistencyReport
    judge_names: dict[int, str]
    group_names: dict[Hashable, str]
    reviews: int
    excluded_conflicts: int


def consistency_for_stage(stage: Stage) -> StageConsistency:
    """Judge leniency and spread, agreement per ranking group (Kendall's W, ICC(2,1)) and
    outliers over the reviews submitted so far (usable while scoring is still open). Reviews that
    count are those of the ranking; a review is an outlier when it lies more than the settings'
    `outlier_threshold` percent of the maximum total away from the other judges' mean."""
    from contest.models import User

    settings = result_settings_for(stage=stage)
    data = stage_scoring_data(stage=stage, scope=settings.scope)
    report = consistency_compute(
        reviews=data.review_rows(),
        max_total=float(Rubric.MAX_TOTAL),
        entry_groups=data.entry_groups,
        deviation_fraction=float(settings.outlier_threshold) / 100,
    )
    judge_names = dict(
        User.objects.filter(pk__in=list(report.judges)).values_list("pk", "real_name")
    )
    return StageConsistency(
        report=report,
        judge_names=judge_names,
        group_names=group_names(stage=stage, scope=settings.scope),
        reviews=len(data.reviews),
        excluded_conflicts=len(data.excluded_review_ids),
    )


# --------------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class ScoreSheetData:
    criteria: list[tuple[str, str]]  # (key, name) in rubric order, each key once
    # per submitted review: entry/team/group/judge columns, criterion values, total, counted
    reviews: list[dict]
    results: list[dict]


def scores_export_data(*, stage: Stage) -> ScoreSheetData:
    """Every submitted review with its per-criterion scores (conflicted ones marked as not
    counted), and the stored ranking, for the organiser's Excel export."""
    settings = result_settings_for(stage=stage)
    names = group_names(stage=stage, scope=settings.scope)
    data = stage_scoring_data(stage=stage, scope=settings.scope)
    criteria: list[tuple[str, str]] = []
    seen: set[str] = set()
    for key, name in (
        Criterion.objects.filter(rubric__stage=stage)
        .order_by("rubric_id", "order", "id")
        .values_list("key", "name")
    ):
        if key not in seen:
            seen.add(key)
            criteria.append((key, name))
    scores: dict[int, dict[str, object]] = {}
    for review_id, key, value in (
        ReviewScore.objects.filter(review__stage=stage, review__status=ReviewStatus.SUBMITTED)
        .order_by()
        .values_list("review_id", "criterion__key", "value")
    ):
        scores.setdefault(review_id, {})[key] = value
    group_field = SCOPE_TEAM_FIELD.get(settings.scope)
    review_rows = []
    fields = [
        "pk",
        "entry_id",
        "entry__team__code",
        "entry__team__name",
        "entry__title",
        "judge_id",
        "judge__real_name",
        "total",
        "submitted_at",
    ]
    if group_field:
        fields.append(f"entry__{group_field}")
    for row in (
        _submitted_reviews(stage)
        .exclude(entry__status=EntryStatus.WITHDRAWN)
        .order_by("entry__team__code", "judge__real_name", "pk")
        .values_list(*fields)
    ):
        key = group_key_of(settings.scope, row[9] if group_field else None)
        review_rows.append(
            {
                "group": names.get(key, key),
                "team_code": row[2],
                "team_name": row[3],
                "title": row[4],
                "judge_id": row[5],
                "judge_name": row[6],
                "scores": scores.get(row[0], {}),
                "total": row[7],
                "submitted_at": row[8],
                "counted": row[0] not in data.excluded_review_ids,
            }
        )
    results = [
        {
            "group": names.get(r.group_key, r.group_key),
            "rank": r.rank,
            "tied": r.tied,
            "team_code": r.entry.team.code,
            "team_name": r.entry.team.name,
            "title": r.entry.title,
            "review_count": r.review_count,
            "raw": r.raw_score,
            "normalised": r.normalised_score,
            "final": r.final_score,
            "overridden": r.overridden,
            "override_reason": r.override_reason or "",
        }
        for r in results_of_stage(stage=stage)
    ]
    return ScoreSheetData(criteria=criteria, reviews=review_rows, results=results)


# --------------------------------------------------------------------------------------------
# Frozen inputs of a publication


def snapshot_inputs(
    *, stage: Stage, settings: ResultSettings, results: list[EntryResult], version: int
) -> dict | None:
    """What the stored results were computed from, as JSON (format in `judging.snapshot`): the
    counted reviews (as `stage_scoring_data` loads them for the ranking), the settings, the
    合议 rows and the ranked entries' names and groups. None when a ranked entry has no stored
    result row (the stored results are out of date)."""
    data = stage_scoring_data(
        stage=stage, scope=settings.scope, criteria=tie_break_criteria(settings.tie_break)
    )
    names = group_names(stage=stage, scope=settings.scope)
    by_entry = {r.entry_id: r for r in results}
    entries = []
    for entry_id, group_key in sorted(data.entry_groups.items()):
        row = by_entry.get(entry_id)
        if row is None:
            return None
        team = row.entry.team
        name = names.get(group_key, group_key)
        entries.append([entry_id, group_key, name, row.entry.title, team.pk, team.code, team.name])
    from judging.selectors.panel import publisher_judge_ids

    weighting = (
        {"publisher_judges": publisher_judge_ids(stage=stage)} if settings.publisher_weight else {}
    )
    return {
        **weighting,
        "stage": stage.pk,
        "contest": stage.contest_id,
        "version": version,
        "max_total": str(Rubric.MAX_TOTAL),
        "settings": result_settings_dict(settings),
        "computed_at": max(r.computed_at for r in results).isoformat(timespec="microseconds"),
        "entries": entries,
        "reviews": [[e, j, t, dict(sorted(s.items()))] for e, j, t, s in data.review_rows()],
        "overrides": [
            [entry_id, None if score is None else str(score), order, reason]
            for entry_id, score, order, reason in sorted(
                panel_overrides(stage=stage), key=lambda o: o[0]
            )
        ],
    }
