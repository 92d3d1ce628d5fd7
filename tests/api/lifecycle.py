"""Helpers of the whole-contest test (tests/api/test_contest_lifecycle.py): a clock that moves the
contest through its windows, the people's API clients, refusal checks that prove nothing changed,
and reads that follow pagination.

The clock replaces `django.utils.timezone.now` (Django's clock, not our code): every service and
model reads the time through it, so moving it forward is the contest's days passing; nothing in
the database is edited behind the API's back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories.contest import make_uscc

REAL_NOW = timezone.now


class Clock:
    """`timezone.now()` = the real time + an offset that only grows."""

    def __init__(self, monkeypatch):
        self.offset = dt.timedelta(0)
        self.start = REAL_NOW()
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self) -> dt.datetime:
        return REAL_NOW() + self.offset

    def at(self, days: float) -> dt.datetime:
        """The moment `days` after the test began (on the contest's timeline)."""
        return self.start + dt.timedelta(days=days)

    def iso(self, days: float) -> str:
        return self.at(days).isoformat()

    def travel_to(self, days: float) -> None:
        """Move to `days` after the test began; time never goes back."""
        target = self.start + dt.timedelta(days=days) - REAL_NOW()
        assert target >= self.offset, "the clock only moves forward"
        self.offset = target


def client(user=None) -> APIClient:
    """An API client logged in as `user` (force-authenticated), or anonymous."""
    api = APIClient()
    if user is not None:
        api.force_authenticate(user=user)
    return api


def ok(response, status: int = 200):
    """The JSON body of a response with the expected status."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response.json() if response.content else None


def rows(response) -> list[dict]:
    body = ok(response)
    return body["results"] if isinstance(body, dict) and "results" in body else body


def all_rows(api: APIClient, url: str) -> list[dict]:
    """Every row of a paginated list, following `next`."""
    found, page = [], 1
    separator = "&" if "?" in url else "?"
    while True:
        body = ok(api.get(f"{url}{separator}page_size=100&page={page}"))
        if not isinstance(body, dict):
            return body
        found.extend(body["results"])
        if not body.get("next"):
            return found
        page += 1


APPS = ("contest", "judging", "awards")


def world_counts() -> dict[str, int]:
    """Rows of every model of the three domain apps (the audit log included): a refusal changes
    none of them."""
    return {
        f"{model._meta.app_label}.{model.__name__}": model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


def refused(response, status: int, code: str, before: dict[str, int], *, en: str = "") -> dict:
    """A refusal: its status, stable code, an English message (containing `en`), a non-empty
    Chinese one, and not one row added or removed anywhere."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message_en"], str) and body["message_en"] != "", body
    assert en in body["message_en"], body
    assert isinstance(body["message_zh"], str) and body["message_zh"] != "", body
    after = world_counts()
    assert after == before, {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    return body


def new_organisation(api: APIClient, name: str, kind: str = "enterprise") -> dict:
    """An organisation registered through the API with a valid USCC."""
    return ok(
        api.post(
            "/api/organisations/",
            {"name": name, "kind": kind, "uscc": make_uscc(), "province": "江苏", "city": "南京"},
            format="json",
        ),
        201,
    )


@dataclass
class World:
    """What the steps share: the clock, ids of what the API created, the people's clients."""

    clock: Clock
    on_commit: object  # pytest-django's django_capture_on_commit_callbacks (tasks run on commit)
    people: dict = field(default_factory=dict)  # role -> user
    ids: dict = field(default_factory=dict)  # name -> id
    data: dict = field(default_factory=dict)  # name -> response bodies worth keeping

    def api(self, role: str | None) -> APIClient:
        return client(self.people[role] if role else None)
