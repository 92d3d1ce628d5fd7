"""Cached public reads (api.caching): a hit is the same answer with no query, a committed change
shows on the next read for every model a read depends on, ETag → 304, and nothing personal is
ever stored or served from the cache."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.caching import (
    LOCAL,
    PUBLIC_ROUTES,
    generations_bump,
    notice_expiry,
    public_cache,
    route_tables,
)
from awards.certificates.serials import serial_new
from awards.certificates.signing import (
    certificate_content,
    certificate_sign,
    generate_signing_key_b64,
)
from awards.enums import AwardStatus, CertificateRole, CertificateStatus, ObjectionStatus
from awards.models import Award, Certificate, Notice
from contest.enums import ChallengeStatus, ContestStatus
from contest.models import Challenge, Contest, Entry, Organisation, Stage, Team, Track
from judging.enums import SnapshotStatus
from judging.models import ResultSnapshot
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    NoticeFactory,
    ObjectionFactory,
    ranking_rows,
    snapshot_publish,
)
from tests.factories.contest import ChallengeFactory, EntryFactory, TrackFactory

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
# Invalidation: a committed change shows on the next read


def _challenge_list(api_client, challenge) -> list[dict]:
    return api_client.get(f"/api/challenges/?contest={challenge.contest_id}").json()["results"]


@pytest.mark.parametrize(
    "change, field, expected",
    [
        # QuerySet.update() sends no signal: the statement itself invalidates.
        (lambda c: Challenge.objects.filter(pk=c.pk).update(title="新榜题"), "title", "新榜题"),
        (
            lambda c: Organisation.objects.filter(pk=c.publisher_id).update(name="新发榜单位"),
            "publisher_name",
            "新发榜单位",
        ),  # fmt: skip
        (
            lambda c: Track.objects.filter(pk=c.track_id).update(name="新赛道"),
            "track_name",
            "新赛道",
        ),  # fmt: skip
    ],
)
def test_challenge_list_change_committed_shows(
    api_client, challenge, commit, change, field, expected
):
    assert _challenge_list(api_client, challenge)[0][field] != expected
    commit(lambda: change(challenge))
    assert _challenge_list(api_client, challenge)[0][field] == expected


def test_challenge_list_saved_model_shows(api_client, challenge, commit):
    assert _challenge_list(api_client, challenge)[0]["status"] == "published"
    challenge.status = ChallengeStatus.CLOSED

    commit(lambda: challenge.save(update_fields=["status"]))
    assert _challenge_list(api_client, challenge)[0]["status"] == "closed"


def test_challenge_list_contest_back_to_draft_hides(api_client, challenge, commit):
    assert len(api_client.get("/api/challenges/").json()["results"]) == 1
    commit(
        lambda: Contest.objects.filter(pk=challenge.contest_id).update(status=ContestStatus.DRAFT)
    )
    assert api_client.get("/api/challenges/").json()["results"] == []


def test_challenge_created_shows(api_client, challenge, commit):
    assert len(_challenge_list(api_client, challenge)) == 1
    commit(lambda: ChallengeFactory(contest=challenge.contest, publisher=challenge.publisher))
    assert len(_challenge_list(api_client, challenge)) == 2


def test_challenge_deleted_disappears(api_client, challenge, commit):
    assert len(_challenge_list(api_client, challenge)) == 1
    commit(lambda: Challenge.objects.filter(pk=challenge.pk).delete())
    assert _challenge_list(api_client, challenge) == []


def test_change_rolled_back_keeps_answer(api_client, challenge, django_capture_on_commit_callbacks):
    before = api_client.get(f"/api/challenges/?contest={challenge.contest_id}")
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                Challenge.objects.filter(pk=challenge.pk).update(title="不会提交")
                raise RuntimeError
        except RuntimeError:
            pass
    after = api_client.get(f"/api/challenges/?contest={challenge.contest_id}")
    assert after.content == before.content


def test_raw_sql_write_invalidates(api_client, challenge, commit):
    table = Challenge._meta.db_table

    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{table}" SET title = %s WHERE id = %s', ["原生SQL", challenge.pk]
            )

    commit(write)
    assert _challenge_list(api_client, challenge)[0]["title"] == "原生SQL"


def test_contest_list_change_committed_shows(api_client, contest, commit):
    assert api_client.get("/api/contests/").json()["results"][0]["name"] == contest.name
    commit(lambda: Contest.objects.filter(pk=contest.pk).update(name="改名后的大赛"))
    assert api_client.get("/api/contests/").json()["results"][0]["name"] == "改名后的大赛"


@pytest.mark.parametrize(
    "model, change, path, expected",
    [
        (Track, lambda c: TrackFactory(contest=c, name="新赛道"), ("tracks", 0, "name"), "新赛道"),
        (
            Stage,
            lambda c: Stage.objects.filter(contest=c).update(name="复赛"),
            ("stages", 0, "name"),
            "复赛",
        ),  # fmt: skip
    ],
)
def test_contest_detail_change_committed_shows(
    api_client, contest, stage, commit, model, change, path, expected
):
    url = f"/api/contests/{contest.pk}/"
    assert api_client.get(url).status_code == 200
    commit(lambda: change(contest))
    value = api_client.get(url).json()
    for part in path:
        value = value[part]
    assert value == expected


def _notice(api_client, notice) -> dict:
    response = api_client.get(f"/api/notices/{notice.pk}/")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "change, read, expected",
    [
        (lambda n: Award.objects.filter(notice=n).update(rank=2),
         lambda b: b["awards"][0]["rank"], 2),
        (lambda n: Team.objects.filter(awards__notice=n).update(name="改名团队"),
         lambda b: b["awards"][0]["team_name"], "改名团队"),
        (lambda n: Entry.objects.filter(team__awards__notice=n).update(title="新作品名"),
         lambda b: b["awards"][0]["entry_title"], "新作品名"),
        (lambda n: Award.objects.filter(notice=n).update(status=AwardStatus.REMOVED),
         lambda b: b["awards"], []),
        (lambda n: ObjectionFactory(notice=n), lambda b: b["objections"]["open"], 1),
        (lambda n: Notice.objects.filter(pk=n.pk).update(title="更正后的公示"),
         lambda b: b["title"], "更正后的公示"),
        (lambda n: Contest.objects.filter(pk=n.contest_id).update(name="改名后的大赛"),
         lambda b: b["contest_name"], "改名后的大赛"),
        (lambda n: Stage.objects.filter(pk=n.stage_id).update(name="决赛"),
         lambda b: b["stage_name"], "决赛"),
    ],
)  # fmt: skip
def test_notice_change_committed_shows(api_client, notice, commit, change, read, expected):
    assert read(_notice(api_client, notice)) != expected
    commit(lambda: change(notice))
    assert read(_notice(api_client, notice)) == expected


def test_notice_list_objection_resolved_shows(api_client, notice, commit):
    objection = ObjectionFactory(notice=notice)
    url = f"/api/notices/?contest={notice.contest_id}"
    assert api_client.get(url).json()["results"][0]["objections"]["open"] == 1
    objection.status = ObjectionStatus.REJECTED
    commit(lambda: objection.save())
    counts = api_client.get(url).json()["results"][0]["objections"]
    assert (counts["open"], counts["rejected"]) == (0, 1)


def test_notice_scheduled_appears_when_it_opens(api_client, notice):
    """A notice scheduled to open later is hidden from the public; the list's entry expires when
    it opens, with no write in between."""
    soon = timezone.now() + dt.timedelta(minutes=5)
    NoticeFactory(contest=notice.contest, opens_at=soon, closes_at=soon + dt.timedelta(days=5))
    url = f"/api/notices/?contest={notice.contest_id}"
    assert api_client.get(url).json()["count"] == 1
    (key,) = [k for k in _entry_keys() if ":e:notice-list:" in k]
    assert public_cache().get(key).valid_until == pytest.approx(soon.timestamp(), abs=1)


def _entry_keys() -> list[str]:
    """The keys of the entries in the local-memory cache, without Django's prefix."""
    return [k.split(":", 2)[2] for k in public_cache()._cache if ":e:" in k]


def test_notice_expiry_is_next_phase_boundary():
    now = timezone.now()
    opens, closes = now + dt.timedelta(hours=1), now + dt.timedelta(days=5)
    body = {"opens_at": opens.isoformat(), "closes_at": closes.isoformat(), "status": "open"}
    assert notice_expiry(body) == opens
    body["opens_at"] = (now - dt.timedelta(days=1)).isoformat()
    assert notice_expiry(body) == closes
    body["closes_at"] = (now - dt.timedelta(hours=1)).isoformat()
    assert notice_expiry(body) is None


def test_notice_closing_within_a_second_not_stored(api_client, notice, django_assert_num_queries):
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() + dt.timedelta(seconds=0.5))
    assert api_client.get(f"/api/notices/{notice.pk}/").status_code == 200
    assert [k for k in _entry_keys() if ":e:notice-detail:" in k] == []


def test_ranking_correction_committed_shows(api_client, snapshot, commit):
    url = f"/api/stages/{snapshot.stage_id}/snapshots/"
    assert [s["status"] for s in api_client.get(url).json()] == ["published"]
    commit(
        lambda: ResultSnapshot.objects.filter(pk=snapshot.pk).update(
            status=SnapshotStatus.WITHDRAWN, withdrawal_reason="计分错误"
        )
    )
    body = api_client.get(url).json()
    assert [(s["status"], s["withdrawal_reason"]) for s in body] == [("withdrawn", "计分错误")]


def test_ranking_new_version_shows(api_client, snapshot, commit):
    url = f"/api/stages/{snapshot.stage_id}/snapshots/"
    assert [s["version"] for s in api_client.get(url).json()] == [1]
    commit(lambda: ranking_publish(snapshot.stage, [1]))
    assert [s["version"] for s in api_client.get(url).json()] == [2]


def test_verify_revocation_committed_shows(api_client, certificate, commit):
    url = f"/api/certificates/verify/{certificate.serial}/"
    first = api_client.get(url).json()
    assert (first["status"], first["valid"]) == ("issued", True)
    commit(
        lambda: Certificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.REVOKED, revoke_reason="重复发放"
        )
    )
    after = api_client.get(url).json()
    assert (after["status"], after["valid"], after["revoke_reason"]) == (
        "revoked",
        False,
        "重复发放",
    )


def test_status_list_revocation_committed_shows(api_client, certificate, commit):
    url = "/api/certificates/status/0/"
    first = api_client.get(url)
    assert first["Cache-Control"] == "public, max-age=300"  # the view's own, kept
    commit(
        lambda: Certificate.objects.filter(pk=certificate.pk).update(
            status=CertificateStatus.REVOKED, revoked_at=timezone.now()
        )
    )
    after = api_client.get(url)
    assert after.status_code == 200
    assert after.content != first.content
    assert after["ETag"] != first["ETag"]
    assert after["Cache-Control"] == "public, max-age=300"


def test_verify_unknown_serial_not_cached(api_client, certificate, commit):
    """A 404 is not stored: a certificate issued after a miss verifies at once."""
    serial = serial_new("SJYS2026")
    url = f"/api/certificates/verify/{serial}/"
    assert api_client.get(url).status_code == 404
    assert _entry_keys() == []

    commit(lambda: Certificate.objects.filter(pk=certificate.pk).update(serial=serial))
    assert api_client.get(url).status_code == 200


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
