"""Request throttles and the login lockout.

Rates live in `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (settings, from the environment); counters
live in the default cache (Redis in production, local memory on a development machine). A view
opts in by naming its scope: `throttle_scope = "objection"` (only writes are counted, so reading
a list is never throttled; `throttle_methods = {"GET"}` counts reads, as certificate verification
does) or, on a viewset, `throttle_scopes = {"files": "upload"}` per action.

The login lockout is separate from the rate: after `LOGIN_FAILURES_MAX` wrong passwords for one
account (or `LOGIN_ADDRESS_FAILURES_MAX` from one address) within `LOGIN_LOCKOUT_SECONDS`, that
account (address) is locked for `LOGIN_LOCKOUT_SECONDS`: every attempt, the right password
included, answers 429 with `Retry-After` until the lock ends.

Every one of them, and django-axes on the admin login, counts per `client_address`: the socket's
address, or behind `NUM_PROXIES` reverse proxies (settings `DJANGO_NUM_PROXIES`; 1 behind nginx)
the address the outermost proxy appended to `X-Forwarded-For`.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ScopedWriteThrottle(SimpleRateThrottle):
    """Counts the unsafe requests of a view that names a scope, per user (or per address when
    anonymous). Views without a scope are not throttled."""

    def allow_request(self, request, view):
        methods = getattr(view, "throttle_methods", None)
        if (request.method not in methods) if methods else (request.method in SAFE_METHODS):
            return True
        scope = None
        scopes = getattr(view, "throttle_scopes", None)
        if scopes:
            scope = scopes.get(getattr(view, "action", None))
        scope = scope or getattr(view, "throttle_scope", None)
        if not scope:
            return True
        self.scope = scope
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(self.scope)

    def __init__(self):
        # The rate is known only once the view is seen (allow_request).
        pass

    def get_ident(self, request):
        return client_address(request)

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def client_address(request) -> str:
    """The client's IP address as the throttles, the lockout and django-axes count it.

    With `NUM_PROXIES` = 0 the socket's address (`REMOTE_ADDR`). Behind N proxies, each appends
    the address it was called from to `X-Forwarded-For` (nginx: `$proxy_add_x_forwarded_for`), so
    the N-th entry from the right is what the outermost proxy saw: the client. Entries further
    left are whatever the client sent and are never taken. A header with fewer than N entries, or
    an entry that is not an IP address, means the request did not come through the proxies as
    configured: the socket's address is taken then (the caller gets no say in it).
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    if proxies <= 0:
        return remote
    entries = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    entries = [part for part in entries if part]
    if len(entries) < proxies:
        return remote
    candidate = entries[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return f"login-lock:{kind}:{digest}"


def _subjects(request, login: str) -> list[tuple[str, str, int]]:
    account = (login or "").strip().lower()
    return [
        ("account", account, settings.LOGIN_FAILURES_MAX),
        ("address", client_address(request), settings.LOGIN_ADDRESS_FAILURES_MAX),
    ]


def login_lockout_check(request, *, login: str) -> None:
    """Refuse with 429 and `Retry-After` while the account or the address is locked."""
    now = time.time()
    for kind, value, _limit in _subjects(request, login):
        until = cache.get(_key(f"{kind}-until", value))
        if until and until > now:
            raise Throttled(wait=max(1, int(until - now + 0.999)))


def login_failure_record(request, *, login: str) -> None:
    """Count a wrong password; at the limit, lock the account (address) for the lockout time."""
    window = settings.LOGIN_LOCKOUT_SECONDS
    for kind, value, limit in _subjects(request, login):
        key = _key(kind, value)
        cache.add(key, 0, timeout=window)
        try:
            failures = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
            failures = 1
        if failures >= limit:
            cache.set(_key(f"{kind}-until", value), time.time() + window, timeout=window)
            cache.delete(key)


def login_success_record(request, *, login: str) -> None:
    """A right password outside a lockout clears the account's count of failures."""
    cache.delete(_key("account", (login or "").strip().lower()))


class AdminAxesBackend(AxesStandaloneBackend):
    """django-axes guards the admin login only (AXES_ONLY_ADMIN_SITE); calls without a request
    (the test client's `login()`, management commands) are none of its business."""

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
