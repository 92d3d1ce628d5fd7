"""The live final's stream to the screens: what a committed change sends, where the message is
built, and how it reaches every screen.

Every change of a live session appends a numbered `LiveEvent` (judging.services.live). Once it
is committed, `live_committed` sends the session's group (`live_group`) a notice: "session S has
changed up to event N". The message the screens get is built where they are, by each process
that holds screens of the session (`_Hub`): the events since the last message it sent and the
whole public state as it is now (`judging.selectors.live`), so a screen needs nothing else to be
right, and a screen that reconnects asks for what came after the last number it saw
(api/consumers.py).

Why notices and not messages: a web process that commits a score would otherwise read and encode
the whole state for every submit; with notices the state is read once per burst in each process
that has screens (one in `make run`, the `live` workers in docker-compose), and the changes
committed while one message is being built go out together in the next. With 30 judges pressing
within seconds the screens get one state per burst, within a build of the latest change
(bench/live_final.py measures submit → every screen).

Who sends the notice: in a serving process (config/serving.py) one thread per process, after the
commit, so the judge's response waits for nothing; outside a server (a command, a test) the
caller's thread, at once.

Fan-out: a process joins a session's group once, with one channel of its own, whatever the number
of its screens; a notice crosses the channel layer once per process, and the process hands the
message it built to its screens' outboxes. 200 screens are 200 writes to sockets, not 200
channel-layer messages (each a copy, a queue and a task in the in-memory layer, a round trip
through Redis in channels_redis).

A notice that cannot be sent (Redis down) loses nothing: the events are stored, and a screen
catches up on its next (re)connect.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from asgiref.sync import async_to_sync
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

# events carried in one message at most; after a longer gap the state alone brings a screen up
EVENTS_PER_MESSAGE = 50
SEND_TIMEOUT = 10

_loop: asyncio.AbstractEventLoop | None = None
_background = False


def live_group(session_id: int) -> str:
    return f"live.{session_id}"


def notices_in_background() -> None:
    """This process serves requests (config/serving.py): send the notices from its own thread,
    not from the request that made the change."""
    global _background
    _background = True


def loop_bind(loop: asyncio.AbstractEventLoop) -> None:
    """The serving process's event loop, where its screens' consumers run (the ASGI application
    binds it on its first call): the in-memory layer is sent to from there."""
    global _loop
    if _loop is not loop:
        _loop = loop


# --------------------------------------------------------------------------------------------
# The state, read once per event number


class _Snapshots:
    """Per session, the last state read and its event number: a crowd of screens connecting at
    once, and the message after a burst of changes, cost one read per event number."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_session: dict[int, tuple[int, dict]] = {}

    def get(self, session_id: int, seq: int) -> dict | None:
        with self._lock:
            cached = self._by_session.get(session_id)
        return cached[1] if cached and cached[0] == seq else None

    def put(self, session_id: int, state: dict) -> None:
        # the last read wins: an older one stored late only costs the next reader a read
        with self._lock:
            self._by_session[session_id] = (state["seq"], state)


_snapshots = _Snapshots()


def live_snapshot(session_id: int) -> dict | None:
    """The session's public state at its current event number, with the timer as of now; None
    for no such session."""
    from judging.models import LiveSession
    from judging.selectors.live import live_state, live_timer_elapsed_ms

    # one read: the state's session when the cache is behind, the timer either way
    session = LiveSession.objects.select_related("stage__contest").filter(pk=session_id).first()
    if session is None:
        return None
    state = _snapshots.get(session_id, session.event_seq)
    if state is None:
        state = live_state(session=session, fresh=False)
        _snapshots.put(session_id, state)
    now = timezone.now()  # the timer as it is now, not as it was when the state was read
    timer = {**state["timer"], "elapsed_ms": live_timer_elapsed_ms(session, now)}
    timer["server_now"] = now.isoformat()
    return {**state, "timer": timer}


@dataclass(frozen=True)
class LiveMessage:
    """One message for the screens, in two forms: `full` carries the whole state; `delta`
    (None for the first message a process sends) only the parts of it that differ from the state
    at `base`, the message before, for a screen that has that one. Each screen's consumer sends
    the form its screen can take (api/consumers.py); a score for the team on stage changes its
    board and the timer, so most messages are a tenth of the whole."""

    seq: int
    base: int | None
    full: str
    delta: str | None
    state: dict


def _encode(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, cls=DjangoJSONEncoder)


def live_message(
    session_id: int, *, since: int, previous: dict | None = None
) -> LiveMessage | None:
    """The message for the screens: the events after `since` and the state now; None for no
    such session. `previous`: the state the message at `since` carried, if known (the delta is
    taken against it)."""
    from judging.selectors.live import live_events_since

    state = live_snapshot(session_id)
    if state is None:
        return None
    seq = state["seq"]
    events = live_events_since(session_id=session_id, since=since, limit=EVENTS_PER_MESSAGE) or []
    events = [e for e in events if e["seq"] <= seq]
    head = {"type": "event", "seq": seq, "events": events, "event": events[-1] if events else None}
    full = _encode({**head, "state": state})
    delta = None
    if previous is not None and previous["seq"] == since:
        changed = {k: v for k, v in state.items() if k in DELTA_ALWAYS or previous.get(k) != v}
        delta = _encode({**head, "base": since, "partial": True, "state": changed})
    return LiveMessage(seq=seq, base=since, full=full, delta=delta, state=state)


# in every delta, whatever changed: what a screen checks the message against
DELTA_ALWAYS = ("session", "seq")


# --------------------------------------------------------------------------------------------
# The notice, after the commit


def _notice_send(session_id: int, seq: int) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    notice = {"type": "live.changed", "session": session_id, "seq": seq}
    group = live_group(session_id)
    try:
        loop = _loop
        if loop is not None and loop.is_running():
            # the in-memory layer's queues belong to the serving loop: send from there
            future = asyncio.run_coroutine_threadsafe(layer.group_send(group, notice), loop)
            future.result(SEND_TIMEOUT)
        elif threading.current_thread() is _notifier.thread:
            # a WSGI process (no loop of its own): the notice thread keeps one, so
            # channels_redis keeps its connection from one notice to the next
            _notifier.loop.run_until_complete(
                asyncio.wait_for(layer.group_send(group, notice), SEND_TIMEOUT)
            )
        else:
            async_to_sync(layer.group_send)(group, notice)
    except Exception:  # the layer (Redis) is down: the screens resume from the stored events
        logger.exception("live notice failed for session %s", session_id)


class _Notifier:
    """One thread per serving process: takes the sessions with committed changes and sends each
    one notice naming the newest, then waits for more."""

    def __init__(self):
        self._due: dict[int, int] = {}  # session -> the newest committed event number
        self._changed = threading.Condition()
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None

    def push(self, session_id: int, seq: int) -> None:
        with self._changed:
            self._due[session_id] = max(seq, self._due.get(session_id, 0))
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="live-notice", daemon=True)
                self.thread.start()
            self._changed.notify()

    def _run(self) -> None:
        self.loop = asyncio.new_event_loop()
        while True:
            with self._changed:
                while not self._due:
                    self._changed.wait()
                due, self._due = self._due, {}
            for session_id, seq in sorted(due.items()):
                _notice_send(session_id, seq)


_notifier = _Notifier()


def live_committed(session_id: int, seq: int) -> None:
    """Event `seq` of the session is committed: have the screens told."""
    if _background:
        _notifier.push(session_id, seq)
    else:
        _notice_send(session_id, seq)


# --------------------------------------------------------------------------------------------
# The screens of this process (on its event loop)


def _build(session_id: int, since: int, previous: dict | None) -> LiveMessage | None:
    """In the hub's build thread: the message after `since` (a database read)."""
    close_old_connections()
    try:
        return live_message(session_id, since=since, previous=previous)
    except Exception:
        connection.close()  # a broken connection: the next build opens a new one
        raise


class _Hub:
    """The process's screens by session and its one channel on the layer; for each notice, one
    message built (in one thread, never two at once for a session) and handed to every screen
    (anything with `deliver(LiveMessage)`).
    Runs on the event loop (consumers join and leave there, notices arrive there)."""

    REJOIN_SECONDS = 3600  # channels_redis forgets a group membership after a day

    def __init__(self):
        self.screens: dict[int, set] = {}
        self.joined: dict[int, float] = {}  # session -> when its group was last joined
        self.wanted: dict[int, int] = {}  # session -> the newest event number noticed
        self.sent: dict[int, int] = {}  # session -> the event number of the last message
        self.states: dict[int, dict] = {}  # session -> the state the last message carried
        self.building: set[int] = set()
        self.channel: str | None = None
        self._lock: asyncio.Lock | None = None
        self._listener: asyncio.Task | None = None
        self._builder: ThreadPoolExecutor | None = None

    async def join(self, session_id: int, screen) -> None:
        """Deliver the session's messages to `screen`."""
        from channels.layers import get_channel_layer

        self.screens.setdefault(session_id, set()).add(screen)
        layer = get_channel_layer()
        if layer is None:
            return
        loop = asyncio.get_running_loop()
        loop_bind(loop)
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self.channel is None:
                self.channel = await layer.new_channel(prefix="live-hub.")
            if self._listener is None or self._listener.done():
                self._listener = loop.create_task(self._listen(layer))
            last = self.joined.get(session_id)
            if last is None or loop.time() - last >= self.REJOIN_SECONDS:
                await layer.group_add(live_group(session_id), self.channel)
                self.joined[session_id] = loop.time()

    def leave(self, session_id: int, screen) -> None:
        screens = self.screens.get(session_id)
        if screens is not None:
            screens.discard(screen)

    def deliver(self, session_id: int, message: LiveMessage) -> None:
        for screen in list(self.screens.get(session_id, ())):
            screen.deliver(message)

    def changed(self, session_id: int, seq: int) -> None:
        """A notice: build the session's message, or another one after the one being built."""
        if not self.screens.get(session_id):
            return
        self.wanted[session_id] = max(seq, self.wanted.get(session_id, 0))
        if session_id not in self.building and self.wanted[session_id] > self.sent.get(
            session_id, -1
        ):
            self._start(session_id)

    def _start(self, session_id: int) -> None:
        self.building.add(session_id)
        since = self.sent.get(session_id, self.wanted[session_id] - 1)
        self._builder = self._builder or ThreadPoolExecutor(1, thread_name_prefix="live-build")
        future = asyncio.get_running_loop().run_in_executor(
            self._builder, _build, session_id, since, self.states.get(session_id)
        )
        future.add_done_callback(lambda done: self._built(session_id, done))

    def _built(self, session_id: int, done) -> None:
        self.building.discard(session_id)
        try:
            built = done.result()
        except Exception:  # logged; the next notice (or a reconnect) brings the screens up
            logger.exception("live message for session %s could not be built", session_id)
            return
        if built is not None and built.seq > self.sent.get(session_id, -1):
            self.sent[session_id] = built.seq
            self.states[session_id] = built.state
            self.deliver(session_id, built)
        if self.wanted.get(session_id, 0) > self.sent.get(session_id, -1) and built is not None:
            self._start(session_id)  # changes noticed while this one was being built

    async def _listen(self, layer) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis went away: try again; screens catch up on reconnect
                logger.exception("live hub could not receive")
                await asyncio.sleep(1)
                continue
            if message.get("type") == "live.changed":
                self.changed(message["session"], message["seq"])


live_hub = _Hub()
