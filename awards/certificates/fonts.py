"""The one certificate font, WenQuanYi Micro Hei (in `awards/fonts/`), and glyph checks.

ReportLab only embeds TrueType outlines (a TTC with `subfontIndex` works; Noto CJK is CFF and does
not), as a subset. The font is parsed once per process, lazily, and registered once.

A character the font lacks would print as an empty box; `missing_glyphs` lets the caller flag such a
name before issuing instead (`wording.certificate_missing_glyphs` checks a whole certificate).
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Binary streams as they are: ASCII85 would inflate every one by 25% for nothing. ReportLab reads
# the setting when it writes a stream; every drawing module imports this one, so it is set in time.
rl_config.useA85 = 0

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"

_font_lock = threading.Lock()
_font: TTFont | None = None


def font_load() -> TTFont:
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
    char_to_glyph = font_load().face.charToGlyph
    missing: list[str] = []
    for ch in text:
        if ch.isspace() or ch in missing:
            continue
        if not char_to_glyph.get(ord(ch)):
            missing.append(ch)
    return missing


def text_width(text: str, size: float) -> float:
    return font_load().stringWidth(text, size)
