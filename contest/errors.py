"""Domain errors raised by services; `api.exceptions` maps them to JSON responses.

Each error has a stable `code`, a Chinese and an English message, and a `kind` that tells the API
layer which HTTP status fits. Services never know about HTTP.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base for every rule violation. Subclasses set `kind`; instances carry code and messages."""

    kind = "invalid"  # invalid | conflict | forbidden | not_found

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        *,
        fields: dict[str, list[str]] | None = None,
        details: dict | None = None,
    ):
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.fields = fields or {}
        self.details = details or {}


class ValidationFailed(DomainError):
    """The input breaks a rule (bad USCC, file type, score out of range)."""

    kind = "invalid"


class StateConflict(DomainError):
    """The object is in a state that does not allow this (late, locked, already submitted)."""

    kind = "conflict"


class NotPermitted(DomainError):
    """The actor may see the object but may not do this to it."""

    kind = "forbidden"
