"""The live final's API per role: organisers run the session; the state is public; only the
final's judges score, only the team on stage, once; the chair (or an organiser) reopens with a
reason; the paper downloads are PDFs with the chain head."""

import io

import pytest
from pypdf import PdfReader

from judging.models import AuditLog, LiveSession, LiveSlot, Review
from tests.api.helpers import assert_error
from tests.factories.contest import TeamFactory
from tests.judging.live_fixtures import live_world_build, scores_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def final(client_for):
    world = live_world_build(judges=3, teams=3)
    organiser = client_for(world.organiser)
    created = organiser.post(f"/api/stages/{world.stage.pk}/live/", {}, format="json")
    assert created.status_code == 200, created.content
    session_id = created.json()["session"]
    assert organiser.post(f"/api/live/{session_id}/draw/").status_code == 200
    started = organiser.post(f"/api/live/{session_id}/start/")
    assert started.status_code == 200, started.content
    return world, session_id, started.json()


def test_the_console_runs_the_session_and_the_state_is_public(final, api_client, client_for):
    world, session_id, state = final
    assert (state["state"], state["current"]["position"], state["judges"]) == ("running", 1, 3)
    assert (state["timer"]["pitch_seconds"], state["timer"]["questions_seconds"]) == (480, 420)
    organiser = client_for(world.organiser)
    timer = organiser.post(f"/api/live/{session_id}/timer/", {"action": "start"}, format="json")
    assert timer.json()["timer"]["running"] is True
    moved = organiser.post(f"/api/live/{session_id}/next/")
    assert moved.json()["current"]["position"] == 2 and moved.json()["timer"]["running"] is False
    public = api_client.get(f"/api/live/{session_id}/state/")
    assert public.status_code == 200
    assert public.json()["current"]["entry"] == moved.json()["current"]["entry"]
    assert api_client.get("/api/live/999999/state/").status_code == 404


def test_console_refused_to_judges_teams_and_strangers(final, client_for, stranger, api_client):
    world, session_id, _ = final
    seq = LiveSession.objects.get(pk=session_id).event_seq
    for user in (world.judges[0], world.entries[0].team.captain, stranger):
        response = client_for(user).post(f"/api/live/{session_id}/next/")
        assert response.status_code == 404
        assert client_for(user).get(f"/api/stages/{world.stage.pk}/live/").status_code == 404
    assert api_client.post(f"/api/live/{session_id}/next/").status_code in (401, 403)
    assert LiveSession.objects.get(pk=session_id).event_seq == seq


def test_a_team_or_stranger_cannot_score(final, client_for, stranger):
    world, session_id, state = final
    body = {"entry": state["current"]["entry"], "scores": scores_for(80)}
    for user in (
        world.entries[0].team.captain,
        stranger,
        TeamFactory(contest=world.contest).captain,
    ):
        response = client_for(user).post(f"/api/live/{session_id}/scores/", body, format="json")
        assert response.status_code == 404
    assert not Review.objects.exists()


def test_a_judge_scores_the_team_on_stage_once(final, client_for):
    world, session_id, state = final
    judge = client_for(world.judges[1])
    on_stage = state["current"]["entry"]
    waiting = LiveSlot.objects.filter(session_id=session_id, position=2).get().entry_id
    refused = judge.post(
        f"/api/live/{session_id}/scores/",
        {"entry": waiting, "scores": scores_for(80)},
        format="json",
    )
    body = assert_error(refused, 409, "live_not_on_stage")
    assert body["message_zh"] == "只能为正在路演的团队评分；该团队不在台上。"
    assert body["message_en"] == "Only the team on stage can be scored; this team is not on stage."
    assert not Review.objects.filter(entry_id=waiting).exists()
    done = judge.post(
        f"/api/live/{session_id}/scores/",
        {"entry": on_stage, "scores": scores_for(85)},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["total"] == "85.000"
    assert done.json()["seq"] == LiveSession.objects.get(pk=session_id).event_seq
    again = judge.post(
        f"/api/live/{session_id}/scores/",
        {"entry": on_stage, "scores": scores_for(95)},
        format="json",
    )
    assert_error(again, 409, "review_submitted")
    assert Review.objects.get(entry_id=on_stage, judge=world.judges[1]).total == 85
    view = judge.get(f"/api/live/{session_id}/judge/").json()
    assert (view["judge_no"], view["is_chair"]) == (2, False)
    assert [c["key"] for c in view["criteria"]] == ["impact", "novelty", "data_value"]
    assert [(m["entry"], m["total"]) for m in view["mine"] if m["status"] == "submitted"] == [
        (on_stage, "85.000")
    ]


def test_reopen_needs_the_chair_and_a_reason(final, client_for):
    world, session_id, state = final
    entry = state["current"]["entry"]
    client_for(world.judges[2]).post(
        f"/api/live/{session_id}/scores/", {"entry": entry, "scores": scores_for(60)}, format="json"
    )
    ask = {"entry": entry, "judge_no": 3, "reason": "录入错误"}
    not_chair = client_for(world.judges[1]).post(
        f"/api/live/{session_id}/reopen/", ask, format="json"
    )
    assert_error(not_chair, 403, "live_chair_required")
    no_reason = client_for(world.judges[0]).post(
        f"/api/live/{session_id}/reopen/", {**ask, "reason": "  "}, format="json"
    )
    assert_error(no_reason, 400, "reason_required")
    assert Review.objects.get(entry_id=entry, judge=world.judges[2]).status == "submitted"
    assert not AuditLog.objects.filter(action="review.reopen").exists()
    done = client_for(world.judges[0]).post(f"/api/live/{session_id}/reopen/", ask, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["current"]["scores"] == []
    assert AuditLog.objects.get(action="review.reopen").reason == "录入错误"


def test_paper_is_a_pdf_with_the_chain_head(final, client_for):
    world, session_id, state = final
    entry = state["current"]["entry"]
    for i, judge in enumerate(world.judges):
        client_for(judge).post(
            f"/api/live/{session_id}/scores/",
            {"entry": entry, "scores": scores_for(70 + 10 * i)},
            format="json",
        )
    head = AuditLog.objects.filter(contest=world.contest).order_by("-seq").first()
    organiser = client_for(world.organiser)
    for path in ("paper/result/", "paper/judges/2/"):
        response = organiser.get(f"/api/live/{session_id}/{path}")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert head.hash in text.replace("\n", "")
    sheet = organiser.get(f"/api/live/{session_id}/paper/judges/2/")
    text = PdfReader(io.BytesIO(sheet.content)).pages[0].extract_text()
    assert "80.000" in text and "评委2" in text
    assert organiser.get(f"/api/live/{session_id}/paper/judges/9/").status_code == 404
    assert (
        client_for(world.judges[0]).get(f"/api/live/{session_id}/paper/result/").status_code == 404
    )
