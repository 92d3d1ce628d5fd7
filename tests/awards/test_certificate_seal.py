"""Seals only from the organiser (issue 12): producing an official seal is a legal matter, so a
certificate carries a seal only when one was uploaded. With none, the issuing bodies' names are
plain text and nothing seal-like is drawn: the rendered page is looked at, pixel by pixel, in the
area where a seal would sit."""

import datetime as dt
import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from pypdf import PdfReader

from awards.certificates.layout import CertificateData, CertificateLayout
from awards.certificates.render import render_certificate
from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus
from awards.models import Certificate
from awards.services.certificate_batch import certificates_issue
from awards.services.certificate_template import certificate_layout, certificate_template_update
from contest.errors import ValidationFailed
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.factories.awards import AwardFactory, AwardTierFactory

BODIES = ("江苏省数据局", "江苏省工业和信息化厅")
SCALE = 2  # pixels per point


def _data() -> CertificateData:
    return CertificateData(
        serial="SJYS2026-7K3QX9M2TDH",
        recipient_name="李四",
        recipient_role="member",
        team_name="星火团队",
        award_name="一等奖",
        contest_name="数据要素×大赛江苏分赛",
        track_name="",
        issue_date=dt.date(2026, 11, 21),
        verification_url="https://saiwu.example.cn/verify/SJYS2026-7K3QX9M2TDH",
        issuing_bodies=BODIES,
    )


def _seal_area_red_pixels(pdf: bytes, layout: CertificateLayout) -> int:
    """Seal-red pixels in the block of the issuing bodies, a seal's diameter around its centre."""
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=SCALE).to_pil().convert("RGB")
    width, height = layout.page_size
    cx, cy = width * layout.bodies_center[0], height * layout.bodies_center[1]
    reach = height * layout.seal_size
    box = (
        round((cx - reach) * SCALE),
        round((height - cy - reach) * SCALE),
        round((cx + reach) * SCALE),
        round((height - cy + reach * 0.6) * SCALE),
    )
    area = np.asarray(image.crop(box), dtype=np.int16)
    r, g, b = area[..., 0], area[..., 1], area[..., 2]
    return int(np.count_nonzero((r > 150) & (g < 110) & (b < 110) & (r - g > 80)))


def _images(pdf: bytes) -> int:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return len(page["/Resources"].get("/XObject", {}))


def _uploaded_seal(path) -> str:
    seal = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse([10, 10, 290, 290], outline=(200, 22, 29, 255), width=14)
    seal.save(path)
    return str(path)


def test_no_uploaded_seal_draws_no_seal():
    layout = CertificateLayout(issuing_bodies=BODIES)
    pdf = render_certificate(layout, _data())
    assert _seal_area_red_pixels(pdf, layout) == 0
    assert _images(pdf) == 1  # the background only
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert all(body in text for body in BODIES)  # the names, as plain text


def test_uploaded_seal_is_drawn(tmp_path):
    """The same look at the page finds an uploaded seal: the check above would see a drawn one."""
    layout = CertificateLayout(issuing_bodies=BODIES, seal_path=_uploaded_seal(tmp_path / "s.png"))
    pdf = render_certificate(layout, _data())
    assert _seal_area_red_pixels(pdf, layout) > 1000
    assert _images(pdf) == 2


@pytest.fixture
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    settings.SITE_URL = "https://saiwu.example.cn"


def test_issued_certificate_without_uploaded_seal_has_none(
    _signing, organiser, contest, team, member, django_capture_on_commit_callbacks
):
    """Through the service, with issuing bodies like the demo's and no seal uploaded."""
    certificate_template_update(actor=organiser, contest=contest, issuing_bodies=list(BODIES))
    tier = AwardTierFactory(contest=contest, name="一等奖", order=0)
    AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue(actor=organiser, contest=contest)
    certificate = Certificate.objects.get(user=member)
    pdf = certificate.pdf.read()
    assert _seal_area_red_pixels(pdf, CertificateLayout()) == 0
    assert _images(pdf) == 1


def _seal_upload() -> SimpleUploadedFile:
    seal = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(seal).ellipse([10, 10, 290, 290], outline=(200, 22, 29, 255), width=14)
    buffer = io.BytesIO()
    seal.save(buffer, "PNG")
    return SimpleUploadedFile("seal.png", buffer.getvalue(), content_type="image/png")


def _rendered(template) -> bytes:
    return render_certificate(certificate_layout(template), _data())


def test_seal_upload_without_confirmation_refused_and_nothing_kept(organiser, contest):
    with pytest.raises(ValidationFailed) as exc:
        certificate_template_update(
            actor=organiser, contest=contest, issuing_bodies=list(BODIES), seal=_seal_upload()
        )
    assert exc.value.code == "seal_right_unconfirmed"
    assert exc.value.fields == {"seal_right_confirmed": ["seal_right_unconfirmed"]}
    template = certificate_template_update(
        actor=organiser, contest=contest, issuing_bodies=list(BODIES)
    )
    assert not template.seal and not template.seal_usable
    assert _seal_area_red_pixels(_rendered(template), certificate_layout(template)) == 0


def test_seal_printed_only_while_confirmed_and_each_step_on_the_audit_chain(organiser, contest):
    """Uploaded and confirmed → drawn; confirmation withdrawn (a seal uploaded, not confirmed) →
    none; confirmed again → drawn. Who and when are on the template and on the audit chain."""
    template = certificate_template_update(
        actor=organiser,
        contest=contest,
        issuing_bodies=list(BODIES),
        seal=_seal_upload(),
        seal_right_confirmed=True,
    )
    assert (template.seal_confirmed_by, template.seal_usable) == (organiser, True)
    layout = certificate_layout(template)
    pdf = _rendered(template)
    assert _seal_area_red_pixels(pdf, layout) > 1000
    assert _images(pdf) == 2
    confirm = AuditLog.objects.get(contest=contest, action="certificate_template.seal_confirm")
    assert confirm.actor_id == organiser.pk
    assert confirm.data["seal_sha256"] == template.seal_sha256
    assert confirm.data["confirmed_at"] == template.seal_confirmed_at.isoformat()

    template = certificate_template_update(
        actor=organiser, contest=contest, seal_right_confirmed=False
    )
    assert template.seal and not template.seal_usable  # uploaded, not confirmed
    assert template.seal_confirmed_by is None
    pdf = _rendered(template)
    assert _seal_area_red_pixels(pdf, layout) == 0
    assert _images(pdf) == 1
    assert AuditLog.objects.filter(
        contest=contest, action="certificate_template.seal_withdraw"
    ).exists()

    certificate_template_update(actor=organiser, contest=contest, seal_right_confirmed=True)
    template.refresh_from_db()
    assert _seal_area_red_pixels(_rendered(template), layout) > 1000
    assert (
        AuditLog.objects.filter(contest=contest, action="certificate_template.seal_confirm").count()
        == 2
    )
    assert audit_verify(contest=contest).ok


def test_template_api_needs_the_confirmation_to_keep_a_seal(client_for, organiser, contest):
    url = f"/api/contests/{contest.pk}/certificate-template/"
    client = client_for(organiser)
    refused = client.patch(url, {"seal": _seal_upload()}, format="multipart")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "seal_right_unconfirmed"
    assert body["message_zh"] and body["message_en"]
    assert body["fields"] == {"seal_right_confirmed": ["seal_right_unconfirmed"]}
    assert client.get(url).json()["has_seal"] is False
    done = client.patch(
        url, {"seal": _seal_upload(), "seal_right_confirmed": "true"}, format="multipart"
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (body["has_seal"], body["seal_usable"]) == (True, True)
    assert body["seal_confirmed_by_name"] == organiser.real_name
    assert body["seal_confirmed_at"]


def test_demo_seal_is_visibly_marked_sample(db):
    """The demo's uploaded seal passes the organiser's image check and carries the black
    "样例 SAMPLE" band (dark pixels across its middle), so a demo certificate is never mistaken."""
    from awards.services.certificate_template import image_check
    from demo.awards import SAMPLE_MARK, sample_seal_png

    upload = sample_seal_png()
    checked, (width, height) = image_check(upload, purpose="seal")
    assert checked.file_type == "png" and SAMPLE_MARK == "样例 SAMPLE"
    upload.seek(0)
    pixels = np.asarray(Image.open(upload).convert("RGBA"), dtype=np.int16)
    middle = pixels[int(height * 0.35) : int(height * 0.7)]
    dark = (middle[..., 3] > 200) & (middle[..., :3].max(axis=-1) < 60)
    assert int(dark.sum()) > 1000
