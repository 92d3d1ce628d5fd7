"""Awards, public notice, objections and certificates through the API, as each role:
anonymous visitor, stranger, objector, winner (captain, member, advisor), organiser, admin."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from awards.certificates.badges import open_badge_verify
from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus
from awards.models import Award, Certificate, CertificateBatch, Notice
from tests.api.helpers import PDF_BYTES, assert_error, results
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    NoticeFactory,
    ObjectionFactory,
    published_ranking,
)
from tests.factories.contest import TeamFactory, TeamMemberFactory, TrackFactory, UserFactory

SIGNING_KEY = generate_signing_key_b64()


@pytest.fixture(autouse=True)
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = SIGNING_KEY
    settings.SITE_URL = "https://saiwu.example.cn"


@pytest.fixture
def tiers(contest):
    return [
        AwardTierFactory(contest=contest, name="一等奖", order=0, quota_count=1),
        AwardTierFactory(contest=contest, name="二等奖", order=1, quota_count=2),
    ]


@pytest.fixture
def notice(contest, organiser, team, tiers):
    """An open notice listing the team's 一等奖."""
    notice = NoticeFactory(contest=contest, created_by=organiser)
    AwardFactory(
        contest=contest, tier=tiers[0], team=team, status=AwardStatus.IN_NOTICE, notice=notice
    )
    return notice


@pytest.fixture
def final_award(contest, team, member, advisor, tiers):
    return AwardFactory(contest=contest, tier=tiers[0], team=team, status=AwardStatus.FINAL, rank=1)


@pytest.fixture
def issued(client_for, organiser, contest, final_award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert response.status_code == 202, response.content
    return {c.recipient_role + ":" + c.recipient_name: c for c in Certificate.objects.all()}


def png_bytes(size, mode="RGB", colour=(250, 245, 230)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Tiers and awards (organisers)


def test_tier_create_by_organiser(client_for, organiser, contest):
    response = client_for(organiser).post(
        "/api/award-tiers/",
        {"contest": contest.pk, "name": "一等奖", "quota_percent": "10.00", "order": 1},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["quota_percent"]) == ("一等奖", "10.00")


def test_tier_create_by_stranger_forbidden(client_for, stranger, contest):
    response = client_for(stranger).post(
        "/api/award-tiers/", {"contest": contest.pk, "name": "一等奖", "quota_count": 1}
    )
    assert_error(response, 403, "not_permitted")


def test_tier_list_hidden_from_stranger(client_for, stranger, tiers):
    assert client_for(stranger).get("/api/award-tiers/").json() == []


@pytest.mark.parametrize("count", [1, 3])
def test_tier_list_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    AwardTierFactory.create_batch(count, contest=contest, track=TrackFactory(contest=contest))
    client = client_for(organiser)
    with django_assert_num_queries(1):
        response = client.get(f"/api/award-tiers/?contest={contest.pk}")
    assert len(response.json()) == count


def test_awards_propose_through_api(client_for, organiser, contest, stage, tiers):
    _, teams = published_ranking(stage=stage, ranks=[1, 2, 2, 4])
    TeamMemberFactory(team=teams[1], user=UserFactory(real_name="王𠮷"))
    response = client_for(organiser).post("/api/awards/propose/", {"stage": stage.pk})
    assert response.status_code == 201, response.content
    rows = [(a["tier_name"], a["rank"], a["team_name"]) for a in response.json()]
    assert rows == [
        ("一等奖", 1, teams[0].name),
        ("二等奖", 2, teams[1].name),
        ("二等奖", 2, teams[2].name),
    ]
    flagged = {a["team_name"]: a["glyph_issues"] for a in response.json()}
    assert flagged[teams[1].name] == [{"role": "member", "name": "王𠮷", "missing": ["𠮷"]}]


def test_awards_propose_by_stranger_forbidden(client_for, stranger, stage, tiers):
    published_ranking(stage=stage, ranks=[1])
    assert_error(
        client_for(stranger).post("/api/awards/propose/", {"stage": stage.pk}), 403, "not_permitted"
    )


def test_award_adjust_through_api(client_for, organiser, contest, team, tiers):
    client = client_for(organiser)
    response = client.post(
        "/api/awards/",
        {"contest": contest.pk, "tier": tiers[1].pk, "team": team.pk, "reason": "补录"},
    )
    assert response.status_code == 201, response.content
    award_id = response.json()["id"]
    response = client.post(
        f"/api/awards/{award_id}/change-tier/", {"tier": tiers[0].pk, "reason": "复核"}
    )
    assert response.json()["tier_name"] == "一等奖"
    assert_error(client.post(f"/api/awards/{award_id}/remove/", {}), 400, "invalid")
    response = client.post(f"/api/awards/{award_id}/remove/", {"reason": "资格不符"})
    assert response.json()["status"] == "removed"


def test_award_list_hidden_from_stranger(client_for, stranger, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    assert results(client_for(stranger).get("/api/awards/")) == []
    assert client_for(stranger).get(f"/api/awards/{Award.objects.get().pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_award_list_query_count_constant(
    client_for, organiser, contest, tiers, count, django_assert_num_queries
):
    for _ in range(count):
        AwardFactory(contest=contest, tier=tiers[1])
    client = client_for(organiser)
    with django_assert_num_queries(2):  # count, page (the organiser filter is a subquery)
        response = client.get(f"/api/awards/?contest={contest.pk}")
    assert len(results(response)) == count


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
    Notice.objects.filter(pk=notice.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.post(f"/api/notices/{notice.pk}/finalise/")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["phase"]) == ("final", "final")


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
    body = {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"}
    assert_error(client_for(organiser).post("/api/calendar-days/", body), 403, "not_permitted")
    created = client_for(admin).post("/api/calendar-days/", body)
    assert created.status_code == 201, created.content
    assert api_client.get("/api/calendar-days/?year=2026").json() == [
        {"id": created.json()["id"], **body}
    ]
    assert api_client.get("/api/calendar-days/?year=2027").json() == []


# --------------------------------------------------------------------------------------------
# Certificate template


def test_certificate_template_upload(client_for, organiser, contest):
    seal = Image.new("RGBA", (120, 120), (0, 0, 0, 0))
    seal.paste((200, 20, 30, 230), (20, 20, 100, 100))
    seal_buffer = io.BytesIO()
    seal.save(seal_buffer, "PNG")
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/certificate-template/",
        {
            "title": "荣誉证书",
            "issuing_bodies": ["江苏省数据局", "江苏省人才办"],
            "background": SimpleUploadedFile("bg.png", png_bytes((1485, 1050))),
            "seal": SimpleUploadedFile("seal.png", seal_buffer.getvalue()),
        },
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["has_background"], body["has_seal"], body["issuing_bodies"]) == (
        True,
        True,
        ["江苏省数据局", "江苏省人才办"],
    )


def test_certificate_template_opaque_seal_refused(client_for, organiser, contest):
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/certificate-template/",
        {"seal": SimpleUploadedFile("seal.png", png_bytes((120, 120)))},
        format="multipart",
    )
    assert_error(response, 400, "seal_needs_alpha")


def test_certificate_template_by_stranger_forbidden(client_for, stranger, contest):
    response = client_for(stranger).get(f"/api/contests/{contest.pk}/certificate-template/")
    assert_error(response, 403, "not_permitted")


# --------------------------------------------------------------------------------------------
# Issuing and downloading


def test_issue_refused_before_list_is_final(client_for, organiser, contest, notice):
    response = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert_error(response, 409, "no_final_awards")


def test_issue_by_stranger_forbidden(client_for, stranger, contest, final_award):
    response = client_for(stranger).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert_error(response, 403, "not_permitted")


def test_issue_runs_task_with_progress(
    client_for, organiser, contest, final_award, django_capture_on_commit_callbacks
):
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert response.status_code == 202
    batch_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    polled = client.get(f"/api/certificate-batches/{batch_id}/").json()
    assert (polled["status"], polled["total"], polled["done"], polled["issued"]) == (
        "done",
        4,
        4,
        4,
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/api/contests/{contest.pk}/certificates/issue/")
    polled = client.get(f"/api/certificate-batches/{again.json()['id']}/").json()
    assert (polled["total"], polled["issued"]) == (0, 0)
    assert Certificate.objects.count() == 4


def test_winner_sees_own_and_team_certificates(client_for, captain, member, issued, team):
    mine = client_for(member).get("/api/certificates/mine/").json()
    assert sorted((c["recipient_role"], c["recipient_name"]) for c in mine) == [
        ("member", member.real_name),
        ("team", team.name),
    ]
    assert mine[0]["verify_url"].startswith("https://saiwu.example.cn/verify/")


def test_certificate_pdf_download_rules(
    client_for, captain, member, advisor, stranger, organiser, issued, team
):
    own = issued[f"member:{member.real_name}"]
    team_certificate = issued[f"team:{team.name}"]
    captains = issued[f"member:{captain.real_name}"]
    response = client_for(member).get(f"/api/certificates/{own.pk}/pdf/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        client_for(advisor).get(f"/api/certificates/{team_certificate.pk}/pdf/").status_code == 200
    )
    # Another member's personal certificate, a stranger, a non-winner: 404.
    assert client_for(member).get(f"/api/certificates/{captains.pk}/pdf/").status_code == 404
    assert client_for(stranger).get(f"/api/certificates/{own.pk}/pdf/").status_code == 404
    loser = TeamFactory(contest=team.contest).captain
    assert client_for(loser).get(f"/api/certificates/{team_certificate.pk}/pdf/").status_code == 404
    assert client_for(loser).get("/api/certificates/mine/").json() == []
    assert client_for(organiser).get(f"/api/certificates/{own.pk}/pdf/").status_code == 200


def test_anonymous_cannot_download(api_client, issued):
    certificate = next(iter(issued.values()))
    assert_error(
        api_client.get(f"/api/certificates/{certificate.pk}/pdf/"), 401, "not_authenticated"
    )


def test_certificates_zip_for_organisers(client_for, organiser, stranger, contest, issued):
    response = client_for(organiser).get(f"/api/contests/{contest.pk}/certificates.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    serials = sorted(c.serial for c in issued.values())
    assert names == [
        *[
            f"{c.serial}_{c.recipient_role}_{c.recipient_name}.pdf"
            for c in sorted(issued.values(), key=lambda c: c.seq)
        ],
        "manifest.csv",
    ]
    assert all(archive.read(n).startswith(b"%PDF") for n in names[:-1])
    manifest = archive.read("manifest.csv").decode("utf-8-sig").splitlines()
    assert [line.split(",")[0] for line in manifest[1:]] == serials
    assert_error(
        client_for(stranger).get(f"/api/contests/{contest.pk}/certificates.zip"),
        403,
        "not_permitted",
    )


def test_badge_is_signed_open_badge(client_for, member, stranger, issued):
    own = issued[f"member:{member.real_name}"]
    response = client_for(member).get(f"/api/certificates/{own.pk}/badge/")
    assert response.status_code == 200
    credential = response.json()
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert open_badge_verify(credential) is True
    assert client_for(stranger).get(f"/api/certificates/{own.pk}/badge/").status_code == 404


def test_stale_batch_does_not_block_issuing(
    client_for, organiser, contest, final_award, django_capture_on_commit_callbacks
):
    stale = CertificateBatch.objects.create(contest=contest, created_by=organiser)
    CertificateBatch.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert response.status_code == 202, response.content
    stale.refresh_from_db()
    assert (stale.status, stale.error) == ("failed", "timed out")


@pytest.mark.parametrize("count", [1, 3])
def test_batch_list_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    for _ in range(count):
        CertificateBatch.objects.create(contest=contest, created_by=organiser, status="done")
    client = client_for(organiser)
    with django_assert_num_queries(2):  # count, page
        response = client.get(f"/api/certificate-batches/?contest={contest.pk}")
    assert len(results(response)) == count


@pytest.mark.parametrize("count", [1, 3])
def test_certificates_mine_query_count_constant(
    client_for,
    member,
    contest,
    team,
    tiers,
    count,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
    organiser,
):
    for i in range(count):
        tier = tiers[0] if i == 0 else AwardTierFactory(contest=contest, order=5 + i)
        AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    client = client_for(member)
    with django_assert_num_queries(1):
        response = client.get("/api/certificates/mine/")
    assert len(response.json()) == 2 * count  # own + team per award


@pytest.mark.parametrize("count", [1, 3])
def test_certificate_list_query_count_constant(
    client_for,
    organiser,
    contest,
    team,
    tiers,
    count,
    django_assert_num_queries,
    django_capture_on_commit_callbacks,
):
    for i in range(count):
        tier = tiers[0] if i == 0 else AwardTierFactory(contest=contest, order=5 + i)
        AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    client = client_for(organiser)
    with django_assert_num_queries(2):  # count, page
        response = client.get(f"/api/certificates/?contest={contest.pk}")
    assert len(results(response)) == 2 * count  # captain + team per award


# --------------------------------------------------------------------------------------------
# Public verification


def test_verify_returns_only_public_facts(api_client, member, issued):
    own = issued[f"member:{member.real_name}"]
    response = api_client.get(f"/api/certificates/verify/{own.serial}/")
    assert response.status_code == 200
    assert response.json() == {
        "name": member.real_name,
        "award": "一等奖",
        "contest": own.contest_name,
        "date": own.issue_date.isoformat(),
        "status": "issued",
        "valid": True,
    }


def test_verify_tampered_field_invalid(api_client, member, issued):
    own = issued[f"member:{member.real_name}"]
    Certificate.objects.filter(pk=own.pk).update(award_name="特等奖")
    body = api_client.get(f"/api/certificates/verify/{own.serial}/").json()
    assert (body["award"], body["valid"]) == ("特等奖", False)


def test_verify_tampered_serial_invalid(api_client, member, issued):
    own = issued[f"member:{member.real_name}"]
    Certificate.objects.filter(pk=own.pk).update(serial="FAKE2026-000001")
    assert api_client.get("/api/certificates/verify/FAKE2026-000001/").json()["valid"] is False
    assert_error(
        api_client.get(f"/api/certificates/verify/{own.serial}/"), 404, "certificate_not_found"
    )


def test_revoke_through_api_shows_on_verify(client_for, api_client, organiser, member, issued):
    own = issued[f"member:{member.real_name}"]
    assert_error(
        client_for(member).post(f"/api/certificates/{own.pk}/revoke/", {"reason": "x"}),
        403,
        "not_permitted",
    )
    response = client_for(organiser).post(
        f"/api/certificates/{own.pk}/revoke/", {"reason": "获奖资格被取消"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked"
    body = api_client.get(f"/api/certificates/verify/{own.serial}/").json()
    assert (body["status"], body["valid"]) == ("revoked", False)


def test_verify_uploaded_pdf(api_client, member, issued):
    own = issued[f"member:{member.real_name}"]
    response = api_client.post(
        "/api/certificates/verify-pdf/",
        {"file": SimpleUploadedFile("c.pdf", own.pdf.open("rb").read())},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["valid"]) == (member.real_name, True)
    response = api_client.post(
        "/api/certificates/verify-pdf/",
        {"file": SimpleUploadedFile("c.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert_error(response, 404, "certificate_not_found")


def test_issuer_profile_publishes_key(api_client, db):
    body = api_client.get("/api/certificates/issuer/").json()
    assert body["id"] == "https://saiwu.example.cn/api/certificates/issuer/"
    assert body["did"].startswith("did:key:z")
