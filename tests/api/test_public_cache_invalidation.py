"""Cached public reads are never stale: a committed change shows on the next read, for every
cached route and every model it depends on (api.caching, api.receivers)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.utils import timezone

from api.caching import (
    notice_expiry,
    public_cache,
)
from awards.certificates.serials import serial_new
from awards.enums import AwardStatus, CertificateStatus, ObjectionStatus
from awards.models import Award, Certificate, Notice
from contest.enums import ChallengeStatus, ContestStatus
from contest.models import Challenge, Contest, Entry, Organisation, Stage, Team, Track
from judging.enums import SnapshotStatus
from judging.models import ResultSnapshot
from tests.api.public_cache_fixtures import *  # noqa: F403  the fixtures
from tests.api.public_cache_fixtures import _entry_keys, ranking_publish
from tests.factories.awards import (
    NoticeFactory,
    ObjectionFactory,
)
from tests.factories.contest import ChallengeFactory, TrackFactory

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
