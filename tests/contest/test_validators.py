"""统一社会信用代码 (GB 32100-2015) and the content sniffing behind the upload allow-list."""

import io

import pytest
from django.core.exceptions import ValidationError

from contest.validators import (
    USCC_CHARSET,
    sniff_file_type,
    uscc_check_character,
    uscc_is_valid,
    validate_mobile,
    validate_uscc,
)
from tests.api.helpers import EXE_BYTES, PDF_BYTES, PNG_BYTES, RANDOM_BYTES, docx_bytes

# Codes as printed on business licences (enterprise, enterprise, public institution).
PUBLISHED_CODES = ["914403001922038216", "91110108551385082Q", "12100000400000624D"]


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_uscc_is_valid_published_codes(code):
    assert uscc_is_valid(code) is True


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_uscc_check_character_matches_published_codes(code):
    assert uscc_check_character(code[:17]) == code[17]


@pytest.mark.parametrize(
    "first17",
    ["91320100MA1XXXXXX", "52110000500012345", "11100000000013127", "93320583MA7ABCDEF"],
)
def test_uscc_is_valid_computed_check_character(first17):
    assert uscc_is_valid(first17 + uscc_check_character(first17)) is True


def test_uscc_check_character_zero_remainder_maps_to_zero():
    # Weighted sum divisible by 31: the check character is "0", not the 32nd character.
    assert uscc_check_character("00000000000000000") == "0"


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_uscc_is_valid_wrong_check_character(code):
    wrong = USCC_CHARSET[(USCC_CHARSET.index(code[17]) + 1) % 31]
    assert uscc_is_valid(code[:17] + wrong) is False


@pytest.mark.parametrize(
    "code",
    ["91440300192203821", "9144030019220382166", "", "91440300"],
    ids=["17-chars", "19-chars", "empty", "8-chars"],
)
def test_uscc_is_valid_wrong_length(code):
    assert uscc_is_valid(code) is False


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_uscc_is_valid_forbidden_letter(letter):
    first17 = "91320100MA1XXXXX" + letter
    # Even with the check character computed the way a careless generator would (treating the
    # letter as "0"), a forbidden letter makes the code invalid.
    check = uscc_check_character(first17[:16] + "0")
    assert uscc_is_valid(first17 + check) is False


def test_uscc_is_valid_lowercase_refused():
    assert uscc_is_valid("91110108551385082q") is False


def test_uscc_is_valid_division_code_not_digits():
    first17 = "91A20100MA1XXXXXX"
    assert uscc_is_valid(first17 + uscc_check_character(first17)) is False


def test_uscc_is_valid_not_a_string():
    assert uscc_is_valid(914403001922038216) is False


def test_validate_uscc_error_code():
    with pytest.raises(ValidationError) as caught:
        validate_uscc("914403001922038217")
    assert caught.value.code == "invalid_uscc"


def test_validate_mobile_error_code():
    with pytest.raises(ValidationError) as caught:
        validate_mobile("2381234567")
    assert caught.value.code == "invalid_mobile"


def test_validate_mobile_valid():
    assert validate_mobile("13812345678") is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PDF_BYTES, "pdf"),
        (PNG_BYTES, "png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "jpeg"),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 20, "mp4"),
        (EXE_BYTES, None),
        (RANDOM_BYTES, None),
        (b"PK\x03\x04 not really a zip", None),
    ],
    ids=["pdf", "png", "jpeg", "mp4", "exe", "random", "broken-zip"],
)
def test_sniff_file_type_by_content(content, expected):
    assert sniff_file_type(io.BytesIO(content)) == expected


def test_sniff_file_type_docx_from_zip_directory():
    assert sniff_file_type(io.BytesIO(docx_bytes())) == "docx"


def test_sniff_file_type_rewinds():
    fileobj = io.BytesIO(PDF_BYTES)
    sniff_file_type(fileobj)
    assert fileobj.tell() == 0
