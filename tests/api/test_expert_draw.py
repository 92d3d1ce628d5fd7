"""The expert draw through the API: organisers draw and verify; the expert answers through their
link; the appointment letter; and no team or anonymous caller can learn who was drawn."""

from __future__ import annotations

import pytest

from judging.models import ExpertDraw, ExpertDrawPick, PanelMembership
from tests.api.helpers import assert_error
from tests.judging.expert_fixtures import EVENT_DAY, expert_world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return expert_world_build()


def _draw(world, client_for, **body):
    payload = {"count": 3, "reserves": 2, "fields_wanted": ["数据要素"]}
    payload["event_date"] = EVENT_DAY.isoformat()
    payload.update(body)
    response = client_for(world.organiser).post(
        f"/api/stages/{world.stage.pk}/expert-draws/", payload, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_the_organiser_draws_lists_and_verifies(world, client_for):
    draw = _draw(world, client_for)
    assert [p["role"] for p in draw["picks"]] == ["picked"] * 3 + ["reserve"] * 2
    assert [p["status"] for p in draw["picks"]] == ["invited"] * 3 + ["standby"] * 2
    assert len(draw["seed"]) == 32 and len(draw["candidates"]) == 12
    assert draw["excluded_counts"]["same_organisation"] == 3
    client = client_for(world.organiser)
    listed = client.get(f"/api/stages/{world.stage.pk}/expert-draws/").json()
    assert [d["id"] for d in listed] == [draw["id"]]
    check = client.post(f"/api/expert-draws/{draw['id']}/verify/").json()
    assert check["matches"] is True and check["chain_ok"] is True
    assert check["picked"] == [str(p["expert"]) for p in draw["picks"][:3]]
    assert check["recomputed_reserve_order"] == [str(p["expert"]) for p in draw["picks"][3:]]


def test_too_few_candidates_is_a_409_and_draws_nothing(world, client_for):
    response = client_for(world.organiser).post(
        f"/api/stages/{world.stage.pk}/expert-draws/", {"count": 15}, format="json"
    )
    body = assert_error(response, 409, "expert_draw_too_few")
    assert body["message_en"] == "Only 14 experts qualify; 15 are wanted (experts and reserves)."
    assert body["message_zh"] == "符合条件的专家仅 14 人，需要 15 人（含候补）。"
    assert ExpertDraw.objects.count() == 0


def test_a_track_of_another_contest_is_refused(world, client_for):
    from tests.factories.contest import TrackFactory

    response = client_for(world.organiser).post(
        f"/api/stages/{world.stage.pk}/expert-draws/",
        {"count": 1, "track": TrackFactory().pk},
        format="json",
    )
    assert_error(response, 400, "track_not_in_contest")
    assert ExpertDraw.objects.count() == 0


@pytest.mark.parametrize("who", ["captain", "member", "anonymous"])
def test_teams_and_the_public_never_learn_who_was_drawn(world, who, client_for, api_client):
    draw = _draw(world, client_for)
    names = [p["expert_name"] for p in draw["picks"]]
    if who == "anonymous":
        client, status, code = api_client, 401, "not_authenticated"
    else:
        user = world.captain if who == "captain" else world.team.members.first().user
        client, status, code = client_for(user), 404, "not_found"
    assert_error(client.get(f"/api/stages/{world.stage.pk}/expert-draws/"), status, code)
    assert_error(client.get(f"/api/expert-draws/{draw['id']}/"), status, code)
    assert_error(client.post(f"/api/expert-draws/{draw['id']}/verify/"), status, code)
    pick = draw["picks"][0]["id"]
    assert_error(client.get(f"/api/expert-draw-picks/{pick}/appointment-letter/"), status, code)
    before = ExpertDraw.objects.count()
    response = client.post(
        f"/api/stages/{world.stage.pk}/expert-draws/", {"count": 1}, format="json"
    )
    assert_error(response, status, code)
    assert ExpertDraw.objects.count() == before
    # What a team (or the public) reads of the contest, its stage and its own entries.
    for url in (
        f"/api/contests/{world.contest.pk}/",
        f"/api/stages/{world.stage.pk}/",
        f"/api/teams/{world.team.pk}/",
        "/api/entries/",
    ):
        content = client.get(url).content.decode()
        assert not [n for n in names if n in content], url


def test_the_expert_confirms_through_their_link_and_gets_the_letter(world, client_for, api_client):
    draw = _draw(world, client_for)
    pick = ExpertDrawPick.objects.get(draw_id=draw["id"], position=1)
    url = f"/api/expert-invitations/{pick.token}/"
    shown = api_client.get(url).json()
    assert shown["expert_name"] == pick.expert.name and shown["status"] == "invited"
    assert shown["has_account"] is False and shown["letter_available"] is False
    assert_error(api_client.get(url + "appointment-letter/"), 403, "expert_letter_not_confirmed")
    assert_error(
        api_client.post(url + "confirm/", {}, format="json"), 400, "expert_password_required"
    )
    response = api_client.post(url + "confirm/", {"password": "12345"}, format="json")
    assert_error(response, 400, "password_too_weak")
    response = api_client.post(url + "confirm/", {"password": "Zhuanjia-2026!"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert PanelMembership.objects.filter(
        stage=world.stage, judge__email=pick.expert.email
    ).exists()
    letter = api_client.get(url + "appointment-letter/")
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    organiser_copy = client_for(world.organiser).get(
        f"/api/expert-draw-picks/{pick.pk}/appointment-letter/"
    )
    assert organiser_copy.status_code == 200 and organiser_copy.content.startswith(b"%PDF")
    pick.refresh_from_db()
    own = client_for(pick.expert.user).get(f"/api/expert-draw-picks/{pick.pk}/appointment-letter/")
    assert own.status_code == 200 and own.content.startswith(b"%PDF")


def test_a_decline_through_the_link_invites_the_next_reserve(world, client_for, api_client):
    draw = _draw(world, client_for)
    pick = ExpertDrawPick.objects.get(draw_id=draw["id"], position=2)
    response = api_client.post(f"/api/expert-invitations/{pick.token}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    statuses = dict(
        ExpertDrawPick.objects.filter(draw_id=draw["id"]).values_list("position", "status")
    )
    assert statuses == {1: "invited", 2: "declined", 3: "invited", 4: "invited", 5: "standby"}
    again = api_client.post(f"/api/expert-invitations/{pick.token}/decline/")
    body = assert_error(again, 409, "expert_pick_not_open")
    assert body["message_en"] == "This invitation is no longer open (已谢绝 Declined)."


def test_an_unknown_link_is_404(api_client):
    assert_error(
        api_client.get("/api/expert-invitations/not-a-token/"), 404, "expert_pick_token_invalid"
    )
