"""Upload paths and the upload check shared by the admin and the API."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings

from contest.errors import ValidationFailed
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
        raise ValidationFailed(
            "file_too_large",
            f"文件过大：{uploaded.size / 1048576:.1f} MB，上限 {limit / 1048576:.0f} MB。",
            f"File too large: {uploaded.size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB.",
            fields={"file": ["file_too_large"]},
        )
    if uploaded.size == 0:
        raise ValidationFailed(
            "file_empty", "文件为空。", "The file is empty.", fields={"file": ["file_empty"]}
        )
    detected = sniff_file_type(uploaded)
    name = uploaded.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    # A recognised file under another type's name (PNG bytes called .pdf) is reported as such
    # before the allow-list: "this is not really a PDF" is what the uploader needs to hear.
    if detected is not None and ext not in FILE_TYPES[detected].extensions:
        raise ValidationFailed(
            "file_content_mismatch",
            f"文件内容（{detected}）与文件名扩展名（.{ext}）不符。",
            f"The file's content ({detected}) does not match its name (.{ext}).",
            fields={"file": ["file_content_mismatch"]},
        )
    allowed_text = ", ".join(allowed)
    if detected is None or detected not in allowed:
        raise ValidationFailed(
            "file_type_not_allowed",
            f"文件类型不允许：仅接受 {allowed_text}。",
            f"File type not allowed: only {allowed_text} are accepted.",
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
