"""Results of a stage: ranking, result settings, panel overrides (合议) and publication.

Derived numbers are stored: `ranking_compute` turns the stage's submitted reviews into
`EntryResult` rows (the full recompute; `judging.services.recompute.ranking_update` rewrites the
rows of changed entries where that gives the same rows); reads never recompute. When a recompute
runs after submits is decided in `judging.services.recompute` (docs/developer/results.md). Everything that decides
a result (settings, overrides, publication) is recorded in the contest's hash-chained audit log.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.errors import DomainError
from contest.models import Entry, Stage
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.aggregation import AggregationMethod, TieBreakKind, results_compute
from judging.enums import RankingScope, SnapshotStatus
from judging.errors import error
from judging.models import (
    Criterion,
    EntryResult,
    PanelOverride,
    ResultSettings,
    ResultSnapshot,
    Rubric,
)
from judging.phases import phase_require
from judging.selectors import (
    panel_overrides,
    results_of_stage,
    stage_scoring_data,
    tie_break_criteria,
)
from judging.selectors.panel import publisher_judge_ids
from judging.selectors.result import result_settings_dict, snapshot_inputs
from judging.services.audit import audit_record
from judging.signals import snapshot_published
from judging.snapshot import snapshot_canonical, snapshot_data_from_inputs, snapshot_sha256

BATCH_SIZE = 2000
SETTINGS_FIELDS = ("method", "trim_min_reviews", "normalise", "scope", "tie_break")


def result_settings_ensure(*, stage: Stage) -> ResultSettings:
    """The stage's settings, stored with the defaults (mean of all judges, per track) if missing."""
    found, _ = ResultSettings.objects.get_or_create(stage=stage)
    return found


# --------------------------------------------------------------------------------------------
# Tie-break chain


def tie_break_check(tie_break, *, stage: Stage | None = None) -> list[dict]:
    """Validate the stored form of the chain: an ordered list of
    ``{"rule": "criterion", "key": "<criterion key>"}``, ``{"rule": "first_places"}`` and
    ``{"rule": "panel"}`` (the panel's order is taken from the 合议 rows' `panel_order`).
    With a `stage`, a criterion key must be one of the stage's rubrics' criteria
    (`tie_break_criterion_unknown` otherwise): a tie-break on nothing is never accepted."""
    if not isinstance(tie_break, list):
        raise _tie_break_invalid()
    clean = []
    for item in tie_break:
        if not isinstance(item, dict) or item.get("rule") not in TieBreakKind.values:
            raise _tie_break_invalid()
        if item["rule"] == TieBreakKind.CRITERION:
            key = item.get("key")
            if not (isinstance(key, str) and key.strip()):
                raise error("tie_break_invalid", fields={"tie_break": ["tie_break_invalid"]})
            clean.append({"rule": TieBreakKind.CRITERION.value, "key": key.strip()})
        else:
            clean.append({"rule": str(item["rule"])})
    if stage is not None:
        wanted = {c["key"] for c in clean if c["rule"] == TieBreakKind.CRITERION}
        known = set(Criterion.objects.filter(rubric__stage=stage).values_list("key", flat=True))
        unknown = sorted(wanted - known)
        if unknown:
            raise error(
                "tie_break_criterion_unknown",
                key=unknown[0],
                known="、".join(sorted(known)) or "—",
                fields={"tie_break": ["tie_break_criterion_unknown"]},
                details={"unknown": unknown},
            )
    return clean


def reviewer_weighting(*, stage: Stage, settings: ResultSettings) -> dict:
    """`results_compute`'s reviewer classes and weights for the stage (评榜 by publishers): the
    panel's publisher members count with `settings.publisher_weight` (a percentage), the
    experts with the rest. Empty (no weighting) while the weight is 0."""
    weight = settings.publisher_weight or Decimal(0)
    if weight <= 0:
        return {}
    return {
        "reviewer_classes": dict.fromkeys(publisher_judge_ids(stage=stage), "publisher"),
        "class_weights": {"publisher": weight / 100},
    }


def _tie_break_invalid() -> DomainError:
    return error("tie_break_invalid", fields={"tie_break": ["tie_break_invalid"]})


def _tie_break_rules(tie_break: list[dict], panel_order: dict[int, int]) -> list[tuple]:
    rules = []
    for item in tie_break:
        rule = item["rule"]
        if rule == TieBreakKind.CRITERION:
            rules.append((rule, item["key"]))
        elif rule == TieBreakKind.PANEL:
            rules.append((rule, panel_order))
        else:
            rules.append((rule, None))
    return rules


def _decided_by(rule) -> str:
    if rule is None:
        return ""
    kind, argument = rule
    return f"{kind}:{argument}" if kind == TieBreakKind.CRITERION else str(kind)


# --------------------------------------------------------------------------------------------
# Ranking


@dataclass(frozen=True)
class RankingSummary:
    stage_id: int
    entries: int  # result rows stored
    ranked: int  # of those, with a rank
    reviews: int  # reviews that counted
    excluded_conflicts: int  # submitted reviews left out because the judge now conflicts
    computed_at: object


def ranking_compute(*, stage: Stage, actor=None) -> RankingSummary:
    """Recompute and store the stage's results (`EntryResult`), replacing the previous rows.

    Counts the stage's submitted reviews, minus those of judges who now conflict with the team
    (see `judging.selectors.stage_scoring_data`), aggregated with the stage's
    `ResultSettings` (created with the defaults if missing) and its 合议 overrides, ranked within
    the scope's groups by `judging.aggregation.results_compute`. One transaction, under the
    stage's lock: the old rows are deleted and the new ones bulk-inserted, so a reader sees
    either all old or all new rows, and concurrent recomputations run one after the other.
    With an `actor` (an organiser asking for it), the recomputation is audit-recorded; as a
    consequence of another recorded change (override, settings) it is not recorded twice.
    """
    if actor is not None:
        permission_require(actor, "judging.compute_results", stage.contest)
    phase_require(stage, "results.compute")
    with _gc_paused():
        return _ranking_compute(stage=stage, actor=actor)


@contextmanager
def _gc_paused():
    """Loading a national stage allocates a few million short-lived tuples; with the cyclic
    garbage collector on, that triggers repeated full collections over every live object
    (a fifth to a third of the run). None of them form cycles; collection resumes after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ranking_compute(*, stage: Stage, actor) -> RankingSummary:
    settings = result_settings_ensure(stage=stage)
    with transaction.atomic():
        # One recomputation of a stage at a time, reading and writing under the lock, so a
        # slower run that started earlier can never overwrite a newer result: the settings row
        # is the stage's results lock.
        settings = ResultSettings.objects.select_for_update().get(pk=settings.pk)
        tie_break = tie_break_check(settings.tie_break)
        data = stage_scoring_data(
            stage=stage, scope=settings.scope, criteria=tie_break_criteria(tie_break)
        )
        overrides: dict[int, tuple[Decimal, str]] = {}
        panel_order: dict[int, int] = {}
        for entry_id, score, order, reason in panel_overrides(stage=stage):
            if entry_id not in data.entry_groups:
                continue  # the entry was withdrawn: nothing to override
            if score is not None:
                overrides[entry_id] = (score, reason)
            if order is not None:
                panel_order[entry_id] = order
        computed = results_compute(
            reviews=data.review_rows(),
            entry_groups=data.entry_groups,
            max_total=float(Rubric.MAX_TOTAL),
            method=settings.method,
            trim_min_reviews=settings.trim_min_reviews,
            normalise=settings.normalise,
            overrides=overrides,
            tie_breaks=_tie_break_rules(tie_break, panel_order),
            **reviewer_weighting(stage=stage, settings=settings),
        )
        now = timezone.now()
        rows = [
            (
                stage.pk,
                r.entry_id,
                r.group,
                r.review_count,
                r.raw,
                r.normalised,
                r.final,
                r.rank,
                r.tied,
                _decided_by(r.decided_by),
                r.trimmed,
                r.overridden,
                now,
            )
            for r in computed.entries.values()
        ]
        EntryResult.objects.filter(stage=stage).delete()
        _entry_results_insert(rows)
        summary = RankingSummary(
            stage_id=stage.pk,
            entries=len(rows),
            ranked=sum(1 for r in rows if r[7] is not None),
            reviews=len(data.reviews),
            excluded_conflicts=len(data.excluded_review_ids),
            computed_at=now,
        )
        if actor is not None:
            audit_record(
                contest=stage.contest_id,
                actor=actor,
                action="results.compute",
                obj=stage,
                data={
                    "entries": summary.entries,
                    "ranked": summary.ranked,
                    "reviews": summary.reviews,
                    "excluded_conflicts": summary.excluded_conflicts,
                    "method": settings.method,
                    "scope": settings.scope,
                    "normalise": settings.normalise,
                },
            )
    return summary


RESULT_COLUMNS = (
    "stage_id",
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
    "computed_at",
)


def _real(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _entry_results_insert(rows: list[tuple]) -> None:
    """Insert result rows (values in `RESULT_COLUMNS` order) through the cursor.

    Why not bulk_create: building its SQL costs Django ~50-100 µs per object (field pre_save,
    per-value placeholders), over a second for a national stage's 22,000 rows, and SQLite's
    999-parameter batches add 300 round trips. The values here are already what the columns
    hold (ints, text, bools, 2-place Decimals from `results_compute`), so only the timestamp
    needs the backend's adaptation. PostgreSQL takes them with COPY (one statement, binary-free
    text rows); SQLite with executemany (one prepared statement, in process).
    """
    if not rows:
        return
    ops = connection.ops
    table = ops.quote_name(EntryResult._meta.db_table)
    columns = ", ".join(ops.quote_name(c) for c in RESULT_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        # SQLite stores these decimals as REAL whatever is passed: a float skips the driver's
        # Decimal-to-text adapter (66,000 Python calls)
        computed_at = ops.adapt_datetimefield_value(rows[0][-1])
        rows = [
            (a, b, c, d, _real(raw), _real(norm), _real(final), h, i, j, k, m, computed_at)
            for a, b, c, d, raw, norm, final, h, i, j, k, m, _ in rows
        ]
        marks = ", ".join(["%s"] * len(RESULT_COLUMNS))
        for start in range(0, len(rows), BATCH_SIZE):
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                rows[start : start + BATCH_SIZE],
            )


# --------------------------------------------------------------------------------------------
# Settings


@transaction.atomic
def result_settings_update(*, actor, stage: Stage, **fields) -> ResultSettings:
    """Change how the stage is scored and ranked (organisers), record the before and after in
    the audit log, and recompute the stored results. Fields: method, trim_min_reviews (at least
    3), normalise, scope, tie_break (see `tie_break_check`), outlier_threshold."""
    permission_require(actor, "judging.change_result_settings", stage.contest)
    phase_require(stage, "results.settings")
    unknown = set(fields) - {*SETTINGS_FIELDS, "outlier_threshold"}
    if unknown:
        raise ValueError(f"unknown result settings: {sorted(unknown)}")
    settings = result_settings_ensure(stage=stage)
    settings = ResultSettings.objects.select_for_update().get(pk=settings.pk)
    before = result_settings_dict(settings)
    if "tie_break" in fields:
        fields["tie_break"] = tie_break_check(fields["tie_break"], stage=stage)
    if "trim_min_reviews" in fields and (fields["trim_min_reviews"] or 0) < 3:
        raise error("trim_min_reviews", fields={"trim_min_reviews": ["trim_min_reviews"]})
    if "method" in fields and fields["method"] not in AggregationMethod.values:
        raise error("method_invalid", fields={"method": ["invalid"]})
    if "scope" in fields and fields["scope"] not in RankingScope.values:
        raise error("scope_invalid", fields={"scope": ["invalid"]})
    for key, value in fields.items():
        setattr(settings, key, value)
    full_clean_or_raise(settings)
    settings.save()
    after = result_settings_dict(settings)
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="results.settings",
        obj=settings,
        data={"before": before, "after": after},
    )
    _compute_recorded(stage=stage)
    return settings


def _compute_recorded(*, stage: Stage) -> None:
    """Recompute now and record it in the stage's freshness (`judging.services.recompute`)."""
    from judging.services.recompute import ranking_compute_recorded

    ranking_compute_recorded(stage=stage)


# --------------------------------------------------------------------------------------------
# Panel override (合议)


def _score_check(score) -> Decimal | None:
    if score is None or score == "":
        return None
    try:
        value = Decimal(str(score))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite() or not (0 <= value <= Rubric.MAX_TOTAL):
        raise error(
            "score_out_of_range",
            score=_("The panel's score"),
            max_score=Rubric.MAX_TOTAL,
            fields={"score": ["score_out_of_range"]},
        )
    return value.quantize(Decimal("0.0001"))


@transaction.atomic
def panel_override_set(
    *,
    actor,
    stage: Stage,
    entry: Entry,
    score=None,
    reason: str,
    panel_order: int | None = None,
) -> PanelOverride:
    """合议: the panel sets an entry's final score and/or its place among tied entries
    (`panel_order`, read by the "panel" tie-break rule). Organisers only; a written reason is
    required; the old and new values go to the audit log; the stage's results are recomputed.
    Setting an entry again replaces its previous override."""
    permission_require(actor, "judging.set_panel_override", stage.contest)
    phase_require(stage, "results.override")
    if entry.stage_id != stage.pk:
        raise error("entry_not_in_stage", fields={"entry": ["entry_not_in_stage"]})
    if not (isinstance(reason, str) and reason.strip()):
        raise error("reason_required", fields={"reason": ["reason_required"]})
    value = _score_check(score)
    if value is None and panel_order is None:
        raise error("override_empty", fields={"score": ["override_empty"]})
    previous = PanelOverride.objects.select_for_update().filter(stage=stage, entry=entry).first()
    before_result = (
        EntryResult.objects.filter(stage=stage, entry=entry).values("final_score", "rank").first()
    )
    override = previous or PanelOverride(stage=stage, entry=entry, created_by=actor)
    before = (
        {"score": previous.score, "panel_order": previous.panel_order, "reason": previous.reason}
        if previous
        else None
    )
    override.score = value
    override.panel_order = panel_order
    override.reason = reason.strip()
    override.created_by = actor
    full_clean_or_raise(override)
    override.save()
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="results.override",
        obj=override,
        reason=override.reason,
        data={
            "stage": stage.pk,
            "entry": entry.pk,
            "score": value,
            "panel_order": panel_order,
            "previous_override": before,
            "result_before": before_result,
        },
    )
    _compute_recorded(stage=stage)
    return override


@transaction.atomic
def panel_override_remove(*, actor, stage: Stage, entry: Entry, reason: str) -> None:
    """Lift an entry's 合议 (with a reason, audit-recorded) and recompute."""
    permission_require(actor, "judging.remove_panel_override", stage.contest)
    phase_require(stage, "results.override")
    if not (isinstance(reason, str) and reason.strip()):
        raise error(
            "reason_required",
            fields={"reason": ["reason_required"]},
        )
    override = PanelOverride.objects.filter(stage=stage, entry=entry).first()
    if override is None:
        return
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="results.override_remove",
        obj=override,
        reason=reason.strip(),
        data={"entry": entry.pk, "score": override.score, "panel_order": override.panel_order},
    )
    override.delete()
    _compute_recorded(stage=stage)


# --------------------------------------------------------------------------------------------
# Publication


def snapshot_verify(snapshot: ResultSnapshot) -> bool:
    """True when the stored rows still hash to the stored sha256."""
    return snapshot_sha256(snapshot.data) == snapshot.sha256


def snapshot_rebuild_verify(snapshot: ResultSnapshot) -> bool:
    """True when the snapshot's frozen inputs recompute its data byte for byte."""
    if not snapshot.inputs:
        return False
    rebuilt = snapshot_canonical(snapshot_data_from_inputs(snapshot.inputs))
    return rebuilt == snapshot_canonical(snapshot.data)


def _number(value) -> str | None:
    return None if value is None else str(value)


def _stored_matches(rows: list[dict], results) -> bool:
    """The recomputed rows are what the organiser last computed and saw (the stored rows)."""

    def key(values) -> tuple:
        return tuple(sorted((k, values[k]) for k in STORED_KEYS))

    stored = [
        {
            "entry": r.entry_id,
            "group_key": r.group_key,
            "raw": _number(r.raw_score),
            "normalised": _number(r.normalised_score),
            "final": _number(r.final_score),
            "rank": r.rank,
            "tied": r.tied,
            "overridden": r.overridden,
            "review_count": r.review_count,
        }
        for r in results
    ]
    return sorted(map(key, stored)) == sorted(map(key, rows))


STORED_KEYS = (
    "entry",
    "group_key",
    "raw",
    "normalised",
    "final",
    "rank",
    "tied",
    "overridden",
    "review_count",
)


@transaction.atomic
def results_publish(*, actor, stage: Stage) -> ResultSnapshot:
    """Freeze the stage's stored results as `ResultSnapshot` version n + 1 (organisers).

    Allowed before any publication and under a correction (`judging.phases`); published
    results are frozen (`stage_results_published`). The snapshot keeps its frozen inputs (the
    counted reviews, the settings, the 合议 rows, the entries) and its `data` is built from them
    by the pure `judging.snapshot.snapshot_data_from_inputs`, which must reproduce the stored
    rows the organiser last computed and saw (`results_outdated` otherwise: compute again).
    Per entry: entry id, team id/code/name, group key and name, raw, normalised and final score
    (exact decimal strings, 4 places), rank, tied, review count. Its sha256 covers the canonical
    JSON (`snapshot_canonical`). The publication is recorded on the contest's audit chain and the
    chain head right after it (hash, row count) is stored on the snapshot. Under a correction
    the withdrawn snapshot is linked to the new one (`replaced_by`). Sends
    `judging.signals.snapshot_published`. Awards are proposed from the latest published
    snapshot (`judging.selectors.snapshot_latest`).
    """
    permission_require(actor, "judging.publish_results", stage.contest)
    phase_require(stage, "results.publish")
    settings = result_settings_ensure(stage=stage)
    settings = ResultSettings.objects.select_for_update().get(pk=settings.pk)
    results = list(results_of_stage(stage=stage))
    if not results:
        raise error("results_not_computed")
    version = (ResultSnapshot.objects.filter(stage=stage).aggregate(v=Max("version"))["v"] or 0) + 1
    inputs = snapshot_inputs(stage=stage, settings=settings, results=results, version=version)
    if inputs is None:
        raise error("results_outdated")
    data = snapshot_data_from_inputs(inputs)
    if not _stored_matches(data["rows"], results):
        raise error("results_outdated")
    replaces = (
        ResultSnapshot.objects.select_for_update()
        .filter(stage=stage, status=SnapshotStatus.WITHDRAWN, replaced_by__isnull=True)
        .order_by("-version")
        .first()
    )
    snapshot = ResultSnapshot.objects.create(
        stage=stage,
        version=version,
        data=data,
        inputs=inputs,
        sha256=snapshot_sha256(data),
        published_by=actor,
    )
    row = audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="results.publish",
        obj=snapshot,
        data={
            "stage": stage.pk,
            "version": version,
            "sha256": snapshot.sha256,
            "rows": len(results),
            "replaces": replaces.version if replaces else None,
        },
    )
    snapshot.chain_head, snapshot.chain_rows = row.hash, row.seq
    snapshot.save(update_fields=["chain_head", "chain_rows"])
    if replaces is not None:
        replaces.replaced_by = snapshot
        replaces.save(update_fields=["replaced_by"])
    snapshot_published.send(
        sender=ResultSnapshot, snapshot=snapshot, replaces=replaces, actor=actor
    )
    return snapshot
