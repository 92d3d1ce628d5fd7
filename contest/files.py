"""Upload paths and the upload check shared by the admin and the API."""

from __future__ import annotations

import hashlib
import re
import zlib
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
    file_content_check(uploaded, detected)
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


# --------------------------------------------------------------------------------------------
# Hostile files: size per kind, archives that inflate, PDFs that inflate or do not parse
# --------------------------------------------------------------------------------------------

MiB = 1024 * 1024
# Kinds not listed take ENTRY_FILE_MAX_BYTES; a roadshow video is not a plan PDF.
DEFAULT_ENTRY_FILE_MAX_BYTES_BY_KIND = {"video": 500 * MiB}
ARCHIVE_TYPES = frozenset({"docx", "pptx", "xlsx", "zip"})


def entry_file_max_bytes(kind: str | None = None) -> int:
    """The size limit of one kind of entry file: `ENTRY_FILE_MAX_BYTES_BY_KIND[kind]` when the
    setting names the kind, `ENTRY_FILE_MAX_BYTES` otherwise."""
    by_kind = getattr(
        settings, "ENTRY_FILE_MAX_BYTES_BY_KIND", DEFAULT_ENTRY_FILE_MAX_BYTES_BY_KIND
    )
    if kind is not None and str(kind) in by_kind:
        return int(by_kind[str(kind)])
    return int(settings.ENTRY_FILE_MAX_BYTES)


def archive_limits() -> tuple[int, int, int]:
    """(largest total uncompressed size, largest compression ratio, most members) of a ZIP or
    OOXML upload; settings ARCHIVE_MAX_UNCOMPRESSED_BYTES, ARCHIVE_MAX_RATIO, ARCHIVE_MAX_MEMBERS."""
    return (
        int(getattr(settings, "ARCHIVE_MAX_UNCOMPRESSED_BYTES", 512 * MiB)),
        int(getattr(settings, "ARCHIVE_MAX_RATIO", 100)),
        int(getattr(settings, "ARCHIVE_MAX_MEMBERS", 10_000)),
    )


# Below this total a high ratio is harmless (a few kilobytes of repeated XML compress 200:1).
ARCHIVE_RATIO_FLOOR = 16 * MiB


def archive_check(fileobj) -> None:
    """Refuse a ZIP or OOXML file whose members would inflate beyond the limits, from its central
    directory only (nothing is decompressed). The declared sizes are what `zipfile` enforces
    when a member is read later, so a lying directory cannot inflate further."""
    import zipfile

    max_total, max_ratio, max_members = archive_limits()
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise error(
            "file_type_not_allowed", allowed="", fields={"file": ["file_type_not_allowed"]}
        ) from None
    finally:
        fileobj.seek(0)
    if len(members) > max_members:
        raise error(
            "archive_too_many_members",
            count=len(members),
            limit=max_members,
            fields={"file": ["archive_too_many_members"]},
        )
    total = sum(max(m.file_size, 0) for m in members)
    packed = sum(max(m.compress_size, 0) for m in members)
    if total > max_total:
        raise error(
            "archive_too_large",
            size_mb=f"{total / MiB:.0f}",
            limit_mb=f"{max_total / MiB:.0f}",
            fields={"file": ["archive_too_large"]},
        )
    ratio = total / max(packed, 1)
    if total > ARCHIVE_RATIO_FLOOR and ratio > max_ratio:
        raise error(
            "archive_ratio",
            ratio=f"{ratio:.0f}",
            limit=max_ratio,
            fields={"file": ["archive_ratio"]},
        )


def pdf_max_inflated_bytes() -> int:
    """How much a PDF's compressed streams may inflate to in all (setting PDF_MAX_INFLATED_BYTES)."""
    return int(getattr(settings, "PDF_MAX_INFLATED_BYTES", 256 * MiB))


_STREAM_START = re.compile(rb"stream\r?\n")
_INFLATE_STEP = 1 * MiB


def pdf_inflated_size(data: bytes, *, budget: int) -> int | None:
    """The total size the PDF's Flate streams inflate to, or None as soon as it passes `budget`.

    Every `stream … endstream` body is inflated in steps of 1 MiB whose output is dropped at
    once, so memory stays at a step and time at the budget (about 0.3 s for 256 MiB); bodies that
    are not zlib data (images in DCT, …) stop at their first bytes."""
    total = 0
    position = 0
    while True:
        found = _STREAM_START.search(data, position)
        if found is None:
            return total
        start = found.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        position = end
        body = memoryview(data)[start:end]
        inflater = zlib.decompressobj()
        chunk = bytes(body)
        try:
            while chunk:
                out = inflater.decompress(chunk, _INFLATE_STEP)
                total += len(out)
                if total > budget:
                    return None
                chunk = inflater.unconsumed_tail
                if inflater.eof:
                    break
        except zlib.error:
            continue


def pdf_check(data: bytes, *, budget: int | None = None) -> None:
    """Refuse a PDF whose streams inflate beyond the budget (a PDF bomb) with `pdf_too_complex`."""
    limit = budget if budget is not None else pdf_max_inflated_bytes()
    if pdf_inflated_size(data, budget=limit) is None:
        raise error(
            "pdf_too_complex",
            limit_mb=f"{limit / MiB:.0f}",
            fields={"file": ["pdf_too_complex"]},
        )


def file_content_check(uploaded, file_type: str) -> None:
    """The content checks of an accepted type: archives by their directory, PDFs by inflation."""
    if file_type in ARCHIVE_TYPES:
        archive_check(uploaded)
    elif file_type == "pdf":
        uploaded.seek(0)
        data = uploaded.read()
        uploaded.seek(0)
        pdf_check(data)


def pdf_upload_check(uploaded, *, budget: int | None = None) -> None:
    """`pdf_check` on an uploaded file (the public verify-pdf: setting
    VERIFY_PDF_MAX_INFLATED_BYTES, 32 MiB by default, since a certificate inflates to far less)."""
    limit = (
        budget
        if budget is not None
        else int(getattr(settings, "VERIFY_PDF_MAX_INFLATED_BYTES", 32 * MiB))
    )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    pdf_check(data, budget=limit)
