"""Cached public reads (api.caching): a hit is the same answer with no query, ETag → 304, nothing
personal is ever stored or served from the cache, the verification throttle counts cached hits.
Invalidation: test_public_cache_invalidation.py."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.caching import (
    LOCAL,
    PUBLIC_ROUTES,
    generations_bump,
    public_cache,
    route_tables,
)
from contest.enums import ChallengeStatus
from contest.models import Challenge
from tests.api.public_cache_fixtures import *  # noqa: F403  the fixtures
from tests.api.public_cache_fixtures import ROUTES, TABLE, _entry_keys, url_of
from tests.factories.contest import ChallengeFactory

# --------------------------------------------------------------------------------------------
# Hits


@pytest.mark.parametrize("name", ROUTES)
def test_public_read_hit_same_answer_without_queries(db, name, request, api_client):
    url = url_of(name, request)
    first = api_client.get(url)
    assert first.status_code == 200, first.content
    own = PUBLIC_ROUTES[name].own_cache_control
    assert first["Cache-Control"] == ("public, max-age=300" if own else "public, no-cache")
    assert re.fullmatch(r'"[0-9a-f]{32}"', first["ETag"])
    with CaptureQueriesContext(connection) as queries:
        second = api_client.get(url)
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert second.status_code == 200
    assert second.content == first.content
    assert dict(second.items()) == dict(first.items())


@pytest.mark.parametrize("name", ROUTES)
def test_public_read_depends_only_on_declared_tables(db, name, request, api_client):
    """Every table the view reads is one the route names, so a write to any of them invalidates
    it. A view that starts reading another table fails here until the route names it."""
    url = url_of(name, request)
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(url)
    assert response.status_code == 200
    read = {table for q in queries for table in TABLE.findall(q["sql"])}
    assert read, "the view ran no query: nothing to check"
    assert read - set(route_tables(name)) == set()


def test_hit_from_shared_cache_in_another_worker(api_client, challenge):
    """Another worker has no copy of its own: it gets the entry from the shared cache, no query."""
    url = f"/api/challenges/?contest={challenge.contest_id}"
    first = api_client.get(url)
    LOCAL.clear()
    with CaptureQueriesContext(connection) as queries:
        second = api_client.get(url)
    assert len(queries) == 0
    assert second.content == first.content


def test_local_copy_not_served_once_tokens_change(api_client, challenge):
    """A worker's own copy is checked against the shared tokens on every hit: a change committed
    through another worker (its new tokens) is seen here at once."""
    url = f"/api/challenges/?contest={challenge.contest_id}"
    api_client.get(url)
    Challenge.objects.filter(pk=challenge.pk).update(title="别的进程改的")
    generations_bump(route_tables("challenge-list"))  # what that worker's commit did
    assert api_client.get(url).json()["results"][0]["title"] == "别的进程改的"


def test_challenge_list_hit_counts_no_query(api_client, challenge, django_assert_num_queries):
    url = f"/api/challenges/?contest={challenge.contest_id}&page=1&page_size=20"
    assert api_client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert api_client.get(url).json()["results"][0]["title"] == "高精度视觉检测"


# --------------------------------------------------------------------------------------------
# Conditional requests


def test_etag_matching_answers_304_without_body(api_client, challenge, django_assert_num_queries):
    url = f"/api/challenges/?contest={challenge.contest_id}"
    etag = api_client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, no-cache"
    weak = api_client.get(url, HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
    assert weak.status_code == 304


def test_etag_after_change_answers_200(api_client, challenge, commit):
    url = f"/api/challenges/?contest={challenge.contest_id}"
    etag = api_client.get(url)["ETag"]
    commit(lambda: Challenge.objects.filter(pk=challenge.pk).update(title="改过的榜题"))
    response = api_client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["results"][0]["title"] == "改过的榜题"


def test_etag_on_miss_answers_304(api_client, challenge):
    url = f"/api/challenges/?contest={challenge.contest_id}"
    etag = api_client.get(url)["ETag"]
    public_cache().clear()
    assert api_client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_etag_without_shared_cache(settings, api_client, challenge, django_assert_num_queries):
    """With the cache off (local memory in development), the view answers every request and a
    matching If-None-Match still gets its 304."""
    settings.PUBLIC_CACHE = False
    url = f"/api/challenges/?contest={challenge.contest_id}"
    first = api_client.get(url)
    assert first["Cache-Control"] == "public, no-cache"
    response = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert response.status_code == 304
    assert _entry_keys() == []


# --------------------------------------------------------------------------------------------
# Personal answers and variants: never stored, never served from the cache


def test_logged_in_organiser_sees_drafts_not_cached(api_client, contest, challenge, organiser):
    ChallengeFactory(contest=contest, status=ChallengeStatus.DRAFT, title="草稿榜题")
    url = f"/api/challenges/?contest={contest.pk}"
    public = api_client.get(url)
    assert [c["title"] for c in public.json()["results"]] == ["高精度视觉检测"]

    organiser_client = type(api_client)()
    organiser_client.force_login(organiser)  # a session cookie, as the SPA sends
    mine = organiser_client.get(url)
    assert sorted(c["title"] for c in mine.json()["results"]) == ["草稿榜题", "高精度视觉检测"]
    assert mine["Cache-Control"] == "private"
    assert "ETag" not in mine
    # The organiser's answer was not stored: the public one is still served.
    assert api_client.get(url).content == public.content


def test_token_request_not_served_from_cache(api_client, challenge, organiser):
    from knox.models import AuthToken

    url = f"/api/challenges/?contest={challenge.contest_id}"
    api_client.get(url)
    _, token = AuthToken.objects.create(user=organiser)
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get(url, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert len(queries) > 0
    assert response["Cache-Control"] == "private"


def test_force_authenticated_test_client_not_served_from_cache(
    api_client, client_for, challenge, admin
):
    ChallengeFactory(contest=challenge.contest, status=ChallengeStatus.DRAFT, title="草稿榜题")
    url = f"/api/challenges/?contest={challenge.contest_id}"
    api_client.get(url)
    titles = [c["title"] for c in client_for(admin).get(url).json()["results"]]
    assert sorted(titles) == ["草稿榜题", "高精度视觉检测"]


def test_invalid_token_not_answered_from_cache(api_client, challenge):
    url = f"/api/challenges/?contest={challenge.contest_id}"
    api_client.get(url)
    assert api_client.get(url, HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_verify_same_answer_for_logged_in(api_client, certificate, organiser):
    """Verification authenticates nobody: a logged-in visitor gets the cached public answer."""
    url = f"/api/certificates/verify/{certificate.serial}/"
    public = api_client.get(url)
    organiser_client = type(api_client)()
    organiser_client.force_login(organiser)
    with CaptureQueriesContext(connection) as queries:
        theirs = organiser_client.get(url)
    assert len(queries) == 0
    assert theirs.content == public.content


@pytest.mark.parametrize(
    "query",
    [
        "search=视觉",  # free text: unbounded variants
        "prize_min=100",  # free numbers too
        "unknown=1",
        "page=01",
        "page_size=33",
        "page=1&page=2",
        "ordering=nonsense",
        "format=json",
    ],
)
def test_unbounded_variants_not_stored(api_client, challenge, query):
    response = api_client.get(f"/api/challenges/?contest={challenge.contest_id}&{query}")
    assert response.status_code in (200, 400, 404)
    assert "ETag" not in response
    assert _entry_keys() == []


def test_browsable_api_not_stored(api_client, challenge):
    response = api_client.get("/api/challenges/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert _entry_keys() == []


def test_language_has_its_own_entry(api_client, challenge):
    url = f"/api/challenges/?contest={challenge.contest_id}"
    zh = api_client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = api_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert (zh["Content-Language"], en["Content-Language"]) == ("zh-hans", "en")
    assert "Accept-Language" in en["Vary"]
    assert len([k for k in _entry_keys() if ":e:challenge-list:" in k]) == 2


def test_error_not_stored(db, api_client):
    assert api_client.get("/api/notices/999999/").status_code == 404
    assert _entry_keys() == []


def test_writes_pass_through(api_client, challenge):
    response = api_client.post("/api/challenges/", {"title": "匿名"}, format="json")
    assert response.status_code == 401
    assert _entry_keys() == []


# --------------------------------------------------------------------------------------------
# Throttles and a cache that is down


def test_verify_throttle_counts_cached_hits(settings, api_client, certificate):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "verify": "3/min"},
    }
    url = f"/api/certificates/verify/{certificate.serial}/"
    statuses = [api_client.get(url).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert api_client.get(url)["Retry-After"]


def test_cache_down_view_answers(settings, api_client, challenge):
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        },
    }
    settings.PUBLIC_CACHE_ALIAS = "down"
    response = api_client.get(f"/api/challenges/?contest={challenge.contest_id}")
    assert response.status_code == 200
    assert response.json()["results"][0]["title"] == "高精度视觉检测"
