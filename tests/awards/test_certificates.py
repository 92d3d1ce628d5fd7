"""Certificates: template image checks, issuing only final awards (idempotent, with batch
progress), serials, signatures, verification against tampering, revocation, PDF metadata and
Open Badges."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from PIL import Image
from pypdf import PdfReader, PdfWriter

from awards.certificates.badges import open_badge_verify
from awards.certificates.serials import serial_parse
from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus, AwardTierKind, BatchStatus, CertificateStatus
from awards.models import Certificate, CertificateBatch
from awards.services.certificate import (
    certificate_badge,
    certificate_pdf_verify,
    certificate_revoke,
    certificate_verify_public,
)
from awards.services.certificate_batch import certificates_issue
from awards.services.certificate_template import certificate_template_update, image_check
from contest.enums import MemberRole
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from judging.models import AuditLog
from tests.factories.awards import AwardFactory, AwardTierFactory
from tests.factories.contest import (
    ContestFactory,
    OrganisationFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)

SIGNING_KEY = generate_signing_key_b64()


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CERTIFICATE_SIGNING_KEY = SIGNING_KEY
    settings.SITE_URL = "https://saiwu.example.cn"


def png(size, mode="RGB", colour=(250, 245, 230), name="bg.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue())


def seal_png(name="seal.png") -> SimpleUploadedFile:
    img = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    for x in range(50, 150):
        for y in range(50, 150):
            img.putpixel((x, y), (200, 20, 30, 220))
    buffer = io.BytesIO()
    img.save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def contest(db):
    return ContestFactory(code="sjys", name="数据要素×大赛江苏分赛", year=2026)


@pytest.fixture
def winners(contest):
    """One final 一等奖: a team with captain, a member and an advisor; one proposed 二等奖."""
    first = AwardTierFactory(contest=contest, name="一等奖", order=0)
    second = AwardTierFactory(contest=contest, name="二等奖", order=1)
    team = TeamFactory(contest=contest, name="星火团队", captain=UserFactory(real_name="张三"))
    member = TeamMemberFactory(team=team, user=UserFactory(real_name="李四")).user
    advisor = TeamMemberFactory(
        team=team, user=UserFactory(real_name="王老师"), role=MemberRole.ADVISOR
    ).user
    award = AwardFactory(contest=contest, tier=first, team=team, status=AwardStatus.FINAL, rank=1)
    AwardFactory(contest=contest, tier=second, status=AwardStatus.PROPOSED)
    return {"award": award, "team": team, "member": member, "advisor": advisor}


def issue(organiser, contest, capture):
    with capture(execute=True):
        batch = certificates_issue(actor=organiser, contest=contest)
    batch.refresh_from_db()
    return batch


# --------------------------------------------------------------------------------------------
# Template images


def test_image_check_a4_background_accepted(db):
    checked, size = image_check(png((1485, 1050)), purpose="background")
    assert (checked.file_type, size) == ("png", (1485, 1050))


def test_image_check_portrait_background_accepted(db):
    _, size = image_check(png((1050, 1485)), purpose="background")
    assert size == (1050, 1485)


def test_image_check_background_wrong_aspect_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        image_check(png((1600, 900)), purpose="background")  # 16:9
    assert exc.value.code == "image_aspect"


def test_image_check_too_many_pixels_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        image_check(png((7800, 5500), mode="1", colour=1), purpose="background")  # 42.9 MP
    assert exc.value.code == "image_too_many_pixels"


def test_image_check_decompression_bomb_refused(db):
    # A header declaring 20000 × 10000 pixels (above Pillow's own bomb limit) is refused as too big.
    data = bytearray(png((148, 105), mode="1", colour=1).read())
    data[16:24] = struct.pack(">II", 20000, 10000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    with pytest.raises(ValidationFailed) as exc:
        image_check(SimpleUploadedFile("bg.png", bytes(data)), purpose="background")
    assert exc.value.code == "image_too_many_pixels"


def test_image_check_damaged_png_refused(db):
    data = png((1485, 1050)).read()
    broken = SimpleUploadedFile("bg.png", data[:60] + b"\x00" * 40 + data[100:])
    with pytest.raises(ValidationFailed) as exc:
        image_check(broken, purpose="background")
    assert exc.value.code == "image_invalid"


def test_image_check_not_an_image_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        image_check(SimpleUploadedFile("bg.png", b"%PDF-1.4\n%%EOF\n"), purpose="background")
    assert exc.value.code == "file_content_mismatch"


def test_image_check_seal_without_alpha_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        image_check(png((200, 200), name="seal.png"), purpose="seal")
    assert exc.value.code == "seal_needs_alpha"


def test_image_check_seal_opaque_alpha_refused(db):
    with pytest.raises(ValidationFailed) as exc:
        image_check(png((200, 200), mode="RGBA", colour=(200, 0, 0, 255)), purpose="seal")
    assert exc.value.code == "seal_needs_alpha"


def test_image_check_seal_with_transparency_accepted(db):
    checked, _ = image_check(seal_png(), purpose="seal")
    assert checked.file_type == "png"


def test_template_update_stores_images_and_fields(organiser, contest):
    template = certificate_template_update(
        actor=organiser,
        contest=contest,
        background=png((1485, 1050)),
        seal=seal_png(),
        seal_right_confirmed=True,
        issuing_bodies=["江苏省数据局", "江苏省人才办"],
        serial_prefix="sjys",
        positions={"title_y": 0.8, "qr_center": [0.84, 0.2]},
    )
    assert template.background.name.startswith("sjys/certificates/template/background-")
    assert template.seal_sha256 != ""
    assert (template.serial_prefix, template.issuing_bodies) == (
        "SJYS",
        ["江苏省数据局", "江苏省人才办"],
    )
    assert template.positions == {"title_y": 0.8, "qr_center": [0.84, 0.2]}


def test_template_update_bad_position_refused(organiser, contest):
    with pytest.raises(ValidationFailed) as exc:
        certificate_template_update(actor=organiser, contest=contest, positions={"title_y": 3})
    assert exc.value.code == "positions_invalid"


def test_template_update_unknown_placeholder_refused(organiser, contest):
    with pytest.raises(ValidationFailed) as exc:
        certificate_template_update(
            actor=organiser, contest=contest, wording_team="{name}荣获{prize}"
        )
    assert exc.value.code == "wording_placeholder"


def test_template_update_by_stranger_refused(contest):
    with pytest.raises(NotPermitted):
        certificate_template_update(actor=UserFactory(), contest=contest, title="荣誉证书")


# --------------------------------------------------------------------------------------------
# Issuing


def test_certificates_issue_team_members_advisor(
    organiser, contest, winners, django_capture_on_commit_callbacks
):
    certificate_template_update(
        actor=organiser, contest=contest, serial_prefix="SJYS", issuing_bodies=["江苏省数据局"]
    )
    batch = issue(organiser, contest, django_capture_on_commit_callbacks)
    assert (batch.status, batch.total, batch.done, batch.issued) == (BatchStatus.DONE, 4, 4, 4)
    rows = list(
        Certificate.objects.order_by("seq").values_list(
            "serial", "recipient_role", "recipient_name", "award_name", "team_name"
        )
    )
    assert [row[1:] for row in rows] == [
        ("team", "星火团队", "一等奖", "星火团队"),
        ("member", "张三", "一等奖", "星火团队"),
        ("member", "李四", "一等奖", "星火团队"),
        ("advisor", "王老师", "一等奖", "星火团队"),
    ]
    # Serials: the prefix and year, 10 random characters and a check character; all different.
    serials = [row[0] for row in rows]
    assert [(s[:9], len(s), serial_parse(s).kind) for s in serials] == [
        ("SJYS2026-", 20, "current")
    ] * 4
    assert len(set(serials)) == 4
    first = Certificate.objects.get(seq=1)
    pdf = first.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert first.issuing_bodies == ["江苏省数据局"]
    log = AuditLog.objects.get(action="certificates.issue")
    assert log.data["count"] == 4


def test_certificates_issue_twice_issues_nothing_twice(
    organiser, contest, winners, django_capture_on_commit_callbacks
):
    issue(organiser, contest, django_capture_on_commit_callbacks)
    second = issue(organiser, contest, django_capture_on_commit_callbacks)
    assert (second.status, second.total, second.done, second.issued) == (BatchStatus.DONE, 0, 0, 0)
    assert Certificate.objects.count() == 4
    # A member who joined later gets only their own certificate.
    TeamMemberFactory(team=winners["team"], user=UserFactory(real_name="赵六"))
    third = issue(organiser, contest, django_capture_on_commit_callbacks)
    assert (third.total, third.issued) == (1, 1)
    assert Certificate.objects.order_by("seq").last().recipient_name == "赵六"
    assert Certificate.objects.count() == 5


def test_certificate_unique_constraint_backs_idempotency(
    organiser, contest, winners, django_capture_on_commit_callbacks
):
    issue(organiser, contest, django_capture_on_commit_callbacks)
    existing = Certificate.objects.get(recipient_name="李四")
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            contest=contest,
            award=existing.award,
            seq=99,
            serial="X-99",
            recipient_role="member",
            user=existing.user,
            recipient_name="李四",
            award_name="一等奖",
            contest_name=contest.name,
            issue_date=existing.issue_date,
            signature="x",
        )


def test_certificates_issue_organisation_award(
    organiser, contest, django_capture_on_commit_callbacks
):
    tier = AwardTierFactory(
        contest=contest, name="优秀组织奖", kind=AwardTierKind.ORGANISER, quota_count=None
    )
    org = OrganisationFactory(name="南京市数据局")
    AwardFactory(contest=contest, tier=tier, team=None, organisation=org, status=AwardStatus.FINAL)
    issue(organiser, contest, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    assert (certificate.recipient_role, certificate.recipient_name, certificate.user) == (
        "organisation",
        "南京市数据局",
        None,
    )


def test_certificates_issue_without_final_awards_refused(organiser, contest):
    AwardFactory(contest=contest, status=AwardStatus.IN_NOTICE)
    with pytest.raises(StateConflict) as exc:
        certificates_issue(actor=organiser, contest=contest)
    assert exc.value.code == "no_final_awards"


def test_certificates_issue_name_missing_glyph_refused(organiser, contest, winners):
    TeamMemberFactory(team=winners["team"], user=UserFactory(real_name="王𠮷"))
    with pytest.raises(ValidationFailed) as exc:
        certificates_issue(actor=organiser, contest=contest)
    assert exc.value.code == "names_missing_glyphs"
    assert exc.value.details["glyph_issues"] == [
        {"role": "member", "name": "王𠮷", "missing": ["𠮷"]}
    ]
    assert CertificateBatch.objects.count() == 0


def test_certificates_issue_while_batch_running_refused(organiser, contest, winners):
    CertificateBatch.objects.create(contest=contest, created_by=organiser, status="running")
    with pytest.raises(StateConflict) as exc:
        certificates_issue(actor=organiser, contest=contest)
    assert exc.value.code == "batch_running"


def test_certificates_issue_by_stranger_refused(contest, winners):
    with pytest.raises(NotPermitted):
        certificates_issue(actor=UserFactory(), contest=contest)


def test_certificate_batch_failure_recorded(
    organiser, contest, winners, django_capture_on_commit_callbacks, settings, tmp_path
):
    # The storage cannot write (MEDIA_ROOT is a file, not a directory): every row fails.
    blocked = tmp_path / "not-a-directory"
    blocked.write_bytes(b"")
    settings.MEDIA_ROOT = str(blocked)
    batch = issue(organiser, contest, django_capture_on_commit_callbacks)
    rows = batch.total
    assert rows > 0
    assert (batch.status, batch.issued, batch.failed, batch.skipped, batch.done) == (
        BatchStatus.FAILED,
        0,
        rows,
        0,
        rows,
    )
    assert "Not a directory" in batch.error and f"failed {rows}" in batch.error
    assert not Certificate.objects.filter(contest=contest).exists()


# --------------------------------------------------------------------------------------------
# Verification, tampering, revocation


@pytest.fixture
def issued(organiser, contest, winners, django_capture_on_commit_callbacks):
    certificate_template_update(actor=organiser, contest=contest, serial_prefix="SJYS")
    issue(organiser, contest, django_capture_on_commit_callbacks)
    return Certificate.objects.get(recipient_name="李四")


def test_verify_genuine_certificate(issued):
    assert certificate_verify_public(serial=issued.serial) == {
        "name": "李四",
        "award": "一等奖",
        "contest": "数据要素×大赛江苏分赛",
        "date": issued.issue_date.isoformat(),
        "status": "issued",
        "valid": True,
        "revoke_reason": "",
        "replaced_by": None,
        "replaces": None,
    }


def test_verify_serial_case_insensitive(issued):
    assert certificate_verify_public(serial=issued.serial.lower())["valid"] is True


def test_verify_unknown_serial_is_none(issued):
    assert certificate_verify_public(serial="SJYS2026-999999") is None


def test_verify_tampered_name_fails(issued):
    Certificate.objects.filter(pk=issued.pk).update(recipient_name="李四四")
    facts = certificate_verify_public(serial=issued.serial)
    assert (facts["name"], facts["valid"]) == ("李四四", False)


def test_verify_tampered_award_fails(issued):
    Certificate.objects.filter(pk=issued.pk).update(award_name="特等奖")
    assert certificate_verify_public(serial=issued.serial)["valid"] is False


def test_verify_tampered_serial_fails(issued):
    Certificate.objects.filter(pk=issued.pk).update(serial="SJYS2026-000777")
    assert certificate_verify_public(serial="SJYS2026-000777")["valid"] is False


def test_verify_copied_signature_fails(issued):
    other = Certificate.objects.get(recipient_name="张三")
    Certificate.objects.filter(pk=other.pk).update(signature=issued.signature)
    assert certificate_verify_public(serial=other.serial)["valid"] is False


def test_revoke_shows_revoked(organiser, issued):
    old_sha = issued.sha256
    certificate = certificate_revoke(actor=organiser, certificate=issued, reason="获奖资格被取消")
    assert certificate_verify_public(serial=issued.serial) == {
        "name": "李四",
        "award": "一等奖",
        "contest": "数据要素×大赛江苏分赛",
        "date": issued.issue_date.isoformat(),
        "status": "revoked",
        "valid": False,
        "revoke_reason": "获奖资格被取消",
        "replaced_by": None,
        "replaces": None,
    }
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.sha256 != old_sha  # re-rendered with the watermark
    log = AuditLog.objects.get(action="certificate.revoke")
    assert (log.reason, log.data["serial"]) == ("获奖资格被取消", issued.serial)
    with pytest.raises(StateConflict) as exc:
        certificate_revoke(actor=organiser, certificate=certificate, reason="again")
    assert exc.value.code == "certificate_revoked"


def test_revoke_needs_reason_and_organiser(organiser, issued):
    with pytest.raises(ValidationFailed):
        certificate_revoke(actor=organiser, certificate=issued, reason="")
    with pytest.raises(NotPermitted):
        certificate_revoke(actor=UserFactory(), certificate=issued, reason="x")


def test_pdf_metadata_signature_verifies(issued):
    facts = certificate_pdf_verify(fileobj=issued.pdf.open("rb"))
    assert (facts["name"], facts["valid"]) == ("李四", True)


def test_pdf_metadata_tampered_fails(issued):
    reader = PdfReader(issued.pdf.open("rb"))
    writer = PdfWriter(clone_from=reader)
    content = str(reader.metadata["/SaiwuCertificate"]).replace("李四", "李五")
    writer.add_metadata({"/SaiwuCertificate": content})
    out = io.BytesIO()
    writer.write(out)
    out.seek(0)
    assert certificate_pdf_verify(fileobj=out)["valid"] is False


def test_pdf_without_signature_is_none(db):
    assert certificate_pdf_verify(fileobj=io.BytesIO(b"%PDF-1.4\n%%EOF\n")) is None


def test_open_badge_is_signed(issued):
    credential = certificate_badge(certificate=issued)
    assert open_badge_verify(credential) is True
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "李四"
    assert credential["id"] == f"https://saiwu.example.cn/verify/{issued.serial}"
    credential["credentialSubject"]["identifier"][0]["identityHash"] = "李五"
    assert open_badge_verify(credential) is False


def test_pdf_info_append_is_a_valid_incremental_update(issued):
    from awards.certificates.metadata import pdf_info_append

    original = issued.pdf.open("rb").read()
    updated = pdf_info_append(original, {"/Note": "复核通过"})
    assert updated.startswith(original)
    metadata = PdfReader(io.BytesIO(updated), strict=True).metadata
    assert (metadata["/Note"], metadata["/SaiwuSignature"]) == ("复核通过", issued.signature)
