"""Cached images: the default background and seal, JPEG conversion of an uploaded background, and
pre-encoded image XObjects.

The background is drawn as a JPEG by file name, which ReportLab copies into the PDF unchanged
(DCTDecode); a PNG background is converted to JPEG once and cached. The seal (PNG with alpha) is
decoded and flate-compressed once per process and the resulting image XObject (with its soft mask)
is reused by every document; ReportLab would otherwise redo that work for each PDF."""

from __future__ import annotations

import hashlib
import math
import os
import random
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from awards.certificates.fonts import FONT_PATH
from awards.certificates.layout import A4_LANDSCAPE, CertificateLayout

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


def background_file(layout: CertificateLayout) -> str:
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


def seal_image(path: str) -> _EncodedImage:
    return _encoded_image(path, os.stat(path).st_mtime_ns)
