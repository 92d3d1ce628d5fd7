"""征榜 over HTTP, per role: who may apply, who sees which applications, who decides."""

import datetime as dt

import pytest
from django.utils import timezone

from contest.enums import ContestKind, ContestRoleKind
from contest.models import ContestRole, Organisation, PublisherApplication
from tests.api.helpers import assert_error, ids, row_counts
from tests.factories.contest import (
    ContestFactory,
    PublisherApplicationFactory,
    StageFactory,
    UserFactory,
    make_uscc,
)
from tests.factories.judging import PanelMembershipFactory

URL = "/api/publisher-applications/"


@pytest.fixture
def contest(db):
    now = timezone.now()
    return ContestFactory(
        kind=ContestKind.CHALLENGE_LIST,
        call_opens_at=now - dt.timedelta(days=1),
        call_closes_at=now + dt.timedelta(days=10),
    )


@pytest.fixture
def expert(contest):
    return PanelMembershipFactory(stage=StageFactory(contest=contest), accepted=True).judge


def _form(contest, **extra):
    return {
        "contest": contest.pk,
        "organisation_name": "南京数智科技有限公司",
        "uscc": make_uscc(),
        "region": "江苏",
        "organisation_kind": "enterprise",
        "contact_name": "李主任",
        "contact_phone": "13900002222",
        "contact_email": "li@example.com",
        **extra,
    }


def _counts():
    return {**row_counts(), "PublisherApplication": PublisherApplication.objects.count()}


def test_anonymous_cannot_apply_or_list(api_client, contest):
    before = _counts()
    assert_error(api_client.post(URL, _form(contest), format="json"), 401, "not_authenticated")
    assert_error(api_client.get(URL), 401, "not_authenticated")
    assert _counts() == before


def test_a_signed_in_person_applies_and_sees_only_their_own(client_for, contest):
    applicant, other = UserFactory(), UserFactory()
    response = client_for(applicant).post(URL, _form(contest), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["applicant"], body["contest_name"]) == (
        "submitted",
        applicant.pk,
        contest.name,
    )
    theirs = PublisherApplicationFactory(contest=contest, applicant=other)
    assert ids(client_for(applicant).get(URL)) == [body["id"]]
    assert_error(client_for(applicant).get(f"{URL}{theirs.pk}/"), 404, "not_found")


def test_bad_uscc_is_a_400_with_the_field(client_for, contest):
    bad = "91320100MA1XXXXXX0"
    client = client_for(UserFactory())
    before = _counts()
    body = assert_error(
        client.post(URL, _form(contest, uscc=bad), format="json"),
        400,
        "invalid_uscc",
    )
    assert "uscc" in body["fields"]
    assert _counts() == before


def test_outside_the_call_window_is_a_409(client_for, db):
    closed = ContestFactory(
        call_opens_at=timezone.now() - dt.timedelta(days=9),
        call_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    client = client_for(UserFactory())
    before = _counts()
    assert_error(client.post(URL, _form(closed), format="json"), 409, "call_not_open")
    assert _counts() == before


def test_organiser_lists_and_approves_then_the_applicant_is_a_publisher(
    client_for, contest, organiser
):
    application = PublisherApplicationFactory(contest=contest)
    assert ids(client_for(organiser).get(URL, {"contest": contest.pk})) == [application.pk]
    response = client_for(organiser).post(
        f"{URL}{application.pk}/approve/", {"reason": "同意"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved"
    organisation = Organisation.objects.get(uscc=application.uscc)
    assert ContestRole.objects.filter(
        contest=contest,
        user=application.applicant,
        role=ContestRoleKind.PUBLISHER,
        organisation=organisation,
    ).exists()
    me = client_for(application.applicant).get("/api/auth/me/").json()
    assert {"contest": contest.pk, "role": "publisher", "organisation": organisation.pk} in me[
        "roles"
    ]


def test_decline_without_reason_is_a_400_then_with_reason_200(client_for, contest, organiser):
    application = PublisherApplicationFactory(contest=contest)
    url = f"{URL}{application.pk}/decline/"
    assert_error(client_for(organiser).post(url, {}, format="json"), 400, "reason_required")
    response = client_for(organiser).post(url, {"reason": "不在本次征榜范围"}, format="json")
    assert response.json()["reason"] == "不在本次征榜范围"
    assert_error(
        client_for(organiser).post(f"{URL}{application.pk}/approve/", {}, format="json"),
        409,
        "publisher_application_decided",
    )
    assert not ContestRole.objects.filter(user=application.applicant).exists()


@pytest.mark.parametrize("who", ["applicant", "publisher", "expert", "team", "other_organiser"])
def test_no_one_but_the_organiser_decides(
    request, client_for, contest, publisher, expert, captain, other_organiser, who
):
    application = PublisherApplicationFactory(contest=contest)
    actor = {
        "applicant": application.applicant,
        "publisher": publisher,
        "expert": expert,
        "team": captain,
        "other_organiser": other_organiser,
    }[who]
    before = {**_counts(), "ContestRole": ContestRole.objects.count()}
    response = client_for(actor).post(f"{URL}{application.pk}/approve/", {}, format="json")
    # The applicant sees the application (403); the others may not know it exists (404).
    if who == "applicant":
        assert_error(response, 403, "not_permitted")
    else:
        assert_error(response, 404, "not_found")
    assert {**_counts(), "ContestRole": ContestRole.objects.count()} == before
    assert PublisherApplication.objects.get(pk=application.pk).status == "submitted"
