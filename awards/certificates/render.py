"""Certificate PDFs (获奖证书): a pure renderer — data in, bytes out.

Nothing here touches Django models or settings; a service turns model rows into
`CertificateData` and calls `render_certificate` / `render_certificates_combined`, so this module is
imported lazily by that service only.

Why it is built the way it is (throughput target ≥80 separate PDFs/s and ≥300 combined pages/s on
one core, peak RSS < 300 MB; see `bench/certificates.py`):

* One font, WenQuanYi Micro Hei, ships in `awards/fonts/` and is embedded as a TrueType *subset*.
  ReportLab only embeds TrueType outlines (a TTC with `subfontIndex` works; Noto CJK is CFF and does
  not). It is parsed once per process, lazily, and registered once.
* `rl_config.useA85 = 0`: ASCII85 would inflate every binary stream by 25% for nothing.
* The background is drawn as a JPEG by file name, which ReportLab copies into the PDF unchanged
  (DCTDecode). A PNG background is converted to JPEG once and cached.
* The seal (PNG with alpha) is decoded and flate-compressed once per process and the resulting
  image XObject (with its soft mask) is reused by every document; ReportLab would otherwise redo
  that work for each PDF.
* The QR code is one vector path of run-length rectangles in module units — crisp at any zoom,
  no seams between modules, a few hundred bytes. Its data mask is chosen by the standard's penalty
  rules in numpy rather than segno's pure-Python loop (see `_qr_modules`).
* A combined PDF compresses each page as it is finished, not all of them at save.

Text is laid out here (no Platypus): a CJK paragraph breaks between any two characters, except that
Latin words stay whole and closing punctuation may hang past the right margin (避头尾).

A character the font lacks would print as an empty box; `missing_glyphs` /
`certificate_missing_glyphs` let the caller flag such a name before issuing instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import random
import string
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab import rl_config
from segno import encoder as qr_encoder

rl_config.useA85 = 0  # binary streams as they are; must be set before documents are built

from reportlab.lib.colors import Color, HexColor  # noqa: E402
from reportlab.pdfbase import pdfdoc, pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"
A4_LANDSCAPE: tuple[float, float] = (841.8897637795277, 595.2755905511812)

# Recipient roles, as stored by the certificate model (`judging.enums` holds the TextChoices;
# TextChoices members compare equal to these strings).
ROLE_TEAM = "team"
ROLE_MEMBER = "member"
ROLE_ADVISOR = "advisor"
# Statuses for which the page carries a "void" watermark.
VOID_STATUSES = frozenset({"revoked", "void"})

# Default wording, one template per recipient role. Paragraphs are separated by "\n". The first
# paragraph is the salutation (large, flush left); a paragraph that is exactly "{award}" is drawn as
# the large centred award line; every other paragraph is body text indented by two characters.
# Placeholders: {name} {team} {team_phrase} {award} {contest} {track} {track_phrase} {date}
# {serial}.
# {track_phrase} is "<track>赛道" (or "" when the certificate has no track); {team_phrase} is
# "“<team>”团队", or just "“<team>”" when the name already ends in 队 (智造先锋队, 创新团队).
WORDING_TEAM = "{name}：\n在{contest}{track_phrase}中表现优异，荣获\n{award}\n特发此证，以资鼓励。"
WORDING_MEMBER = (
    "{name}：\n作为{team_phrase}成员，在{contest}{track_phrase}中表现优异，荣获\n{award}\n"
    "特发此证，以资鼓励。"
)
WORDING_ADVISOR = (
    "{name} 老师：\n所指导的{team_phrase}在{contest}{track_phrase}中表现优异，荣获\n{award}\n"
    "特发此证，以资表彰。"
)


@dataclass(frozen=True)
class CertificateLayout:
    """How a contest's certificates look. Positions are fractions of the page, origin bottom left.

    `background_path`: JPEG (used as is) or any Pillow-readable image (converted to JPEG once);
    None draws the built-in cream background with a red and gold border.
    `seal_path`: PNG with transparency, drawn once centred over the issuing bodies' names; None
    draws a built-in red seal over *each* issuing body, carrying that body's name.
    `issuing_bodies`: used when the certificate data names none.
    """

    page_size: tuple[float, float] = A4_LANDSCAPE
    background_path: str | None = None
    seal_path: str | None = None
    title: str = "荣誉证书"
    subtitle: str = "CERTIFICATE OF HONOR"
    issuing_bodies: tuple[str, ...] = ()
    wording_team: str = WORDING_TEAM
    wording_member: str = WORDING_MEMBER
    wording_advisor: str = WORDING_ADVISOR
    title_y: float = 0.775  # baseline of the title, centred horizontally
    subtitle_y: float = 0.728
    text_left: float = 0.125  # the wording block
    text_right: float = 0.875
    text_top: float = 0.645  # baseline of the salutation
    bodies_center: tuple[float, float] = (0.60, 0.215)  # centre x, baseline y of the body names
    seal_size: float = 0.19  # seal diameter, fraction of page height
    qr_center: tuple[float, float] = (0.838, 0.215)
    qr_size: float = 0.150  # side of the QR code incl. quiet zone, fraction of page height
    serial_pos: tuple[float, float] = (0.125, 0.115)  # left x, baseline y of the serial number
    serial_width: float = 0.34  # the verification address shrinks to fit this width
    title_size: float = 46.0
    salutation_size: float = 21.0
    body_size: float = 17.0
    award_size: float = 34.0
    title_color: str = "#A3161B"
    text_color: str = "#2B2B2B"
    accent_color: str = "#A3161B"
    muted_color: str = "#6B6258"


@dataclass(frozen=True)
class CertificateData:
    """One certificate. `recipient_role` is "team", "member" or "advisor"; for a team certificate
    `recipient_name` is the team's name. `issuing_bodies` overrides the layout's when not empty."""

    serial: str
    recipient_name: str
    recipient_role: str
    team_name: str
    award_name: str
    contest_name: str
    track_name: str
    issue_date: dt.date
    verification_url: str
    issuing_bodies: tuple[str, ...] = ()
    status: str = "issued"


# --------------------------------------------------------------------------------------------
# Font


_font_lock = threading.Lock()
_font: TTFont | None = None


def _get_font() -> TTFont:
    """Parse and register the embedded font once per process (first use, not import)."""
    global _font
    if _font is None:
        with _font_lock:
            if _font is None:
                font = TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0)
                pdfmetrics.registerFont(font)
                _font = font
    return _font


def missing_glyphs(text: str) -> list[str]:
    """Characters of `text` the certificate font cannot draw, each once, in order of appearance.

    Whitespace is ignored. Upstream uses this to flag, e.g., a recipient name with a CJK Extension B
    character before issuing, rather than printing an empty box."""
    char_to_glyph = _get_font().face.charToGlyph
    missing: list[str] = []
    for ch in text:
        if ch.isspace() or ch in missing:
            continue
        if not char_to_glyph.get(ord(ch)):
            missing.append(ch)
    return missing


def certificate_missing_glyphs(layout: CertificateLayout, data: CertificateData) -> list[str]:
    """`missing_glyphs` over every text printed on this certificate."""
    bodies = data.issuing_bodies or layout.issuing_bodies
    texts = [
        layout.title,
        layout.subtitle,
        _wording_template(layout, data),
        *_placeholder_values(data).values(),
        *bodies,
    ]
    return missing_glyphs("".join(texts))


def _width(text: str, size: float) -> float:
    return _get_font().stringWidth(text, size)


# --------------------------------------------------------------------------------------------
# Cached assets: default background and seal, JPEG conversion, pre-encoded image XObjects

_ASSET_VERSION = "8"


def _cache_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "saiwu-certificates"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_atomically(path: Path, save) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    save(tmp)
    os.replace(tmp, path)


@lru_cache(maxsize=8)
def default_background_path(page_size: tuple[float, float] = A4_LANDSCAPE) -> str:
    """The built-in background as a JPEG file (generated once, cached under the temp dir):
    cream paper, a faint guilloche rosette, a red band with gold rules and fret corners."""
    dpi = 150
    w_px, h_px = round(page_size[0] / 72 * dpi), round(page_size[1] / 72 * dpi)
    key = hashlib.sha256(f"bg{_ASSET_VERSION}:{w_px}x{h_px}".encode()).hexdigest()[:16]
    path = _cache_dir() / f"background-{key}.jpg"
    if not path.exists():
        _write_atomically(
            path,
            lambda p: _draw_background(w_px, h_px, dpi).save(
                p, "JPEG", quality=80, optimize=True, progressive=False
            ),
        )
    return str(path)


def _draw_background(w_px: int, h_px: int, dpi: int) -> Image.Image:
    ss = 2  # supersample for smooth lines
    W, H = w_px * ss, h_px * ss
    u = dpi / 72 * ss  # pixels per point

    cream = (251, 246, 232)
    img = Image.new("RGB", (W, H), cream)
    # Slightly warmer towards the edges.
    vignette = Image.radial_gradient("L").resize((W, H), Image.BILINEAR)
    edge = Image.new("RGB", (W, H), (240, 230, 204))
    img = Image.composite(edge, img, vignette.point(lambda v: int(v * 0.55)))

    # Faint guilloche rosette in the middle: a security-paper look, kept very light.
    overlay = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    od = ImageDraw.Draw(overlay)
    cx, cy = W / 2, H * 0.47
    big_r = H * 0.30
    for k in range(18):
        phase = k * math.pi / 18
        pts = []
        for i in range(721):
            t = i / 720 * 2 * math.pi
            r = big_r * (0.78 + 0.22 * math.cos(12 * t + phase))
            pts.append((cx + r * math.cos(t), cy + r * math.sin(t)))
        od.line(pts, fill=(196, 160, 92, 34), width=max(1, round(0.5 * u)))
    img = Image.alpha_composite(img.convert("RGBA"), overlay).convert("RGB")

    d = ImageDraw.Draw(img)
    red = (150, 24, 28)
    gold = (190, 150, 72)

    def rect(inset_pt: float, width_pt: float, colour) -> None:
        i = inset_pt * u
        d.rectangle([i, i, W - i, H - i], outline=colour, width=max(1, round(width_pt * u)))

    # Red band between 14 pt and 26 pt from the edge, gold rules either side and inside.
    band = 14 * u
    d.rectangle([band, band, W - band, H - band], outline=red, width=round(12 * u))
    rect(13, 1.2, gold)
    rect(26.5, 1.0, gold)
    rect(31, 0.6, gold)

    # Fret (回纹) corners inside the inner rule.
    fret_w = max(1, round(1.3 * u))
    for sx, sy in ((1, 1), (-1, 1), (1, -1), (-1, -1)):
        ox = 36 * u if sx > 0 else W - 36 * u
        oy = 36 * u if sy > 0 else H - 36 * u
        s = 6 * u
        path = [(0, 7), (0, 0), (7, 0), (7, 5), (2, 5), (2, 2), (5, 2), (5, 3.5)]
        for offset in (0, 8):
            pts = [(ox + sx * (x + offset) * s / 2.2, oy + sy * y * s / 2.2) for x, y in path]
            d.line(pts, fill=gold, width=fret_w, joint="curve")
            pts = [(ox + sx * y * s / 2.2, oy + sy * (x + offset) * s / 2.2) for x, y in path]
            d.line(pts, fill=gold, width=fret_w, joint="curve")

    # Thin gold rules under the title area, centred.
    return img.resize((w_px, h_px), Image.LANCZOS)


@lru_cache(maxsize=64)
def default_seal_path(text: str) -> str:
    """A red round seal (PNG with transparency) with `text` around the top and a star in the
    middle, generated once per text and cached under the temp dir. For the demo and for contests
    that have not uploaded their own seal; it is plainly a drawing, not a copy of a real seal."""
    key = hashlib.sha256(f"seal{_ASSET_VERSION}:{text}".encode()).hexdigest()[:16]
    path = _cache_dir() / f"seal-{key}.png"
    if not path.exists():
        _write_atomically(path, lambda p: _draw_seal(text).save(p, "PNG", optimize=True))
    return str(path)


def _draw_seal(text: str, size: int = 320) -> Image.Image:
    ss = 3
    S = size * ss
    c = S / 2
    ink = (200, 22, 29)
    mask = Image.new("L", (S, S), 0)
    d = ImageDraw.Draw(mask)
    ring = S * 0.035
    d.ellipse([ring / 2, ring / 2, S - ring / 2, S - ring / 2], outline=255, width=round(ring))

    # Five-pointed star.
    r_out, r_in = S * 0.16, S * 0.16 * 0.382
    star = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        r = r_out if i % 2 == 0 else r_in
        star.append((c + r * math.cos(a), c + r * math.sin(a)))
    d.polygon(star, fill=255)

    # Text around the top, letters upright towards the centre.
    chars = [ch for ch in text if not ch.isspace()] or ["证", "书", "专", "用", "章"]
    n = len(chars)
    span = min(264.0, 40.0 * n)  # degrees of arc the text occupies
    outer = c - ring - S * 0.015  # the text's outer edge
    # Largest size whose characters fit both the ring's width budget and their share of the arc.
    font_px = round(min(S * 0.165, 2 * math.pi * (outer - S * 0.07) * span / 360 / n * 0.92))
    font = ImageFont.truetype(str(FONT_PATH), font_px, index=0)
    radius = outer - font_px * 0.55
    for i, ch in enumerate(chars):
        angle = -span / 2 + (span * (i + 0.5) / n)  # degrees clockwise from the top
        tile = Image.new("L", (font_px * 2, font_px * 2), 0)
        ImageDraw.Draw(tile).text(
            (font_px, font_px),
            ch,
            font=font,
            fill=255,
            anchor="mm",
            stroke_width=max(1, round(font_px * 0.015)),
            stroke_fill=255,
        )
        # Squeeze horizontally a little, as seal lettering is.
        tile = tile.resize((round(font_px * 1.7), font_px * 2), Image.LANCZOS)
        tile = tile.rotate(-angle, resample=Image.BICUBIC, expand=True)
        a = math.radians(angle)
        x = c + radius * math.sin(a) - tile.width / 2
        y = c - radius * math.cos(a) - tile.height / 2
        mask.paste(255, (round(x), round(y)), tile)

    # Uneven ink: a seeded speckle so the seal does not look like flat vector art.
    rng = random.Random(hashlib.sha256(text.encode()).digest())
    speckle = Image.new("L", (S, S), 0)
    sd = ImageDraw.Draw(speckle)
    for _ in range(500):
        x, y = rng.uniform(0, S), rng.uniform(0, S)
        r = rng.uniform(1, 4) * ss
        sd.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(40, 130))
    speckle = speckle.filter(ImageFilter.GaussianBlur(ss))
    alpha = Image.eval(mask, lambda v: v * 215 // 255)
    alpha = Image.composite(Image.new("L", (S, S), 0), alpha, speckle)
    # Flat ink colour, shape in the alpha channel only: the colour planes then compress to nothing.
    seal = Image.new("RGBA", (size, size), ink + (0,))
    # 32 alpha levels are plenty for ink and halve the compressed size.
    alpha = alpha.resize((size, size), Image.LANCZOS).point(lambda v: min(255, (v + 4) // 8 * 8))
    seal.putalpha(alpha)
    return seal


@lru_cache(maxsize=16)
def _jpeg_background(path: str, mtime_ns: int) -> str:
    """A JPEG version of a non-JPEG background, converted once and cached by path and mtime."""
    key = hashlib.sha256(f"{path}:{mtime_ns}".encode()).hexdigest()[:16]
    out = _cache_dir() / f"upload-bg-{key}.jpg"
    if not out.exists():
        with Image.open(path) as im:
            im.load()
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                flat = Image.new("RGB", im.size, (255, 255, 255))
                flat.paste(im, mask=im.getchannel("A"))
                im = flat
            else:
                im = im.convert("RGB")
            _write_atomically(out, lambda p: im.save(p, "JPEG", quality=88))
    return str(out)


def _background_file(layout: CertificateLayout) -> str:
    path = layout.background_path
    if not path:
        return default_background_path(tuple(layout.page_size))
    with open(path, "rb") as fh:
        is_jpeg = fh.read(3) == b"\xff\xd8\xff"
    if is_jpeg:
        return path
    return _jpeg_background(path, os.stat(path).st_mtime_ns)


class _EncodedImage:
    """An image decoded and compressed once, with its soft mask; copied into each document.

    Equivalent to `canvas.drawImage(path, mask="auto")` but without re-decoding the PNG and
    re-running zlib for every PDF. Formatting a `PDFImageXObject` does not mutate it, but
    registering one in a document does (it records its object name), so each document gets a
    shallow copy; the compressed bytes are shared."""

    def __init__(self, path: str):
        self.key = hashlib.sha256(f"{path}:{os.stat(path).st_mtime_ns}".encode()).hexdigest()
        self.xobject = pdfdoc.PDFImageXObject(self.key, path, mask="auto")
        self.smask = getattr(self.xobject, "_smask", None)
        if self.smask is not None:
            del self.xobject._smask
        self.width, self.height = self.xobject.width, self.xobject.height

    def draw(self, canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
        doc = canvas._doc
        reg_name = doc.getXObjectName(self.key)
        if doc.idToObject.get(reg_name) is None:
            xobject = _copy_xobject(self.xobject)
            if self.smask is not None:
                xobject.smask = doc.Reference(
                    _copy_xobject(self.smask), doc.getXObjectName(self.key + "-smask")
                )
            doc.Reference(xobject, reg_name)
            doc.addForm(self.key, xobject)
        canvas._currentPageHasImages = 1
        canvas.saveState()
        canvas.translate(x, y)
        canvas.scale(width, height)
        canvas._code.append(f"/{reg_name} Do")
        canvas.restoreState()
        canvas._formsinuse.append(self.key)


def _copy_xobject(xobject: pdfdoc.PDFImageXObject) -> pdfdoc.PDFImageXObject:
    clone = pdfdoc.PDFImageXObject.__new__(pdfdoc.PDFImageXObject)
    clone.__dict__.update(xobject.__dict__)
    clone.__dict__.pop("__InternalName__", None)
    return clone


@lru_cache(maxsize=64)
def _encoded_image(path: str, mtime_ns: int) -> _EncodedImage:
    return _EncodedImage(path)


def _seal_image(path: str) -> _EncodedImage:
    return _encoded_image(path, os.stat(path).st_mtime_ns)


# --------------------------------------------------------------------------------------------
# Text layout

# Characters that must not start a line (they hang into the right margin instead).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…—·%,.;:?!)]}")
# Characters that must not end a line.
_NO_LINE_END = set("（《「『【〔“‘([{")


def _track_phrase(track: str) -> str:
    track = track.strip()
    if not track:
        return ""
    return track if track.endswith("赛道") else f"{track}赛道"


def _team_phrase(team: str) -> str:
    team = team.strip()
    if not team:
        return ""
    return f"“{team}”" if team.endswith("队") else f"“{team}”团队"


def _format_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _placeholder_values(data: CertificateData) -> dict[str, str]:
    return {
        "name": data.recipient_name,
        "team": data.team_name,
        "team_phrase": _team_phrase(data.team_name),
        "award": data.award_name,
        "contest": data.contest_name,
        "track": data.track_name,
        "track_phrase": _track_phrase(data.track_name),
        "date": _format_date(data.issue_date),
        "serial": data.serial,
    }


def _wording_template(layout: CertificateLayout, data: CertificateData) -> str:
    if data.recipient_role == ROLE_ADVISOR:
        return layout.wording_advisor
    if data.recipient_role == ROLE_MEMBER:
        return layout.wording_member
    if data.recipient_role == ROLE_TEAM:
        return layout.wording_team
    raise ValueError(f"Unknown recipient role {data.recipient_role!r}")


_formatter = string.Formatter()


def _runs(template: str, values: dict[str, str]) -> list[tuple[str, bool]]:
    """Split one paragraph template into (text, is_value) runs; values are highlighted."""
    runs: list[tuple[str, bool]] = []
    for literal, field_name, _spec, _conv in _formatter.parse(template):
        if literal:
            runs.append((literal, False))
        if field_name is not None:
            if field_name not in values:
                raise ValueError(f"Unknown placeholder {{{field_name}}} in certificate wording")
            if values[field_name]:
                runs.append((values[field_name], True))
    return runs


def _tokens(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Breakable units: one CJK character, or a whole run of Latin letters/digits."""
    tokens: list[tuple[str, bool]] = []
    for text, hl in runs:
        word = ""
        for ch in text:
            if ch.isascii() and ch.isalnum():
                word += ch
                continue
            if word:
                tokens.append((word, hl))
                word = ""
            tokens.append((ch, hl))
        if word:
            tokens.append((word, hl))
    return tokens


def _wrap(
    runs: list[tuple[str, bool]], size: float, first_width: float, width: float
) -> list[list[tuple[str, bool]]]:
    """Greedy line breaking for CJK text. Returns lines of (text, is_value) tokens."""
    lines: list[list[tuple[str, bool]]] = []
    line: list[tuple[str, bool]] = []
    used = 0.0
    limit = first_width
    for tok in _tokens(runs):
        w = _width(tok[0], size)
        if line and used + w > limit and tok[0] not in _NO_LINE_START:
            carry: list[tuple[str, bool]] = []
            while line and line[-1][0] in _NO_LINE_END:  # keep an opening bracket with its text
                carry.insert(0, line.pop())
            lines.append(line)
            line, used, limit = carry, sum(_width(t, size) for t, _ in carry), width
        line.append(tok)
        used += w
    if line:
        lines.append(line)
    return lines


def _merge(tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for text, hl in tokens:
        if merged and merged[-1][1] == hl:
            merged[-1] = (merged[-1][0] + text, hl)
        else:
            merged.append((text, hl))
    return merged


# --------------------------------------------------------------------------------------------
# Drawing


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
    width = _width(text, size) + char_space * max(len(text) - 1, 0)
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


# QR code: segno encodes, numpy picks the data mask.
#
# ISO/IEC 18004 §7.8.3 has the encoder try all eight data masks and keep the one with the lowest
# penalty (long runs, 2×2 blocks, finder-like 1:1:3:1:1 patterns, dark/light balance), which is what
# keeps a code easy to read. segno scores the masks in pure Python, ~5 ms a code, more than the rest
# of a page. So segno encodes once with mask 0, and the eight candidates are derived from it by
# re-masking the encoding region and scored together as one (8, n, n) array; the winner gets its
# format information from segno. The result is identical to `segno.make_qr(url, mask=best)`.


@lru_cache(maxsize=40)
def _qr_geometry(version: int) -> tuple[np.ndarray, np.ndarray]:
    """(encoding region, format/version/dark-module area, the 8 mask patterns) of a QR version."""
    n = version * 4 + 17
    layout = qr_encoder.make_matrix(n, n)  # 0x2 = unset, format/version areas 0x0, timing set
    qr_encoder.add_finder_patterns(layout, n, n)
    qr_encoder.add_alignment_patterns(layout, n, n)
    region = np.array(layout, dtype=np.uint8) > 1
    reserved = np.array(qr_encoder.make_matrix(n, n, add_timing=False), dtype=np.uint8) == 0
    reserved[6, :] = reserved[:, 6] = False  # (6, 8) and (8, 6) belong to the timing patterns
    i, j = np.indices((n, n))
    patterns = np.stack(
        [
            (i + j) % 2 == 0,
            i % 2 == 0,
            j % 3 == 0,
            (i + j) % 3 == 0,
            (i // 2 + j // 3) % 2 == 0,
            (i * j) % 2 + (i * j) % 3 == 0,
            ((i * j) % 2 + (i * j) % 3) % 2 == 0,
            ((i + j) % 2 + (i * j) % 3) % 2 == 0,
        ]
    )
    return region, reserved, patterns & region


def _qr_penalties(symbols: np.ndarray) -> np.ndarray:
    """ISO/IEC 18004 §7.8.3.1 penalty N1+N2+N3+N4 of each symbol in a (k, n, n) 0/1 array."""
    k, n, _ = symbols.shape
    symbols = symbols.astype(bool, copy=False)
    lines = np.concatenate([symbols, symbols.transpose(0, 2, 1)])  # rows, then columns
    # N1: each run of 5 + i same-coloured modules in a row or column scores 3 + i, i.e. 1 for
    # every window of 5 equal modules (i + 1 of them) plus 2 for every run's first such window.
    eq = lines[:, :, 1:] == lines[:, :, :-1]
    m5 = n - 4
    same5 = eq[:, :, 0:m5] & eq[:, :, 1 : m5 + 1] & eq[:, :, 2 : m5 + 2] & eq[:, :, 3 : m5 + 3]
    first5 = same5.copy()
    first5[:, :, 1:] &= ~eq[:, :, 0 : m5 - 1]
    n1 = same5.sum(axis=(1, 2)) + 2 * first5.sum(axis=(1, 2))
    n1 = n1[:k] + n1[k:]
    # N2: each 2×2 block of one colour scores 3.
    a = symbols[:, :-1, :-1]
    same = (a == symbols[:, 1:, :-1]) & (a == symbols[:, :-1, 1:]) & (a == symbols[:, 1:, 1:])
    n2 = 3 * same.sum(axis=(1, 2))
    # N3: 1:1:3:1:1 dark-light-dark-dark-dark-light-dark with 4 light modules on either side (the
    # symbol's edge counts as light) scores 40. Lines padded with 4 light modules each side;
    # a pattern starting at padded index q (4 <= q <= n - 3) is core[..., q - 4].
    dark = np.zeros((2 * k, n, n + 8), dtype=bool)
    dark[:, :, 4 : n + 4] = lines
    light = ~dark
    m = n - 6

    def at(arr: np.ndarray, offset: int) -> np.ndarray:
        return arr[:, :, offset : offset + m]

    core = at(dark, 4) & at(light, 5) & at(dark, 6) & at(dark, 7) & at(dark, 8)
    core &= at(light, 9) & at(dark, 10)
    flanked = at(light, 0) & at(light, 1) & at(light, 2) & at(light, 3)
    flanked |= at(light, 11) & at(light, 12) & at(light, 13) & at(light, 14)
    hits = core & flanked
    # Two patterns overlap when 4 or 6 apart ("10111011101"); like segno, the search resumes after
    # a scored pattern, so an overlapping successor is not scored. Rare: resolved line by line.
    overlaps = (core[:, :, 4:] & core[:, :, :-4]).any(axis=2)
    overlaps |= (core[:, :, 6:] & core[:, :, :-6]).any(axis=2)
    for b, r in np.argwhere(overlaps):
        resume = 0
        for pos in np.flatnonzero(core[b, r]):
            if pos < resume:
                hits[b, r, pos] = False
            elif hits[b, r, pos]:
                resume = pos + 7
    n3 = 40 * hits.sum(axis=(1, 2))
    n3 = n3[:k] + n3[k:]
    # N4: 10 for every full 5% the dark share is away from 50%.
    share = symbols.sum(axis=(1, 2)) / (n * n)
    n4 = 10 * (np.abs(share * 100 - 50) // 5).astype(np.int64)
    return n1 + n2 + n3 + n4


def qr_matrix(url: str) -> tuple[bytearray, ...]:
    """The QR code (error correction M or better) for `url`, rows of 0/1 modules, no quiet zone."""
    return tuple(bytearray(row.tobytes()) for row in _qr_modules(url))


def _qr_modules(url: str) -> np.ndarray:
    qr = segno.make_qr(url, error="m", mask=0)
    version = qr.version
    region, reserved, patterns = _qr_geometry(version)
    n = len(qr.matrix)
    symbol = np.frombuffer(b"".join(qr.matrix), dtype=np.uint8).reshape(n, n)
    candidates = (symbol ^ patterns[0])[None, :, :] ^ patterns
    scored = candidates.copy()
    scored[:, reserved] = 0  # scored before format information is placed, as the standard says
    best = int(np.argmin(_qr_penalties(scored)))
    if best == 0:
        return symbol
    rows = tuple(bytearray(row.tobytes()) for row in candidates[best])
    qr_encoder.add_format_info(rows, version, qr_encoder.normalize_errorlevel(qr.error), best)
    return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(n, n)


def _draw_qr(canvas: Canvas, url: str, cx: float, cy: float, side: float) -> None:
    """The QR code as a single filled path of run-length rectangles, on a white quiet zone."""
    modules = _qr_modules(url)
    n = modules.shape[0]
    border = 4
    module = side / (n + 2 * border)
    x0, y0 = cx - side / 2, cy - side / 2
    canvas.setFillColorRGB(1, 1, 1)
    canvas.roundRect(x0, y0, side, side, module * 1.5, stroke=0, fill=1)

    # Runs of dark modules per row: +1 where a run starts, -1 just after it ends.
    edges = np.diff(np.pad(modules.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)
    # Module units, y down: row r occupies [r, r + 1]. Integer coordinates, so the path is
    # written directly ("x y w h re" per run), then filled once.
    ops = "\n".join(
        f"{c} {r} {w} 1 re"
        for r, c, w in zip(rows.tolist(), starts.tolist(), (ends - starts).tolist(), strict=True)
    )
    canvas.saveState()
    canvas.transform(module, 0, 0, -module, x0 + border * module, y0 + side - border * module)
    canvas.setFillColorRGB(0, 0, 0)
    canvas._code.append(ops + "\nf")
    canvas.restoreState()


def _fit_size(text: str, size: float, max_width: float, min_size: float) -> float:
    width = _width(text, size)
    if width <= max_width:
        return size
    return max(min_size, size * max_width / width)


def _draw_page(canvas: Canvas, layout: CertificateLayout, data: CertificateData) -> None:
    W, H = layout.page_size
    values = _placeholder_values(data)
    template = _wording_template(layout, data)

    canvas.drawImage(_background_file(layout), 0, 0, W, H)

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
            runs = _runs(paragraph, values)
            size = layout.salutation_size
            for line in _wrap(runs, size, width, width):
                _draw_runs(canvas, left, y, _merge(line), size, layout)
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
            for i, line in enumerate(_wrap(_runs(paragraph, values), size, width - indent, width)):
                _draw_runs(canvas, left + (indent if i == 0 else 0), y, _merge(line), size, layout)
                y -= size * 1.75

    # Serial number and verification address, bottom left.
    sx, sy = W * layout.serial_pos[0], H * layout.serial_pos[1]
    _draw_text(canvas, sx, sy, f"证书编号：{data.serial}", 11.5, layout.text_color)
    url_label = f"查验网址：{data.verification_url}"
    url_size = _fit_size(url_label, 8.5, W * layout.serial_width, 5.5)
    _draw_text(canvas, sx, sy - 16, url_label, url_size, layout.muted_color)

    # Issuing bodies with seals, then the date.
    bodies = tuple(b for b in (data.issuing_bodies or layout.issuing_bodies) if b.strip())
    _draw_bodies(canvas, layout, bodies, values["date"])

    # QR code, bottom right.
    qx, qy = W * layout.qr_center[0], H * layout.qr_center[1]
    side = H * layout.qr_size
    _draw_qr(canvas, data.verification_url, qx, qy, side)
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
    widths = [_width(b, size) for b in bodies]
    columns = [max(w, seal_d * 0.9) for w in widths]
    side_by_side = len(bodies) > 1 and sum(columns) + gap * (len(bodies) - 1) <= max_total

    names: list[tuple[float, float]] = []  # where each body's name sits (centre x, baseline y)
    seals: list[float] = []  # centre x of each default seal
    if side_by_side:
        total = sum(columns) + gap * (len(bodies) - 1)
        x = cx - total / 2
        for col in columns:
            names.append((x + col / 2, y))
            seals.append(x + col / 2)
            x += col + gap
        date_y = y - size * 1.9
        mid_y = y + size * 0.3
    else:
        # One name a line; the seals, one per body, spread across the block and overlap a little,
        # as on a jointly issued paper certificate.
        line = size * 1.7
        for i in range(len(bodies)):
            names.append((cx, y - i * line))
        date_y = y - max(len(bodies), 1) * line - size * 0.2
        mid_y = y - (len(bodies) - 1) * line / 2 + size * 0.3
        step = seal_d * 0.8
        seals = [cx + (i - (len(bodies) - 1) / 2) * step for i in range(len(bodies))]

    for body, (bx, by) in zip(bodies, names, strict=True):
        body_size = _fit_size(body, size, max_total, 9)
        _draw_text(canvas, bx, by, body, body_size, layout.text_color, anchor="centre")
    _draw_text(canvas, cx, date_y, date_text, 15, layout.text_color, anchor="centre")

    # Seals over the names (drawn after the text: ink on top of print).
    if layout.seal_path:
        seal = _seal_image(layout.seal_path)
        h = seal_d * seal.height / max(seal.width, 1)
        seal_mid = mid_y if bodies else date_y + size * 0.3
        seal.draw(canvas, cx - seal_d / 2, seal_mid - h / 2, seal_d, h)
    else:
        for body, sx in zip(bodies, seals, strict=True):
            seal = _seal_image(default_seal_path(body))
            seal.draw(canvas, sx - seal_d / 2, mid_y - seal_d / 2, seal_d, seal_d)


def _draw_void(canvas: Canvas, W: float, H: float) -> None:
    """A translucent diagonal stamp across a revoked certificate."""
    colour = Color(0.8, 0.0, 0.0, alpha=0.2)  # a colour's alpha is what sets the fill opacity
    canvas.saveState()
    canvas.translate(W / 2, H * 0.52)
    canvas.rotate(22)
    for text, size, space, y in (("已撤销", 84.0, 26.0, 4.0), ("REVOKED", 36.0, 10.0, -48.0)):
        width = _width(text, size) + space * (len(text) - 1)
        t = canvas.beginText(-width / 2, y)
        t.setFont(FONT_NAME, size)
        t.setFillColor(colour)
        t.setCharSpace(space)
        t.textOut(text)
        canvas.drawText(t)
    canvas.restoreState()


def _new_canvas(layout: CertificateLayout, title: str, author: str) -> Canvas:
    _get_font()
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


def render_certificate(layout: CertificateLayout, data: CertificateData) -> bytes:
    """One certificate as a one-page PDF."""
    bodies = data.issuing_bodies or layout.issuing_bodies
    canvas = _new_canvas(
        layout, f"{layout.title} {data.serial} {data.recipient_name}", "、".join(bodies)
    )
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
