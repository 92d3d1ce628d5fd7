"""The publisher's workspace over HTTP: my challenges, editing only one's own, who took it."""

import datetime as dt

import pytest
from django.utils import timezone

from contest.enums import ChallengeStatus, ContestKind, ContestRoleKind
from contest.models import Challenge
from tests.api.helpers import assert_error, row_counts
from tests.factories.contest import (
    ChallengeFactory,
    ChallengeQuestionFactory,
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.judging import PanelMembershipFactory


@pytest.fixture
def contest(db):
    return ContestFactory(kind=ContestKind.CHALLENGE_LIST)


@pytest.fixture
def rival(contest):
    """A publisher of another organisation in the same contest."""
    user = UserFactory(real_name="另一发榜方")
    ContestRoleFactory(
        contest=contest,
        user=user,
        role=ContestRoleKind.PUBLISHER,
        organisation=OrganisationFactory(),
    )
    return user


def test_mine_lists_my_organisations_challenges_with_return_reason_and_open_questions(
    client_for, contest, publisher, publisher_org, rival
):
    returned = ChallengeFactory(
        contest=contest, publisher=publisher_org, status="draft", review_note="请补充验收指标"
    )
    published = ChallengeFactory(contest=contest, publisher=publisher_org)
    ChallengeQuestionFactory(challenge=published)
    ChallengeFactory(contest=contest, publisher=OrganisationFactory())
    body = client_for(publisher).get("/api/challenges/mine/").json()
    assert [row["id"] for row in body] == sorted([returned.pk, published.pk])
    by_id = {row["id"]: row for row in body}
    assert by_id[returned.pk]["review_note"] == "请补充验收指标"
    assert by_id[published.pk]["questions_open"] == 1
    assert client_for(rival).get("/api/challenges/mine/").json() == []


def test_mine_needs_a_login(api_client):
    assert_error(api_client.get("/api/challenges/mine/"), 401, "not_authenticated")


def test_publisher_cannot_edit_or_submit_another_publishers_challenge(
    client_for, contest, publisher_org, rival
):
    draft = ChallengeFactory(contest=contest, publisher=publisher_org, status="draft", title="原题")
    before = row_counts()
    assert_error(
        client_for(rival).patch(f"/api/challenges/{draft.pk}/", {"title": "篡改"}, format="json"),
        404,
        "not_found",
    )
    assert_error(client_for(rival).post(f"/api/challenges/{draft.pk}/submit/"), 404, "not_found")
    assert row_counts() == before
    draft.refresh_from_db()
    assert (draft.title, draft.status) == ("原题", "draft")


def test_publisher_cannot_edit_another_publishers_published_challenge(
    client_for, contest, publisher_org, rival
):
    """Published, it is visible to everyone: the refusal is a 403 with the permission's message."""
    published = ChallengeFactory(contest=contest, publisher=publisher_org, title="原题")
    before = row_counts()
    body = assert_error(
        client_for(rival).patch(
            f"/api/challenges/{published.pk}/", {"title": "篡改"}, format="json"
        ),
        403,
        "not_permitted",
    )
    assert "edit this challenge" in body["message_en"]
    assert row_counts() == before
    assert Challenge.objects.get(pk=published.pk).title == "原题"


def test_revise_after_return_and_resubmit(client_for, contest, publisher, publisher_org, organiser):
    challenge = ChallengeFactory(contest=contest, publisher=publisher_org, status="submitted")
    client_for(organiser).post(
        f"/api/challenges/{challenge.pk}/return/", {"reason": "榜额需明确"}, format="json"
    )
    me = client_for(publisher)
    assert me.get(f"/api/challenges/{challenge.pk}/").json()["review_note"] == "榜额需明确"
    response = me.patch(
        f"/api/challenges/{challenge.pk}/", {"prize_amount": "300000.00"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert me.post(f"/api/challenges/{challenge.pk}/submit/").json()["status"] == "submitted"


def _after_deadline(contest, publisher_org, **extra):
    return ChallengeFactory(
        contest=contest,
        publisher=publisher_org,
        deadline=timezone.now() - dt.timedelta(days=1),
        **extra,
    )


def test_takers_after_the_deadline_named_when_no_stage_is_blind(
    client_for, contest, publisher, publisher_org, django_assert_max_num_queries
):
    challenge = _after_deadline(contest, publisher_org)
    teams = [TeamFactory(contest=contest, challenge=challenge) for _ in range(3)]
    TeamFactory(contest=contest)
    client = client_for(publisher)
    with django_assert_max_num_queries(12):
        body = client.get(f"/api/challenges/{challenge.pk}/takers/").json()
    assert (body["count"], body["blind"]) == (3, False)
    assert sorted(t["id"] for t in body["teams"]) == sorted(t.pk for t in teams)


def test_takers_are_counted_not_named_when_a_stage_is_blind(
    client_for, contest, publisher, publisher_org
):
    StageFactory(contest=contest, blind=True)
    challenge = _after_deadline(contest, publisher_org)
    TeamFactory(contest=contest, challenge=challenge)
    body = client_for(publisher).get(f"/api/challenges/{challenge.pk}/takers/").json()
    assert (body["count"], body["blind"], body["teams"]) == (1, True, [])


def test_takers_refused_before_the_deadline_and_to_others(
    client_for, contest, publisher, publisher_org, rival, captain, api_client
):
    early = ChallengeFactory(
        contest=contest, publisher=publisher_org, deadline=timezone.now() + dt.timedelta(days=3)
    )
    body = assert_error(
        client_for(publisher).get(f"/api/challenges/{early.pk}/takers/"),
        409,
        "takers_before_deadline",
    )
    assert "Beijing" in body["message_en"]
    late = _after_deadline(contest, publisher_org)
    expert = PanelMembershipFactory(stage=StageFactory(contest=contest), accepted=True).judge
    for user in (rival, captain, expert):
        assert_error(
            client_for(user).get(f"/api/challenges/{late.pk}/takers/"), 403, "not_permitted"
        )
    assert_error(api_client.get(f"/api/challenges/{late.pk}/takers/"), 401, "not_authenticated")


def test_organiser_sees_takers_too(client_for, contest, organiser, publisher_org):
    challenge = _after_deadline(contest, publisher_org, status=ChallengeStatus.CLOSED)
    TeamFactory(contest=contest, challenge=challenge)
    assert client_for(organiser).get(f"/api/challenges/{challenge.pk}/takers/").json()["count"] == 1
