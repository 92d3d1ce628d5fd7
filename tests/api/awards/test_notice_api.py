"""Public notices, objections and the holiday calendar through the API, as each role: anonymous
visitor, stranger, objector, organiser, admin."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.enums import AwardStatus
from awards.models import Notice
from tests.api.helpers import PDF_BYTES, assert_error, results
from tests.factories.awards import (
    AwardFactory,
    NoticeFactory,
    ObjectionFactory,
)
from tests.factories.contest import UserFactory

# --------------------------------------------------------------------------------------------
# Public notice


def test_notice_open_through_api(client_for, organiser, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    response = client_for(organiser).post(
        "/api/notices/", {"contest": contest.pk, "days": 5, "working_days": True}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["phase"], body["days"], body["working_days"]) == ("open", 5, True)
    assert [a["team_name"] for a in body["awards"]] == [team.name]


def test_notice_open_by_stranger_forbidden(client_for, stranger, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    response = client_for(stranger).post(
        "/api/notices/", {"contest": contest.pk, "days": 5, "working_days": True}
    )
    assert_error(response, 403, "not_permitted")


def test_notice_public_shows_list_and_counts_never_names(api_client, notice, team):
    objector = UserFactory(real_name="隐名异议人", email="objector@example.com")
    ObjectionFactory(notice=notice, objector=objector, award=notice.awards.get())
    response = api_client.get(f"/api/notices/{notice.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["objections"] == {"total": 1, "open": 1, "upheld": 0, "rejected": 0}
    assert [(a["team_name"], a["tier_name"], a["objections_open"]) for a in body["awards"]] == [
        (team.name, "一等奖", 1)
    ]
    text = response.content.decode()
    assert "隐名异议人" not in text and "objector@example.com" not in text


def test_notice_public_after_window_still_shown(api_client, notice):
    Notice.objects.filter(pk=notice.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(days=3),
    )
    body = api_client.get(f"/api/notices/{notice.pk}/").json()
    assert (body["phase"], len(body["awards"])) == ("closed", 1)


def test_notice_scheduled_hidden_until_it_opens(api_client, client_for, organiser, notice):
    Notice.objects.filter(pk=notice.pk).update(opens_at=timezone.now() + dt.timedelta(hours=1))
    assert results(api_client.get("/api/notices/")) == []
    assert api_client.get(f"/api/notices/{notice.pk}/").status_code == 404
    body = client_for(organiser).get(f"/api/notices/{notice.pk}/").json()
    assert body["phase"] == "scheduled"


@pytest.mark.parametrize("count", [1, 3])
def test_notice_list_query_count_constant(api_client, contest, count, django_assert_num_queries):
    NoticeFactory.create_batch(count, contest=contest)
    with django_assert_num_queries(2):  # count, page
        response = api_client.get(f"/api/notices/?contest={contest.pk}")
    assert len(results(response)) == count


@pytest.mark.parametrize("count", [1, 3])
def test_notice_detail_query_count_constant(
    api_client, contest, tiers, count, django_assert_num_queries
):
    notice = NoticeFactory(contest=contest)
    for _ in range(count):
        AwardFactory(contest=contest, tier=tiers[1], status=AwardStatus.IN_NOTICE, notice=notice)
    with django_assert_num_queries(3):  # notice (404 check), notice again, awards
        response = api_client.get(f"/api/notices/{notice.pk}/")
    assert len(response.json()["awards"]) == count


# --------------------------------------------------------------------------------------------
# Objections


def objection_payload(notice, **extra):
    return {"notice": notice.pk, "reason": "获奖作品涉嫌抄袭。", "contact": "13800000000", **extra}


def test_objection_anonymous_refused_401(api_client, notice):
    response = api_client.post("/api/objections/", objection_payload(notice), format="multipart")
    body = assert_error(response, 401, "login_required")
    assert "匿名异议不予受理" in body["message_zh"]
    assert notice.objections.count() == 0


def test_objection_without_real_name_refused(client_for, notice):
    response = client_for(UserFactory(real_name="")).post(
        "/api/objections/", objection_payload(notice), format="multipart"
    )
    assert_error(response, 400, "real_name_required")


def test_objection_late_refused(client_for, stranger, notice):
    Notice.objects.filter(pk=notice.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(seconds=1),
    )
    response = client_for(stranger).post(
        "/api/objections/", objection_payload(notice), format="multipart"
    )
    assert_error(response, 409, "notice_closed")


def test_objection_with_evidence_and_identity_for_organisers_only(
    client_for, stranger, organiser, notice
):
    award = notice.awards.get()
    response = client_for(stranger).post(
        "/api/objections/",
        objection_payload(
            notice,
            award=award.pk,
            on_behalf_of="某科技有限公司",
            files=[SimpleUploadedFile("盖章函.pdf", PDF_BYTES)],
        ),
        format="multipart",
    )
    assert response.status_code == 201, response.content
    objection = response.json()
    assert (objection["objector_name"], objection["status"]) == ("路人", "open")
    assert [f["original_name"] for f in objection["files"]] == ["盖章函.pdf"]
    # The organiser sees who objected and can download the evidence.
    rows = results(client_for(organiser).get(f"/api/objections/?notice={notice.pk}"))
    assert [(r["objector"]["real_name"], r["on_behalf_of"]) for r in rows] == [
        ("路人", "某科技有限公司")
    ]
    download = client_for(organiser).get(objection["files"][0]["download_url"])
    assert b"".join(download.streaming_content) == PDF_BYTES
    # Another user sees nothing, not even that it exists.
    other = client_for(UserFactory())
    assert results(other.get("/api/objections/")) == []
    assert other.get(f"/api/objections/{objection['id']}/").status_code == 404
    assert other.get(objection["files"][0]["download_url"]).status_code == 404


def test_objection_bad_evidence_refused(client_for, stranger, notice):
    response = client_for(stranger).post(
        "/api/objections/",
        objection_payload(notice, files=[SimpleUploadedFile("a.docx", b"PK\x03\x04" + b"0" * 40)]),
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] in {"file_type_not_allowed", "file_content_mismatch"}


@pytest.mark.parametrize("count", [1, 3])
def test_objection_list_query_count_constant(
    client_for, organiser, notice, count, django_assert_num_queries
):
    for _ in range(count):
        ObjectionFactory(notice=notice, award=notice.awards.get())
    client = client_for(organiser)
    with django_assert_num_queries(3):  # count, page, evidence files
        response = client.get(f"/api/objections/?notice={notice.pk}")
    assert len(results(response)) == count


def test_upheld_objection_changes_list_then_finalise(client_for, organiser, stranger, notice):
    award = notice.awards.get()
    client = client_for(organiser)
    objection = client_for(stranger).post(
        "/api/objections/", objection_payload(notice, award=award.pk), format="multipart"
    )
    objection_id = objection.json()["id"]
    assert_error(client.post(f"/api/notices/{notice.pk}/finalise/"), 409, "notice_window_open")
    response = client.post(
        f"/api/objections/{objection_id}/resolve/",
        {
            "decision": "upheld",
            "resolution": "经核查异议属实，取消该奖项。",
            "changes": [{"action": "remove", "award": award.pk}],
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "upheld"
    public = client_for(stranger).get(f"/api/notices/{notice.pk}/").json()
    assert (public["awards"], public["objections"]["upheld"]) == ([], 1)
    follow_up = Notice.objects.get(follows=notice)
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    # the changed part is in its own notice: the list is final only after it closes too
    assert_error(client.post(f"/api/notices/{notice.pk}/finalise/"), 409, "follow_up_notice_open")
    assert Notice.objects.get(pk=notice.pk).status == "open"
    Notice.objects.filter(pk=follow_up.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=6),
        closes_at=timezone.now() - dt.timedelta(seconds=1),
    )
    response = client.post(f"/api/notices/{notice.pk}/finalise/")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["phase"]) == ("final", "final")
    assert Notice.objects.get(pk=follow_up.pk).status == "final"


def test_finalise_with_open_objection_refused(client_for, organiser, notice):
    ObjectionFactory(notice=notice)
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    body = assert_error(
        client_for(organiser).post(f"/api/notices/{notice.pk}/finalise/"), 409, "objections_open"
    )
    assert body["details"] == {"open_objections": 1}


def test_objection_resolve_by_objector_not_allowed(client_for, stranger, notice):
    objection = ObjectionFactory(notice=notice, objector=stranger)
    response = client_for(stranger).post(
        f"/api/objections/{objection.pk}/resolve/",
        {"decision": "upheld", "resolution": "自己说了算"},
    )
    assert_error(response, 403, "not_permitted")


# --------------------------------------------------------------------------------------------
# Calendar


def test_calendar_days_admin_edits_public_reads(client_for, api_client, admin, organiser):
    # 2031: a year the preloaded official calendar (chinesecalendar) does not cover yet.
    body = {"date": "2031-10-01", "kind": "holiday", "name": "国庆节"}
    assert_error(client_for(organiser).post("/api/calendar-days/", body), 403, "not_permitted")
    created = client_for(admin).post("/api/calendar-days/", body)
    assert created.status_code == 201, created.content
    assert api_client.get("/api/calendar-days/?year=2031").json() == [
        {"id": created.json()["id"], **body}
    ]
    assert api_client.get("/api/calendar-days/?year=2032").json() == []
    preloaded = api_client.get("/api/calendar-days/?year=2026").json()
    assert len(preloaded) == 39
    assert {"date": "2026-02-14", "kind": "workday", "name": "春节调休 Spring Festival"} in [
        {k: day[k] for k in ("date", "kind", "name")} for day in preloaded
    ]
