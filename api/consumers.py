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

from judging.selectors.live import live_events_since, live_session_public, live_state
from judging.services.live import live_group


@database_sync_to_async
def _catch_up(session_id: int, since: int | None):
    session = live_session_public(session_id=session_id)
    if session is None:
        return None, None
    missed = live_events_since(session_id=session_id, since=since) if since is not None else None
    return missed, live_state(session=session)


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

    async def _send_catch_up(self, missed, state):
        for event in missed or []:
            await self.send(
                text_data=json.dumps({"type": "missed", "event": event}, cls=DjangoJSONEncoder)
            )
        await self.send(
            text_data=json.dumps(
                {"type": "snapshot", "seq": state["seq"], "state": state}, cls=DjangoJSONEncoder
            )
        )

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
