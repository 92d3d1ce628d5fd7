"""The one upload check shared by admin and API: size, type by content, name matches content."""

import hashlib

import pytest

from contest.errors import ValidationFailed
from contest.files import hashed_upload_path, upload_check
from tests.api.helpers import EXE_BYTES, PDF_BYTES, PNG_BYTES, docx_bytes, upload


def _code(callable_):
    with pytest.raises(ValidationFailed) as caught:
        callable_()
    return caught.value.code


def test_upload_check_pdf_accepted():
    checked = upload_check(upload("方案.pdf", PDF_BYTES), allowed=("pdf", "docx"))
    assert checked.file_type == "pdf"
    assert checked.content_type == "application/pdf"
    assert checked.size == len(PDF_BYTES)
    assert checked.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()


def test_upload_check_docx_accepted():
    checked = upload_check(upload("plan.DOCX", docx_bytes()), allowed=("pdf", "docx"))
    assert checked.file_type == "docx"


def test_upload_check_too_large():
    code = _code(lambda: upload_check(upload("a.pdf", PDF_BYTES), allowed=("pdf",), max_bytes=10))
    assert code == "file_too_large"


def test_upload_check_limit_from_settings(settings):
    settings.ENTRY_FILE_MAX_BYTES = len(PDF_BYTES) - 1
    assert _code(lambda: upload_check(upload("a.pdf", PDF_BYTES), allowed=("pdf",))) == (
        "file_too_large"
    )


def test_upload_check_exactly_at_limit_accepted(settings):
    settings.ENTRY_FILE_MAX_BYTES = len(PDF_BYTES)
    assert upload_check(upload("a.pdf", PDF_BYTES), allowed=("pdf",)).size == len(PDF_BYTES)


def test_upload_check_empty():
    assert _code(lambda: upload_check(upload("a.pdf", b""), allowed=("pdf",))) == "file_empty"


def test_upload_check_png_named_pdf_is_mismatch():
    code = _code(lambda: upload_check(upload("plan.pdf", PNG_BYTES), allowed=("pdf", "docx")))
    assert code == "file_content_mismatch"


def test_upload_check_pdf_without_extension_is_mismatch():
    assert _code(lambda: upload_check(upload("plan", PDF_BYTES), allowed=("pdf",))) == (
        "file_content_mismatch"
    )


def test_upload_check_exe_not_allowed():
    assert _code(lambda: upload_check(upload("setup.exe", EXE_BYTES), allowed=("pdf",))) == (
        "file_type_not_allowed"
    )


def test_upload_check_exe_named_pdf_not_allowed():
    assert _code(lambda: upload_check(upload("plan.pdf", EXE_BYTES), allowed=("pdf",))) == (
        "file_type_not_allowed"
    )


def test_upload_check_known_type_outside_allow_list():
    assert _code(lambda: upload_check(upload("photo.png", PNG_BYTES), allowed=("pdf",))) == (
        "file_type_not_allowed"
    )


def test_hashed_upload_path_hides_original_name():
    class Instance:
        sha256 = "ab" * 32

    path = hashed_upload_path("sjys-2026", "entries", "T00001", Instance(), "我的方案 final.PDF")
    assert path == f"sjys-2026/entries/T00001/{'ab' * 32}.pdf"
