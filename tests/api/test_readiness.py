"""GET /api/contests/{id}/readiness/ from outside: organisers only (404 for every other role, 401
anonymous), a blocking count that moves when the thing is fixed through the API, and a next action
the transition endpoint accepts."""

import datetime

import pytest
from django.utils import timezone

from contest.enums import ContestStatus, EntryStatus, StageKind
from tests.api.helpers import assert_error, row_counts
from tests.factories.contest import EntryFactory, StageFactory, TeamFactory, TrackFactory

pytestmark = pytest.mark.django_db


def url(contest):
    return f"/api/contests/{contest.pk}/readiness/"


def phase(body, key):
    return next(p for p in body["phases"] if p["key"] == key)


def item(body, phase_key, key):
    return next(i for i in phase(body, phase_key)["items"] if i["key"] == key)


def test_readiness_hidden_from_everyone_but_the_organisers(
    client_for, api_client, contest, stage, captain, team, publisher, judge_user, other_organiser
):
    before = row_counts()
    for user in (captain, publisher, judge_user, other_organiser):
        assert_error(client_for(user).get(url(contest)), 404, "not_found")
    assert_error(api_client.get(url(contest)), 401, "not_authenticated")
    assert row_counts() == before


@pytest.fixture
def judge_user(stage):
    from tests.factories.contest import UserFactory
    from tests.factories.judging import PanelMembershipFactory

    judge = UserFactory()
    PanelMembershipFactory(stage=stage, judge=judge, accepted=True)
    return judge


def test_next_action_is_the_transition_the_endpoint_accepts(client_for, organiser, contest, stage):
    contest.status = ContestStatus.DRAFT
    contest.save()
    TrackFactory(contest=contest)
    client = client_for(organiser)
    body = client.get(url(contest)).json()
    assert body["current"] == "registration"
    action = body["next_action"]
    assert action["kind"] == "transition" and action["status"] == "published"
    assert action["endpoint"] == f"/api/contests/{contest.pk}/transition/"
    response = client.post(action["endpoint"], {"status": action["status"]}, format="json")
    assert response.status_code == 200, response.content
    body = client.get(url(contest)).json()
    assert item(body, "registration", "status_published")["done"]
    assert body["next_action"]["status"] == "registration_open"
    # A step the service refuses is never offered: asking for the one after it is a 409.
    before = row_counts()
    refused = client.post(action["endpoint"], {"status": "registration_closed"}, format="json")
    assert_error(refused, 409, "invalid_transition")
    assert row_counts() == before


def test_formal_check_blocking_count_moves_when_an_entry_is_decided(client_for, organiser, contest):
    contest.status = ContestStatus.REGISTRATION_CLOSED
    contest.save()
    TrackFactory(contest=contest)
    past = timezone.now() - datetime.timedelta(days=10)
    formal = StageFactory(
        contest=contest,
        order=1,
        name="形式审查",
        kind=StageKind.FORMAL_CHECK,
        submission_opens_at=past,
        submission_closes_at=past + datetime.timedelta(days=5),
        review_opens_at=None,
        review_closes_at=None,
    )
    StageFactory(contest=contest, order=2, name="初赛")
    entries = [
        EntryFactory(team=TeamFactory(contest=contest), stage=formal, status=EntryStatus.SUBMITTED)
        for _ in range(2)
    ]
    client = client_for(organiser)
    key = f"stage-{formal.pk}"
    body = client.get(url(contest)).json()
    assert body["current"] == key and body["current_stage"] == formal.pk
    pending = item(body, key, "formal_pending")
    assert (pending["count"], pending["blocking"]) == (2, True)
    assert body["next_action"]["link"] == pending["link"]

    decided = client.post(
        f"/api/entries/{entries[0].pk}/formal-check/", {"verdict": "pass"}, format="json"
    )
    assert decided.status_code in (200, 201), decided.content
    body = client.get(url(contest)).json()
    assert item(body, key, "formal_pending")["count"] == 1
    assert item(body, key, "formal_passed")["count"] == 1
    assert phase(body, key)["progress"] == "current"
    assert phase(body, "registration")["progress"] == "done"
