"""Validators that encode national standards and the upload allow-list."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: 统一社会信用代码 uses 31 characters (no I, O, S, V, Z).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc_check_character(first17: str) -> str:
    """The 18th character of a 统一社会信用代码, computed from the first 17 (GB 32100-2015 §5)."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_compose(head: str, serial: int) -> str:
    """A valid 统一社会信用代码 that starts with `head` (registration authority, kind, division
    code, …) and encodes `serial` in the rest of its 17 characters, with the check character:
    the one generator the test factories, the demo and the benchmarks use."""
    body = ""
    for _position in range(17 - len(head)):
        body = USCC_CHARSET[serial % 31] + body
        serial //= 31
    first17 = head + body
    return first17 + uscc_check_character(first17)


def uscc_is_valid(value: str) -> bool:
    if not isinstance(value, str) or len(value) != 18:
        return False
    if any(ch not in USCC_CHARSET for ch in value):
        return False
    if not value[2:8].isdigit():  # administrative division code
        return False
    return uscc_check_character(value[:17]) == value[17]


def validate_uscc(value: str) -> None:
    if not uscc_is_valid(value):
        raise ValidationError(
            _(
                "Invalid unified social credit code "
                "(18 characters with a GB 32100-2015 check character)."
            ),
            code="invalid_uscc",
        )


def validate_mobile(value: str) -> None:
    if not (len(value) == 11 and value.isdigit() and value.startswith("1")):
        raise ValidationError(_("A mobile number has 11 digits."), code="invalid_mobile")


@dataclass(frozen=True)
class FileType:
    key: str
    extensions: tuple[str, ...]
    content_type: str


FILE_TYPES = {
    "pdf": FileType("pdf", ("pdf",), "application/pdf"),
    "docx": FileType(
        "docx",
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pptx": FileType(
        "pptx",
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "xlsx": FileType(
        "xlsx", ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "zip": FileType("zip", ("zip",), "application/zip"),
    "mp4": FileType("mp4", ("mp4", "m4v", "mov"), "video/mp4"),
    "png": FileType("png", ("png",), "image/png"),
    "jpeg": FileType("jpeg", ("jpg", "jpeg"), "image/jpeg"),
}

_OOXML_MARKERS = {"word/": "docx", "ppt/": "pptx", "xl/": "xlsx"}


def sniff_file_type(fileobj) -> str | None:
    """Detect a file's type from its content (magic bytes, ZIP directory), never from its name."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(fileobj) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            fileobj.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, key in _OOXML_MARKERS.items():
                if any(name.startswith(prefix) for name in names):
                    return key
        return "zip"
    return None


def contest_is_ancestor(*, contest, of) -> bool:
    """Whether `contest` is `of` or one of its parents, grandparents, … (an existing loop ends
    the walk instead of running forever)."""
    seen: set[int] = set()
    node = of
    while node is not None and node.pk not in seen:
        if node.pk == contest.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def validate_contest_parent(contest) -> None:
    """A contest cannot be its own parent or ancestor (the admin's forms call this via clean())."""
    if contest.pk is not None and contest_is_ancestor(contest=contest, of=contest.parent):
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("A contest cannot be its own parent or ancestor."),
                    code="contest_parent_cycle",
                )
            }
        )
