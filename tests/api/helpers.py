"""Small helpers shared by the API tests: error-body checks, row counts, file payloads."""

from __future__ import annotations

import io
import re
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from contest.models import (
    Challenge,
    Contest,
    ContestRole,
    Entry,
    EntryFile,
    Group,
    Invitation,
    Organisation,
    Stage,
    Team,
    TeamMember,
    Track,
    User,
)

COUNTED_MODELS = (
    User,
    Organisation,
    Contest,
    ContestRole,
    Track,
    Group,
    Stage,
    Challenge,
    Team,
    TeamMember,
    Invitation,
    Entry,
    EntryFile,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
RANDOM_BYTES = bytes(range(7, 200))


def docx_bytes() -> bytes:
    """A minimal Office Open XML word document (what sniffing looks at: the ZIP directory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def row_counts() -> dict[str, int]:
    """Rows per contest-app table, to prove a refused request changed nothing."""
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def assert_error(response, status: int, code: str) -> dict:
    """A JSON error with the expected status and stable code, in both languages."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message_zh"], str) and body["message_zh"] != ""
    assert isinstance(body["message_en"], str) and body["message_en"] != ""
    # English words (names in it may be Chinese), not the Chinese message again
    assert re.search("[A-Za-z]{2}", body["message_en"]), body
    return body


def results(response) -> list[dict]:
    """The rows of a list response, paginated or not."""
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def ids(response) -> list[int]:
    return [row["id"] for row in results(response)]
