"""居民身份证号码 (GB 11643-1999): the 18-character citizen ID number and its check character."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_number_check_character(first17: str) -> str:
    """The 18th character of a citizen ID number, computed from the first 17 (ISO 7064 MOD 11-2)."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def id_number_is_valid(value: str) -> bool:
    if not isinstance(value, str) or len(value) != 18 or not value[:17].isdigit():
        return False
    try:
        datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return id_number_check_character(value[:17]) == value[17].upper()


def id_number_normalise(value: str) -> str:
    return (value or "").strip().upper()


def validate_id_number(value: str) -> None:
    if value and not id_number_is_valid(value):
        raise ValidationError(
            _("Invalid citizen ID number (18 characters with a GB 11643-1999 check character)."),
            code="invalid_id_number",
        )
