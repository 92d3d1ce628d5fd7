"""Cached images: the default background, JPEG conversion of an uploaded background, and
pre-encoded image XObjects (the uploaded seal). There is no default seal: a seal is drawn only when
the organiser uploaded one.

The background is drawn as a JPEG by file name, which ReportLab copies into the PDF unchanged
(DCTDecode); a PNG background is converted to JPEG once and cached. The seal (PNG with alpha) is
decoded and flate-compressed once per process and the resulting image XObject (with its soft mask)
is reused by every document; ReportLab would otherwise redo that work for each PDF."""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

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
