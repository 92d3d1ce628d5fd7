"""WebSocket consumers (Django Channels): the live final's public stream.

`/ws/live/<session>/?since=N` — read-only and public, what the room's big screen shows (judges'
phones follow it too; they score over HTTP, which survives a weak connection better). On connect
the screen gets the events after N it missed, then the whole state (`snapshot`); after that every
committed change arrives as `event` with the state. Each message carries the event number `seq`;
a screen that reconnects asks for what came after the last number it saw and ignores repeats.
Nothing is accepted from the client but `{"since": N}` (asked again, e.g. after a gap).
"""

from __future__ import annotations

import json

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from judging.models import LiveSession
from judging.selectors.live import live_events_since, live_state, live_timer_elapsed_ms
from judging.services.live import live_group

# The last snapshot per session, as sent: a crowd of screens connecting at once (the room's
# screens after a restart) costs one state computation per event number, not one per screen.
_SNAPSHOTS: dict[int, tuple[int, str]] = {}


@database_sync_to_async
def _catch_up(session_id: int, since: int | None):
    """(missed events or None, the snapshot message's text) — or (None, None): no such session."""
    session = (
        LiveSession.objects.filter(pk=session_id)
        .only("event_seq", "timer_running", "timer_started_at", "timer_elapsed_ms")
        .first()
    )
    if session is None:
        return None, None
    missed = live_events_since(session_id=session_id, since=since) if since is not None else None
    cached = _SNAPSHOTS.get(session_id)
    if cached is None or cached[0] != session.event_seq:
        state = live_state(session=session)
        cached = _SNAPSHOTS[session_id] = (state["seq"], state)
    state = cached[1]
    now = timezone.now()  # the timer as it is now, not as it was when the snapshot was taken
    timer = {**state["timer"], "elapsed_ms": live_timer_elapsed_ms(session, now)}
    timer["server_now"] = now.isoformat()
    text = json.dumps(
        {"type": "snapshot", "seq": state["seq"], "state": {**state, "timer": timer}},
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return missed, text


def _since(raw) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value >= 0 else None


class LiveScreenConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.session_id = int(self.scope["url_route"]["kwargs"]["session_id"])
        query = dict(
            part.split("=", 1)
            for part in self.scope.get("query_string", b"").decode().split("&")
            if "=" in part
        )
        missed, state = await _catch_up(self.session_id, _since(query.get("since")))
        if state is None:
            await self.close(code=4404)
            return
        self.group = live_group(self.session_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._send_catch_up(missed, state)

    async def _send_catch_up(self, missed, snapshot: str):
        for event in missed or []:
            await self.send(
                text_data=json.dumps({"type": "missed", "event": event}, cls=DjangoJSONEncoder)
            )
        await self.send(text_data=snapshot)

    async def disconnect(self, code):
        if getattr(self, "group", None):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None):
        try:
            since = _since(json.loads(text_data or "{}").get("since"))
        except (ValueError, AttributeError):
            return
        missed, state = await _catch_up(self.session_id, since)
        if state is not None:
            await self._send_catch_up(missed, state)

    async def live_message(self, message):
        await self.send(text_data=message["text"])
