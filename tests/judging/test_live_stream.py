"""What a committed change of a live session sends to the screens (judging.live_stream): a notice
per burst of commits; in each process with screens, one message built per notice with the events
since the last one and the state at its number, the changes noticed while it is being built
going out together in the next; each process hands it to its own screens."""

import asyncio
import json
import threading

import pytest
from channels.layers import InMemoryChannelLayer

import judging.live_stream as stream
from judging.services.live import live_score_submit, live_team_next
from tests.judging.live_fixtures import scores_for
from tests.judging.test_live import _on_stage, _running

pytestmark = pytest.mark.django_db


def test_a_message_carries_the_events_since_and_the_state_at_its_number():
    world, session = _running(judges=3, teams=2)
    session.refresh_from_db()
    before = session.event_seq
    entry = _on_stage(session)
    for judge in world.judges[:2]:
        live_score_submit(actor=judge, session=session, entry_id=entry, scores=scores_for(80))
    message = stream.live_message(session.pk, since=before)
    assert message.delta is None  # nothing to take it against
    body = json.loads(message.full)
    assert message.seq == body["seq"] and message.base == before
    assert body["type"] == "event" and body["seq"] == before + 2
    assert [(e["seq"], e["kind"]) for e in body["events"]] == [
        (before + 1, "score.submitted"),
        (before + 2, "score.submitted"),
    ]
    assert body["event"]["seq"] == before + 2
    assert body["state"]["seq"] == before + 2
    assert body["state"]["current"]["submitted"] == 2


def test_a_delta_carries_what_changed_since_its_base_and_merges_into_the_whole():
    """A score for the team on stage changes its board and the timer: the delta carries those
    (and the number), not the order or the ranking; merged into the state at its base it is the
    whole state. The team's final stands (order list, ranking) once every judge has scored."""
    world, session = _running(judges=3, teams=2)
    session.refresh_from_db()
    entry = _on_stage(session)
    first = stream.live_message(session.pk, since=session.event_seq - 1)
    live_score_submit(actor=world.judges[0], session=session, entry_id=entry, scores=scores_for(80))
    second = stream.live_message(session.pk, since=first.seq, previous=first.state)
    body = json.loads(second.delta)
    assert (body["type"], body["seq"], body["base"], body["partial"]) == (
        "event",
        first.seq + 1,
        first.seq,
        True,
    )
    assert set(body["state"]) == {"session", "seq", "timer", "current"}
    assert body["state"]["current"]["submitted"] == 1
    assert [e["kind"] for e in body["events"]] == ["score.submitted"]
    merged = {**first.state, **body["state"]}
    assert merged == json.loads(second.full)["state"]
    on_stage = next(s for s in merged["slots"] if s["entry"] == entry)
    assert on_stage["final"] is None and merged["ranking"] == []  # not every judge yet

    for judge in world.judges[1:]:
        live_score_submit(actor=judge, session=session, entry_id=entry, scores=scores_for(70))
    third = stream.live_message(session.pk, since=second.seq, previous=second.state)
    changed = json.loads(third.delta)["state"]
    assert {"current", "slots", "ranking"} <= set(changed)  # the team's final stands
    assert changed["ranking"][0]["final"] == "70.00"
    assert {**second.state, **changed} == json.loads(third.full)["state"]
    # a previous state at another number than `since`: no delta (it would not merge right)
    assert stream.live_message(session.pk, since=first.seq, previous=second.state).delta is None


def test_the_state_is_read_once_per_event_number(django_assert_num_queries):
    world, session = _running(judges=3, teams=2)
    stream.live_snapshot(session.pk)
    with django_assert_num_queries(1):  # only the session's number, to see nothing changed
        again = stream.live_snapshot(session.pk)
    assert again["seq"] == session.event_seq
    live_team_next(actor=world.organiser, session=session)
    assert stream.live_snapshot(session.pk)["seq"] == again["seq"] + 1


def test_the_notices_of_a_burst_are_one_notice_naming_the_newest(monkeypatch):
    sent, sending, release = [], threading.Event(), threading.Event()

    def notice(session_id, seq):
        sent.append((session_id, seq))
        if len(sent) == 1:
            sending.set()
            assert release.wait(10)

    monkeypatch.setattr(stream, "_notice_send", notice)
    notifier = stream._Notifier()
    notifier.push(7, 11)
    assert sending.wait(10)  # the first notice is on its way
    for seq in (12, 14, 13):
        notifier.push(7, seq)
    notifier.push(8, 3)
    release.set()
    for _ in range(200):
        if len(sent) >= 3:
            break
        threading.Event().wait(0.05)
    assert sent == [(7, 11), (7, 14), (8, 3)]


def test_changes_noticed_while_a_message_is_built_go_out_in_the_next_one(monkeypatch):
    """The hub builds one message at a time per session; the notices that arrive meanwhile make
    one more, with the events after the last one it sent."""
    monkeypatch.setattr(stream, "_loop", None)
    builds, building, release = [], threading.Event(), threading.Event()
    newest = {"seq": 11}

    def build(session_id, since, previous):
        builds.append((session_id, since, previous and previous["seq"]))
        read = newest["seq"]  # what the database held when this build read it
        if len(builds) == 1:
            building.set()
            assert release.wait(10)
        return _message(read, since)

    monkeypatch.setattr(stream, "_build", build)
    hub = stream._Hub()
    screen = _Screen()
    hub.screens[1] = {screen}

    async def scenario():
        hub.changed(1, 11)
        await asyncio.to_thread(building.wait, 10)
        for seq in (12, 13, 14):  # three commits while the first message is being built
            hub.changed(1, seq)
        newest["seq"] = 14
        release.set()
        for _ in range(200):
            if len(screen.got) == 2 and not hub.building:
                break
            await asyncio.sleep(0.01)
        hub.changed(1, 14)  # a late notice of what was sent already: nothing more
        await asyncio.sleep(0.05)

    asyncio.run(scenario())
    # the second: the events after the first message's, its delta against that one's state
    assert builds == [(1, 10, None), (1, 11, 11)]
    assert screen.got == ["state 11", "state 14"]
    assert hub.sent[1] == 14


def _message(seq: int, since: int) -> stream.LiveMessage:
    return stream.LiveMessage(
        seq=seq, base=since, full=f"state {seq}", delta=f"delta {since}-{seq}", state={"seq": seq}
    )


class _Screen:
    def __init__(self):
        self.got = []

    def deliver(self, message):
        self.got.append(message.full)


def test_the_hub_joins_once_per_session_and_hands_each_message_to_its_screens(monkeypatch):
    layer = InMemoryChannelLayer()
    monkeypatch.setattr("channels.layers.get_channel_layer", lambda *a: layer)
    monkeypatch.setattr(stream, "_loop", None)  # join binds the test's loop: put it back after
    joins = []
    group_add = layer.group_add

    async def counting_group_add(group, channel):
        joins.append(group)
        await group_add(group, channel)

    monkeypatch.setattr(layer, "group_add", counting_group_add)
    monkeypatch.setattr(
        stream, "_build", lambda session_id, since, previous: _message(since + 1, since)
    )
    hub = stream._Hub()

    async def scenario():
        a, b, c = _Screen(), _Screen(), _Screen()
        await hub.join(1, a)
        await hub.join(1, b)
        await hub.join(2, c)
        assert joins == [stream.live_group(1), stream.live_group(2)]  # once per session
        notice = {"type": "live.changed", "session": 1, "seq": 5}
        await layer.group_send(stream.live_group(1), notice)
        for _ in range(100):
            if a.got and b.got:
                break
            await asyncio.sleep(0.01)
        hub.leave(1, b)
        await layer.group_send(stream.live_group(1), {**notice, "seq": 6})
        for _ in range(100):
            if len(a.got) == 2:
                break
            await asyncio.sleep(0.01)
        hub._listener.cancel()
        return a.got, b.got, c.got

    a, b, c = asyncio.run(scenario())
    assert a == ["state 5", "state 6"]  # one message built per notice, handed to each screen
    assert b == ["state 5"]  # left before the second
    assert c == []  # another session's screen


def test_a_screen_too_far_behind_is_closed_and_catches_up_on_reconnect():
    from api.consumers import LiveScreenConsumer

    async def scenario():
        screen = LiveScreenConsumer()
        screen.session_id, screen.outbox, closed = 1, asyncio.Queue(2), []

        async def close(code=None):
            closed.append(code)

        screen.close = close
        for n in range(3):
            screen.deliver(_message(n + 1, n))
        await asyncio.sleep(0)
        return closed, screen.outbox.qsize()

    assert asyncio.run(scenario()) == ([4008], 2)


def test_a_screen_is_sent_the_delta_on_top_of_what_it_has_and_the_whole_otherwise():
    """The consumer knows the number of the state it sent last: a message whose base is that
    number goes as the delta; one after a gap (a message skipped) as the whole; one the screen
    has already (its snapshot is newer) not at all."""
    from api.consumers import LiveScreenConsumer

    async def scenario():
        screen = LiveScreenConsumer()
        screen.session_id, screen.outbox, sent = 1, asyncio.Queue(10), []

        async def send(text_data=None):
            sent.append(text_data)

        screen.send = send
        await screen._send_catch_up([], 5, "snapshot 5")
        for seq, base in ((4, 3), (5, 4), (6, 5), (7, 6), (9, 8)):
            screen.deliver(_message(seq, base))
        task = asyncio.get_running_loop().create_task(screen._send_outbox())
        for _ in range(100):
            if screen.outbox.empty():
                break
            await asyncio.sleep(0.01)
        task.cancel()
        return sent, screen.seq

    sent, seq = asyncio.run(scenario())
    assert sent == ["snapshot 5", "delta 5-6", "delta 6-7", "state 9"]
    assert seq == 9
