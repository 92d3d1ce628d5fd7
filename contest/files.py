"""Upload paths and the upload check shared by the admin and the API."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from contest.errors import error
from contest.validators import FILE_TYPES, sniff_file_type


def hashed_upload_path(contest_code: str, folder: str, code: str, instance, filename: str) -> str:
    """`<contest>/<folder>/<code>/<sha256>.<ext>`: names never leak the uploader's file name."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    digest = getattr(instance, "sha256", "") or hashlib.sha256(filename.encode()).hexdigest()
    return f"{contest_code}/{folder}/{code}/{digest}.{ext}"


@dataclass(frozen=True)
class CheckedUpload:
    file_type: str
    content_type: str
    size: int
    sha256: str


def upload_check(
    uploaded, *, allowed: tuple[str, ...], max_bytes: int | None = None
) -> CheckedUpload:
    """Check an uploaded file before anything is kept: size, type by content, name matches content.

    Raises ValidationFailed with a stable code; returns the detected type and SHA-256 otherwise.
    """
    limit = max_bytes if max_bytes is not None else settings.ENTRY_FILE_MAX_BYTES
    if uploaded.size > limit:
        raise error(
            "file_too_large",
            size_mb=f"{uploaded.size / 1048576:.1f}",
            limit_mb=f"{limit / 1048576:.0f}",
            fields={"file": ["file_too_large"]},
        )
    if uploaded.size == 0:
        raise error("file_empty", fields={"file": ["file_empty"]})
    detected = sniff_file_type(uploaded)
    name = uploaded.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    # A recognised file under another type's name (PNG bytes called .pdf) is reported as such
    # before the allow-list: "this is not really a PDF" is what the uploader needs to hear.
    if detected is not None and ext not in FILE_TYPES[detected].extensions:
        raise error(
            "file_content_mismatch",
            detected=detected,
            ext=ext,
            fields={"file": ["file_content_mismatch"]},
        )
    allowed_text = ", ".join(allowed)
    if detected is None or detected not in allowed:
        raise error(
            "file_type_not_allowed",
            allowed=allowed_text,
            fields={"file": ["file_type_not_allowed"]},
        )
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedUpload(
        file_type=detected,
        content_type=FILE_TYPES[detected].content_type,
        size=uploaded.size,
        sha256=digest.hexdigest(),
    )
