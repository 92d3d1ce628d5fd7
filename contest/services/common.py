"""Helpers shared by the contest services."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils import translation

from contest.errors import NotPermitted, ValidationFailed

# Our validators write one message as "中文 / English".
_BILINGUAL = re.compile(r"\s*/\s+")


def _in_language(error: ValidationError, language: str, half: int) -> str:
    """The error's messages rendered in `language`, keeping one half of a bilingual message."""
    with translation.override(language):
        texts = [str(m) for m in error.messages]
    return " ".join(
        _BILINGUAL.split(t, maxsplit=1)[half] if _BILINGUAL.search(t) else t for t in texts
    )


def bilingual_text(errors: list[ValidationError]) -> str:
    """Field errors as one "中文 / English" text, the form the import report uses."""
    zh = "；".join(_in_language(e, "zh-hans", 0) for e in errors)
    en = "; ".join(_in_language(e, "en", -1) for e in errors)
    return f"{zh} / {en}"


def full_clean_or_raise(instance, *, exclude: list[str] | None = None) -> None:
    """`full_clean()` that turns Django's ValidationError into our ValidationFailed.

    The error code is the first field error's code (e.g. `invalid_uscc`), so clients get a stable
    code for the commonest mistakes; all field messages come along in `fields`. Messages come in
    both languages: Django's own rendered in Chinese and in English, ours split at " / ".
    """
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        codes: list[str] = []
        errors: list[ValidationError] = []
        if hasattr(exc, "error_dict"):
            for field, field_errors in exc.error_dict.items():
                for error in field_errors:
                    fields.setdefault(field, []).append(" ".join(error.messages))
                    codes.append(error.code or "invalid")
                    errors.append(error)
        else:
            errors = [exc]
            codes = [getattr(exc, "code", None) or "invalid"]
        code = codes[0] if codes else "invalid"
        zh = "；".join(_in_language(e, "zh-hans", 0) for e in errors)
        en = "; ".join(_in_language(e, "en", -1) for e in errors)
        raise ValidationFailed(code, zh, en, fields=fields) from exc


def not_permitted(action_zh: str, action_en: str) -> NotPermitted:
    return NotPermitted(
        "not_permitted",
        f"无权{action_zh}。",
        f"You may not {action_en}.",
    )
