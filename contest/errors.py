"""Domain errors and the error catalogue; `api.exceptions` maps the errors to JSON responses.

Every error code is defined once, in its app's catalogue (`<app>/errors.py`), with its kind and
its message. The message is English source text marked for translation (`gettext_lazy`); its
Chinese comes from the app's `locale/zh_Hans/LC_MESSAGES/django.po`, so adding a language means
adding a catalogue file, not editing code. Placeholders use `str.format` names::

    # awards/errors.py
    catalogue = Catalogue("awards")
    catalogue.conflict("notice_closed", _("The notice period ended at {closes_at}; …"))

    # a service
    from awards.errors import error
    raise error("notice_closed", closes_at="2026-12-01 23:59:59")

A code is looked up in every catalogue loaded so far; an app's `errors` module imports the
catalogues of the apps below it, so a service can raise any code of its own app or a lower one.
Raising an unknown code is a programming error (`UnknownErrorCode`), and `tests/test_errors.py`
checks every code raised in the source against the catalogues. Services never know about HTTP: the
kind tells the API which status fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("zh-hans", "en")


class UnknownErrorCode(LookupError):
    """A service raised a code that no catalogue defines."""


class DomainError(Exception):
    """Base for every rule violation. Subclasses set `kind`; instances carry code and messages."""

    kind = "invalid"  # invalid | conflict | forbidden | not_found

    def __init__(
        self,
        code: str,
        message: Promise | str,
        legacy_message_en: str | None = None,
        *,
        params: dict | None = None,
        fields: dict[str, list[str]] | None = None,
        details: dict | None = None,
        rendered: dict[str, str] | None = None,
    ):
        self.code = code
        self.message = message
        self.params = params or {}
        self.fields = fields or {}
        self.details = details or {}
        self._rendered = rendered or {}
        if (
            legacy_message_en is not None
        ):  # TRANSITION: (code, zh, en) until every raise uses error()
            self._rendered = {"zh-hans": str(message), "en": legacy_message_en}
        super().__init__(f"{code}: {self.message_in('en')}")

    def message_in(self, language: str) -> str:
        """The message in `language` (zh-hans or en), placeholders filled."""
        if language in self._rendered:
            return self._rendered[language]
        with translation.override(language):
            text = str(self.message)
            if not self.params:
                return text
            # Lazy params (e.g. a permission's action) render in the same language.
            params = {k: str(v) if isinstance(v, Promise) else v for k, v in self.params.items()}
            return text.format(**params)

    @property
    def message_zh(self) -> str:
        return self.message_in("zh-hans")

    @property
    def message_en(self) -> str:
        return self.message_in("en")

    @classmethod
    def prerendered(
        cls, code: str, *, zh: str, en: str, fields: dict | None = None, details: dict | None = None
    ) -> DomainError:
        """An error whose messages were already rendered in both languages elsewhere, e.g.
        Django's own field validation messages gathered by `full_clean_or_raise`."""
        return cls(code, en, fields=fields, details=details, rendered={"zh-hans": zh, "en": en})


class ValidationFailed(DomainError):
    """The input breaks a rule (bad USCC, file type, score out of range)."""

    kind = "invalid"


class StateConflict(DomainError):
    """The object is in a state that does not allow this (late, locked, already submitted)."""

    kind = "conflict"


class NotPermitted(DomainError):
    """The actor may see the object but may not do this to it."""

    kind = "forbidden"


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""

    kind = "not_found"


@dataclass(frozen=True)
class ErrorSpec:
    code: str
    kind: type[DomainError]
    message: Promise
    app: str


_REGISTRY: dict[str, ErrorSpec] = {}


class Catalogue:
    """One app's error codes. Defining a code that another catalogue already has is an error."""

    def __init__(self, app: str):
        self.app = app

    def define(self, kind: type[DomainError], code: str, message: Promise) -> None:
        if code in _REGISTRY and _REGISTRY[code].app != self.app:
            raise ValueError(f"error code {code!r} is already defined by {_REGISTRY[code].app}")
        _REGISTRY[code] = ErrorSpec(code=code, kind=kind, message=message, app=self.app)

    def invalid(self, code: str, message: Promise) -> None:
        self.define(ValidationFailed, code, message)

    def conflict(self, code: str, message: Promise) -> None:
        self.define(StateConflict, code, message)

    def forbidden(self, code: str, message: Promise) -> None:
        self.define(NotPermitted, code, message)

    def not_found(self, code: str, message: Promise) -> None:
        self.define(NotFound, code, message)

    def codes(self) -> list[str]:
        return sorted(code for code, spec in _REGISTRY.items() if spec.app == self.app)


def error(
    code: str,
    /,
    *,
    fields: dict[str, list[str]] | None = None,
    details: dict | None = None,
    **params,
) -> DomainError:
    """The catalogue's error for `code`, its message's placeholders filled from `params`."""
    try:
        spec = _REGISTRY[code]
    except KeyError:
        raise UnknownErrorCode(f"no error catalogue defines {code!r}") from None
    return spec.kind(code, spec.message, params=params, fields=fields, details=details)


def catalogue_all() -> dict[str, ErrorSpec]:
    """Every code defined by the catalogues loaded so far (import the apps' `errors` modules)."""
    return dict(_REGISTRY)


# The contest app's own codes: those every app raises come first.
catalogue = Catalogue("contest")
catalogue.forbidden("not_permitted", _("You may not {action}."))
