"""Helpers shared by the contest services."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from contest.errors import NotPermitted, ValidationFailed


def full_clean_or_raise(instance, *, exclude: list[str] | None = None) -> None:
    """`full_clean()` that turns Django's ValidationError into our ValidationFailed.

    The error code is the first field error's code (e.g. `invalid_uscc`), so clients get a stable
    code for the commonest mistakes; all field messages come along in `fields`.
    """
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        codes: list[str] = []
        messages: list[str] = []
        for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else []:
            for error in errors:
                text = " ".join(error.messages)
                fields.setdefault(field, []).append(text)
                codes.append(error.code or "invalid")
                messages.append(text)
        if not hasattr(exc, "error_dict"):
            messages = list(exc.messages)
            codes = [getattr(exc, "code", None) or "invalid"]
        code = codes[0] if codes else "invalid"
        text = "；".join(messages)
        raise ValidationFailed(code, text, text, fields=fields) from exc


def not_permitted(action_zh: str, action_en: str) -> NotPermitted:
    return NotPermitted(
        "not_permitted",
        f"无权{action_zh}。",
        f"You may not {action_en}.",
    )
