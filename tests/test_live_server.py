"""The live final over a real ASGI server (gunicorn's asyncio worker on config.asgi, in a
subprocess) with real WebSocket clients (aiohttp): judges' scores submitted over HTTP reach every
big screen; a screen that drops and reconnects with ?since=N gets what it missed; a reopen by the
chair shows on the screens."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest

from judging.services.live import live_order_draw, live_session_create, live_session_start
from tests.judging.live_fixtures import live_world_build, scores_for
from tests.live_server_fixtures import LiveServer, database_env, http, server_env, token_for

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 15  # seconds before a missing message fails the test (never a measure of speed)


@pytest.fixture
def live(tmp_path):
    world = live_world_build(judges=3, teams=3)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    live_order_draw(actor=world.organiser, session=session)
    live_session_start(actor=world.organiser, session=session)
    tokens = {
        "organiser": token_for(world.organiser),
        **{f"judge{i}": token_for(j) for i, j in enumerate(world.judges, start=1)},
    }
    server = LiveServer(tmp_path, server_env(tmp_path, database_env(tmp_path)))
    try:
        server.wait_ready()
        yield world, session, tokens, server
    finally:
        server.stop()


# per screen, the state it holds, as the SPA keeps it (useLiveStream.ts): a partial message
# is merged into it, and must be on top of exactly that state
_held: dict[int, dict] = {}
_partials: list[int] = []  # the numbers of the partial messages received


async def _next(ws, kind=None) -> dict:
    """The next message (of `kind`), its `state` the whole state the screen holds after it."""
    while True:
        message = await asyncio.wait_for(ws.receive(), WAIT)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        body = json.loads(message.data)
        held = _held.get(id(ws))
        if body.get("partial"):
            _partials.append(body["seq"])
            assert held is not None and body["base"] == held["seq"], (body, held)
            body["state"] = _held[id(ws)] = {**held, **body["state"]}
        elif body.get("state") and (held is None or body["state"]["seq"] >= held["seq"]):
            _held[id(ws)] = body["state"]
        if kind is None or body["type"] == kind:
            return body


async def _until_seq(ws, seq: int) -> dict:
    """The first message whose state has reached `seq` (events may arrive in one go)."""
    while True:
        body = await _next(ws)
        if body.get("state") and body["state"]["seq"] >= seq:
            return body


def _ws_url(server, session, since=None) -> str:
    url = server.url.replace("http", "ws") + f"/ws/live/{session.pk}/"
    return url if since is None else f"{url}?since={since}"


def test_scores_drop_resume_and_reopen_reach_the_big_screens(live):
    world, session, tokens, server = live

    async def scenario():
        async with aiohttp.ClientSession() as client:
            screens = [await client.ws_connect(_ws_url(server, session)) for _ in range(3)]
            snapshots = [await _next(ws, "snapshot") for ws in screens]
            first = snapshots[0]["state"]["current"]
            assert first["position"] == 1 and first["scores"] == []
            entry = first["entry"]

            # three judges score the team on stage: every screen sees each score
            for n, tenths in ((1, 80), (2, 90), (3, 70)):
                status, body = await asyncio.to_thread(
                    http,
                    server,
                    "POST",
                    f"/api/live/{session.pk}/scores/",
                    {"entry": entry, "scores": scores_for(tenths)},
                    tokens[f"judge{n}"],
                )
                assert status == 200, body
                for ws in screens:
                    seen = await _until_seq(ws, body["seq"])
                    assert seen["state"]["current"]["submitted"] == n
            board = seen["state"]["current"]
            assert [(s["judge_no"], s["total"], s["struck"]) for s in board["scores"]] == [
                (1, "80.000", None),
                (2, "90.000", "high"),
                (3, "70.000", "low"),
            ]
            assert board["final"] == "80.00"
            assert seen["state"]["ranking"][0]["final"] == "80.00"
            # the scores went out as deltas, and what each screen merged is the whole state
            assert _partials, "no partial message was sent"
            status, whole = await asyncio.to_thread(
                http, server, "GET", f"/api/live/{session.pk}/state/"
            )
            assert status == 200 and whole["seq"] == seen["state"]["seq"]
            for ws in screens:
                held = {k: v for k, v in _held[id(ws)].items() if k != "timer"}
                assert held == {k: v for k, v in whole.items() if k != "timer"}

            # a screen drops; the next team comes on and a judge scores it meanwhile
            dropped = screens.pop()
            last_seen = seen["state"]["seq"]
            await dropped.close()
            status, state = await asyncio.to_thread(
                http, server, "POST", f"/api/live/{session.pk}/next/", None, tokens["organiser"]
            )
            assert status == 200, state
            second = state["current"]["entry"]
            status, body = await asyncio.to_thread(
                http,
                server,
                "POST",
                f"/api/live/{session.pk}/scores/",
                {"entry": second, "scores": scores_for(95)},
                tokens["judge2"],
            )
            assert status == 200, body
            resumed = await client.ws_connect(_ws_url(server, session, since=last_seen))
            missed = [await _next(resumed), await _next(resumed)]
            assert [(m["type"], m["event"]["seq"], m["event"]["kind"]) for m in missed] == [
                ("missed", last_seen + 1, "team.on_stage"),
                ("missed", last_seen + 2, "score.submitted"),
            ]
            snapshot = await _next(resumed)
            assert snapshot["type"] == "snapshot" and snapshot["seq"] == body["seq"]
            assert snapshot["state"]["current"]["entry"] == second
            assert snapshot["state"]["current"]["scores"][0]["judge_no"] == 2
            assert snapshot["state"]["previous"]["final"] == "80.00"
            screens.append(resumed)

            # the chair (judge 1) reopens judge 3's score of the first team, with a reason
            status, state = await asyncio.to_thread(
                http,
                server,
                "POST",
                f"/api/live/{session.pk}/reopen/",
                {"entry": entry, "judge_no": 3, "reason": "录入错误，重新评分"},
                tokens["judge1"],
            )
            assert status == 200, state
            for ws in screens:
                seen = await _until_seq(ws, state["seq"])
                assert seen["event"]["kind"] == "score.reopened"
                assert seen["event"]["data"]["judge_no"] == 3
                previous = seen["state"]["previous"]
                assert [s["judge_no"] for s in previous["scores"]] == [1, 2]
                assert previous["final"] == "85.00"  # two left: their mean, nothing struck
            for ws in screens:
                await ws.close()

    asyncio.run(scenario())


def test_a_stranger_cannot_score_and_an_unknown_session_is_closed(live):
    world, session, tokens, server = live
    status, body = http(
        server,
        "POST",
        f"/api/live/{session.pk}/scores/",
        {"entry": world.entries[0].pk, "scores": scores_for(80)},
        tokens["organiser"],
    )
    assert status == 404, body

    async def unknown():
        async with aiohttp.ClientSession() as client:
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(server.url.replace("http", "ws") + "/ws/live/999999/")
            assert refused.value.status == 403

    asyncio.run(unknown())


@pytest.fixture
def redis_url():
    """A Redis database of the suite's own (TEST_REDIS_URL, db 14 of the local Redis): CI runs
    Redis, so there a missing one fails; elsewhere the test is skipped."""
    import os

    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"no Redis at {url}")
    return url


def test_scores_on_the_web_workers_reach_screens_on_two_live_workers(tmp_path, redis_url):
    """As docker-compose runs it: HTTP on sync WSGI workers (`web`), the WebSockets on two ASGI
    workers (`live`), Redis between them. A score submitted to a web worker reaches every screen
    whichever live worker holds it; the scores of one burst arrive, in one message or several."""
    world = live_world_build(judges=3, teams=2)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    live_order_draw(actor=world.organiser, session=session)
    live_session_start(actor=world.organiser, session=session)
    judges = [token_for(j) for j in world.judges]
    env = server_env(tmp_path, database_env(tmp_path), redis_url)
    live_server = LiveServer(tmp_path, env, workers=2)
    web = LiveServer(tmp_path, env, workers=2, wsgi=True)
    try:
        live_server.wait_ready()
        web.wait_ready()

        async def scenario():
            async with aiohttp.ClientSession() as client:
                screens = [await client.ws_connect(_ws_url(live_server, session)) for _ in range(6)]
                snapshots = [await _next(ws, "snapshot") for ws in screens]
                entry = snapshots[0]["state"]["current"]["entry"]
                answers = await asyncio.gather(
                    *(
                        asyncio.to_thread(
                            http,
                            web,
                            "POST",
                            f"/api/live/{session.pk}/scores/",
                            {"entry": entry, "scores": scores_for(tenths)},
                            token,
                        )
                        for token, tenths in zip(judges, (80, 90, 70), strict=True)
                    )
                )
                assert [status for status, _ in answers] == [200, 200, 200], answers
                last = max(body["seq"] for _, body in answers)
                for ws in screens:
                    seen = await _until_seq(ws, last)
                    board = seen["state"]["current"]
                    assert board["submitted"] == 3 and board["final"] == "80.00"
                    assert sorted(s["total"] for s in board["scores"]) == [
                        "70.000",
                        "80.000",
                        "90.000",
                    ]
                for ws in screens:
                    await ws.close()

        asyncio.run(scenario())
    finally:
        live_server.stop()
        web.stop()
