"""Fixtures of the public cache tests (test_public_cache.py, test_public_cache_invalidation.py): the
cache on, a write run as committed, one object per cached route, and each route's URL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import transaction

from api.caching import (
    PUBLIC_ROUTES,
    public_cache,
)
from awards.certificates.serials import serial_new
from awards.certificates.signing import (
    certificate_content,
    certificate_sign,
    generate_signing_key_b64,
)
from awards.enums import AwardStatus, CertificateRole
from awards.models import Certificate
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    NoticeFactory,
    ranking_rows,
    snapshot_publish,
)
from tests.factories.contest import ChallengeFactory, EntryFactory, TrackFactory

# The fixtures, for `from tests.api.public_cache_fixtures import *` in the test modules.
__all__ = ["_cache_on", "certificate", "challenge", "commit", "notice", "snapshot", "track"]

SIGNING_KEY = generate_signing_key_b64()


@pytest.fixture(autouse=True)
def _cache_on(settings):
    """The public cache on the test's local-memory cache (off by default there: a per-process
    memory cache cannot be invalidated across workers); the verification throttle at its rate."""
    settings.PUBLIC_CACHE = True
    settings.CERTIFICATE_SIGNING_KEY = SIGNING_KEY
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as committed: its on-commit callbacks (the cache's invalidation) run."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            write()

    return run


@pytest.fixture
def track(contest):
    return TrackFactory(contest=contest, name="工业制造")


@pytest.fixture
def challenge(contest, track, publisher_org):
    return ChallengeFactory(
        contest=contest, track=track, publisher=publisher_org, title="高精度视觉检测"
    )


@pytest.fixture
def notice(contest, stage, organiser, team):
    notice = NoticeFactory(contest=contest, stage=stage, created_by=organiser)
    tier = AwardTierFactory(contest=contest, name="一等奖", quota_count=3)
    entry = EntryFactory(team=team, stage=stage, title="工业视觉方案")
    AwardFactory(
        contest=contest,
        tier=tier,
        team=team,
        entry=entry,
        stage=stage,
        rank=1,
        status=AwardStatus.IN_NOTICE,
        notice=notice,
    )
    return notice


def ranking_publish(stage, ranks):
    """A published snapshot whose rows carry every field the public shape shows."""
    rows, _ = ranking_rows(stage=stage, ranks=ranks)
    for row in rows:
        row.update(raw=row["final"], normalised=None, overridden=False, review_count=3)
    return snapshot_publish(stage=stage, rows=rows)


@pytest.fixture
def snapshot(stage):
    return ranking_publish(stage, [1, 2])


@pytest.fixture
def certificate(contest, team, captain):
    award = AwardFactory(contest=contest, team=team, status=AwardStatus.FINAL, rank=1)
    fields = {
        "serial": serial_new("SJYS2026"),
        "recipient_name": captain.real_name,
        "recipient_role": CertificateRole.MEMBER,
        "team_name": team.name,
        "award_name": award.tier.name,
        "contest_name": contest.name,
        "track_name": "",
        "issue_date": dt.date(2026, 12, 1),
        "issuing_bodies": ["大赛组委会"],
    }
    return Certificate.objects.create(
        contest=contest,
        award=award,
        seq=1,
        user=captain,
        team=team,
        signature=certificate_sign(certificate_content(**fields)),
        status_list_index=5,  # bit 5 of status list 0
        **fields,
    )


def url_of(name: str, request) -> str:
    """The URL of a cached route over the fixtures (each route's fixture loaded on demand)."""
    get = request.getfixturevalue
    return {
        "contest-list": lambda: "/api/contests/",
        "contest-detail": lambda: f"/api/contests/{get('contest').pk}/",
        "challenge-list": lambda: f"/api/challenges/?contest={get('challenge').contest_id}",
        "challenge-detail": lambda: f"/api/challenges/{get('challenge').pk}/",
        "notice-list": lambda: f"/api/notices/?contest={get('notice').contest_id}",
        "notice-detail": lambda: f"/api/notices/{get('notice').pk}/",
        "results-snapshots": lambda: f"/api/stages/{get('snapshot').stage_id}/snapshots/",
        "certificate-verify": lambda: f"/api/certificates/verify/{get('certificate').serial}/",
        "certificate-status-list": lambda: get("certificate") and "/api/certificates/status/0/",
    }[name]()


ROUTES = sorted(PUBLIC_ROUTES)
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


def _entry_keys() -> list[str]:
    """The keys of the entries in the local-memory cache, without Django's prefix."""
    return [k.split(":", 2)[2] for k in public_cache()._cache if ":e:" in k]
