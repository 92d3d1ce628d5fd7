"""Races end in 409 with the domain code, never a 500 (issue 10, What 2).

Each test sends concurrent requests through the API, one thread and one database connection each,
released together by a barrier, and checks that exactly one wins, every loser reads the 409 it
would have read a moment later, and exactly one row exists. Only PostgreSQL runs the requests
truly in parallel (SQLite serialises writers on a file lock), so these tests skip on SQLite and
fail under CI=true without PostgreSQL.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from api.exceptions import integrity_code
from awards.enums import AwardStatus
from awards.models import Award
from contest.models import User
from judging.models import Review
from tests.concurrency import concurrently
from tests.factories.awards import AwardFactory, AwardTierFactory, NoticeFactory, ObjectionFactory
from tests.factories.contest import ContestFactory, ContestRoleFactory, TeamFactory, UserFactory
from tests.factories.judging import FULL_SCORES, build_world

THREADS = 8
ENVELOPE = {"code", "message", "message_zh", "message_en", "fields", "details"}


def outcome(responses, winner: int) -> tuple[list[int], set[str]]:
    """The statuses, sorted, and the codes of the losers; every loser is a 409 envelope."""
    for response in responses:
        assert not isinstance(response, BaseException), repr(response)
    losers = [r for r in responses if r.status_code != winner]
    for response in losers:
        assert response.status_code == 409, response.content[:300]
        assert set(response.json()) == ENVELOPE
    return sorted(r.status_code for r in responses), {r.json()["code"] for r in losers}


def client_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_race_same_email_sign_ups_one_account(postgres, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],
    }
    payload = {"real_name": "王芳", "email": "wang.fang@example.com", "password": "Lanzhou-2026-x"}
    responses = concurrently(
        [
            lambda: APIClient().post("/api/auth/register/", payload, format="json")
            for _ in range(THREADS)
        ]
    )
    statuses, codes = outcome(responses, 201)
    assert statuses == [201] + [409] * (THREADS - 1)
    assert codes == {"account_exists"}
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["message_en"] == "An account with this email or mobile exists."
    assert loser["message_zh"] == "该邮箱或手机号已注册。"
    assert User.objects.filter(email__iexact="wang.fang@example.com").count() == 1


def test_race_first_review_submit_one_review(postgres, settings):
    settings.DEBUG = True  # the loser reads the envelope, not a traceback page
    w = build_world()
    path = f"/api/judge/assignments/{w.assignment.pk}/submit/"
    responses = concurrently(
        [
            lambda: client_as(w.judge).post(path, {"scores": FULL_SCORES}, format="json")
            for _ in range(THREADS)
        ]
    )
    statuses, codes = outcome(responses, 200)
    assert statuses == [200] + [409] * (THREADS - 1)
    # A loser either lost the insert of the review row (write_conflict) or came after the
    # winner's commit and found the review locked (review_submitted): never a 500.
    assert codes <= {"write_conflict", "review_submitted"}
    assert Review.objects.filter(assignment=w.assignment).count() == 1
    assert Review.objects.get(assignment=w.assignment).status == "submitted"


def test_race_upholds_adding_the_same_award_one_award(postgres):
    contest = ContestFactory()
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser, role="organiser")
    first = AwardTierFactory(contest=contest, name="一等奖", order=0, quota_count=1)
    second = AwardTierFactory(contest=contest, name="二等奖", order=1, quota_count=THREADS)
    listed, missed = TeamFactory(contest=contest), TeamFactory(contest=contest)
    notice = NoticeFactory(contest=contest, created_by=organiser)
    AwardFactory(
        contest=contest, tier=first, team=listed, status=AwardStatus.IN_NOTICE, notice=notice
    )
    objections = [ObjectionFactory(notice=notice) for _ in range(THREADS)]
    change = {"action": "add", "tier": second.pk, "team": missed.pk}

    def resolve(objection):
        return lambda: client_as(organiser).post(
            f"/api/objections/{objection.pk}/resolve/",
            {"decision": "upheld", "resolution": "漏评，应补授二等奖。", "changes": [change]},
            format="json",
        )

    responses = concurrently([resolve(o) for o in objections])
    statuses, codes = outcome(responses, 200)
    assert statuses == [200] + [409] * (THREADS - 1)
    assert codes == {"award_exists"}
    loser = next(r for r in responses if r.status_code == 409).json()
    assert loser["message_en"] == "This team or organisation already has this award."
    active = Award.objects.filter(tier=second, team=missed).exclude(status__in=["removed", "stale"])
    assert active.count() == 1


@pytest.mark.django_db
def test_integrity_code_names_the_constraint_on_any_database():
    UserFactory(email="li.lei@example.com")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        User.objects.create(email="li.lei@example.com", real_name="李雷")
    assert integrity_code(caught.value) == "account_exists"
    contest = ContestFactory()
    TeamFactory(contest=contest, name="星河数据队")
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        TeamFactory(contest=contest, name="星河数据队")
    assert integrity_code(caught.value) == "team_name_taken"
    assert integrity_code(IntegrityError("something else")) == "write_conflict"
