"""What a blind judge receives: document metadata stripped (PDF info/XMP, Office core/app
properties) and the title and summary with the organiser's redactions (■■).

Names of teams, members and organisations often sit in a file's Author, Creator, Company or
Last-Modified-By fields; a blind judge must never receive them.
"""

from __future__ import annotations

import io
import re
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


def pdf_strip(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    writer._info = None  # drop the Info dictionary entirely
    if "/Metadata" in writer._root_object:
        del writer._root_object["/Metadata"]
    writer.add_metadata({"/Producer": "Saiwu"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def ooxml_strip(data: bytes) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = _BLANK_CORE
            elif item.filename == "docProps/app.xml":
                content = _BLANK_APP
            elif item.filename == "docProps/custom.xml":
                content = (
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"></Properties>'
                )
            dst.writestr(item.filename, content)
    return out.getvalue()


def document_strip(data: bytes, file_type: str) -> bytes:
    """Return the document without identifying metadata; other types are passed through."""
    if file_type == "pdf":
        return pdf_strip(data)
    if file_type in {"docx", "pptx", "xlsx"}:
        return ooxml_strip(data)
    return data


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
