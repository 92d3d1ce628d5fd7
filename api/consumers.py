"""WebSocket consumers (Django Channels): the live final's public stream.

`/ws/live/<session>/?since=N` — read-only and public, what the room's big screen shows (judges'
phones follow it too; they score over HTTP, which survives a weak connection better). On connect
the screen gets the events after N it missed, then the whole state (`snapshot`); after that every
committed change arrives as `event`: the events since the previous message and the state
(judging.live_stream; changes committed together go out in one message). Each message carries
the event number `seq`; a screen that reconnects asks for what came after the last number it saw
and ignores repeats.

An `event` whose state is `partial` carries only the parts of the state (its top-level keys)
that changed since the message numbered `base`, the one this screen was sent last; the screen
merges them into the state it has. The consumer knows what it sent, so a screen gets a partial
message only on top of the state it holds, and the whole state otherwise (after a snapshot, or
when it skipped a message). A screen that finds `base` is not its number asks with `{"since": N}`.
Nothing is accepted from the client but `{"since": N}` (asked again, e.g. after a gap).
"""

from __future__ import annotations

import asyncio
import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder

from judging.live_stream import LiveMessage, live_hub, live_snapshot
from judging.selectors.live import live_events_since


@database_sync_to_async
def _catch_up(session_id: int, since: int | None):
    """(missed events or None, the snapshot's event number, the snapshot message's text) — or
    (None, None, None): no such session. The state is read once per event number however many
    screens connect (`judging.live_stream.live_snapshot`)."""
    state = live_snapshot(session_id)
    if state is None:
        return None, None, None
    missed = live_events_since(session_id=session_id, since=since) if since is not None else None
    if missed:
        missed = [e for e in missed if e["seq"] <= state["seq"]]
    text = json.dumps(
        {"type": "snapshot", "seq": state["seq"], "state": state},
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return missed, state["seq"], text


def _since(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


class LiveScreenConsumer(AsyncWebsocketConsumer):
    # No channel of its own on the layer: the process's hub (judging.live_stream.live_hub) joins
    # the session's group once and hands each message to every screen's outbox. The alias names
    # no configured layer, so Channels opens none (`get_channel_layer` answers None).
    channel_layer_alias = "live-screens-use-the-hub"
    # a screen this many messages behind is closed; it reconnects and catches up with ?since=
    OUTBOX_MAX = 100
    seq = -1  # the event number of the state this screen was last sent

    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        query = dict(
            part.split("=", 1)
            for part in self.scope.get("query_string", b"").decode().split("&")
            if "=" in part
        )
        self.outbox: asyncio.Queue[LiveMessage] = asyncio.Queue(self.OUTBOX_MAX)
        self.sender = None
        self.seq = -1
        # joined before the catch-up is read: a change committed meanwhile is queued, not lost
        # (one older than the snapshot is not sent)
        await live_hub.join(self.session_id, self)
        missed, seq, state = await _catch_up(self.session_id, _since(query.get("since")))
        if state is None:
            live_hub.leave(self.session_id, self)
            await self.close(code=4404)
            return
        await self.accept()
        await self._send_catch_up(missed, seq, state)
        self.sender = asyncio.get_running_loop().create_task(self._send_outbox())

    def deliver(self, message: LiveMessage) -> None:
        """A message for this screen (called by the hub, on the loop)."""
        try:
            self.outbox.put_nowait(message)
        except asyncio.QueueFull:
            live_hub.leave(self.session_id, self)
            asyncio.get_running_loop().create_task(self.close(code=4008))

    async def _send_outbox(self):
        while True:
            message = await self.outbox.get()
            if message.seq <= self.seq:
                continue  # the screen has this state already (a snapshot after it)
            partial = message.delta is not None and message.base == self.seq
            self.seq = message.seq
            await self.send(text_data=message.delta if partial else message.full)

    async def _send_catch_up(self, missed, seq: int, snapshot: str):
        for event in missed or []:
            await self.send(
                text_data=json.dumps({"type": "missed", "event": event}, cls=DjangoJSONEncoder)
            )
        self.seq = max(self.seq, seq)
        await self.send(text_data=snapshot)

    async def disconnect(self, code):
        if hasattr(self, "session_id"):
            live_hub.leave(self.session_id, self)
        if getattr(self, "sender", None) is not None:
            self.sender.cancel()

    async def receive(self, text_data=None, bytes_data=None):
        try:
            since = _since(json.loads(text_data or "{}").get("since"))
        except (ValueError, AttributeError):
            return
        missed, seq, state = await _catch_up(self.session_id, since)
        if state is not None:
            await self._send_catch_up(missed, seq, state)
