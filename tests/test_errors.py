"""The error catalogue holds: every code raised in the source is defined once, with Chinese and
English messages; the compiled message files match their .po; docs/developer/errors.md is current."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils import translation

from api.management.commands.error_catalogue import APPS, DOC, catalogue_load, catalogue_markdown
from contest.errors import UnknownErrorCode, ValidationFailed, error

ROOT = Path(__file__).resolve().parents[1]
SOURCE_APPS = ("contest", "judging", "awards", "notifications", "demo", "api")
RAISED = re.compile(r"""\berror\(\s*["']([a-z0-9_]+)["']""")
# The pre-catalogue form: a kind constructed with the code and two literal messages.
OLD_FORM = re.compile(
    r"""\b(?:ValidationFailed|StateConflict|NotPermitted|NotFound|DomainError)\(\s*"""
    r"""["'][a-z0-9_]+["']\s*,\s*f?["']"""
)
CJK = re.compile(r"[\u4e00-\u9fff]")


def python_sources():
    for app in SOURCE_APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_raised_code_is_in_the_catalogue():
    specs = catalogue_load()
    raised = {
        (code, str(path.relative_to(ROOT)))
        for path in python_sources()
        for code in RAISED.findall(path.read_text(encoding="utf-8"))
    }
    assert raised, "the scan found no error(...) call at all"
    assert sorted((code, where) for code, where in raised if code not in specs) == []


def test_no_raise_writes_its_messages_inline():
    inline = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in python_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OLD_FORM.search(line)
    ]
    assert inline == []


def test_every_code_has_chinese_and_english():
    specs = catalogue_load()
    assert len(specs) > 100
    untranslated = []
    for code, spec in specs.items():
        with translation.override("zh-hans"):
            zh = str(spec.message)
        with translation.override("en"):
            en = str(spec.message)
        if not CJK.search(zh) or CJK.search(en) or not en.strip():
            untranslated.append(code)
    assert sorted(untranslated) == []


def test_placeholders_agree_between_languages():
    specs = catalogue_load()
    names = re.compile(r"\{(\w*)\}")
    differ = []
    for code, spec in specs.items():
        with translation.override("zh-hans"):
            zh = set(names.findall(str(spec.message)))
        with translation.override("en"):
            en = set(names.findall(str(spec.message)))
        if zh != en:
            differ.append((code, sorted(zh), sorted(en)))
    assert differ == []


def test_error_renders_both_languages_with_params():
    exc = error("not_permitted", action="x")
    assert (exc.code, exc.kind) == ("not_permitted", "forbidden")
    assert exc.message_zh == "无权x。"
    assert exc.message_en == "You may not x."


def test_unknown_code_is_a_programming_error():
    with pytest.raises(UnknownErrorCode):
        error("no_such_code_anywhere")


def test_prerendered_error_keeps_its_messages():
    exc = ValidationFailed.prerendered("invalid_uscc", zh="代码无效", en="Invalid code")
    assert (exc.message_zh, exc.message_en, exc.kind) == ("代码无效", "Invalid code", "invalid")


@pytest.mark.parametrize("app", APPS)
def test_compiled_messages_match_their_po(app, tmp_path):
    po = ROOT / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists()
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (Debian package gettext) is not installed")
        pytest.skip("msgfmt (gettext) is not installed: cannot compile the .po to compare")
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(po)], check=True)
    with fresh.open("rb") as a, mo.open("rb") as b:
        expected = gettext.GNUTranslations(a)._catalog
        committed = gettext.GNUTranslations(b)._catalog
    assert committed == expected, f"{mo.relative_to(ROOT)} is stale: run `make messages`"


def test_errors_doc_is_current():
    assert DOC.read_text(encoding="utf-8") == catalogue_markdown(), "run `make errors-doc`"
