"""The certificate PDF's document information dictionary: the signed content and signature are
written there (by the renderer, or appended after rendering), so a PDF can be checked offline."""

from __future__ import annotations

import io
import re

PDF_META_CONTENT = "/SaiwuCertificate"
PDF_META_SIGNATURE = "/SaiwuSignature"


def pdf_text(value: str) -> bytes:
    """A PDF text string: UTF-16BE with a byte-order mark, hex-encoded (ISO 32000-1 §7.9.2.2)."""
    return b"<FEFF" + value.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _xref_offset(xref: bytes, number: int) -> int | None:
    """Byte offset of object `number` in a classic cross-reference table (`xref` … `trailer`)."""
    lines = xref.split(b"trailer", 1)[0].splitlines()[1:]
    i = 0
    while i < len(lines):
        head = lines[i].split()
        if len(head) != 2:
            i += 1
            continue
        first, count = int(head[0]), int(head[1])
        if first <= number < first + count:
            entry = lines[i + 1 + number - first].split()
            return int(entry[0]) if entry[2:3] == [b"n"] else None
        i += 1 + count
    return None


def pdf_info_append(pdf: bytes, entries: dict[str, str]) -> bytes:
    """Add `entries` to the PDF's document information dictionary by appending an incremental
    update (ISO 32000-1 §7.5.6): a new info object (the old entries plus these), a cross-reference
    section for it and a trailer pointing back with /Prev. The rendered bytes stay untouched and it
    costs microseconds, where rewriting the file with pypdf costs about half a render. Files not
    shaped like ReportLab's output (no classic xref table) go through pypdf instead."""
    try:
        start = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", pdf).group(1))
        xref = pdf[start:]
        if not xref.startswith(b"xref"):
            raise ValueError("cross-reference stream")
        trailer = re.search(rb"trailer\s*<<(.*)>>\s*startxref", xref, re.S).group(1)
        size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))
        root = re.search(rb"/Root\s+(\d+\s+\d+\s+R)", trailer).group(1)
        ids = re.search(rb"/ID\s*(\[[^\]]*\])", trailer)
        info = re.search(rb"/Info\s+(\d+)\s+(\d+)\s+R", trailer)
        old = b""
        if info:
            offset = _xref_offset(xref, int(info.group(1)))
            found = offset is not None and re.match(
                rb"\s*%s\s+%s\s+obj\s*<<(.*?)>>\s*endobj" % (info.group(1), info.group(2)),
                pdf[offset:],
                re.S,
            )
            if not found:
                raise ValueError("info dictionary not found")
            old = found.group(1).strip()
    except (AttributeError, ValueError, IndexError):
        return _pdf_info_pypdf(pdf, entries)
    added = b" ".join(
        b"/" + key.lstrip("/").encode("ascii") + b" " + pdf_text(value)
        for key, value in entries.items()
    )
    body_offset = len(pdf)
    body = b"%d 0 obj\n<<\n%s\n%s\n>>\nendobj\n" % (size, old, added)
    xref_offset = body_offset + len(body)
    tail = (
        b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root %s /Info %d 0 R /Prev %d%s >>\n"
        % (
            size,
            body_offset,
            size + 1,
            root,
            size,
            start,
            b" /ID " + ids.group(1) if ids else b"",
        )
    )
    return pdf + body + tail + b"startxref\n%d\n%%%%EOF\n" % xref_offset


def _pdf_info_pypdf(pdf: bytes, entries: dict[str, str]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata(entries)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
