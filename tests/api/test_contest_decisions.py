"""Issue 9, the contest side: every contest-side decision on the audit chain, windows that do not
move backwards, the organiser's review note kept internal, no contest its own ancestor."""

import datetime

import pytest
from django.utils import timezone

from contest.enums import ChallengeStatus, ContestKind, ContestRoleKind, ContestStatus
from contest.models import Challenge, Contest, Stage
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.api.helpers import assert_error, results, row_counts
from tests.factories.contest import (
    ChallengeFactory,
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    UserFactory,
)

NOW = timezone.now


def _rows(contest, action=None):
    qs = AuditLog.objects.filter(contest=contest).order_by("seq")
    return list(qs.filter(action=action) if action else qs)


def _chain_ok(contest):
    check = audit_verify(contest=contest)
    assert check.ok, check
    return check.rows


# The organiser's review note ----------------------------------------------------------------


@pytest.fixture
def returned_then_published(contest, publisher_org):
    """A challenge that was returned with an internal note, fixed, and is now public."""
    return ChallengeFactory(
        contest=contest,
        publisher=publisher_org,
        status=ChallengeStatus.PUBLISHED,
        published_at=NOW(),
        review_note="发榜方报价偏高，内部掌握",
    )


@pytest.fixture
def other_publisher(contest):
    org = OrganisationFactory(name="另一发榜单位")
    user = UserFactory(real_name="另一发榜方", organisation=org)
    ContestRoleFactory(contest=contest, user=user, role=ContestRoleKind.PUBLISHER, organisation=org)
    return user


@pytest.mark.parametrize("role", ["anonymous", "other_publisher", "stranger", "captain"])
def test_review_note_hidden_from_public_and_other_publishers(
    request, api_client, client_for, returned_then_published, role
):
    client = api_client if role == "anonymous" else client_for(request.getfixturevalue(role))
    listed = results(client.get("/api/challenges/"))
    assert [row["id"] for row in listed] == [returned_then_published.pk]
    assert all("review_note" not in row for row in listed)
    detail = client.get(f"/api/challenges/{returned_then_published.pk}/")
    assert detail.status_code == 200
    assert detail.json()["review_note"] is None
    assert "内部掌握" not in detail.content.decode()


@pytest.mark.parametrize("role", ["organiser", "publisher", "admin"])
def test_review_note_shown_to_organisers_and_own_publisher(
    request, client_for, returned_then_published, role
):
    client = client_for(request.getfixturevalue(role))
    detail = client.get(f"/api/challenges/{returned_then_published.pk}/")
    assert detail.json()["review_note"] == returned_then_published.review_note != ""


def test_review_note_in_the_return_answer_and_to_the_publisher(
    client_for, organiser, publisher, contest, publisher_org
):
    challenge = ChallengeFactory(
        contest=contest, publisher=publisher_org, status=ChallengeStatus.SUBMITTED
    )
    response = client_for(organiser).post(
        f"/api/challenges/{challenge.pk}/return/", {"reason": "指标不可量化"}
    )
    assert response.json()["review_note"] == "指标不可量化"
    mine = client_for(publisher).get(f"/api/challenges/{challenge.pk}/")
    assert mine.json()["review_note"] == "指标不可量化"


# Contest ancestry ---------------------------------------------------------------------------


def test_contest_own_parent_refused(client_for, organiser, contest):
    before = row_counts()
    response = client_for(organiser).patch(f"/api/contests/{contest.pk}/", {"parent": contest.pk})
    body = assert_error(response, 400, "contest_parent_cycle")
    assert body["message_en"] == "A contest cannot be its own parent or ancestor."
    assert body["fields"] == {"parent": ["contest_parent_cycle"]}
    assert Contest.objects.get(pk=contest.pk).parent_id is None
    assert row_counts() == before
    assert _rows(contest) == []


def test_contest_descendant_as_parent_refused(client_for, organiser, contest):
    child = ContestFactory(parent=contest)
    grandchild = ContestFactory(parent=child)
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/", {"parent": grandchild.pk}
    )
    assert_error(response, 400, "contest_parent_cycle")
    assert Contest.objects.get(pk=contest.pk).parent_id is None


def test_contest_parent_set_recorded(client_for, organiser, contest):
    national = ContestFactory()
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/", {"parent": national.pk, "reason": "并入全国赛"}
    )
    assert response.status_code == 200, response.content
    (row,) = _rows(contest, "contest.update")
    assert (row.actor, row.reason) == (organiser, "并入全国赛")
    assert row.data["changes"]["parent"] == [None, national.pk]
    _chain_ok(contest)


def test_contest_parent_cycle_refused_by_model_validation(contest):
    """The admin's forms run `full_clean()`: the same rule there."""
    from django.core.exceptions import ValidationError

    child = ContestFactory(parent=contest)
    contest.parent = child
    with pytest.raises(ValidationError) as exc:
        contest.full_clean()
    assert exc.value.error_dict["parent"][0].code == "contest_parent_cycle"


# Contest transitions on the chain -----------------------------------------------------------


@pytest.fixture
def draft(organiser, contest):
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.DRAFT)
    StageFactory(contest=contest, order=1)
    contest.refresh_from_db()
    return contest


def test_contest_transitions_each_write_a_row(client_for, organiser, draft):
    client = client_for(organiser)
    steps = ["published", "registration_open", "registration_closed", "judging", "results"]
    for status in steps:
        response = client.post(f"/api/contests/{draft.pk}/transition/", {"status": status})
        assert response.status_code == 200, response.content
    rows = _rows(draft, "contest.transition")
    assert [(r.data["from"], r.data["to"]) for r in rows] == list(
        zip(["draft", *steps[:-1]], steps, strict=True)
    )
    assert {r.actor_id for r in rows} == {organiser.pk}
    assert _chain_ok(draft) == len(_rows(draft))


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [("organiser", 409, "invalid_transition"), ("stranger", 404, "not_found")],
)
def test_contest_transition_refused_writes_no_row(request, client_for, draft, role, status, code):
    """A skip is refused for the organiser; a stranger does not even see the draft."""
    response = client_for(request.getfixturevalue(role)).post(
        f"/api/contests/{draft.pk}/transition/", {"status": "judging"}
    )
    assert_error(response, status, code)
    assert Contest.objects.get(pk=draft.pk).status == "draft"
    assert _rows(draft) == []


def test_contest_transition_rolled_back_when_the_row_cannot_be_written(
    monkeypatch, organiser, draft
):
    """The row is written in the service's transaction: no row, no transition."""
    from contest.services.contest import contest_publish

    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("judging.receivers.audit_record", broken)
    with pytest.raises(RuntimeError):
        contest_publish(actor=organiser, contest=draft)
    assert Contest.objects.get(pk=draft.pk).status == "draft"
    assert _rows(draft) == []


# Challenge decisions on the chain -----------------------------------------------------------


@pytest.fixture
def challenge_contest(contest):
    Contest.objects.filter(pk=contest.pk).update(kind=ContestKind.CHALLENGE_LIST)
    return contest


def test_challenge_decisions_each_write_a_row(
    client_for, publisher, organiser, challenge_contest, publisher_org
):
    pub, org = client_for(publisher), client_for(organiser)
    challenge = ChallengeFactory(
        contest=challenge_contest, publisher=publisher_org, status=ChallengeStatus.DRAFT
    )
    base = f"/api/challenges/{challenge.pk}"
    calls = [
        (pub, "submit", {}),
        (org, "return", {"reason": "指标不可量化"}),
        (pub, "submit", {}),
        (org, "approve", {}),
        (org, "publish", {}),
        (org, "close", {}),
    ]
    for client, step, body in calls:
        response = client.post(f"{base}/{step}/", body)
        assert response.status_code == 200, response.content
    rows = [r for r in _rows(challenge_contest) if r.object_type == "Challenge"]
    assert [r.action for r in rows] == [f"challenge.{step}" for _, step, _ in calls]
    assert [r.actor for r in rows] == [publisher, organiser, publisher] + [organiser] * 3
    returned = rows[1]
    assert (returned.reason, returned.data["from"], returned.data["to"]) == (
        "指标不可量化",
        "submitted",
        "draft",
    )
    assert {r.object_id for r in rows} == {str(challenge.pk)}
    _chain_ok(challenge_contest)


def test_challenge_list_publish_writes_a_row_per_challenge(
    client_for, organiser, challenge_contest, publisher_org
):
    approved = [
        ChallengeFactory(
            contest=challenge_contest, publisher=publisher_org, status=ChallengeStatus.APPROVED
        )
        for _ in range(3)
    ]
    ChallengeFactory(
        contest=challenge_contest, publisher=publisher_org, status=ChallengeStatus.DRAFT
    )  # a draft stays
    response = client_for(organiser).post(
        f"/api/contests/{challenge_contest.pk}/publish-challenges/"
    )
    assert response.json() == {"published": 3}
    rows = _rows(challenge_contest, "challenge.publish")
    assert sorted(int(r.object_id) for r in rows) == sorted(c.pk for c in approved)
    _chain_ok(challenge_contest)


@pytest.mark.parametrize("role", ["publisher", "stranger"])
def test_challenge_approve_refused_writes_no_row(
    request, client_for, challenge_contest, publisher_org, role
):
    """The publisher sees its submitted challenge but may not approve it; a stranger does not
    see it at all."""
    challenge = ChallengeFactory(
        contest=challenge_contest, publisher=publisher_org, status=ChallengeStatus.SUBMITTED
    )
    response = client_for(request.getfixturevalue(role)).post(
        f"/api/challenges/{challenge.pk}/approve/"
    )
    if role == "publisher":
        body = assert_error(response, 403, "not_permitted")
        assert body["message_en"] == "You may not approve challenges."
    else:
        assert_error(response, 404, "not_found")
    assert Challenge.objects.get(pk=challenge.pk).status == "submitted"
    assert _rows(challenge_contest) == []


# Stage windows ------------------------------------------------------------------------------


def _iso(moment):
    return moment.isoformat()


def _windows(stage):
    stage = Stage.objects.get(pk=stage.pk)
    return (
        stage.submission_opens_at,
        stage.submission_closes_at,
        stage.review_opens_at,
        stage.review_closes_at,
    )


def test_stage_passed_opening_cannot_move(client_for, organiser, stage):
    """Submissions opened five days ago: moving the opening to tomorrow would un-open them."""
    before = _windows(stage)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/",
        {"submission_opens_at": _iso(NOW() + datetime.timedelta(days=1)), "reason": "改期"},
    )
    body = assert_error(response, 409, "window_passed")
    assert body["message_en"].startswith("The submission opening passed at ")
    assert body["fields"] == {"submission_opens_at": ["window_passed"]}
    assert _windows(stage) == before
    assert _rows(stage.contest) == []


def test_stage_passed_deadline_cannot_reopen_submissions(client_for, organiser, contest):
    stage = StageFactory(
        contest=contest,
        submission_opens_at=NOW() - datetime.timedelta(days=10),
        submission_closes_at=NOW() - datetime.timedelta(days=1),
    )
    before = _windows(stage)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/",
        {"submission_closes_at": _iso(NOW() + datetime.timedelta(days=3)), "reason": "补交"},
    )
    body = assert_error(response, 409, "window_passed")
    assert "submission deadline passed at" in body["message_en"]
    assert _windows(stage) == before
    assert _rows(contest) == []


def test_stage_deadline_not_shortened_below_now(client_for, organiser, stage):
    before = _windows(stage)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/",
        {"submission_closes_at": _iso(NOW() - datetime.timedelta(hours=1))},
    )
    body = assert_error(response, 400, "deadline_before_now")
    assert body["message_en"] == "The submission deadline cannot be moved before now."
    assert _windows(stage) == before


def test_stage_deadline_shortened_but_still_ahead_is_recorded(client_for, organiser, stage):
    new = NOW() + datetime.timedelta(days=2)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/", {"submission_closes_at": _iso(new)}
    )
    assert response.status_code == 200, response.content
    (row,) = _rows(stage.contest, "stage.windows_change")
    assert Stage.objects.get(pk=stage.pk).submission_closes_at == new
    assert datetime.datetime.fromisoformat(row.data["changes"]["submission_closes_at"][1]) == new


def test_stage_deadline_extension_needs_a_reason(client_for, organiser, stage):
    before = _windows(stage)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/",
        {"submission_closes_at": _iso(stage.submission_closes_at + datetime.timedelta(days=2))},
    )
    body = assert_error(response, 400, "reason_required")
    assert body["message_en"] == "A reason is required."
    assert _windows(stage) == before
    assert _rows(stage.contest) == []


def test_stage_deadline_extension_recorded_on_the_chain(client_for, organiser, stage):
    old = stage.submission_closes_at
    new = old + datetime.timedelta(days=2)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/",
        {"submission_closes_at": _iso(new), "reason": "系统故障，顺延两天"},
    )
    assert response.status_code == 200, response.content
    assert "reason" not in response.json()
    assert Stage.objects.get(pk=stage.pk).submission_closes_at == new
    (row,) = _rows(stage.contest, "stage.windows_change")
    assert (row.actor, row.reason, row.object_id) == (
        organiser,
        "系统故障，顺延两天",
        str(stage.pk),
    )
    was, now_is = row.data["changes"]["submission_closes_at"]
    assert datetime.datetime.fromisoformat(was) == old
    assert datetime.datetime.fromisoformat(now_is) == new
    _chain_ok(stage.contest)


@pytest.mark.parametrize("role", ["captain", "publisher", "other_organiser"])
def test_stage_window_change_by_others_refused(request, client_for, stage, role):
    before = _windows(stage)
    response = client_for(request.getfixturevalue(role)).patch(
        f"/api/stages/{stage.pk}/",
        {"submission_closes_at": _iso(stage.submission_closes_at + datetime.timedelta(days=2))},
    )
    assert_error(response, 403, "not_permitted")
    assert _windows(stage) == before
    assert _rows(stage.contest) == []


def test_stage_windows_of_a_draft_contest_move_freely(client_for, organiser, contest):
    """A draft is still being prepared: nobody has relied on its windows yet."""
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.DRAFT)
    stage = StageFactory(contest=contest)
    new = NOW() + datetime.timedelta(days=1)
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/", {"submission_opens_at": _iso(new)}
    )
    assert response.status_code == 200, response.content
    assert Stage.objects.get(pk=stage.pk).submission_opens_at == new
    assert len(_rows(contest, "stage.windows_change")) == 1


def test_stage_create_recorded(client_for, organiser, contest):
    response = client_for(organiser).post(
        "/api/stages/",
        {"contest": contest.pk, "name": "决赛", "kind": "roadshow", "order": 7},
    )
    assert response.status_code == 201, response.content
    (row,) = _rows(contest, "stage.create")
    assert (row.object_id, row.data["name"]) == (str(response.json()["id"]), "决赛")


# The registration window -------------------------------------------------------------------


def test_registration_passed_deadline_cannot_reopen(client_for, organiser, contest):
    Contest.objects.filter(pk=contest.pk).update(
        registration_closes_at=NOW() - datetime.timedelta(days=1)
    )
    closes = Contest.objects.get(pk=contest.pk).registration_closes_at
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/",
        {"registration_closes_at": _iso(NOW() + datetime.timedelta(days=5)), "reason": "补报"},
    )
    assert_error(response, 409, "window_passed")
    assert Contest.objects.get(pk=contest.pk).registration_closes_at == closes
    assert _rows(contest) == []


def test_registration_extension_needs_reason_and_is_recorded(client_for, organiser, contest):
    client = client_for(organiser)
    new = contest.registration_closes_at + datetime.timedelta(days=3)
    refused = client.patch(f"/api/contests/{contest.pk}/", {"registration_closes_at": _iso(new)})
    assert_error(refused, 400, "reason_required")
    response = client.patch(
        f"/api/contests/{contest.pk}/",
        {"registration_closes_at": _iso(new), "reason": "应多地要求延长报名"},
    )
    assert response.status_code == 200, response.content
    assert Contest.objects.get(pk=contest.pk).registration_closes_at == new
    (row,) = _rows(contest, "contest.update")
    assert row.reason == "应多地要求延长报名"
    _chain_ok(contest)
