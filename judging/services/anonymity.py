"""Blind means blind (匿名评审检查): before judges of a blind stage get access, the organiser asks
which entries name their own organisations or people in the title, the summary or the text of
their current files, and may redact the title and summary.

What is looked for, per entry: the team's name; the lead organisation, the co-applicants and
every member's (captain, members, advisors) own organisation, each also without its legal-form
suffix (有限公司 …); every member's real name. Matching ignores whitespace (PDF text often breaks
a name over lines) and letter case.

Files are checked, not rewritten: the check reports where a name occurs (file and page) and the
organiser asks the team to replace the file; redaction (`entry_redact`) covers the judge-facing
title and summary only (``judging.anonymise.text_redact``). The work per file is bounded: at
most ``PDF_MAX_PAGES`` pages, ``TEXT_MAX_CHARS`` characters and ``XML_MAX_BYTES`` of document XML.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import transaction

from contest.enums import EntryStatus
from contest.models import Entry, Stage, Team
from contest.permissions import permission_require
from judging.anonymise import entry_redaction_terms, text_normalise, text_redact
from judging.errors import error
from judging.models.assignment import EntryRedaction
from judging.services.audit import audit_record

PDF_MAX_PAGES = 60
TEXT_MAX_CHARS = 300_000
XML_MAX_BYTES = 8 * 1024 * 1024
EXCERPT = 24  # characters of context either side of a finding
_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
_XML_TEXT = re.compile(r"<(?:w|a):t(?:\s[^>]*)?>([^<]*)</(?:w|a):t>")
_XML_PARA = re.compile(r"</(?:w|a):p>")


@dataclass(frozen=True)
class Term:
    text: str
    kind: str  # organisation | member | team
    label: str  # what it names: the organisation's full name, the member's role


def anonymity_terms(team: Team) -> list[Term]:
    """The names that identify a team: its own name, its organisations and its people."""
    terms: list[Term] = [Term(team.name, "team", team.name)]
    orgs = []
    if team.lead_organisation is not None:
        orgs.append(team.lead_organisation.name)
    orgs += [o.name for o in team.co_applicants.all()]
    members = list(team.members.select_related("user__organisation"))
    orgs += [m.user.organisation.name for m in members if m.user.organisation_id]
    for name in dict.fromkeys(orgs):
        terms.append(Term(name, "organisation", name))
        for suffix in _SUFFIXES:
            core = name.removesuffix(suffix)
            if core != name and len(core) >= 4:
                terms.append(Term(core, "organisation", name))
                break
    names = [(m.user.real_name, m.get_role_display()) for m in members]
    if not any(m.user_id == team.captain_id for m in members):
        names.append((team.captain.real_name, "队长 Captain"))
    for real_name, role in names:
        if len(real_name.strip()) >= 2:
            terms.append(Term(real_name.strip(), "member", role))
    seen: set[str] = set()
    unique = []
    for t in terms:
        key = text_normalise(t.text)
        if key and key not in seen:
            seen.add(key)
            unique.append(t)
    return unique


def _pdf_pages(data: bytes) -> Iterator[tuple[int, str]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    used = 0
    for number, page in enumerate(reader.pages[:PDF_MAX_PAGES], start=1):
        text = page.extract_text() or ""
        yield number, text[: TEXT_MAX_CHARS - used]
        used += len(text)
        if used >= TEXT_MAX_CHARS:
            return


def _ooxml_text(data: bytes) -> Iterator[tuple[int | None, str]]:
    """DOCX: word/document.xml; PPTX: each slide (its number as the page). Bounded XML read."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = [i for i in archive.infolist() if i.filename == "word/document.xml"]
    slides = [
        i for i in archive.infolist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", i.filename)
    ]
    slides.sort(key=lambda i: int(re.findall(r"\d+", i.filename)[-1]))
    budget = XML_MAX_BYTES
    for page, info in [(None, p) for p in parts] + [
        (int(re.findall(r"\d+", s.filename)[-1]), s) for s in slides
    ]:
        if budget <= 0:
            return
        with archive.open(info) as fh:
            xml = fh.read(budget).decode("utf-8", "ignore")
        budget -= len(xml)
        xml = _XML_PARA.sub("\n", xml)
        yield page, "".join(_XML_TEXT.findall(xml))[:TEXT_MAX_CHARS]


def _file_texts(entry_file) -> tuple[list[tuple[int | None, str]], str | None]:
    """(page, text) pieces of a file, or the reason it could not be read."""
    try:
        with entry_file.file.open("rb") as fh:
            data = fh.read()
        if entry_file.file_type == "pdf":
            return list(_pdf_pages(data)), None
        if entry_file.file_type in {"docx", "pptx"}:
            return list(_ooxml_text(data)), None
    except Exception as exc:  # a damaged upload is reported, not fatal to the check
        return [], f"{type(exc).__name__}"
    return [], "not_text"


def _find(text: str, terms: list[Term]) -> list[tuple[Term, str]]:
    flat = text_normalise(text)
    found = []
    for term in terms:
        key = text_normalise(term.text)
        at = flat.find(key)
        if at >= 0:
            excerpt = flat[max(at - EXCERPT, 0) : at + len(key) + EXCERPT]
            found.append((term, excerpt))
    return found


def entry_anonymity_findings(entry: Entry, terms: list[Term] | None = None) -> dict:
    """Where the entry names its own team, organisations or members."""
    terms = terms if terms is not None else anonymity_terms(entry.team)
    findings: list[dict] = []
    skipped: list[dict] = []

    def add(where, hits, **extra):
        for term, excerpt in hits:
            findings.append(
                {
                    "where": where,
                    "term": term.text,
                    "kind": term.kind,
                    "names": term.label,
                    "excerpt": excerpt,
                    **extra,
                }
            )

    redacted = entry_redaction_terms(entry)
    add("title", _find(text_redact(entry.title, redacted), terms))
    add("summary", _find(text_redact(entry.summary, redacted), terms))
    for f in entry.files.all():
        if not f.is_current:
            continue
        pieces, problem = _file_texts(f)
        if problem:
            skipped.append({"file": f.pk, "file_name": f.original_name, "reason": problem})
        for page, text in pieces:
            add("file", _find(text, terms), file=f.pk, file_name=f.original_name, page=page)
    return {
        "entry": entry.pk,
        "title": entry.title,
        "team_code": entry.team.code,
        "team_name": entry.team.name,
        "redacted_terms": redacted,
        "findings": findings,
        "files_not_checked": skipped,
    }


def anonymity_check(*, actor, stage: Stage) -> dict:
    """The blind-stage warning: every submitted entry that names its own people or organisations,
    with where. Reads only; the SPA shows it before judges get access."""
    permission_require(actor, "judging.check_anonymity", stage.contest)
    if not stage.blind:
        raise error("stage_not_blind")
    entries = (
        Entry.objects.filter(stage=stage, status=EntryStatus.SUBMITTED)
        .select_related("team__lead_organisation", "team__captain")
        .prefetch_related("team__co_applicants", "files")
        .order_by("id")
    )
    rows = [entry_anonymity_findings(e) for e in entries]
    flagged = [r for r in rows if r["findings"]]
    return {
        "stage": stage.pk,
        "entries_checked": len(rows),
        "entries_flagged": len(flagged),
        "files_not_checked": sum(len(r["files_not_checked"]) for r in rows),
        "entries": flagged,
    }


@transaction.atomic
def entry_redact(
    *, actor, stage: Stage, entry: Entry, terms: list[str], reason: str = ""
) -> EntryRedaction:
    """Hide ``terms`` from the judge-facing title and summary of a blind stage's entry (added to
    any terms already hidden). Each term must occur there: nothing is redacted silently."""
    permission_require(actor, "judging.redact_entry", stage.contest)
    if not stage.blind:
        raise error("stage_not_blind")
    if entry.stage_id != stage.pk:
        raise error("entry_not_in_stage", fields={"entry": ["entry_not_in_stage"]})
    terms = list(dict.fromkeys(t.strip() for t in terms if t and t.strip()))
    if not terms:
        raise error("redaction_terms_required", fields={"terms": ["redaction_terms_required"]})
    text = text_normalise(f"{entry.title}\n{entry.summary}")
    for term in terms:
        if text_normalise(term) not in text:
            raise error(
                "redaction_term_absent", term=term, fields={"terms": ["redaction_term_absent"]}
            )
    redaction, _ = EntryRedaction.objects.select_for_update().get_or_create(entry=entry)
    before = list(redaction.terms)
    redaction.terms = list(dict.fromkeys(before + terms))
    redaction.created_by = actor
    redaction.save()
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="entry.redact",
        obj=redaction,
        reason=reason or "匿名评审：作品名称或简介中出现本队单位或成员 Blind review",
        data={"stage": stage.pk, "entry": entry.pk, "added": terms, "terms": redaction.terms},
    )
    return redaction
