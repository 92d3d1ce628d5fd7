"""Draw an appointment letter (聘书) for a drawn, confirmed expert: one A4 landscape page in the
certificates' font, bilingual, with a reference number and the SHA-256 fingerprint of its wording
(what the audit row of the confirmation can be checked against)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from awards.certificates.fonts import FONT_NAME, font_load, text_width

RED = HexColor("#B22222")
INK = HexColor("#222222")
GOLD = HexColor("#C8A45A")


@dataclass(frozen=True)
class LetterData:
    reference: str
    expert_name: str
    contest_name: str
    stage_name: str
    track_name: str
    event_date: str
    issuer: str
    issued_on: str
    fingerprint: str


def _centred(canvas: Canvas, text: str, y: float, size: float, width: float, color=INK) -> None:
    canvas.setFillColor(color)
    canvas.setFont(FONT_NAME, size)
    while size > 8 and text_width(text, size) > width - 120:
        size -= 1
        canvas.setFont(FONT_NAME, size)
    canvas.drawCentredString(width / 2, y, text)


def appointment_letter_draw(data: LetterData) -> bytes:
    font_load()
    W, H = landscape(A4)
    canvas = Canvas(None, pagesize=(W, H), pageCompression=1, initialFontName=FONT_NAME)
    canvas.setTitle(f"聘书 Letter of appointment {data.reference}")
    canvas.setAuthor(data.issuer)
    canvas.setCreator("Saiwu 赛务")
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, W - 48, H - 48)
    canvas.setLineWidth(1.5)
    canvas.rect(38, 38, W - 76, H - 76)
    _centred(canvas, "聘　书", H - 130, 54, W, RED)
    _centred(canvas, "LETTER OF APPOINTMENT", H - 165, 16, W, RED)
    where = data.stage_name + (f"（{data.track_name}）" if data.track_name else "")
    _centred(canvas, f"兹聘请  {data.expert_name}  为", H - 235, 24, W)
    _centred(canvas, f"{data.contest_name} {where} 评审专家", H - 275, 22, W)
    if data.event_date:
        _centred(canvas, f"评审日期：{data.event_date}", H - 310, 16, W)
    _centred(
        canvas,
        f"{data.expert_name} is appointed expert judge of {where}, {data.contest_name}.",
        H - 350,
        13,
        W,
    )
    canvas.setFont(FONT_NAME, 15)
    canvas.setFillColor(INK)
    canvas.drawRightString(W - 110, 150, data.issuer)
    canvas.drawRightString(W - 110, 125, data.issued_on)
    canvas.setFont(FONT_NAME, 9)
    canvas.setFillColor(HexColor("#666666"))
    canvas.drawString(70, 70, f"编号 Reference: {data.reference}")
    canvas.drawString(70, 56, f"SHA-256: {data.fingerprint}")
    canvas.showPage()
    return canvas.getpdfdata()
