import datetime as dt
import io
import re

import pypdf
import pypdfium2 as pdfium
import pytest
import segno
import zxingcpp
from PIL import Image, ImageDraw

from awards.certificates.fonts import missing_glyphs
from awards.certificates.layout import CertificateData, CertificateLayout
from awards.certificates.qr import qr_matrix
from awards.certificates.render import render_certificate, render_certificates_combined
from awards.certificates.wording import certificate_missing_glyphs

URL = "https://saiwu.example.cn/verify/SW-2025-GY-000123"


@pytest.fixture
def layout():
    return CertificateLayout(issuing_bodies=("省人力资源和社会保障厅", "省人才工作领导小组办公室"))


def _data(**overrides):
    fields = dict(
        serial="SW-2025-GY-000123",
        recipient_name="欧阳喆堃",
        recipient_role="member",
        team_name="玥光智造队",
        award_name="一等奖",
        contest_name="第三届“赛务杯”创新创业大赛",
        track_name="工业制造",
        issue_date=dt.date(2025, 11, 21),
        verification_url=URL,
    )
    fields.update(overrides)
    return CertificateData(**fields)


def _text(pdf: bytes, page: int = 0) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[page].extract_text()


def _page_image(pdf: bytes, page: int = 0, dpi: int = 200) -> Image.Image:
    return pdfium.PdfDocument(pdf)[page].render(scale=dpi / 72).to_pil()


def test_render_certificate_text_extracts_chinese(layout):
    pdf = render_certificate(layout, _data())
    text = _text(pdf)

    assert pdf.startswith(b"%PDF-")
    assert "欧阳喆堃：" in text
    assert "“玥光智造队”成员" in text
    assert "第三届“赛务杯”创新创业大赛工业制造赛道" in text
    assert "\n一等奖\n" in text
    assert "证书编号：SW-2025-GY-000123" in text
    assert "省人力资源和社会保障厅" in text
    assert "2025年11月21日" in text
    assert "扫码验证" in text
    assert "Scan to verify" in text


def test_render_certificate_rare_name_characters_extract(layout):
    for name in ("张喆", "李堃", "王玥"):
        assert f"{name}：" in _text(render_certificate(layout, _data(recipient_name=name)))


def test_render_certificate_advisor_wording(layout):
    text = _text(
        render_certificate(layout, _data(recipient_name="司马堃", recipient_role="advisor"))
    )

    assert "司马堃 老师：" in text
    assert "所指导的“玥光智造队”在" in text


def test_render_certificate_team_without_track(layout):
    pdf = render_certificate(
        layout, _data(recipient_name="玥光智造队", recipient_role="team", track_name="")
    )
    text = _text(pdf)

    assert "玥光智造队：" in text
    assert "在第三届“赛务杯”创新创业大赛中表现优异" in text


def test_render_certificate_qr_decodes_to_verification_url(layout):
    image = _page_image(render_certificate(layout, _data()))

    results = zxingcpp.read_barcodes(image)

    assert [(r.format, r.text) for r in results] == [(zxingcpp.BarcodeFormat.QRCode, URL)]


def test_render_certificate_font_embedded_as_subset(layout):
    reader = pypdf.PdfReader(io.BytesIO(render_certificate(layout, _data())))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]

    assert len(fonts) == 1
    font = fonts[0]
    assert font["/Subtype"] == "/TrueType"
    assert re.fullmatch(r"/[A-Z]{6}\+WenQuanYiMicroHei-0", font["/BaseFont"])
    embedded = font["/FontDescriptor"].get_object()["/FontFile2"].get_object().get_data()
    # A subset: the whole TTC is 5 MB.
    assert 10_000 < len(embedded) < 150_000
    assert "/ToUnicode" in font


def test_render_certificate_revoked_carries_void_stamp(layout):
    assert "已撤销" in _text(render_certificate(layout, _data(status="revoked")))
    assert "已撤销" not in _text(render_certificate(layout, _data(status="issued")))


def test_render_certificate_unknown_role_raises(layout):
    with pytest.raises(ValueError):
        render_certificate(layout, _data(recipient_role="judge"))


def test_render_certificate_unknown_placeholder_raises():
    layout = CertificateLayout(wording_member="{name}：\n获得{prize}")

    with pytest.raises(ValueError):
        render_certificate(layout, _data())


def test_render_certificate_uploaded_png_background_and_seal(tmp_path):
    background = tmp_path / "bg.png"
    Image.new("RGBA", (842, 595), (240, 250, 255, 255)).save(background)
    seal = tmp_path / "seal.png"
    seal_image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(seal_image).ellipse([10, 10, 190, 190], outline=(200, 0, 0, 255), width=12)
    seal_image.save(seal)
    layout = CertificateLayout(
        background_path=str(background), seal_path=str(seal), issuing_bodies=("大赛组委会",)
    )

    reader = pypdf.PdfReader(io.BytesIO(render_certificate(layout, _data())))
    images = [x.get_object() for x in reader.pages[0]["/Resources"]["/XObject"].values()]

    by_filter = sorted((str(i["/Filter"][0]), i["/Width"], "/SMask" in i) for i in images)
    assert by_filter == [("/DCTDecode", 842, False), ("/FlateDecode", 200, True)]


def test_render_certificate_page_is_a4_landscape(layout):
    page = pypdf.PdfReader(io.BytesIO(render_certificate(layout, _data()))).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)


def test_render_certificates_combined_one_page_each(layout):
    items = [
        _data(serial=f"SW-2025-GY-00012{i}", recipient_name=name, verification_url=f"{URL}{i}")
        for i, name in enumerate(["张喆", "李堃", "王玥"])
    ]

    pdf = render_certificates_combined(layout, items)
    reader = pypdf.PdfReader(io.BytesIO(pdf))

    assert len(reader.pages) == 3
    for i, name in enumerate(["张喆", "李堃", "王玥"]):
        text = reader.pages[i].extract_text()
        assert f"{name}：" in text
        assert f"证书编号：SW-2025-GY-00012{i}" in text
    assert [o.title for o in reader.outline] == [
        "SW-2025-GY-000120 张喆",
        "SW-2025-GY-000121 李堃",
        "SW-2025-GY-000122 王玥",
    ]
    # The background is shared by all pages; no seal was uploaded, so none is drawn.
    xobjects = {str(x.idnum) for p in reader.pages for x in p["/Resources"]["/XObject"].values()}
    assert len(xobjects) == 1


def test_render_certificates_combined_qr_per_page(layout):
    items = [_data(serial=f"S{i}", verification_url=f"{URL}-{i}") for i in range(2)]
    pdf = render_certificates_combined(layout, items)

    decoded = [zxingcpp.read_barcodes(_page_image(pdf, page))[0].text for page in range(2)]

    assert decoded == [f"{URL}-0", f"{URL}-1"]


def test_missing_glyphs_extension_b_character_flagged():
    assert missing_glyphs("张𠀀") == ["𠀀"]


def test_missing_glyphs_rare_name_characters_present():
    assert missing_glyphs("喆堃玥 欧阳") == []


def test_missing_glyphs_reports_each_character_once():
    assert missing_glyphs("𠀀𠀁𠀀") == ["𠀀", "𠀁"]


def test_certificate_missing_glyphs_checks_recipient_name(layout):
    assert certificate_missing_glyphs(layout, _data(recipient_name="王𠀀")) == ["𠀀"]
    assert certificate_missing_glyphs(layout, _data()) == []


def test_qr_matrix_same_as_segno_automatic_mask():
    urls = [
        f"https://saiwu.example.cn/verify/SW-2025-{track}-{n:06d}"
        for track in ("GY", "YL")
        for n in range(0, 4000, 97)
    ]
    urls += ["https://x.cn/v/1", URL + "?lang=en&ref=" + "a" * 120]

    for url in urls:
        assert tuple(bytes(r) for r in qr_matrix(url)) == tuple(
            bytes(r) for r in segno.make_qr(url, error="m").matrix
        ), url
