"""Write the error catalogue of every app as docs/developer/errors.md (`make errors-doc`).

python manage.py error_catalogue            # write the file
python manage.py error_catalogue --check    # exit 1 when the file is out of date
"""

from __future__ import annotations

import importlib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from contest.errors import catalogue_all

APPS = ("contest", "judging", "awards", "notifications")
DOC = Path(settings.BASE_DIR) / "docs" / "developer" / "errors.md"
STATUS = {"invalid": 400, "conflict": 409, "forbidden": 403, "not_found": 404}


def catalogue_load() -> dict:
    """Import every app's catalogue; return all codes."""
    for app in APPS:
        importlib.import_module(f"{app}.errors")
    return catalogue_all()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def catalogue_markdown() -> str:
    specs = catalogue_load()
    lines = [
        "# Error catalogue",
        "",
        "Generated from the apps' catalogues (`<app>/errors.py` and `<app>/locale/zh_Hans/…/django.po`)",
        "by `make errors-doc`; `tests/test_errors.py` fails when this file is out of date.",
        "Every API error body is `{code, message, message_zh, message_en, fields, details}`;",
        "`{name}` marks a value filled in when the error is raised.",
        "",
        'To add a code: one line in the app\'s `errors.py` (`catalogue.conflict("code", _("English"))`),',
        'raise it with `raise error("<code>", name=value)`, run `make messages`, write the Chinese in the',
        "app's `locale/zh_Hans/LC_MESSAGES/django.po`, run `make messages` again and `make errors-doc`.",
        "A code is defined once, in the lowest app that raises it; higher apps reuse it.",
        "Errors that DRF itself raises before a service runs (`not_authenticated` 401,",
        "`method_not_allowed` 405, `unsupported_media_type` 415, `throttled` 429, `parse_error` 400,",
        "`invalid` 400 for serializer field errors) keep their messages in `api/exceptions.py`.",
        "",
    ]
    for app in APPS:
        lines += [f"## {app}", "", "| code | HTTP | 中文 | English |", "|---|---|---|---|"]
        for code in sorted(c for c, spec in specs.items() if spec.app == app):
            spec = specs[code]
            with translation.override("zh-hans"):
                zh = str(spec.message)
            with translation.override("en"):
                en = str(spec.message)
            status = STATUS[spec.kind.kind]
            lines.append(f"| `{code}` | {status} | {_cell(zh)} | {_cell(en)} |")
        lines.append("")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Write docs/developer/errors.md from the error catalogues (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        text = catalogue_markdown()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DOC} is out of date: run `make errors-doc`.")
            self.stdout.write(f"{DOC.name} is up to date")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {DOC} ({len(catalogue_all())} codes)")
