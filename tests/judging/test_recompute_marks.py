"""What else moves a stage's stored results goes through its freshness: a conflict declared
after a review marks the stage (a full recompute), and a settings or 合议 change, which
recomputes synchronously, records that run in `ResultState` like any other."""

import pytest

from judging.models import EntryResult, ResultState
from judging.services.conflict import conflict_declare
from judging.services.result import (
    panel_override_remove,
    panel_override_set,
    result_settings_update,
)
from judging.services.review import review_submit
from tests.factories.judging import FULL_SCORES, build_world

pytestmark = pytest.mark.django_db


def _submitted(w, capture):
    with capture(execute=True):
        review_submit(actor=w.judge, assignment=w.assignment, scores=FULL_SCORES)
    result = EntryResult.objects.get(stage=w.stage, entry=w.entry)
    assert (result.review_count, str(result.final_score)) == (1, "77.2500")
    return ResultState.objects.get(stage=w.stage)


def test_conflict_declared_after_review_marks_stage_full(django_capture_on_commit_callbacks):
    w = build_world()
    before = _submitted(w, django_capture_on_commit_callbacks)
    assert (before.dirty_since, before.dirty_all) == (None, False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        conflict_declare(actor=w.organiser, judge=w.judge, team=w.team, reason="举报核实：师生关系")
    state = ResultState.objects.get(stage=w.stage)
    assert state.dirty_since is not None
    assert (state.dirty_all, state.submits_since) == (True, 0)
    # the stored rows still count the review until the recompute runs
    assert EntryResult.objects.get(stage=w.stage, entry=w.entry).review_count == 1
    for callback in callbacks:
        callback()
    result = EntryResult.objects.get(stage=w.stage, entry=w.entry)
    assert (result.review_count, result.final_score) == (0, None)
    state = ResultState.objects.get(stage=w.stage)
    assert (state.dirty_since, state.dirty_all, state.last_kind) == (None, False, "full")
    assert state.recomputes == before.recomputes + 1
    assert state.computed_at > before.computed_at


def test_conflict_without_counted_review_marks_nothing(django_capture_on_commit_callbacks):
    w = build_world()
    conflict_declare(actor=w.organiser, judge=w.judge, team=w.team, reason="同单位")
    assert not ResultState.objects.filter(stage=w.stage, dirty_since__isnull=False).exists()


def test_settings_change_records_its_recompute(django_capture_on_commit_callbacks):
    w = build_world()
    before = _submitted(w, django_capture_on_commit_callbacks)
    result_settings_update(actor=w.organiser, stage=w.stage, method="median")
    state = ResultState.objects.get(stage=w.stage)
    assert state.recomputes == before.recomputes + 1
    assert state.last_kind == "full"
    assert state.computed_at > before.computed_at
    assert state.full_at == state.computed_at


def test_override_set_and_remove_record_their_recompute(django_capture_on_commit_callbacks):
    w = build_world()
    before = _submitted(w, django_capture_on_commit_callbacks)
    panel_override_set(actor=w.organiser, stage=w.stage, entry=w.entry, score="90", reason="合议")
    state = ResultState.objects.get(stage=w.stage)
    assert (state.recomputes, state.last_kind) == (before.recomputes + 1, "full")
    assert state.computed_at > before.computed_at
    assert str(EntryResult.objects.get(stage=w.stage, entry=w.entry).final_score) == "90.0000"
    set_at = state.computed_at
    panel_override_remove(actor=w.organiser, stage=w.stage, entry=w.entry, reason="撤销合议")
    state = ResultState.objects.get(stage=w.stage)
    assert state.recomputes == before.recomputes + 2
    assert state.computed_at > set_at
    assert str(EntryResult.objects.get(stage=w.stage, entry=w.entry).final_score) == "77.2500"
