"""Coalesced, incremental recomputation of a stage's stored results, and their freshness.

A judge's submit or reopen does only the judge's work: in its own transaction it marks the
stage's `ResultState` dirty (when, how many submits, which entry) and, if no recompute is
pending, schedules one after the commit. One runner per stage at a time claims every mark made
so far (`running_since`, set under the state row's lock in a short transaction) and folds them
into one recompute; marks made while it runs are picked up by the next run, never queued one
each. See docs/developer/results.md ("Recompute at the deadline").

Where the recompute runs:
- with a broker, a Celery task enqueued with a countdown (`RESULTS_RECOMPUTE_DELAY`, 2 s): the
  submits of those seconds are folded into it; a run that ends with new marks enqueues the next;
- with no broker (the embedded default runs Celery eagerly), in a served web process
  (`config.serving`) by a timer thread after the same delay,
  so that a burst of submits costs one run and no request thread pays for it; elsewhere after
  the response has been sent (Django's `request_finished`, fired when the server closes the
  response: the test client), or at once outside a request (a command, a test).
Either way several web processes and workers are safe: the claim is a row lock on the database.

Incremental: when the settings allow it (`judging.aggregation.update_supported`: no per-judge
z-score, no tie-break that reads other entries' reviews), a run recomputes only the changed
entries' aggregates and re-derives every rank (`judging.aggregation.results_update`), writing
only the rows that differ. A full recompute runs otherwise, when asked for, after a settings or
合议 change, and at least every `RESULTS_FULL_EVERY` seconds (300) so that a change the marks do
not name (a conflict declared later) is taken in. Publication freezes a full computation from its
frozen inputs and refuses stored rows that differ (`results_outdated`).
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.utils import timezone

from contest.models import Stage
from contest.permissions import permission_require
from judging.aggregation import EntryAggregate, results_update, update_supported
from judging.models import EntryResult, ResultSettings, ResultState, Rubric
from judging.phases import phase_allows, phase_require
from judging.selectors import panel_overrides
from judging.selectors.result_update import (
    counted_reviews_of,
    stage_entries,
    stored_result_rows,
)
from judging.services.result import (
    RankingSummary,
    _decided_by,
    _entry_results_insert,
    _gc_paused,
    _tie_break_rules,
    ranking_compute,
    result_settings_ensure,
    tie_break_check,
)
from judging.tasks import results_recompute_task

logger = logging.getLogger(__name__)

# a run that has not finished after this long is taken as dead (worker killed) and replaced
RUNNING_STALE = datetime.timedelta(minutes=10)
# a scheduled run that has not started after this long is scheduled again by the next mark
SCHEDULED_STALE = datetime.timedelta(seconds=60)
# more changed entries than this: a full recompute costs no more
DIRTY_ENTRIES_MAX = 2000


def _delay() -> float:
    return float(getattr(django_settings, "RESULTS_RECOMPUTE_DELAY", 2.0))


def _full_every() -> datetime.timedelta:
    return datetime.timedelta(seconds=float(getattr(django_settings, "RESULTS_FULL_EVERY", 300)))


def _state_locked(stage_id: int) -> ResultState:
    """The stage's state row, locked: one query once the row exists."""
    state = ResultState.objects.select_for_update().filter(stage_id=stage_id).first()
    if state is None:
        ResultState.objects.get_or_create(stage_id=stage_id)
        state = ResultState.objects.select_for_update().get(stage_id=stage_id)
    return state


_priority_lowered = False


def recompute_priority_lower() -> None:
    """In a Celery worker process, lower its CPU priority once by `RESULTS_RECOMPUTE_NICE` (10):
    on a small machine a full recompute (about a second of CPU at the national scale) then yields
    the CPU to the web workers answering judges instead of competing with them. Not in the web
    process (the eager, no-broker path runs there); 0 turns it off."""
    global _priority_lowered
    if _priority_lowered or getattr(django_settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return
    _priority_lowered = True
    increment = int(getattr(django_settings, "RESULTS_RECOMPUTE_NICE", 10))
    if increment > 0 and hasattr(os, "nice"):
        try:
            os.nice(increment)
        except OSError:  # not permitted here: run at the normal priority
            logger.warning("could not lower the recompute worker's priority")


# --------------------------------------------------------------------------------------------
# Marks (inside the submit's transaction)


def results_mark_dirty(
    *, stage_id: int, entry_ids=(), submits: int = 1, full: bool = False
) -> None:
    """Record in the caller's transaction that the stage's stored results are behind: `entry_ids`
    changed (`full`: something the entries do not name did), `submits` more submits or reopens.
    Schedules a recompute after the commit unless one is already pending; never computes."""
    state = _state_locked(stage_id)
    now = timezone.now()
    state.dirty_since = state.dirty_since or now
    state.submits_since += submits
    if full or len(state.dirty_entries) + len(entry_ids) > DIRTY_ENTRIES_MAX:
        state.dirty_all, state.dirty_entries = True, []
    elif not state.dirty_all:
        state.dirty_entries = sorted(set(state.dirty_entries) | {int(e) for e in entry_ids})
    schedule = state.scheduled_at is None or state.scheduled_at < now - SCHEDULED_STALE
    if schedule:
        state.scheduled_at = now
    state.save(
        update_fields=[
            "dirty_since", "submits_since", "dirty_all", "dirty_entries", "scheduled_at"
        ]
    )  # fmt: skip
    if schedule:
        transaction.on_commit(lambda: results_recompute_schedule(stage_id=stage_id))


# --------------------------------------------------------------------------------------------
# Scheduling: a Celery task with a countdown, or after the response without a broker

_local = threading.local()
_background = False


def recompute_in_background() -> None:
    """This process serves requests: without a broker, run recomputes in a timer thread after
    `RESULTS_RECOMPUTE_DELAY` (as the Celery task's countdown does) instead of after the response
    in the request's thread. Called once by `config.serving.serving_start`."""
    global _background
    _background = True


def _background_start(stage_id: int, delay: float) -> None:
    timer = threading.Timer(delay, _background_run, args=(stage_id,))
    timer.name, timer.daemon = f"results-recompute-{stage_id}", True
    timer.start()


def _background_run(stage_id: int) -> None:
    from django.db import connection

    try:
        outcome = results_recompute_run(stage_id=stage_id)
        if outcome.again:  # marks arrived during the run: fold the next ones in as well
            _background_start(stage_id, _delay())
    except Exception:  # the marks were given back; the next mark schedules again
        logger.exception("results recompute of stage %s failed", stage_id)
    finally:
        connection.close()  # the timer's thread ends here


def _request_started(**kwargs) -> None:
    _local.in_request, _local.pending = True, set()


def _request_finished(**kwargs) -> None:
    pending = getattr(_local, "pending", set())
    _local.in_request, _local.pending = False, set()
    for stage_id in sorted(pending):
        try:
            results_recompute_drain(stage_id=stage_id)
        except Exception:  # the response is gone: log it; the marks were given back
            logger.exception("results recompute of stage %s failed", stage_id)


request_started.connect(_request_started, dispatch_uid="judging.recompute.request_started")
request_finished.connect(_request_finished, dispatch_uid="judging.recompute.request_finished")


def results_recompute_schedule(*, stage_id: int, countdown: float | None = None) -> None:
    """Have the stage's marks recomputed soon: a task after `countdown` (default
    `RESULTS_RECOMPUTE_DELAY`) with a broker; without one, a timer thread after as long in a
    served process, else after the current response (or now)."""
    delay = _delay() if countdown is None else countdown
    if not getattr(django_settings, "CELERY_TASK_ALWAYS_EAGER", False):
        results_recompute_task.apply_async((stage_id,), {"coalesced": True}, countdown=delay)
    elif _background:
        _background_start(stage_id, delay)
    elif getattr(_local, "in_request", False):
        _local.pending.add(stage_id)
    else:
        results_recompute_drain(stage_id=stage_id)


def results_recompute_drain(*, stage_id: int) -> None:
    """Run until the stage has no marks left, or another runner has them (the no-broker path)."""
    for _ in range(100):
        if not results_recompute_run(stage_id=stage_id).again:
            return


# --------------------------------------------------------------------------------------------
# The run


@dataclass(frozen=True)
class RecomputeOutcome:
    ran: bool
    kind: str = ""  # "full" | "incremental"
    again: bool = False  # marks arrived during the run: another run is due
    busy: bool = False  # another runner holds the stage
    summary: RankingSummary | None = None


def results_recompute_run(
    *, stage_id: int, force_full: bool = False, actor=None
) -> RecomputeOutcome:
    """Claim the stage's marks, recompute (incrementally where it pays), record the freshness.

    Returns at once when another runner holds the stage (its end picks up any new mark), when
    nothing is marked (unless `force_full`), or when the stage's phase no longer allows a
    recompute (published results are frozen)."""
    stage = Stage.objects.filter(pk=stage_id).select_related("contest").first()
    if stage is None:
        return RecomputeOutcome(ran=False)
    with transaction.atomic():
        state = _state_locked(stage_id)
        now = timezone.now()
        if not phase_allows(stage, "results.compute"):
            state.scheduled_at = None
            state.save(update_fields=["scheduled_at"])
            return RecomputeOutcome(ran=False)
        if state.running_since is not None and state.running_since > now - RUNNING_STALE:
            return RecomputeOutcome(ran=False, busy=True)
        if state.dirty_since is None and not force_full:
            state.scheduled_at = None
            state.save(update_fields=["scheduled_at"])
            return RecomputeOutcome(ran=False)
        claimed = (state.dirty_since, state.submits_since, state.dirty_entries, state.dirty_all)
        full = (
            force_full
            or state.dirty_all
            or state.full_at is None
            or state.full_at < now - _full_every()
        )
        entries = list(state.dirty_entries)
        state.running_since, state.scheduled_at = now, None
        state.dirty_since, state.submits_since, state.dirty_entries = None, 0, []
        state.dirty_all = False
        state.save()
    started = time.perf_counter()
    try:
        summary = None if full else ranking_update(stage=stage, entry_ids=entries)
        kind = "incremental"
        if summary is None:
            summary, kind = ranking_compute(stage=stage, actor=actor), "full"
    except BaseException:
        _release(stage_id, claimed)
        raise
    seconds = time.perf_counter() - started
    with transaction.atomic():
        state = _state_locked(stage_id)
        state.running_since = None
        state.computed_at = now
        if kind == "full":
            state.full_at = now
        state.last_kind, state.last_seconds = kind, seconds
        state.recomputes += 1
        again = state.dirty_since is not None
        if again:
            state.scheduled_at = timezone.now()
        state.save()
    if again and not getattr(django_settings, "CELERY_TASK_ALWAYS_EAGER", False):
        transaction.on_commit(lambda: results_recompute_schedule(stage_id=stage_id))
    return RecomputeOutcome(ran=True, kind=kind, again=again, summary=summary)


def _release(stage_id: int, claimed) -> None:
    """A run failed: give its marks back (as a full recompute) and free the stage."""
    dirty_since, submits, _, _ = claimed
    with transaction.atomic():
        state = _state_locked(stage_id)
        state.running_since = None
        marks = [d for d in (state.dirty_since, dirty_since) if d is not None]
        state.dirty_since = min(marks) if marks else timezone.now()
        state.submits_since += submits
        state.dirty_all, state.dirty_entries = True, []
        state.save()


def results_recompute_now(*, actor, stage: Stage) -> ResultState:
    """An organiser asks for a full recompute now (立即重算), audit-recorded; returns the state.
    Refused on published results like any recompute (`judging.phases`); while another run holds
    the stage the request is marked and runs right after it."""
    permission_require(actor, "judging.compute_results", stage.contest)
    phase_require(stage, "results.compute")
    outcome = results_recompute_run(stage_id=stage.pk, force_full=True, actor=actor)
    if outcome.busy:
        with transaction.atomic():
            results_mark_dirty(stage_id=stage.pk, submits=0, full=True)
    elif outcome.again and getattr(django_settings, "CELERY_TASK_ALWAYS_EAGER", False):
        results_recompute_schedule(stage_id=stage.pk)  # submits came in meanwhile
    return ResultState.objects.get(stage_id=stage.pk)


def ranking_compute_recorded(*, stage: Stage, actor=None) -> RankingSummary:
    """A synchronous full recompute (a settings or 合议 change, in the caller's transaction),
    recorded in the stage's `ResultState` like a run: `computed_at` (the start: every change
    committed before it is in), `full_at`, `last_kind`, `last_seconds`, `recomputes`. Marks stay
    as they are: a submit marked before the start but committed after it still gets its run."""
    started_at, started = timezone.now(), time.perf_counter()
    summary = ranking_compute(stage=stage, actor=actor)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        state = _state_locked(stage.pk)
        if state.computed_at is None or state.computed_at < started_at:
            state.computed_at = started_at
        if state.full_at is None or state.full_at < started_at:
            state.full_at = started_at
        state.last_kind, state.last_seconds = "full", seconds
        state.recomputes += 1
        state.save(
            update_fields=["computed_at", "full_at", "last_kind", "last_seconds", "recomputes"]
        )
    return summary


# --------------------------------------------------------------------------------------------
# Incremental update


def ranking_update(*, stage: Stage, entry_ids: list[int]) -> RankingSummary | None:
    """Recompute only these entries' aggregates, re-derive every rank and store the rows that
    changed; None (nothing written) when the settings need a full recompute or nothing is stored."""
    with _gc_paused():
        return _ranking_update(stage=stage, entry_ids=entry_ids)


def _ranking_update(*, stage: Stage, entry_ids: list[int]) -> RankingSummary | None:
    settings = result_settings_ensure(stage=stage)
    with transaction.atomic():
        settings = ResultSettings.objects.select_for_update().get(pk=settings.pk)
        tie_break = tie_break_check(settings.tie_break)
        entries = stage_entries(stage=stage, scope=settings.scope)
        overrides, panel_order = {}, {}
        for entry_id, score, order, reason in panel_overrides(stage=stage):
            if entry_id not in entries.groups:
                continue
            if score is not None:
                overrides[entry_id] = (score, reason)
            if order is not None:
                panel_order[entry_id] = order
        rules = _tie_break_rules(tie_break, panel_order)
        if not update_supported(
            normalise=settings.normalise, tie_breaks=rules, weighted=bool(settings.publisher_weight)
        ):
            return None
        stored = {row[0]: row for row in stored_result_rows(stage=stage)}
        if not stored:
            return None
        changed = set(entry_ids) | {e for e in entries.groups if e not in stored}
        reviews = counted_reviews_of(stage=stage, entry_ids=sorted(changed), entries=entries)
        reviewed = {r[1] for r in reviews}
        groups = {
            e: g
            for e, g in entries.groups.items()
            if e in entries.submitted
            or (e in reviewed if e in changed else e in stored and stored[e][2] > 0)
        }
        previous = {e: _aggregate_of(row) for e, row in stored.items() if e not in changed}
        computed = results_update(
            previous=previous,
            changed=changed,
            reviews=[(e, j, t, {}) for _, e, j, t in reviews],
            entry_groups=groups,
            max_total=float(Rubric.MAX_TOTAL),
            method=settings.method,
            trim_min_reviews=settings.trim_min_reviews,
            overrides=overrides,
            tie_breaks=rules,
        )
        now = timezone.now()
        new_rows = {
            r.entry_id: (
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
            )
            for r in computed.entries.values()
        }
        differ = [e for e, row in new_rows.items() if stored.get(e) != row]
        gone = [e for e in stored if e not in new_rows]
        if differ or gone:
            EntryResult.objects.filter(stage=stage, entry_id__in=differ + gone).delete()
            _entry_results_insert([(stage.pk, *new_rows[e], now) for e in differ])
        return RankingSummary(
            stage_id=stage.pk,
            entries=len(new_rows),
            ranked=sum(1 for r in new_rows.values() if r[6] is not None),
            reviews=len(reviews),
            excluded_conflicts=0,
            computed_at=now,
        )


def _aggregate_of(row: tuple) -> EntryAggregate:
    entry_id, group, count, raw, _, final, rank, tied, _, trimmed, overridden = row
    return EntryAggregate(
        entry_id=entry_id,
        group=group,
        review_count=count,
        raw=raw,
        normalised=None,
        final=final,
        rank=rank,
        tied=tied,
        decided_by=None,
        trimmed=trimmed,
        trim_fallback=False,
        overridden=overridden,
        override_reason=None,
    )


__all__ = [
    "RecomputeOutcome",
    "ranking_compute_recorded",
    "ranking_update",
    "recompute_priority_lower",
    "results_mark_dirty",
    "results_recompute_drain",
    "results_recompute_now",
    "results_recompute_run",
    "results_recompute_schedule",
]
