"""Entries (作品) per team per stage, their versioned files, submission and withdrawal."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from contest import permissions
from contest.enums import EntryFileKind, EntryStatus
from contest.errors import StateConflict, ValidationFailed
from contest.files import upload_check
from contest.models import Entry, EntryFile, Stage, Team
from contest.services.common import full_clean_or_raise, not_permitted
from contest.services.team import team_roster_problems

# The one allow-list of file types per kind of entry file (checked by content, not by name).
ALLOWED_FILE_TYPES: dict[str, tuple[str, ...]] = {
    EntryFileKind.PLAN: ("pdf", "docx"),
    EntryFileKind.SLIDES: ("pdf", "pptx"),
    EntryFileKind.VIDEO: ("mp4",),
    EntryFileKind.DATA_DESCRIPTION: ("pdf", "docx", "xlsx"),
    EntryFileKind.OTHER: ("pdf", "docx", "xlsx", "pptx", "zip", "png", "jpeg"),
}
REQUIRED_FILE_KINDS = (EntryFileKind.PLAN,)


def submission_window_check(stage: Stage) -> None:
    now = timezone.now()
    if stage.submission_opens_at and now < stage.submission_opens_at:
        raise StateConflict(
            "submission_not_open",
            "该阶段尚未开放提交。",
            "Submissions for this stage have not opened.",
        )
    if stage.submission_closes_at and now >= stage.submission_closes_at:
        deadline = timezone.localtime(stage.submission_closes_at).strftime("%Y-%m-%d %H:%M")
        raise StateConflict(
            "submission_closed",
            f"提交已于 {deadline}（北京时间）截止，不能再修改或提交。",
            f"Submissions closed at {deadline} (Beijing time); the entry can no longer change.",
        )


def _editor_check(actor, team: Team) -> None:
    if not permissions.can_edit_entry(actor, team):
        raise not_permitted("编辑该团队的作品", "edit this team's entry")


def _draft_check(entry: Entry) -> None:
    if entry.status != EntryStatus.DRAFT:
        raise StateConflict(
            "entry_not_draft",
            f"作品状态为“{entry.get_status_display()}”，不能修改。",
            f"The entry is {entry.status} and cannot be changed.",
        )


@transaction.atomic
def entry_create(
    *, actor, team: Team, stage: Stage, title: str, summary: str = "", tags=None
) -> Entry:
    _editor_check(actor, team)
    if stage.contest_id != team.contest_id:
        raise ValidationFailed(
            "stage_not_in_contest",
            "阶段不属于该团队的赛事。",
            "The stage belongs to another contest.",
            fields={"stage": ["stage_not_in_contest"]},
        )
    submission_window_check(stage)
    if Entry.objects.filter(team=team, stage=stage).exists():
        raise StateConflict(
            "entry_exists",
            "该团队在此阶段已有作品。",
            "The team already has an entry for this stage.",
        )
    entry = Entry(team=team, stage=stage, title=title, summary=summary, tags=list(tags or []))
    full_clean_or_raise(entry)
    entry.save()
    return entry


@transaction.atomic
def entry_update(*, actor, entry: Entry, **fields) -> Entry:
    entry = Entry.objects.select_for_update().select_related("team", "stage").get(pk=entry.pk)
    _editor_check(actor, entry.team)
    submission_window_check(entry.stage)
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
    submission_window_check(entry.stage)
    _draft_check(entry)
    if kind not in ALLOWED_FILE_TYPES:
        raise ValidationFailed(
            "invalid_file_kind",
            "未知的文件类别。",
            "Unknown kind of entry file.",
            fields={"kind": ["invalid_file_kind"]},
        )
    checked = upload_check(uploaded, allowed=ALLOWED_FILE_TYPES[kind])
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
    submission_window_check(entry.stage)
    _draft_check(entry)
    present = set(entry.files.filter(is_current=True).values_list("kind", flat=True))
    missing = [k for k in REQUIRED_FILE_KINDS if k not in present]
    if missing:
        raise ValidationFailed(
            "entry_files_missing",
            "提交前须上传方案书。",
            "Upload the plan before submitting.",
            details={"missing": missing},
        )
    problems = team_roster_problems(entry.team)
    if problems:
        raise StateConflict(
            "team_size_below_min",
            f"团队人数不足，至少需要 {entry.team.contest.team_size_min} 人。",
            f"The team needs at least {entry.team.contest.team_size_min} members.",
            details={"problems": problems},
        )
    entry.status = EntryStatus.SUBMITTED
    entry.submitted_at = timezone.now()
    entry.save(update_fields=["status", "submitted_at", "updated_at"])
    return entry


@transaction.atomic
def entry_withdraw(*, actor, entry: Entry) -> Entry:
    entry = Entry.objects.select_for_update().select_related("team").get(pk=entry.pk)
    if not permissions.is_team_captain(actor, entry.team):
        raise not_permitted("撤回作品", "withdraw the entry")
    if entry.status == EntryStatus.WITHDRAWN:
        raise StateConflict("entry_withdrawn", "作品已撤回。", "The entry is already withdrawn.")
    entry.status = EntryStatus.WITHDRAWN
    entry.withdrawn_at = timezone.now()
    entry.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return entry
