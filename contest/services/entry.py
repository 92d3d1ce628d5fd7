"""Entries (作品) per team per stage, their versioned files, submission and withdrawal."""

from __future__ import annotations

import rules
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contest.enums import EntryFileKind, EntryStatus
from contest.errors import DomainError, error, text_by_language
from contest.files import entry_file_max_bytes, upload_check
from contest.models import Entry, EntryFile, Stage, Team
from contest.permissions import permission_require
from contest.selectors import team_roster_check
from contest.services.common import full_clean_or_raise
from contest.signals import entry_submitted

# The one allow-list of file types per kind of entry file (checked by content, not by name).
ALLOWED_FILE_TYPES: dict[str, tuple[str, ...]] = {
    EntryFileKind.PLAN: ("pdf", "docx"),
    EntryFileKind.SLIDES: ("pdf", "pptx"),
    EntryFileKind.VIDEO: ("mp4",),
    EntryFileKind.DATA_DESCRIPTION: ("pdf", "docx", "xlsx"),
    EntryFileKind.OTHER: ("pdf", "docx", "xlsx", "pptx", "zip", "png", "jpeg"),
}
REQUIRED_FILE_KINDS = (EntryFileKind.PLAN,)


def stage_submission_window_check(stage: Stage) -> None:
    """Refuse unless the stage's submission window is open now."""
    now = timezone.now()
    if stage.submission_opens_at and now < stage.submission_opens_at:
        raise error("submission_not_open")
    if stage.submission_closes_at and now >= stage.submission_closes_at:
        deadline = timezone.localtime(stage.submission_closes_at).strftime("%Y-%m-%d %H:%M")
        raise error("submission_closed", deadline=deadline)


def _entry_window_check(actor, entry: Entry) -> None:
    """The stage's submission window, with one narrow exception: an entry returned for correction
    (补正) at a formal check may be edited and resubmitted by its team until the correction's
    deadline, even after the window closed. That rule belongs to judging, above this app, so it is
    asked by name (`judging.edit_returned_entry`, on the entry) and only when the window refuses."""
    try:
        stage_submission_window_check(entry.stage)
    except DomainError:
        if entry.status == EntryStatus.DRAFT and rules.has_perm(
            "judging.edit_returned_entry", actor, entry
        ):
            return
        raise


def _editor_check(actor, team: Team) -> None:
    permission_require(actor, "contest.edit_entry", team)


def _draft_check(entry: Entry) -> None:
    if entry.status != EntryStatus.DRAFT:
        raise error(
            "entry_not_draft",
            status=text_by_language(zh=entry.get_status_display(), en=str(entry.status)),
        )


@transaction.atomic
def entry_create(
    *, actor, team: Team, stage: Stage, title: str, summary: str = "", tags=None
) -> Entry:
    _editor_check(actor, team)
    if stage.contest_id != team.contest_id:
        raise error("stage_not_in_contest", fields={"stage": ["stage_not_in_contest"]})
    stage_submission_window_check(stage)
    if Entry.objects.filter(team=team, stage=stage).exists():
        raise error("entry_exists")
    entry = Entry(team=team, stage=stage, title=title, summary=summary, tags=list(tags or []))
    full_clean_or_raise(entry)
    entry.save()
    return entry


@transaction.atomic
def entry_update(*, actor, entry: Entry, **fields) -> Entry:
    entry = Entry.objects.select_for_update().select_related("team", "stage").get(pk=entry.pk)
    _editor_check(actor, entry.team)
    _entry_window_check(actor, entry)
    _draft_check(entry)
    for key in set(fields) - {"title", "summary", "tags"}:
        raise ValueError(f"unknown entry field: {key}")
    for key, value in fields.items():
        setattr(entry, key, value)
    full_clean_or_raise(entry)
    entry.save()
    return entry


@transaction.atomic
def entry_file_upload(*, actor, entry: Entry, kind: str, uploaded) -> EntryFile:
    """Add a new version of one kind of file; checked (size, type by content, name) before it is kept."""
    entry = (
        Entry.objects.select_for_update().select_related("team__contest", "stage").get(pk=entry.pk)
    )
    _editor_check(actor, entry.team)
    _entry_window_check(actor, entry)
    _draft_check(entry)
    if kind not in ALLOWED_FILE_TYPES:
        raise error("invalid_file_kind", fields={"kind": ["invalid_file_kind"]})
    checked = upload_check(
        uploaded, allowed=ALLOWED_FILE_TYPES[kind], max_bytes=entry_file_max_bytes(kind)
    )
    previous = entry.files.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
    entry.files.filter(kind=kind, is_current=True).update(is_current=False)
    entry_file = EntryFile(
        entry=entry,
        kind=kind,
        version=previous + 1,
        is_current=True,
        original_name=uploaded.name[:255],
        file_type=checked.file_type,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    entry_file.file.save(uploaded.name, uploaded, save=False)
    try:
        entry_file.save()
    except Exception:
        entry_file.file.delete(save=False)
        raise
    entry.save(update_fields=["updated_at"])
    return entry_file


@transaction.atomic
def entry_submit(*, actor, entry: Entry) -> Entry:
    """Submit an entry: within the window, with the required files and a roster that meets the rules."""
    entry = (
        Entry.objects.select_for_update().select_related("team__contest", "stage").get(pk=entry.pk)
    )
    _editor_check(actor, entry.team)
    _entry_window_check(actor, entry)
    _draft_check(entry)
    present = set(entry.files.filter(is_current=True).values_list("kind", flat=True))
    missing = [k for k in REQUIRED_FILE_KINDS if k not in present]
    if missing:
        raise error("entry_files_missing", details={"missing": missing})
    problems = team_roster_check(team=entry.team)
    if problems:
        raise error(
            "team_size_below_min",
            team_size_min=entry.team.contest.team_size_min,
            details={"problems": problems},
        )
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.save(update_fields=["status", "submitted_at", "updated_at"])
    entry_submitted.send(sender=Entry, entry=entry)
    return entry


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry) -> Entry:
    entry = Entry.objects.select_for_update().select_related("team").get(pk=entry.pk)
    permission_require(actor, "contest.withdraw_entry", entry.team)
    if entry.status == EntryStatus.WITHDRAWN:
        raise error("entry_withdrawn")
    entry.status = EntryStatus.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return entry


def entry_files_carry(*, source: Entry, target: Entry) -> list[EntryFile]:
    """Start `target` (a promoted team's entry in a later stage) with `source`'s current files,
    each as version 1 of its kind: new rows pointing at the same stored content, with the same
    sha256, so the team need not upload the same plan again and may replace any of them (a new
    upload of a kind adds version 2). Kinds `target` already has are left as they are. Call inside
    the transaction that creates `target`."""
    present = set(target.files.values_list("kind", flat=True))
    carried = [
        EntryFile(
            entry=target,
            kind=f.kind,
            version=1,
            is_current=True,
            file=f.file.name,
            original_name=f.original_name,
            file_type=f.file_type,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            uploaded_by_id=f.uploaded_by_id,
        )
        for f in source.files.filter(is_current=True).order_by("kind")
        if f.kind not in present
    ]
    return EntryFile.objects.bulk_create(carried)
