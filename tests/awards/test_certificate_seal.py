"""Seals only from the organiser (issue 12): producing an official seal is a legal matter, so a
certificate carries a seal only when one was uploaded. With none, the issuing bodies' names are
plain text and nothing seal-like is drawn: the rendered page is looked at, pixel by pixel, in the
area where a seal would sit."""

import datetime as dt
import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from awards.certificates.layout import CertificateData, CertificateLayout
from awards.certificates.render import render_certificate
from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus
from awards.models import Certificate
from awards.services.certificate_batch import certificates_issue
from awards.services.certificate_template import certificate_template_update
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
