"""Helpers shared by the contest services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import translation

from contest.errors import ValidationFailed


def _in_language(errors: list[ValidationError], language: str, separator: str) -> str:
    """The errors' messages rendered in `language` (ours come from the contest catalogue)."""
    with translation.override(language):
        return separator.join(" ".join(str(m) for m in e.messages) for e in errors)


def bilingual_text(errors: list[ValidationError]) -> str:
    """Field errors as one "中文 / English" text, the form the import report uses."""
    return f"{_in_language(errors, 'zh-hans', '；')} / {_in_language(errors, 'en', '; ')}"


def full_clean_or_raise(
    instance, *, exclude: list[str] | None = None, validate_constraints: bool = True
) -> None:
    """`full_clean()` that turns Django's ValidationError into our ValidationFailed.

    The error code is the first field error's code (e.g. `invalid_uscc`), so clients get a stable
    code for the commonest mistakes; all field messages come along in `fields`. The messages are
    Django's and our validators', each rendered in Chinese and in English.

    `validate_constraints=False` leaves the model's constraints to the database, for a service
    that has checked them itself and must not lose a race to the check: a row committed between
    its check and this one would read as a 400 `invalid` instead of the IntegrityError the API
    maps to its domain 409 (`api.exceptions.integrity_code`).
    """
    try:
        instance.full_clean(exclude=exclude, validate_constraints=validate_constraints)
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
        raise ValidationFailed.prerendered(
            code,
            zh=_in_language(errors, "zh-hans", "；"),
            en=_in_language(errors, "en", "; "),
            fields=fields,
        ) from exc
