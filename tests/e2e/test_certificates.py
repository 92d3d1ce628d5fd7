"""Certificates: a winner finds their certificates; anyone verifies one by serial (the QR code's
/verify/<serial> link) and an unknown serial is refused clearly."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, shot
from .helpers import field, login

pytestmark = pytest.mark.browser


@pytest.fixture
def certificates(world, settings):
    """A final 一等奖 for 先锋队 and its certificates (team + captain), issued by the service."""
    from awards.certificates.signing import generate_signing_key_b64
    from awards.enums import AwardStatus, AwardTierKind
    from awards.models import Award, AwardTier, Certificate
    from awards.services.certificate_batch import certificates_issue

    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    contest = world.contest
    team = contest.teams.get(name="先锋队")
    tier = AwardTier.objects.create(
        contest=contest, name="一等奖", kind=AwardTierKind.RANKED, quota_count=1, order=0
    )
    Award.objects.create(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)
    certificates_issue(actor=world.organiser, contest=contest)  # eager: runs on commit
    issued = list(Certificate.objects.filter(contest=contest).order_by("seq"))
    assert len(issued) == 2, issued
    return issued


def test_certificates_mine_and_public_verification(live_server, new_page, certificates):
    base = live_server.url
    page = new_page()
    login(page, base, login="captain1@example.com", password=PASSWORD, next_path="/certificates")
    table = page.get_by_test_id("my-certificates")
    expect(table.locator(".el-table__body-wrapper tbody tr")).to_have_count(2)
    expect(table).to_contain_text("一等奖")
    expect(table).to_contain_text("2026 揭榜挂帅专项赛")
    shot(page, "desktop-my-certificates")

    # The QR code leads to /verify/<serial>: anyone, on a phone, sees that it is genuine.
    serial = certificates[1].serial
    phone = new_page(phone=True)
    phone.goto(f"{base}/verify/{serial}")
    result = phone.get_by_test_id("verify-result")
    expect(result).to_have_attribute("data-valid", "true")
    expect(result).to_contain_text("证书真实有效")
    expect(phone.get_by_test_id("certificate-verify")).to_contain_text("队长1")
    shot(phone, "phone-certificate-verify")

    field(phone, "verify-serial").fill("NO-SUCH-SERIAL")
    phone.get_by_test_id("verify-submit").click()
    expect(phone).to_have_url(re.compile(r"/verify/NO-SUCH-SERIAL$"))
    expect(phone.get_by_test_id("form-error")).to_contain_text("未找到该编号的证书")
    expect(phone.get_by_test_id("verify-result")).to_have_count(0)


def test_verify_pdf_genuine_then_one_byte_changed(live_server, new_page, certificates, tmp_path):
    """The PDF itself: the genuine file verifies with its digital signature named; the same file
    with one byte changed is refused with the reason in Chinese."""
    mine = certificates[1]
    genuine = tmp_path / f"{mine.serial}.pdf"
    genuine.write_bytes(mine.pdf.read())
    data = bytearray(genuine.read_bytes())
    data[len(data) // 3] ^= 0x01
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(bytes(data))

    page = new_page()
    page.goto(f"{live_server.url}/verify")
    upload = page.get_by_test_id("certificate-verify").locator("input[type=file]")
    upload.set_input_files(str(genuine))
    expect(page.get_by_test_id("verify-result")).to_have_attribute("data-valid", "true")
    expect(page.get_by_test_id("verify-signer")).to_be_visible()
    expect(page.get_by_test_id("issuer-certificate")).to_have_attribute(
        "href", "/api/certificates/issuer/?download=der"
    )

    upload.set_input_files(str(altered))
    expect(page.get_by_test_id("verify-result")).to_have_attribute("data-valid", "false")
    reason = page.get_by_test_id("verify-reason")
    expect(reason).to_have_attribute("data-reason", "pdf_signature_broken")
    expect(reason).to_contain_text("该 PDF 的电子签名已损坏")
    shot(page, "desktop-verify-pdf-altered")


def test_winner_downloads_certificate_pdf_and_badge(live_server, new_page, certificates):
    base = live_server.url
    page = new_page()
    login(page, base, login="captain1@example.com", password=PASSWORD, next_path="/certificates")
    mine = certificates[1]  # the captain's own certificate
    link = page.get_by_test_id(f"pdf-{mine.pk}")
    expect(link).to_have_attribute("href", f"/api/certificates/{mine.pk}/pdf/")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == f"{mine.serial}.pdf"
    response = page.request.get(f"{base}/api/certificates/{mine.pk}/pdf/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    badge = page.get_by_test_id(f"badge-{mine.pk}")
    expect(badge).to_have_attribute("href", f"/api/certificates/{mine.pk}/badge/")
    credential = page.request.get(f"{base}/api/certificates/{mine.pk}/badge/")
    assert credential.status == 200
    assert "OpenBadgeCredential" in credential.text()

    phone = new_page(phone=True)
    login_phone = phone
    login_phone.goto(f"{base}/login?next=/certificates")
    field(phone, "login-login").fill("captain1@example.com")
    field(phone, "login-password").fill(PASSWORD)
    phone.get_by_test_id("login-submit").click()
    expect(phone.get_by_test_id(f"pdf-{mine.pk}")).to_be_visible()
    shot(phone, "phone-my-certificates")


@pytest.fixture
def final_award(world, settings):
    """A final 一等奖 for 先锋队 and no certificate yet."""
    from awards.certificates.signing import generate_signing_key_b64
    from awards.enums import AwardStatus, AwardTierKind
    from awards.models import Award, AwardTier

    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    contest = world.contest
    tier = AwardTier.objects.create(
        contest=contest, name="一等奖", kind=AwardTierKind.RANKED, quota_count=1, order=0
    )
    team = contest.teams.get(name="先锋队")
    return Award.objects.create(
        contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1
    )


def test_organiser_issues_certificates_with_progress(live_server, new_page, final_award):
    base = live_server.url
    contest = final_award.contest
    page = new_page()
    login(
        page,
        base,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{contest.pk}?tab=awards",
    )
    expect(page.get_by_test_id("awards-table")).to_contain_text("已确定")
    page.get_by_test_id("issue-certificates").click()
    batch = page.get_by_test_id("certificate-batch")
    expect(batch).to_have_attribute("data-status", "done", timeout=30_000)
    expect(batch).to_contain_text("2 / 2")
    expect(batch.locator(".el-progress__text, .el-progress__icon").first).to_be_visible()
    zip_link = page.get_by_test_id("certificates-zip")
    expect(zip_link).to_have_attribute("href", f"/api/contests/{contest.pk}/certificates.zip")
    response = page.request.get(f"{base}/api/contests/{contest.pk}/certificates.zip")
    assert response.status == 200
    assert response.headers["content-type"] == "application/zip"
    shot(page, "desktop-organiser-certificates")
