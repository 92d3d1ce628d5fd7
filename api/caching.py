"""Public reads held in the cache, invalidated when what they show changes, and answered with an
ETag (`If-None-Match` → 304). See docs/developer/caching.md.

Which reads: the GET routes listed in `PUBLIC_ROUTES` (the contest list and a contest, the
challenge list and a challenge, the notices and a published notice, a stage's published results,
certificate verification), wrapped by `public_cached` in `api/urls.py`.

- **Only anonymous-equivalent answers are stored or served**: a request with an `Authorization`
  header or a session cookie goes to the view as before (its answer is marked
  `Cache-Control: private`), except on a route whose view authenticates nobody (verification),
  where the answer cannot depend on the user. Only a 200 JSON answer without cookies is stored,
  for a known `Accept` form, known query parameters with bounded values (`search`, free numbers
  and unknown parameters go to the view uncached), so the cache cannot be filled with variants.
- **Never stale after a commit**: every route names the models whose tables feed its body. Each
  table has a generation token in the cache; an entry records the tokens it was built under and
  is served only while they all still match. `api.receivers` watches every INSERT, UPDATE and
  DELETE the ORM sends (signals miss `update()`, `bulk_create()` and raw SQL) and sets a new
  token for each table written, when the transaction commits. The tokens are read before the
  view reads the database, so an entry built from rows older than a commit carries the older
  token. An answer that changes with the clock (a notice's phase) expires at its next boundary.
- **Fast**: a hit is one `get_many` (the entry and its tokens) and no query; verification adds
  the throttle's own get and set, so cached answers still count against `THROTTLE_VERIFY`.

Settings: `PUBLIC_CACHE` (default: on when the cache is shared, i.e. not local memory or dummy,
since a per-process memory cache could not be invalidated across workers), `PUBLIC_CACHE_ALIAS`
("default"), `PUBLIC_CACHE_TTL` (seconds an entry lives at most, 300), `PUBLIC_CACHE_MAX_BYTES`
(largest body stored, 1 MiB), `PUBLIC_CACHE_LOCAL_BYTES` (this process's copies of the
entries it served, 16 MiB).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import parse_etags

logger = logging.getLogger(__name__)

# Raise when the stored shape changes, so that entries of an older deployment are never read.
FORMAT = 1
PUBLIC_CACHE_CONTROL = "public, no-cache"

# --------------------------------------------------------------------------------------------
# Routes


def _choices(*values: str) -> re.Pattern:
    return re.compile("|".join(re.escape(v) for v in values))


def _ordering(*fields_: str) -> re.Pattern:
    return _choices(*fields_, *(f"-{f}" for f in fields_))


ID = re.compile(r"[1-9][0-9]{0,9}")
PAGE = re.compile(r"[1-9][0-9]{0,5}")
PAGE_SIZE = _choices("10", "20", "50", "100")  # what the SPA asks for
BOOLEAN = _choices("true", "false")
YEAR = re.compile(r"(19|20)[0-9]{2}")
LISTING = {"page": PAGE, "page_size": PAGE_SIZE}


def _future_boundaries(rows) -> list[dt.datetime]:
    now = dt.datetime.now(dt.UTC)
    found = []
    for row in rows:
        for name in ("opens_at", "closes_at"):
            moment = parse_datetime(row.get(name) or "") if isinstance(row, dict) else None
            if moment is not None and moment > now:
                found.append(moment)
    return found


def notice_expiry(data) -> dt.datetime | None:
    """A notice's phase (scheduled → open → closed) changes with the clock, not with a write."""
    return min(_future_boundaries([data]), default=None)


def notices_expiry(data) -> dt.datetime | None:
    """The notices on the page, and the next notice to open anywhere (hidden until it opens)."""
    from django.db.models import Min

    from awards.models import Notice

    moments = _future_boundaries(data.get("results", []) if isinstance(data, dict) else [])
    upcoming = Notice.objects.filter(opens_at__gt=dt.datetime.now(dt.UTC)).aggregate(
        first=Min("opens_at")
    )["first"]
    if upcoming is not None:
        moments.append(upcoming)
    return min(moments, default=None)


# A contest's stages say whether their results are published (judging.ResultSnapshot).
CONTEST_MODELS = (
    "contest.Contest",
    "contest.Track",
    "contest.Group",
    "contest.Stage",
    "judging.ResultSnapshot",
)
CHALLENGE_MODELS = ("contest.Challenge", "contest.Contest", "contest.Organisation", "contest.Track")
NOTICE_MODELS = (
    "awards.Notice",
    "awards.Objection",
    "awards.Award",
    "awards.AwardTier",
    "contest.Contest",
    "contest.Stage",
    "contest.Team",
    "contest.Organisation",
    "contest.Entry",
)


@dataclass(frozen=True)
class PublicRoute:
    """One cached read. `models`: every model whose table the body is built from (checked by
    tests/api/test_public_cache.py against the queries the view really runs). `params`: the
    query parameters that may be cached, each with the pattern its value must match in full.
    `user_independent`: the view authenticates nobody, so a logged-in request gets the same body.
    `expires(data)`: when the body goes stale by the clock alone, if ever. `own_cache_control`:
    the view sets its own `Cache-Control` (kept, as is), else `public, no-cache` is added."""

    name: str
    models: tuple[str, ...]
    params: dict[str, re.Pattern] = field(default_factory=dict)
    throttle_scope: str | None = None
    user_independent: bool = False
    expires: Callable[[object], dt.datetime | None] | None = None
    own_cache_control: bool = False


PUBLIC_ROUTES = {
    route.name: route
    for route in [
        PublicRoute(
            "contest-list",
            ("contest.Contest",),
            {
                **LISTING,
                "ordering": _ordering("year", "code", "name"),
                "kind": re.compile(r"[a-z_]{1,30}"),
                "status": re.compile(r"[a-z_]{1,30}"),
                "parent": ID,
                "year": YEAR,
            },
        ),
        PublicRoute("contest-detail", CONTEST_MODELS),
        PublicRoute(
            "challenge-list",
            CHALLENGE_MODELS,
            {
                **LISTING,
                "ordering": _ordering("code", "prize_amount", "deadline", "published_at"),
                "contest": ID,
                "track": ID,
                "publisher": ID,
                "status": _choices("published", "closed"),
                "prize_negotiable": BOOLEAN,
            },
        ),
        PublicRoute("challenge-detail", CHALLENGE_MODELS),
        PublicRoute(
            "notice-list", NOTICE_MODELS, {**LISTING, "contest": ID}, expires=notices_expiry
        ),
        PublicRoute("notice-detail", NOTICE_MODELS, expires=notice_expiry),
        PublicRoute(
            "results-snapshots", ("judging.ResultSnapshot", "contest.Stage", "contest.Contest")
        ),
        PublicRoute(
            "certificate-verify",
            ("awards.Certificate", "contest.Contest"),
            throttle_scope="verify",
            user_independent=True,
        ),
        # A badge's revocation status list: signed on each request by the view, which lets
        # verifiers keep it five minutes (the Bitstring Status List's own `max-age`).
        PublicRoute(
            "certificate-status-list",
            ("awards.Certificate", "contest.Contest"),
            user_independent=True,
            own_cache_control=True,
        ),
    ]
}


# --------------------------------------------------------------------------------------------
# Generations


def cache_enabled() -> bool:
    configured = getattr(settings, "PUBLIC_CACHE", None)
    if configured is not None:
        return bool(configured)
    backend = settings.CACHES.get(cache_alias(), {}).get("BACKEND", "")
    return not backend.endswith(("LocMemCache", "DummyCache"))


def cache_alias() -> str:
    return getattr(settings, "PUBLIC_CACHE_ALIAS", "default")


def public_cache():
    return caches[cache_alias()]


@functools.cache
def _prefix() -> str:
    # The signing key decides `valid` in a verification: another key, other entries.
    secret = f"{settings.SECRET_KEY}|{getattr(settings, 'CERTIFICATE_SIGNING_KEY', '')}"
    return f"pc{FORMAT}:{hashlib.sha256(secret.encode()).hexdigest()[:12]}"


def generation_key(table: str) -> str:
    return f"{_prefix()}:gen:{table}"


@functools.cache
def route_tables(name: str) -> tuple[str, ...]:
    from django.apps import apps

    tables = {apps.get_model(label)._meta.db_table for label in PUBLIC_ROUTES[name].models}
    return tuple(sorted(tables))


@functools.cache
def watched_tables() -> frozenset[str]:
    """Every table some cached read depends on: a write to one of them sets its new token."""
    return frozenset(t for name in PUBLIC_ROUTES for t in route_tables(name))


def _token() -> str:
    return secrets.token_hex(8)


def generations_bump(tables) -> None:
    """Give each table a new token: every entry built from it stops matching."""
    tables = sorted(set(tables))
    if tables:
        public_cache().set_many({generation_key(t): _token() for t in tables}, timeout=None)


def public_cache_clear() -> None:
    """Invalidate every cached public read (after a deployment that changes their shape, or a
    write made outside Django)."""
    generations_bump(watched_tables())
    LOCAL.clear()


def _generations(keys: list[str], found: dict) -> tuple[str, ...]:
    """The tokens of `keys` from `found`, creating a missing one (never stored yet, or evicted:
    a fresh token matches no entry)."""
    missing = [k for k in keys if k not in found]
    if missing:
        cache = public_cache()
        for key in missing:
            cache.add(key, _token(), timeout=None)
        found = {**found, **cache.get_many(missing)}
    return tuple(found.get(k, "") for k in keys)


# --------------------------------------------------------------------------------------------
# Requests


ACCEPTS = frozenset(["", "*/*", "application/json", "application/json,text/plain,*/*"])


def _anonymous(request) -> bool:
    """No credentials: no token header, no session cookie (and, in tests, no DRF
    `force_authenticate`). An invalid credential is not anonymous either: the view answers it."""
    return (
        "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(request, "_force_auth_user", None) is None
    )


def request_key(request, route: PublicRoute) -> str | None:
    """The entry's key, or None when this request is not one the cache may answer."""
    accept = request.META.get("HTTP_ACCEPT", "").replace(" ", "")
    if accept not in ACCEPTS:
        return None  # the browsable API (text/html), an indent parameter, a 406
    query = request.GET
    parts = []
    for name in sorted(query):
        values = query.getlist(name)
        pattern = route.params.get(name)
        if pattern is None or len(values) != 1 or not pattern.fullmatch(values[0]):
            return None
        parts.append(f"{name}={values[0]}")
    language = getattr(request, "LANGUAGE_CODE", "") or ""
    raw = "\n".join(
        [request.scheme, request.get_host(), request.path, "&".join(parts), language, accept]
    )
    return f"{_prefix()}:e:{route.name}:{hashlib.sha256(raw.encode()).hexdigest()}"


@dataclass
class Entry:
    generations: tuple[str, ...]
    status: int
    headers: list[tuple[str, str]]
    content: bytes
    etag: str
    valid_until: float | None  # epoch seconds
    # The view looked at the session (DRF's session authentication does): SessionMiddleware then
    # adds `Vary: Cookie`, so a hit marks the session looked at too, for the same headers.
    session_accessed: bool = False
    expires_at: float = 0.0  # when the shared copy expires (epoch seconds)


class LocalEntries:
    """This process's copies of the entries it served, so that a hit fetches only the tokens (a
    few bytes) from the shared cache instead of the whole body again (a notice's list is 100 KB
    and more). A copy is served under the same rule as the shared one: only while every token
    still matches, so it is never staler; it is bounded by `PUBLIC_CACHE_LOCAL_BYTES`, oldest
    used dropped first."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            if time.time() >= entry.expires_at:
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        limit = int(getattr(settings, "PUBLIC_CACHE_LOCAL_BYTES", 16 * 1024 * 1024))
        if len(entry.content) * 4 > limit:
            return
        with self._lock:
            self._drop(key)
            self._items[key] = entry
            self._bytes += len(entry.content)
            while self._bytes > limit:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        entry = self._items.pop(key, None)
        if entry is not None:
            self._bytes -= len(entry.content)


LOCAL = LocalEntries()


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _not_modified(request, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH")
    if not header:
        return False
    tags = parse_etags(header)  # weak comparison, as RFC 9110 asks for If-None-Match
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def _session_accessed(request) -> bool:
    session = getattr(request, "session", None)
    return bool(getattr(session, "accessed", False))


def _answer(request, entry: Entry) -> HttpResponse:
    if entry.session_accessed and hasattr(request, "session"):
        request.session.accessed = True
    if _not_modified(request, entry.etag):
        response = HttpResponse(status=304)
        del response["Content-Type"]
        for name, value in entry.headers:
            if name.lower() in ("vary", "cache-control", "etag"):
                response[name] = value
        return response
    return HttpResponse(entry.content, status=entry.status, headers=dict(entry.headers))


class _ThrottleView:
    def __init__(self, scope: str) -> None:
        self.throttle_scope = scope
        self.throttle_methods = {"GET"}


class _ThrottleRequest:
    """What the throttle reads of a request, as the view sees it: nobody authenticated (the
    verification view has no authentication classes), the client's address."""

    method = "GET"
    user = AnonymousUser()

    def __init__(self, request) -> None:
        self.META = request.META


class _Prefetched:
    """The throttle's cache, with its counter already read in the entry's `get_many`: one round
    trip for the lookup and the count instead of two."""

    def __init__(self, cache, key: str, value) -> None:
        self.cache, self.key, self.value = cache, key, value

    def get(self, key, default=None):
        if key != self.key:
            return self.cache.get(key, default)
        return default if self.value is None else self.value

    def set(self, *args, **kwargs):
        return self.cache.set(*args, **kwargs)


class _Throttle:
    """The view's own throttle (same class, scope, rate and counter key), for a cached answer."""

    def __init__(self, request, route: PublicRoute) -> None:
        from api.throttling import ScopedWriteThrottle

        self.request, self.view = _ThrottleRequest(request), _ThrottleView(route.throttle_scope)
        self.throttle = ScopedWriteThrottle()
        self.throttle.scope = route.throttle_scope
        self.throttle.rate = self.throttle.get_rate()
        self.key = None
        if self.throttle.rate:
            self.key = self.throttle.get_cache_key(self.request, self.view)
        # Read along with the entry when the throttle counts in the same cache (DRF's throttles
        # count in the default cache).
        self.prefetch = self.key is not None and cache_alias() == "default"

    def allows(self, found: dict) -> bool:
        if self.prefetch:
            self.throttle.cache = _Prefetched(self.throttle.cache, self.key, found.get(self.key))
        return self.throttle.allow_request(self.request, self.view)


def _storable(response, route: PublicRoute) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0]
    return (
        response.status_code == 200
        and not response.cookies
        and not getattr(response, "streaming", False)
        and content_type in ("application/json", "application/ld+json")
        and ("Cache-Control" not in response or route.own_cache_control)
    )


def _mark(response, route: PublicRoute, etag: str) -> None:
    response["ETag"] = etag
    if not (route.own_cache_control and "Cache-Control" in response):
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL


def _render(response):
    if hasattr(response, "render") and callable(response.render):
        response = response.render()
    return response


def public_cached(route_name: str):
    """Wrap a view (a router's or an APIView's `as_view()`) as the cached read `route_name`."""
    route = PUBLIC_ROUTES[route_name]

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method != "GET":
                return view(request, *args, **kwargs)
            anonymous = _anonymous(request)
            key = request_key(request, route) if anonymous or route.user_independent else None
            if key is None:
                response = view(request, *args, **kwargs)
                if not anonymous:
                    patch_cache_control(response, private=True)
                return response
            if not cache_enabled():
                return _conditional(request, route, view, args, kwargs)
            return _cached(request, route, key, view, args, kwargs)

        return wrapped

    return decorate


def _conditional(request, route, view, args, kwargs):
    """No shared cache: the view answers, with an ETag and 304 to a matching `If-None-Match`."""
    response = _render(view(request, *args, **kwargs))
    if not _storable(response, route):
        return response
    etag = _etag(response.content)
    _mark(response, route, etag)
    if _not_modified(request, etag):
        return _answer(request, Entry((), 200, list(response.items()), b"", etag, None))
    return response


def _fresh(entry, generations: tuple[str, ...]) -> bool:
    return (
        isinstance(entry, Entry)
        and entry.generations == generations
        and (entry.valid_until is None or time.time() < entry.valid_until)
    )


def _cached(request, route, key, view, args, kwargs):
    tables = route_tables(route.name)
    gen_keys = [generation_key(t) for t in tables]
    throttle = _Throttle(request, route) if route.throttle_scope else None
    extra = [throttle.key] if throttle is not None and throttle.prefetch else []
    local = LOCAL.get(key)
    try:
        cache = public_cache()
        found = cache.get_many([*gen_keys, *extra] if local else [key, *gen_keys, *extra])
        entry = local or found.pop(key, None)
        generations = _generations(gen_keys, found)
        if local and not _fresh(local, generations):
            entry = cache.get(key)  # another worker may have stored a newer answer
    except Exception:  # the cache is down: answer as if there were none
        logger.exception("public cache unavailable")
        return view(request, *args, **kwargs)
    if _fresh(entry, generations) and (throttle is None or throttle.allows(found)):
        if entry is not local:
            LOCAL.put(key, entry)
        return _answer(request, entry)
    # A miss, or throttled (the view answers 429 and counts nothing more).
    response = _render(view(request, *args, **kwargs))
    if not _storable(response, route) or len(response.content) > getattr(
        settings, "PUBLIC_CACHE_MAX_BYTES", 1024 * 1024
    ):
        return response
    ttl = float(getattr(settings, "PUBLIC_CACHE_TTL", 300))
    valid_until = None
    if route.expires is not None:
        boundary = route.expires(getattr(response, "data", None))
        if boundary is not None:
            valid_until = boundary.timestamp()
            ttl = min(ttl, valid_until - time.time())
    etag = _etag(response.content)
    _mark(response, route, etag)
    if ttl >= 1:
        entry = Entry(
            generations=generations,
            status=200,
            headers=list(response.items()),
            content=response.content,
            etag=etag,
            valid_until=valid_until,
            session_accessed=_session_accessed(request),
            expires_at=time.time() + int(ttl),
        )
        try:
            public_cache().set(key, entry, timeout=int(ttl))
        except Exception:
            logger.exception("public cache unavailable")
        else:
            LOCAL.put(key, entry)
    if _not_modified(request, etag):
        return _answer(request, Entry((), 200, list(response.items()), b"", etag, None))
    return response
