"""What a blind judge receives: document metadata stripped (PDF info/XMP, Office core/app
properties) and the title and summary with the organiser's redactions (■■).

Names of teams, members and organisations often sit in a file's Author, Creator, Company or
Last-Modified-By fields; a blind judge must never receive them.
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
import zipfile

from django.core.exceptions import ObjectDoesNotExist

_BLANK_CORE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>'
)
_BLANK_APP = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"></Properties>'
)


_BLANK_CUSTOM = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"></Properties>'
)
_BLANKS = {
    "docProps/core.xml": _BLANK_CORE,
    "docProps/app.xml": _BLANK_APP,
    "docProps/custom.xml": _BLANK_CUSTOM,
}
COPY_STEP = 64 * 1024
# What the output may hold in memory before it spills to a temporary file.
SPOOL_BYTES = 1024 * 1024


class NotAnonymisable(Exception):
    """The document could not be parsed or is a bomb: it cannot be stripped, so it is withheld."""


def pdf_strip(data: bytes) -> bytes:
    """The PDF without its Info dictionary and XMP metadata. A PDF whose streams inflate beyond
    the limit (contest.files.pdf_check) or that pypdf cannot parse raises NotAnonymisable."""
    from pypdf import PdfReader, PdfWriter

    from contest.errors import ValidationFailed
    from contest.files import pdf_check

    try:
        pdf_check(data)
    except ValidationFailed as exc:
        raise NotAnonymisable(exc.code) from None
    try:
        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter(clone_from=reader)
        writer._info = None  # drop the Info dictionary entirely
        if "/Metadata" in writer._root_object:
            del writer._root_object["/Metadata"]
        writer.add_metadata({"/Producer": "Saiwu"})
        out = io.BytesIO()
        writer.write(out)
    except (MemoryError, RecursionError) as exc:
        raise NotAnonymisable(type(exc).__name__) from None
    except Exception as exc:  # pypdf raises many kinds on a damaged file; none may reach a 500
        raise NotAnonymisable(f"{type(exc).__name__}: {exc}") from None
    return out.getvalue()


def ooxml_strip_stream(source, target) -> None:
    """Copy the OOXML package `source` (a seekable binary file) to `target` member by member,
    each through a 64 KiB buffer, with the document properties blanked: memory stays at a buffer
    whatever the members' sizes. `zipfile` stops each member at its declared size, which the
    upload check bounded. A damaged archive raises NotAnonymisable."""
    try:
        with (
            zipfile.ZipFile(source) as src,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for item in src.infolist():
                if item.is_dir():
                    continue
                blank = _BLANKS.get(item.filename)
                if blank is not None:
                    dst.writestr(item.filename, blank)
                    continue
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with src.open(item) as reader, dst.open(info, "w", force_zip64=True) as writer:
                    shutil.copyfileobj(reader, writer, COPY_STEP)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise NotAnonymisable(f"{type(exc).__name__}: {exc}") from None


def ooxml_strip(data: bytes) -> bytes:
    out = io.BytesIO()
    ooxml_strip_stream(io.BytesIO(data), out)
    return out.getvalue()


def document_strip(data: bytes, file_type: str) -> bytes:
    """Return the document without identifying metadata; other types are passed through."""
    if file_type == "pdf":
        return pdf_strip(data)
    if file_type in {"docx", "pptx", "xlsx"}:
        return ooxml_strip(data)
    return data


def document_strip_file(source, file_type: str):
    """The stripped document as a file positioned at its start: a SpooledTemporaryFile (memory
    up to 1 MiB, then disk) for OOXML, streamed member by member from the seekable `source`;
    the stripped bytes for a PDF (the PDF is read whole: its size is bounded at upload);
    `source` itself for other types. Raises NotAnonymisable when it cannot be stripped."""
    if file_type in {"docx", "pptx", "xlsx"}:
        target = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
        try:
            ooxml_strip_stream(source, target)
        except BaseException:
            target.close()
            raise
        target.seek(0)
        return target
    if file_type == "pdf":
        return io.BytesIO(pdf_strip(source.read()))
    return source


# --------------------------------------------------------------------------------------------
# Text fields: what a blind judge reads of the title and summary
# --------------------------------------------------------------------------------------------

REDACTED = "■■"
_SPACE = re.compile(r"\s+")


def text_normalise(text: str) -> str:
    """Whitespace removed and case folded: how names are compared (PDF text breaks lines)."""
    return _SPACE.sub("", text or "").casefold()


def text_redact(text: str, terms: list[str]) -> str:
    """``text`` with every term replaced by ■■, longest first, ignoring case and whitespace
    inside the term (a name broken over a line is still hidden)."""
    if not text or not terms:
        return text
    for term in sorted({t for t in terms if t and t.strip()}, key=len, reverse=True):
        chars = [re.escape(c) for c in _SPACE.sub("", term)]
        text = re.sub(r"\s*".join(chars), REDACTED, text, flags=re.IGNORECASE)
    return text


def entry_redaction_terms(entry) -> list[str]:
    """The terms the organiser hid in this entry (``entry.redaction``; select it to save a query)."""
    try:
        return list(entry.redaction.terms)
    except ObjectDoesNotExist:
        return []


def judge_text(assignment, field: str) -> str:
    """The entry's ``title`` or ``summary`` as its judge sees it: redacted where the organiser
    hid terms (the anonymity check of a blind stage)."""
    entry = assignment.entry
    return text_redact(getattr(entry, field), entry_redaction_terms(entry))
