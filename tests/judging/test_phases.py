"""judging.phases: a stage's phase from its windows and snapshots, the action table, and the
refusals of the services without an API route of their own (bulk submission, rubric changes,
lifting an override)."""

import datetime

import pytest
from django.utils import timezone

from contest.errors import StateConflict
from judging.enums import StagePhase
from judging.models import AuditLog, PanelOverride, ResultSnapshot, Review, Rubric
from judging.phases import ACTIONS, phase_allows, phase_require, stage_phase
from judging.services.result import (
    panel_override_remove,
    panel_override_set,
    ranking_compute,
    results_publish,
)
from judging.services.review import ReviewSubmission, review_submit, reviews_submit_bulk
from judging.services.rubric import rubric_update
from tests.factories.judging import CRITERIA, FULL_SCORES, build_world

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_phase_follows_the_windows_in_order(db):
    w = build_world()
    now = timezone.now()
    stage = w.stage
    expected = [
        ((now + DAY, now + 2 * DAY, now + 3 * DAY, now + 4 * DAY), StagePhase.PREPARING),
        ((now - DAY, now + 2 * DAY, now + 3 * DAY, now + 4 * DAY), StagePhase.SUBMISSION_OPEN),
        ((now - 2 * DAY, now - DAY, now + 3 * DAY, now + 4 * DAY), StagePhase.SUBMISSION_CLOSED),
        ((now - 3 * DAY, now - 2 * DAY, now - DAY, now + 4 * DAY), StagePhase.REVIEW_OPEN),
        ((now - 4 * DAY, now - 3 * DAY, now - 2 * DAY, now - DAY), StagePhase.REVIEW_CLOSED),
    ]
    for windows, phase in expected:
        (
            stage.submission_opens_at,
            stage.submission_closes_at,
            stage.review_opens_at,
            stage.review_closes_at,
        ) = windows
        assert stage_phase(stage) == phase


def test_every_action_is_refused_or_allowed_by_the_table(db):
    w = build_world()
    phase = stage_phase(w.stage)
    assert phase == StagePhase.REVIEW_OPEN
    for action, phases in ACTIONS.items():
        assert phase_allows(w.stage, action) is (phase in phases)
    with pytest.raises(StateConflict) as refused:
        phase_require(w.stage, "promotion.apply")
    assert refused.value.code == "stage_phase_forbids"
    assert refused.value.details == {"phase": "review_open", "action": "promotion.apply"}
    with pytest.raises(ValueError):
        phase_require(w.stage, "no.such.action")


@pytest.fixture
def published(db):
    w = build_world()
    review_submit(actor=w.judge, assignment=w.assignment, scores=FULL_SCORES)
    ranking_compute(stage=w.stage)
    panel_override_set(
        actor=w.organiser, stage=w.stage, entry=w.entry, panel_order=1, reason="合议排序"
    )
    w.snapshot = results_publish(actor=w.organiser, stage=w.stage)
    assert stage_phase(w.stage) == StagePhase.RESULTS_PUBLISHED
    return w


def frozen_state(w):
    return (
        sorted(Review.objects.values_list("pk", "status", "total")),
        list(PanelOverride.objects.values_list("pk", "panel_order", "reason")),
        list(Rubric.objects.values_list("pk", "version", "name")),
        AuditLog.objects.count(),
        ResultSnapshot.objects.count(),
    )


def test_published_stage_refuses_bulk_submit_rubric_change_and_override_lift(published):
    w = published
    before = frozen_state(w)
    Review.objects.all().delete()  # even a fresh bulk import is refused after publication
    before = (*frozen_state(w)[:1], *before[1:])
    calls = [
        lambda: reviews_submit_bulk(
            submissions=[
                ReviewSubmission(actor=w.judge, assignment=w.assignment, scores=FULL_SCORES)
            ]
        ),
        lambda: rubric_update(
            actor=w.organiser,
            rubric=Rubric.objects.get(),
            name="改过的细则",
            criteria=CRITERIA,
            reason="调整",
        ),
        lambda: panel_override_remove(
            actor=w.organiser, stage=w.stage, entry=w.entry, reason="撤销合议"
        ),
    ]
    for call in calls:
        with pytest.raises(StateConflict) as refused:
            call()
        assert refused.value.code == "stage_results_published"
        assert refused.value.message_en == (
            "The results of this stage are published; a change needs a correction."
        )
    assert frozen_state(w) == before


def test_published_stage_refuses_assignment_changes(published, client_for):
    """Runs, manual additions, removals and swaps are refused once results are published."""
    from judging.models import Assignment, AssignmentRun

    w = published
    before = (
        sorted(Assignment.objects.values_list("pk", "judge_id", "entry_id")),
        AssignmentRun.objects.count(),
        AuditLog.objects.count(),
    )
    organiser = client_for(w.organiser)

    run = organiser.post(f"/api/stages/{w.stage.pk}/assignment/runs/", {"k": 2}, format="json")
    removal = organiser.delete(f"/api/assignments/{w.assignment.pk}/")

    for response in (run, removal):
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "stage_results_published"
    assert (
        sorted(Assignment.objects.values_list("pk", "judge_id", "entry_id")),
        AssignmentRun.objects.count(),
        AuditLog.objects.count(),
    ) == before
