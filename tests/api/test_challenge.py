"""The challenge (榜题) workflow draft → submitted → approved → published → closed, by role."""

import pytest

from contest.enums import ChallengeStatus, ContestKind, ContestRoleKind, ContestStatus
from contest.models import Challenge
from tests.api.helpers import assert_error, ids, row_counts
from tests.factories.contest import (
    ChallengeFactory,
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    TrackFactory,
    UserFactory,
)


@pytest.fixture
def contest(db):
    return ContestFactory(kind=ContestKind.CHALLENGE_LIST)


def _challenge(contest, publisher_org, status, **extra):
    return ChallengeFactory(contest=contest, publisher=publisher_org, status=status, **extra)


def _payload(contest, publisher_org, **extra):
    return {
        "contest": contest.pk,
        "publisher": publisher_org.pk,
        "code": "JB-2026-007",
        "title": "城市内涝实时预警模型",
        "background": "汛期积水点预警滞后",
        "targets": "提前30分钟预警，准确率≥90%",
        "prize_amount": "800000.00",
        "prize_payer": "publisher",
        **extra,
    }


# Drafting -----------------------------------------------------------------------------------


def test_challenge_create_publisher_own_organisation(client_for, publisher, contest, publisher_org):
    response = client_for(publisher).post("/api/challenges/", _payload(contest, publisher_org))
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["publisher_name"], body["prize_amount"]) == (
        "draft",
        "发榜单位有限公司",
        "800000.00",
    )
    assert Challenge.objects.get(pk=body["id"]).created_by == publisher


def test_challenge_create_publisher_other_organisation_refused(client_for, publisher, contest):
    other = OrganisationFactory()
    before = row_counts()
    response = client_for(publisher).post("/api/challenges/", _payload(contest, other))
    assert_error(response, 403, "not_permitted")
    assert row_counts() == before


def test_challenge_create_organiser_any_organisation(client_for, organiser, contest):
    response = client_for(organiser).post(
        "/api/challenges/", _payload(contest, OrganisationFactory())
    )
    assert response.status_code == 201


@pytest.mark.parametrize("role", ["stranger", "captain"])
def test_challenge_create_without_role_refused(client_for, request, contest, publisher_org, role):
    user = request.getfixturevalue(role)
    before = row_counts()
    response = client_for(user).post("/api/challenges/", _payload(contest, publisher_org))
    assert_error(response, 403, "not_permitted")
    assert row_counts() == before


def test_challenge_create_anonymous_refused(api_client, contest, publisher_org):
    before = row_counts()
    assert_error(
        api_client.post("/api/challenges/", _payload(contest, publisher_org)),
        401,
        "not_authenticated",
    )
    assert row_counts() == before


def test_challenge_create_negotiable_with_amount(client_for, publisher, contest, publisher_org):
    before = row_counts()
    response = client_for(publisher).post(
        "/api/challenges/", _payload(contest, publisher_org, prize_negotiable=True)
    )
    body = assert_error(response, 400, "prize_negotiable_with_amount")
    assert body["fields"] == {"prize_amount": ["prize_negotiable_with_amount"]}
    assert row_counts() == before


def test_challenge_create_negative_prize(client_for, publisher, contest, publisher_org):
    before = row_counts()
    response = client_for(publisher).post(
        "/api/challenges/", _payload(contest, publisher_org, prize_amount="-1.00")
    )
    assert_error(response, 400, "prize_negative")
    assert row_counts() == before


def test_challenge_create_track_of_other_contest(client_for, publisher, contest, publisher_org):
    foreign = TrackFactory(contest=ContestFactory())
    before = row_counts()
    response = client_for(publisher).post(
        "/api/challenges/", _payload(contest, publisher_org, track=foreign.pk)
    )
    assert_error(response, 400, "track_not_in_contest")
    assert row_counts() == before


def test_challenge_create_duplicate_code(client_for, publisher, contest, publisher_org):
    _challenge(contest, publisher_org, ChallengeStatus.DRAFT, code="JB-2026-007")
    before = row_counts()
    response = client_for(publisher).post("/api/challenges/", _payload(contest, publisher_org))
    body = assert_error(response, 400, "unique_together")
    assert (
        body["message_en"] == "榜题 Challenge with this Contest and 榜题编号 Code already exists."
    )
    assert row_counts() == before


def test_challenge_create_in_hidden_draft_contest_404(client_for, stranger, publisher_org):
    draft = ContestFactory(status=ContestStatus.DRAFT)
    before = row_counts()
    response = client_for(stranger).post("/api/challenges/", _payload(draft, publisher_org))
    assert_error(response, 404, "not_found")
    assert row_counts() == before


# Editing ------------------------------------------------------------------------------------


def test_challenge_update_publisher_draft(client_for, publisher, contest, publisher_org):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.DRAFT)
    response = client_for(publisher).patch(f"/api/challenges/{challenge.pk}/", {"title": "新标题"})
    assert response.status_code == 200
    assert Challenge.objects.get(pk=challenge.pk).title == "新标题"


@pytest.mark.parametrize("status", ["submitted", "approved", "published", "closed"])
def test_challenge_update_publisher_after_draft_refused(
    client_for, publisher, contest, publisher_org, status
):
    challenge = _challenge(contest, publisher_org, status, title="原标题")
    response = client_for(publisher).patch(f"/api/challenges/{challenge.pk}/", {"title": "改标题"})
    body = assert_error(response, 409, "challenge_not_editable")
    assert body["message_en"] == f"A challenge in status '{status}' cannot be edited."
    assert Challenge.objects.get(pk=challenge.pk).title == "原标题"


@pytest.mark.parametrize(("status", "expected"), [("approved", 200), ("published", 409)])
def test_challenge_update_organiser(
    client_for, organiser, contest, publisher_org, status, expected
):
    challenge = _challenge(contest, publisher_org, status)
    response = client_for(organiser).patch(
        f"/api/challenges/{challenge.pk}/", {"title": "组委会修订"}
    )
    assert response.status_code == expected


def test_challenge_update_other_publisher_404(client_for, contest, publisher_org):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.DRAFT, title="原标题")
    other_publisher = UserFactory()
    ContestRoleFactory(
        contest=contest,
        user=other_publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=OrganisationFactory(),
    )
    response = client_for(other_publisher).patch(f"/api/challenges/{challenge.pk}/", {"title": "x"})
    assert_error(response, 404, "not_found")
    assert Challenge.objects.get(pk=challenge.pk).title == "原标题"


def test_challenge_update_published_by_stranger_refused(
    client_for, stranger, contest, publisher_org
):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.PUBLISHED, title="原标题")
    response = client_for(stranger).patch(f"/api/challenges/{challenge.pk}/", {"title": "x"})
    assert_error(response, 403, "not_permitted")
    assert Challenge.objects.get(pk=challenge.pk).title == "原标题"


# Workflow -----------------------------------------------------------------------------------


def test_challenge_workflow_full_path(client_for, publisher, organiser, contest, publisher_org):
    pub, org = client_for(publisher), client_for(organiser)
    pk = pub.post("/api/challenges/", _payload(contest, publisher_org)).json()["id"]
    statuses = [
        pub.post(f"/api/challenges/{pk}/submit/").json()["status"],
        org.post(f"/api/challenges/{pk}/approve/").json()["status"],
        org.post(f"/api/challenges/{pk}/publish/").json()["status"],
    ]
    challenge = Challenge.objects.get(pk=pk)
    assert challenge.published_at is not None
    statuses.append(org.post(f"/api/challenges/{pk}/close/").json()["status"])
    assert statuses == ["submitted", "approved", "published", "closed"]
    assert Challenge.objects.get(pk=pk).status == "closed"


def test_challenge_return_to_draft_with_reason(client_for, organiser, contest, publisher_org):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.SUBMITTED)
    response = client_for(organiser).post(
        f"/api/challenges/{challenge.pk}/return/", {"reason": "指标不可量化"}
    )
    assert response.status_code == 200
    assert response.json()["review_note"] == "指标不可量化"
    assert Challenge.objects.get(pk=challenge.pk).status == "draft"
    assert Challenge.objects.get(pk=challenge.pk).review_note == "指标不可量化"


def test_challenge_return_without_reason(client_for, organiser, contest, publisher_org):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.SUBMITTED)
    response = client_for(organiser).post(
        f"/api/challenges/{challenge.pk}/return/", {"reason": "  "}
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["reason"]
    assert Challenge.objects.get(pk=challenge.pk).status == "submitted"


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("draft", "approve"),
        ("draft", "publish"),
        ("draft", "close"),
        ("submitted", "submit"),
        ("submitted", "publish"),
        ("approved", "approve"),
        ("approved", "close"),
        ("published", "submit"),
        ("published", "approve"),
        ("published", "publish"),
        ("closed", "publish"),
        ("closed", "close"),
    ],
)
def test_challenge_transition_wrong_state_refused(
    client_for, organiser, contest, publisher_org, status, step
):
    challenge = _challenge(contest, publisher_org, status)
    response = client_for(organiser).post(f"/api/challenges/{challenge.pk}/{step}/")
    assert_error(response, 409, "invalid_transition")
    assert Challenge.objects.get(pk=challenge.pk).status == status


@pytest.mark.parametrize("status", ["draft", "published", "closed"])
def test_challenge_return_wrong_state_refused(
    client_for, organiser, contest, publisher_org, status
):
    challenge = _challenge(contest, publisher_org, status)
    response = client_for(organiser).post(
        f"/api/challenges/{challenge.pk}/return/", {"reason": "x"}
    )
    assert_error(response, 409, "invalid_transition")
    assert Challenge.objects.get(pk=challenge.pk).status == status


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("submitted", "approve"),
        ("approved", "publish"),
        ("published", "close"),
        ("submitted", "return"),
    ],
)
def test_challenge_organiser_steps_refused_for_publisher(
    client_for, publisher, contest, publisher_org, status, step
):
    challenge = _challenge(contest, publisher_org, status)
    response = client_for(publisher).post(
        f"/api/challenges/{challenge.pk}/{step}/", {"reason": "x"}
    )
    assert_error(response, 403, "not_permitted")
    assert Challenge.objects.get(pk=challenge.pk).status == status


@pytest.mark.parametrize(("status", "step"), [("published", "close"), ("published", "submit")])
def test_challenge_steps_refused_for_stranger(
    client_for, stranger, contest, publisher_org, status, step
):
    challenge = _challenge(contest, publisher_org, status)
    assert_error(
        client_for(stranger).post(f"/api/challenges/{challenge.pk}/{step}/"), 403, "not_permitted"
    )
    assert Challenge.objects.get(pk=challenge.pk).status == status


def test_challenge_submit_by_stranger_draft_404(client_for, stranger, contest, publisher_org):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.DRAFT)
    assert_error(
        client_for(stranger).post(f"/api/challenges/{challenge.pk}/submit/"), 404, "not_found"
    )
    assert Challenge.objects.get(pk=challenge.pk).status == "draft"


def test_challenge_approve_by_other_organiser_404(
    client_for, other_organiser, contest, publisher_org
):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.SUBMITTED)
    response = client_for(other_organiser).post(f"/api/challenges/{challenge.pk}/approve/")
    assert_error(response, 404, "not_found")
    assert Challenge.objects.get(pk=challenge.pk).status == "submitted"


def test_challenge_approve_platform_admin(client_for, admin, contest, publisher_org):
    challenge = _challenge(contest, publisher_org, ChallengeStatus.SUBMITTED)
    assert (
        client_for(admin).post(f"/api/challenges/{challenge.pk}/approve/").json()["status"]
        == "approved"
    )


def test_challenge_list_publish_all_approved(client_for, organiser, contest, publisher_org):
    approved = [_challenge(contest, publisher_org, ChallengeStatus.APPROVED) for _ in range(2)]
    submitted = _challenge(contest, publisher_org, ChallengeStatus.SUBMITTED)
    response = client_for(organiser).post(f"/api/contests/{contest.pk}/publish-challenges/")
    assert response.json() == {"published": 2}
    assert sorted(
        Challenge.objects.filter(status="published").values_list("pk", flat=True)
    ) == sorted(c.pk for c in approved)
    assert Challenge.objects.get(pk=submitted.pk).status == "submitted"


def test_challenge_list_publish_by_publisher_refused(client_for, publisher, contest, publisher_org):
    _challenge(contest, publisher_org, ChallengeStatus.APPROVED)
    response = client_for(publisher).post(f"/api/contests/{contest.pk}/publish-challenges/")
    assert_error(response, 403, "not_permitted")
    assert Challenge.objects.filter(status="published").count() == 0


# Visibility ---------------------------------------------------------------------------------


@pytest.fixture
def every_status(contest, publisher_org):
    return {s: _challenge(contest, publisher_org, s) for s in ChallengeStatus.values}


def test_challenge_list_anonymous_published_and_closed_only(api_client, every_status):
    assert sorted(ids(api_client.get("/api/challenges/"))) == sorted(
        [every_status["published"].pk, every_status["closed"].pk]
    )


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_challenge_detail_anonymous_unpublished_404(api_client, every_status, status):
    assert_error(api_client.get(f"/api/challenges/{every_status[status].pk}/"), 404, "not_found")


def test_challenge_list_publisher_sees_own_unpublished_only(
    client_for, publisher, contest, every_status
):
    other_org = OrganisationFactory()
    other_draft = _challenge(contest, other_org, ChallengeStatus.DRAFT)
    other_published = _challenge(contest, other_org, ChallengeStatus.PUBLISHED)
    seen = ids(client_for(publisher).get("/api/challenges/"))
    assert sorted(seen) == sorted([c.pk for c in every_status.values()] + [other_published.pk])
    assert other_draft.pk not in seen


def test_challenge_detail_publisher_other_org_draft_404(client_for, publisher, contest):
    other_draft = _challenge(contest, OrganisationFactory(), ChallengeStatus.SUBMITTED)
    assert_error(client_for(publisher).get(f"/api/challenges/{other_draft.pk}/"), 404, "not_found")


def test_challenge_list_publisher_role_is_per_contest(client_for, publisher, publisher_org):
    elsewhere = _challenge(ContestFactory(), publisher_org, ChallengeStatus.DRAFT)
    assert elsewhere.pk not in ids(client_for(publisher).get("/api/challenges/"))


def test_challenge_list_organiser_sees_all_of_contest(client_for, organiser, every_status):
    assert sorted(ids(client_for(organiser).get("/api/challenges/"))) == sorted(
        c.pk for c in every_status.values()
    )


def test_challenge_list_other_organiser_sees_public_only(client_for, other_organiser, every_status):
    assert sorted(ids(client_for(other_organiser).get("/api/challenges/"))) == sorted(
        [every_status["published"].pk, every_status["closed"].pk]
    )


def test_challenge_list_published_in_draft_contest_hidden(api_client, publisher_org):
    draft = ContestFactory(status=ContestStatus.DRAFT)
    _challenge(draft, publisher_org, ChallengeStatus.PUBLISHED)
    assert ids(api_client.get("/api/challenges/")) == []


def test_challenge_list_filter_and_search(api_client, contest, publisher_org):
    wanted = _challenge(
        contest, publisher_org, "published", title="城市内涝预警", prize_amount=2000000
    )
    _challenge(contest, publisher_org, "published", title="工业视觉检测", prize_amount=100000)
    assert ids(api_client.get("/api/challenges/", {"search": "内涝"})) == [wanted.pk]
    assert ids(api_client.get("/api/challenges/", {"prize_min": 1000000})) == [wanted.pk]


# N+1 guards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_challenge_list_query_count_constant(api_client, contest, count, django_assert_num_queries):
    track = TrackFactory(contest=contest)
    for _ in range(count):
        ChallengeFactory(contest=contest, track=track, publisher=OrganisationFactory())
    with django_assert_num_queries(2):  # count + page
        response = api_client.get("/api/challenges/")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_challenge_list_publisher_query_count_constant(
    client_for, publisher, contest, publisher_org, count, django_assert_num_queries
):
    for _ in range(count):
        _challenge(
            contest, publisher_org, ChallengeStatus.DRAFT, track=TrackFactory(contest=contest)
        )
    client = client_for(publisher)
    with django_assert_num_queries(2):
        response = client.get("/api/challenges/")
    assert len(response.json()["results"]) == count
