"""Rendering a message: the built-in template of an event in one language, or the contest's
override, with the event's context (plain values only).

Built-in templates live in `notifications/templates/notifications/<event>.<language>.txt`: the
first line is the subject, the rest (after one blank line) the body. They are plain text, so the
engine does not escape HTML."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.template import Context, Engine, Template, TemplateSyntaxError

from notifications.enums import Language
from notifications.errors import error
from notifications.events import EVENTS
from notifications.models import TemplateOverride
from notifications.permissions import permission_require

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "notifications"
_ENGINE = Engine(dirs=[str(TEMPLATE_DIR)], autoescape=False, debug=False)
_VARIABLE = re.compile(r"{{\s*([a-zA-Z_][\w]*)")


def language_of(value: str | None) -> str:
    return Language.EN if (value or "").lower().startswith("en") else Language.ZH_HANS


@lru_cache(maxsize=256)
def _builtin_source(event: str, language: str) -> str:
    return (TEMPLATE_DIR / f"{event}.{language}.txt").read_text(encoding="utf-8")


def template_builtin(event: str, language: str) -> tuple[str, str]:
    """The built-in (subject, body) source of `event` in `language`."""
    source = _builtin_source(event, language)
    subject, _, body = source.partition("\n")
    return subject.strip(), body.lstrip("\n")


def _compile(source: str, field: str) -> Template:
    try:
        return Template(source, engine=_ENGINE)
    except TemplateSyntaxError as exc:
        raise error(
            "template_invalid", fields={field: ["template_invalid"]}, problem=str(exc)
        ) from None


def render(subject: str, body: str, context: dict) -> tuple[str, str]:
    ctx = Context(context, autoescape=False)
    subject_out = " ".join(_compile(subject, "subject").render(ctx).split())
    return subject_out[:255], _compile(body, "body").render(ctx).strip() + "\n"


def message_render(*, event: str, language: str, context: dict, contest_id=None) -> tuple[str, str]:
    """(subject, body) of `event` in `language`: the contest's override if it has one."""
    override = None
    if contest_id:
        override = TemplateOverride.objects.filter(
            contest_id=contest_id, event=event, language=language
        ).first()
    subject, body = (
        (override.subject, override.body) if override else template_builtin(event, language)
    )
    return render(subject, body, context)


def placeholders_of(event: str) -> list[str]:
    """The names the built-in templates of `event` use, in both languages: what an override
    may use too."""
    names: list[str] = []
    for language in Language.values:
        subject, body = template_builtin(event, language)
        for name in _VARIABLE.findall(subject + "\n" + body):
            if name not in names:
                names.append(name)
    return names


def _event_check(event: str) -> None:
    if event not in EVENTS:
        raise error("event_unknown", fields={"event": ["event_unknown"]})


@transaction.atomic
def template_override_set(
    *, actor, contest, event: str, language: str, subject: str, body: str
) -> TemplateOverride:
    """The organiser rewords one event's message for their contest; checked by rendering."""
    permission_require(actor, "notifications.manage_templates", contest)
    _event_check(event)
    if language not in Language.values:
        raise error("language_unknown", fields={"language": ["language_unknown"]})
    if not subject.strip() or not body.strip():
        raise error("template_empty", fields={"body": ["template_empty"]})
    _compile(subject, "subject")
    _compile(body, "body")
    override, _ = TemplateOverride.objects.update_or_create(
        contest=contest,
        event=event,
        language=language,
        defaults={"subject": subject.strip(), "body": body, "updated_by": actor},
    )
    return override


@transaction.atomic
def template_override_delete(*, actor, contest, event: str, language: str) -> None:
    permission_require(actor, "notifications.manage_templates", contest)
    TemplateOverride.objects.filter(contest=contest, event=event, language=language).delete()


def template_preview(
    *,
    actor,
    contest,
    event: str,
    language: str,
    subject: str | None = None,
    body: str | None = None,
) -> dict:
    """Render `event` for `contest` with sample values named after the placeholders (or the
    override being written, when `subject`/`body` are given), without saving anything."""
    permission_require(actor, "notifications.manage_templates", contest)
    _event_check(event)
    names = placeholders_of(event)
    sample = {name: f"«{name}»" for name in names}
    sample.update(contest_name=contest.name, contest_edition=contest.edition)
    if subject is None or body is None:
        override = TemplateOverride.objects.filter(
            contest=contest, event=event, language=language
        ).first()
        base = (override.subject, override.body) if override else template_builtin(event, language)
        subject = base[0] if subject is None else subject
        body = base[1] if body is None else body
    rendered_subject, rendered_body = render(subject, body, sample)
    return {
        "event": event,
        "language": language,
        "placeholders": names,
        "subject": rendered_subject,
        "body": rendered_body,
    }
