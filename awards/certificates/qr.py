"""The verification QR code: segno encodes, numpy picks the data mask, and it is drawn as one vector
path of run-length rectangles in module units — crisp at any zoom, no seams between modules, a few
hundred bytes."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import segno
from reportlab.pdfgen.canvas import Canvas
from segno import encoder as qr_encoder

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
    return tuple(bytearray(row.tobytes()) for row in qr_modules(url))


def qr_modules(url: str) -> np.ndarray:
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


def qr_draw(canvas: Canvas, url: str, cx: float, cy: float, side: float) -> None:
    """The QR code as a single filled path of run-length rectangles, on a white quiet zone."""
    modules = qr_modules(url)
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
