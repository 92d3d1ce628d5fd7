"""Certificate PDFs (获奖证书): a pure renderer — data in, bytes out.

Nothing in `awards.certificates` touches Django models or settings; a service turns model rows into
`CertificateData` and calls `render_certificate` / `render_certificates_combined`, so the package is
imported lazily by that service only. This module draws a page; its parts have their own modules:
`layout` (what a certificate looks like and says), `fonts` (the embedded font, glyph checks),
`wording` (text layout), `assets` (background and uploaded seal images), `qr` (the QR code) and `metadata`
(the PDF's Info dictionary, appended after rendering).

Why it is built the way it is (throughput target ≥80 separate PDFs/s and ≥300 combined pages/s on
one core, peak RSS < 300 MB; see `bench/certificates.py`):

* One font, embedded as a TrueType subset and parsed once per process (`fonts`).
* `rl_config.useA85 = 0` (set in `fonts`): no ASCII85 inflation of binary streams.
* Background and seal images are converted, compressed and encoded once, then reused (`assets`).
* A seal is drawn only when the organiser uploaded one (`layout.seal_path`). Producing an official
  seal is a legal matter: with none uploaded the issuing bodies' names are printed as plain text and
  nothing seal-like is drawn (tests/awards/test_certificate_seal.py renders and looks).
* The QR code is one vector path; its data mask is chosen by the standard's penalty rules in numpy
  rather than segno's pure-Python loop (`qr`).
* A combined PDF compresses each page as it is finished, not all of them at save.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from reportlab.lib.colors import Color, HexColor
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from awards.certificates.assets import background_file, seal_image
from awards.certificates.fonts import FONT_NAME, font_load, text_width
from awards.certificates.layout import VOID_STATUSES, CertificateData, CertificateLayout
from awards.certificates.metadata import pdf_text
from awards.certificates.qr import qr_draw
from awards.certificates.wording import (
    paragraph_runs,
    placeholder_values,
    runs_merge,
    runs_wrap,
    wording_template,
)


@lru_cache(maxsize=32)
def _color(hex_value: str) -> HexColor:
    return HexColor(hex_value)


def _draw_text(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    size: float,
    colour: str,
    *,
    char_space: float = 0.0,
    bold: float = 0.0,
    anchor: str = "left",
) -> float:
    """Draw one line; `bold` > 0 strokes the outline with that width (the font has one weight).
    Returns the drawn width."""
    width = text_width(text, size) + char_space * max(len(text) - 1, 0)
    if anchor == "centre":
        x -= width / 2
    elif anchor == "right":
        x -= width
    # Character spacing and render mode are graphics state in PDF: they outlive the text object,
    # so a styled line is wrapped in q/Q.
    styled = bool(char_space or bold)
    if styled:
        canvas.saveState()
    t = canvas.beginText(x, y)
    t.setFont(FONT_NAME, size)
    t.setFillColor(_color(colour))
    if char_space:
        t.setCharSpace(char_space)
    if bold:
        t.setTextRenderMode(2)
        t.setStrokeColor(_color(colour))
        canvas.setLineWidth(bold)
    t.textOut(text)
    canvas.drawText(t)
    if styled:
        canvas.restoreState()
    return width


def _draw_runs(
    canvas: Canvas,
    x: float,
    y: float,
    runs: list[tuple[str, bool]],
    size: float,
    layout: CertificateLayout,
) -> None:
    t = canvas.beginText(x, y)
    t.setFont(FONT_NAME, size)
    current = None
    for text, hl in runs:
        colour = layout.accent_color if hl else layout.text_color
        if colour != current:
            t.setFillColor(_color(colour))
            current = colour
        t.textOut(text)
    canvas.drawText(t)


def _fit_size(text: str, size: float, max_width: float, min_size: float) -> float:
    width = text_width(text, size)
    if width <= max_width:
        return size
    return max(min_size, size * max_width / width)


def _draw_page(canvas: Canvas, layout: CertificateLayout, data: CertificateData) -> None:
    W, H = layout.page_size
    values = placeholder_values(data)
    template = wording_template(layout, data)

    canvas.drawImage(background_file(layout), 0, 0, W, H)

    # Title and subtitle.
    _draw_text(
        canvas,
        W / 2,
        H * layout.title_y,
        layout.title,
        layout.title_size,
        layout.title_color,
        char_space=layout.title_size * 0.42,
        bold=0.9,
        anchor="centre",
    )
    if layout.subtitle:
        _draw_text(
            canvas,
            W / 2,
            H * layout.subtitle_y,
            layout.subtitle,
            10.5,
            layout.muted_color,
            char_space=3.2,
            anchor="centre",
        )

    # Wording.
    left, right = W * layout.text_left, W * layout.text_right
    width = right - left
    y = H * layout.text_top
    for index, paragraph in enumerate(template.split("\n")):
        if index == 0:
            runs = paragraph_runs(paragraph, values)
            size = layout.salutation_size
            for line in runs_wrap(runs, size, width, width):
                _draw_runs(canvas, left, y, runs_merge(line), size, layout)
                y -= size * 1.5
            y -= layout.body_size * 0.35
        elif paragraph.strip() == "{award}":
            size = _fit_size(data.award_name, layout.award_size, width, 16)
            y -= size * 0.35
            spacing = size * 0.3 if len(data.award_name) <= 6 else 0.0
            _draw_text(
                canvas,
                W / 2,
                y - size * 0.55,
                data.award_name,
                size,
                layout.accent_color,
                char_space=spacing,
                bold=0.8,
                anchor="centre",
            )
            y -= size * 1.65
        else:
            size = layout.body_size
            indent = size * 2
            for i, line in enumerate(
                runs_wrap(paragraph_runs(paragraph, values), size, width - indent, width)
            ):
                _draw_runs(
                    canvas, left + (indent if i == 0 else 0), y, runs_merge(line), size, layout
                )
                y -= size * 1.75

    # Serial number and verification address, bottom left.
    sx, sy = W * layout.serial_pos[0], H * layout.serial_pos[1]
    _draw_text(canvas, sx, sy, f"证书编号：{data.serial}", 11.5, layout.text_color)
    url_label = f"查验网址：{data.verification_url}"
    url_size = _fit_size(url_label, 8.5, W * layout.serial_width, 5.5)
    _draw_text(canvas, sx, sy - 16, url_label, url_size, layout.muted_color)

    # Issuing bodies (under the uploaded seal, if any), then the date.
    bodies = tuple(b for b in (data.issuing_bodies or layout.issuing_bodies) if b.strip())
    _draw_bodies(canvas, layout, bodies, values["date"])

    # QR code, bottom right.
    qx, qy = W * layout.qr_center[0], H * layout.qr_center[1]
    side = H * layout.qr_size
    qr_draw(canvas, data.verification_url, qx, qy, side)
    _draw_text(canvas, qx, qy - side / 2 - 13, "扫码验证", 9.5, layout.text_color, anchor="centre")
    _draw_text(
        canvas, qx, qy - side / 2 - 23, "Scan to verify", 7.5, layout.muted_color, anchor="centre"
    )

    if data.status in VOID_STATUSES:
        _draw_void(canvas, W, H)


def _draw_bodies(
    canvas: Canvas, layout: CertificateLayout, bodies: tuple[str, ...], date_text: str
) -> None:
    W, H = layout.page_size
    cx, y = W * layout.bodies_center[0], H * layout.bodies_center[1]
    seal_d = H * layout.seal_size
    size = 16.0
    max_total = W * 0.36
    gap = 20.0
    widths = [text_width(b, size) for b in bodies]
    columns = [max(w, seal_d * 0.9) for w in widths]
    side_by_side = len(bodies) > 1 and sum(columns) + gap * (len(bodies) - 1) <= max_total

    names: list[tuple[float, float]] = []  # where each body's name sits (centre x, baseline y)
    if side_by_side:
        total = sum(columns) + gap * (len(bodies) - 1)
        x = cx - total / 2
        for col in columns:
            names.append((x + col / 2, y))
            x += col + gap
        date_y = y - size * 1.9
        mid_y = y + size * 0.3
    else:
        line = size * 1.7  # one name a line
        for i in range(len(bodies)):
            names.append((cx, y - i * line))
        date_y = y - max(len(bodies), 1) * line - size * 0.2
        mid_y = y - (len(bodies) - 1) * line / 2 + size * 0.3

    for body, (bx, by) in zip(bodies, names, strict=True):
        body_size = _fit_size(body, size, max_total, 9)
        _draw_text(canvas, bx, by, body, body_size, layout.text_color, anchor="centre")
    _draw_text(canvas, cx, date_y, date_text, 15, layout.text_color, anchor="centre")

    # The organiser's uploaded seal over the names (drawn after the text: ink on top of print).
    # Without one, nothing: the platform never makes a seal up.
    if layout.seal_path:
        seal = seal_image(layout.seal_path)
        h = seal_d * seal.height / max(seal.width, 1)
        seal_mid = mid_y if bodies else date_y + size * 0.3
        seal.draw(canvas, cx - seal_d / 2, seal_mid - h / 2, seal_d, h)


def _draw_void(canvas: Canvas, W: float, H: float) -> None:
    """A translucent diagonal stamp across a revoked certificate."""
    colour = Color(0.8, 0.0, 0.0, alpha=0.2)  # a colour's alpha is what sets the fill opacity
    canvas.saveState()
    canvas.translate(W / 2, H * 0.52)
    canvas.rotate(22)
    for text, size, space, y in (("已撤销", 84.0, 26.0, 4.0), ("REVOKED", 36.0, 10.0, -48.0)):
        width = text_width(text, size) + space * (len(text) - 1)
        t = canvas.beginText(-width / 2, y)
        t.setFont(FONT_NAME, size)
        t.setFillColor(colour)
        t.setCharSpace(space)
        t.textOut(text)
        canvas.drawText(t)
    canvas.restoreState()


def _new_canvas(layout: CertificateLayout, title: str, author: str) -> Canvas:
    font_load()
    # No file: the PDF is taken with getpdfdata(), which spares two copies of it.
    # initialFontName: otherwise every page references an unembedded Helvetica it never uses.
    canvas = Canvas(
        None,
        pagesize=layout.page_size,
        pageCompression=1,
        initialFontName=FONT_NAME,
        initialFontSize=12,
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Saiwu 赛务")
    return canvas


class _Info(pdfdoc.PDFInfo):
    """ReportLab's document information dictionary with extra entries (text strings)."""

    extra: dict[str, str] = {}

    def format(self, document):
        base = super().format(document).rstrip()
        if not self.extra or not base.endswith(b">>"):
            return base
        added = b"\n".join(
            b"/" + key.lstrip("/").encode("ascii") + b" " + pdf_text(value)
            for key, value in self.extra.items()
        )
        return base[:-2].rstrip() + b"\n" + added + b"\n>>"


def render_certificate(
    layout: CertificateLayout, data: CertificateData, *, info: dict[str, str] | None = None
) -> bytes:
    """One certificate as a one-page PDF; `info` adds entries to its document information
    dictionary (the signed content, read back by verify-pdf) in the same single revision."""
    bodies = data.issuing_bodies or layout.issuing_bodies
    canvas = _new_canvas(
        layout, f"{layout.title} {data.serial} {data.recipient_name}", "、".join(bodies)
    )
    if info:
        extended = _Info()
        extended.__dict__.update(canvas._doc.info.__dict__)
        extended.extra = dict(info)
        canvas._doc.info = extended
    canvas.setSubject(f"{data.contest_name} {data.award_name}")
    _draw_page(canvas, layout, data)
    canvas.showPage()
    return canvas.getpdfdata()


def render_certificates_combined(
    layout: CertificateLayout, items: Iterable[CertificateData]
) -> bytes:
    """Many certificates as one PDF, one page each, with an outline entry per page (for printing
    a whole award list). Background, seals and font are embedded once for the whole file."""
    canvas = _new_canvas(layout, layout.title, "、".join(layout.issuing_bodies))
    for index, data in enumerate(items):
        _draw_page(canvas, layout, data)
        key = f"p{index}"
        canvas.bookmarkPage(key)
        canvas.addOutlineEntry(f"{data.serial} {data.recipient_name}", key, level=0)
        canvas.showPage()
        _compress_last_page(canvas)
    return canvas.getpdfdata()


def _compress_last_page(canvas: Canvas) -> None:
    """Compress the page just finished now rather than at save: ReportLab keeps every page's
    content as text until the end (~10 KB a page here, ~2.5 KB compressed), which for a
    10,000-page print run is the difference between ~260 MB and ~180 MB peak RSS."""
    page = canvas._doc.Pages.pages[-1]
    if getattr(page, "stream", None) and not page.Contents:
        stream = pdfdoc.PDFStream(content=pdfdoc.PDFZCompress.encode(page.stream))
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])
        stream.__Comment__ = "page stream"
        page.Contents = stream
        page.stream = None
