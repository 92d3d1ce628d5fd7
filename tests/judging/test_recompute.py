"""Coalesced recompute: a burst of submits leads to one or two recomputes, never one per
submit; the judge's request never runs one; the incremental update stores what a full
recompute stores; one runner per stage; a failed run gives its marks back."""

from decimal import Decimal

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.db.models import F

from contest.models import Entry
from judging.enums import ReviewStatus
from judging.models import Assignment, EntryResult, ResultSettings, ResultState, Review
from judging.services import recompute
from judging.services.recompute import (
    ranking_update,
    results_mark_dirty,
    results_recompute_run,
)
from judging.services.result import panel_override_set, ranking_compute, result_settings_update
from judging.services.review import review_reopen, review_submit
from tests.factories.contest import TeamFactory, TrackFactory, UserFactory
from tests.factories.judging import ReviewFactory, build_world

pytestmark = pytest.mark.django_db

COLUMNS = (
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


def stored(stage) -> list[tuple]:
    return sorted(EntryResult.objects.filter(stage=stage).values_list(*COLUMNS))


def scores(i: int) -> dict:
    return {"impact": str(5 + i % 6), "novelty": str(4 + (i * 3) % 7), "data_value": str(8 + i % 9)}


@pytest.fixture
def burst_world():
    """One judge with 12 assignments on the panel (the build_world one included)."""
    world = build_world()
    assignments = [world.assignment]
    for i in range(11):
        entry = Entry.objects.create(
            team=TeamFactory(contest=world.contest, name=f"队{i}"),
            stage=world.stage,
            title=f"作品{i}",
            status="submitted",
        )
        assignments.append(
            Assignment.objects.create(
                stage=world.stage, entry=entry, judge=world.judge, anonymous_code=f"B{i:03d}"
            )
        )
    world.assignments = assignments
    return world


@pytest.fixture
def broker(settings, monkeypatch):
    """A broker is configured: record what would be enqueued instead of sending it."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(
        recompute.results_recompute_task,
        "apply_async",
        lambda args, kwargs=None, countdown=None: sent.append((args, kwargs, countdown)),
    )
    return sent


def count_runs(monkeypatch) -> list[str]:
    runs = []
    real_full, real_update = recompute.ranking_compute, recompute.ranking_update

    def full(**kwargs):
        runs.append("full")
        return real_full(**kwargs)

    def update(**kwargs):
        runs.append("incremental")
        return real_update(**kwargs)

    monkeypatch.setattr(recompute, "ranking_compute", full)
    monkeypatch.setattr(recompute, "ranking_update", update)
    return runs


def test_a_burst_of_submits_enqueues_one_recompute_and_runs_it_once(
    burst_world, broker, monkeypatch, django_capture_on_commit_callbacks
):
    world = burst_world
    runs = count_runs(monkeypatch)
    for i, assignment in enumerate(world.assignments):
        with django_capture_on_commit_callbacks(execute=True):
            review_submit(actor=world.judge, assignment=assignment, scores=scores(i))
    assert runs == []  # no submit computed anything
    assert len(broker) == 1  # one task for the twelve submits
    args, kwargs, countdown = broker[0]
    assert args == (world.stage.pk,) and kwargs == {"coalesced": True} and countdown == 2.0
    state = ResultState.objects.get(stage=world.stage)
    assert state.submits_since == 12 and state.dirty_since is not None
    assert len(state.dirty_entries) == 12

    from judging.tasks import results_recompute_task

    results_recompute_task(world.stage.pk, coalesced=True)
    results_recompute_task(world.stage.pk, coalesced=True)  # a duplicate delivery: nothing to do
    assert runs == ["full"]  # the first run of a stage is a full one
    after_burst = stored(world.stage)
    assert len(after_burst) == 12
    ranking_compute(stage=world.stage)
    assert stored(world.stage) == after_burst  # exactly what a full recompute stores
    state.refresh_from_db()
    assert (state.submits_since, state.dirty_since, state.recomputes) == (0, None, 1)
    assert state.computed_at is not None and state.last_kind == "full"


def test_submits_during_a_run_are_folded_into_one_next_run(
    burst_world, broker, monkeypatch, django_capture_on_commit_callbacks
):
    world = burst_world
    first, rest = world.assignments[:2], world.assignments[2:]
    for i, assignment in enumerate(first):
        with django_capture_on_commit_callbacks(execute=True):
            review_submit(actor=world.judge, assignment=assignment, scores=scores(i))
    assert results_recompute_run(stage_id=world.stage.pk).kind == "full"
    broker.clear()
    runs = count_runs(monkeypatch)
    real_update = recompute.ranking_update

    def update_while_judges_submit(**kwargs):
        # ten submits commit while the run computes (their commit callbacks run with the
        # run's, captured below)
        for i, assignment in enumerate(rest):
            review_submit(actor=world.judge, assignment=assignment, scores=scores(i + 2))
        return real_update(**kwargs)

    monkeypatch.setattr(recompute, "ranking_update", update_while_judges_submit)
    with django_capture_on_commit_callbacks(execute=True):
        review_reopen(
            actor=world.organiser, review=Review.objects.get(assignment=first[0]), reason="复核"
        )
    broker.clear()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = results_recompute_run(stage_id=world.stage.pk)
    assert outcome.ran and outcome.kind == "incremental" and outcome.again
    # the ten submits scheduled one task between them, and the run's end one more
    assert len(broker) == 2
    monkeypatch.setattr(recompute, "ranking_update", real_update)
    outcome = results_recompute_run(stage_id=world.stage.pk)
    assert outcome.kind == "incremental" and not outcome.again
    assert not results_recompute_run(stage_id=world.stage.pk).ran
    assert runs == ["incremental", "incremental"]  # two runs for eleven changes
    after = stored(world.stage)
    assert len(after) == 12
    ranking_compute(stage=world.stage)
    assert stored(world.stage) == after


def test_without_a_broker_the_recompute_runs_after_the_response(
    burst_world, monkeypatch, django_capture_on_commit_callbacks
):
    """The embedded default: inside a request the submit only marks; the run comes when the
    response has been sent (request_finished), once for every submit of the request."""
    world = burst_world
    runs = count_runs(monkeypatch)
    # As Django's test client does: the signals' close_old_connections would close the test's
    # connection inside its transaction (PostgreSQL; CONN_MAX_AGE 0).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    request_started.send(sender=None)
    try:
        for i, assignment in enumerate(world.assignments[:3]):
            with django_capture_on_commit_callbacks(execute=True):
                review_submit(actor=world.judge, assignment=assignment, scores=scores(i))
        assert runs == [] and EntryResult.objects.count() == 0
    finally:
        request_finished.send(sender=None)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert runs == ["full"]
    assert EntryResult.objects.filter(stage=world.stage, review_count=1).count() == 3


def test_through_the_api_the_submit_answers_before_the_recompute(burst_world, monkeypatch):
    """The judge's response is built before any recompute starts (the test client fires
    request_finished when it closes the response, as a server does after sending it)."""
    from rest_framework.test import APIClient

    world = burst_world
    order = []
    real = recompute.ranking_compute
    monkeypatch.setattr(
        recompute, "ranking_compute", lambda **kw: (order.append("recompute"), real(**kw))[1]
    )
    from django.db import transaction as db_transaction

    from judging.services import review as review_services

    real_submit = review_services.review_submit
    monkeypatch.setattr(
        review_services,
        "review_submit",
        lambda **kw: (real_submit(**kw), order.append("submitted"))[0],
    )
    # the test's transaction never commits: run commit callbacks where the commit would be
    monkeypatch.setattr(db_transaction, "on_commit", lambda fn, using=None, robust=False: fn())
    client = APIClient()
    client.force_authenticate(world.judge)
    response = client.post(
        f"/api/judge/assignments/{world.assignment.pk}/submit/",
        {"scores": scores(0)},
        format="json",
    )
    order.append("answered")
    assert response.status_code == 200, response.content
    # not inside the service's commit, but once the response was closed
    assert order == ["submitted", "recompute", "answered"]
    assert ResultState.objects.get(stage=world.stage).last_kind == "full"


def test_one_runner_per_stage_and_a_stale_one_is_replaced(burst_world, monkeypatch):
    world = burst_world
    runs = count_runs(monkeypatch)
    review_submit(actor=world.judge, assignment=world.assignment, scores=scores(0))
    ResultState.objects.filter(stage=world.stage).update(running_since=F("dirty_since"))
    outcome = results_recompute_run(stage_id=world.stage.pk)
    assert outcome.busy and not outcome.ran and runs == []
    from django.utils import timezone

    ResultState.objects.filter(stage=world.stage).update(
        running_since=timezone.now() - recompute.RUNNING_STALE * 2
    )
    assert results_recompute_run(stage_id=world.stage.pk).ran and runs == ["full"]


def test_a_failed_run_gives_its_marks_back(burst_world, monkeypatch):
    world = burst_world
    review_submit(actor=world.judge, assignment=world.assignment, scores=scores(0))

    def broken(**kwargs):
        raise RuntimeError("worker lost its database")

    monkeypatch.setattr(recompute, "ranking_compute", broken)
    with pytest.raises(RuntimeError):
        results_recompute_run(stage_id=world.stage.pk)
    state = ResultState.objects.get(stage=world.stage)
    assert state.running_since is None and state.dirty_since is not None
    assert state.submits_since == 1 and state.dirty_all


# --------------------------------------------------------------------------------------------
# The incremental update on the database equals a full recompute


@pytest.mark.parametrize("method", ["mean", "trimmed_mean", "median"])
def test_incremental_update_stores_what_a_full_recompute_stores(method):
    world = build_world()
    other_track = TrackFactory(contest=world.contest)
    judges = [UserFactory() for _ in range(6)]
    entries = [
        Entry.objects.create(
            team=TeamFactory(contest=world.contest, track=other_track if i % 2 else None),
            stage=world.stage,
            title=f"作品{i}",
            status="submitted",
        )
        for i in range(14)
    ]
    for i, entry in enumerate(entries):
        for j, judge in enumerate(judges[: 3 + i % 4]):
            ReviewFactory(
                assignment__entry=entry,
                assignment__judge=judge,
                total=Decimal(60 + (i * 7 + j * 5) % 30),
            )
    ResultSettings.objects.create(stage=world.stage, method=method, trim_min_reviews=4)
    ranking_compute(stage=world.stage)
    panel_override_set(
        actor=world.organiser, stage=world.stage, entry=entries[4], score="95", reason="合议"
    )
    result_settings_update(actor=world.organiser, stage=world.stage, tie_break=[{"rule": "panel"}])

    # changes: totals moved, a review back to draft, a first review of an unreviewed entry
    changed = [entries[1], entries[2], entries[4], entries[9]]
    Review.objects.filter(entry=entries[1]).update(total=F("total") + 7)
    Review.objects.filter(entry=entries[2], judge=judges[0]).update(status=ReviewStatus.DRAFT)
    Review.objects.filter(entry=entries[4]).update(total=Decimal("61"))
    Review.objects.filter(entry=entries[9], judge=judges[1]).update(total=Decimal("89.5"))
    summary = ranking_update(stage=world.stage, entry_ids=[e.pk for e in changed])
    assert summary is not None
    incremental = stored(world.stage)
    ranking_compute(stage=world.stage)
    assert incremental == stored(world.stage)
    assert any(row[7] for row in incremental) or len({r[5] for r in incremental}) > 5


def test_incremental_update_declines_a_normalised_stage():
    world = build_world()
    ReviewFactory(assignment__entry=world.entry, assignment__judge=UserFactory())
    ResultSettings.objects.create(stage=world.stage, normalise=True)
    ranking_compute(stage=world.stage)
    before = stored(world.stage)
    assert ranking_update(stage=world.stage, entry_ids=[world.entry.pk]) is None
    assert stored(world.stage) == before
    results_mark_dirty(stage_id=world.stage.pk, entry_ids=[world.entry.pk])
    ResultState.objects.filter(stage=world.stage).update(full_at=F("dirty_since"))
    assert results_recompute_run(stage_id=world.stage.pk).kind == "full"
