"""Certificates through the API: the template, issuing, downloads, badges, revoking and public
verification, as each role: anonymous visitor, stranger, winner, organiser."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from awards.certificates.badges import open_badge_verify
from awards.enums import AwardStatus
from awards.models import Certificate, CertificateBatch
from tests.api.awards.conftest import png_bytes
from tests.api.helpers import PDF_BYTES, assert_error, results
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
)
from tests.factories.contest import TeamFactory

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
            "seal_right_confirmed": "true",
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
    serials = [c.serial for c in sorted(issued.values(), key=lambda c: c.seq)]
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
        "revoke_reason": "",
        "replaced_by": None,
        "replaces": None,
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
