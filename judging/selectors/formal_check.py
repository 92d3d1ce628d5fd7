"""Reads of the formal check (形式审查): a stage's material checklist, its queue of entries with
each one's state and missing materials, and an entry's latest decision."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, CharField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When

from contest.enums import EntryStatus
from contest.models import Entry, EntryFile, Stage
from contest.services.entry import REQUIRED_FILE_KINDS
from judging.enums import ChecklistField, FormalCheckOutcome, FormalCheckState
from judging.models import FormalCheckDecision, MaterialChecklist

# What a stage without a checklist of its own requires: the files every submission needs and a title.
DEFAULT_FILE_KINDS: tuple[str, ...] = tuple(str(k) for k in REQUIRED_FILE_KINDS)
DEFAULT_FIELDS: tuple[str, ...] = (ChecklistField.TITLE,)


@dataclass(frozen=True)
class Checklist:
    required_file_kinds: list[str]
    required_fields: list[str]
    is_default: bool


def checklist_of_stage(stage: Stage) -> Checklist:
    row = MaterialChecklist.objects.filter(stage_id=stage.pk).first()
    if row is None:
        return Checklist(list(DEFAULT_FILE_KINDS), list(DEFAULT_FIELDS), True)
    return Checklist(list(row.required_file_kinds), list(row.required_fields), False)


def materials_missing(entry: Entry, checklist: Checklist) -> dict[str, list[str]]:
    """The checklist's file kinds the entry has no current file of, and its required fields left
    empty. Reads `entry.current_files` when the queue prefetched it."""
    files = getattr(entry, "current_files", None)
    if files is None:
        files = list(entry.files.filter(is_current=True))
    present = {f.kind for f in files}
    return {
        "files": [k for k in checklist.required_file_kinds if k not in present],
        "fields": [f for f in checklist.required_fields if not getattr(entry, f, None)],
    }


def _latest(field: str):
    latest = FormalCheckDecision.objects.filter(entry=OuterRef("pk")).order_by("-decided_at", "-id")
    return Subquery(latest.values(field)[:1])


def formal_queue(stage: Stage, *, state: str | None = None) -> QuerySet[Entry]:
    """The stage's entries under formal check: every submitted entry and every entry returned for
    correction (a draft again until the team resubmits), each annotated with its latest decision
    (`formal_outcome`, `formal_reason`, `formal_deadline`, `formal_decided_at`) and its
    `formal_state`. A returned entry the team resubmitted is pending again."""
    qs = (
        Entry.objects.filter(stage_id=stage.pk)
        .exclude(status=EntryStatus.WITHDRAWN)
        .select_related("team")
        .annotate(
            formal_outcome=_latest("outcome"),
            formal_reason=_latest("reason"),
            formal_deadline=_latest("deadline"),
            formal_decided_at=_latest("decided_at"),
        )
        .annotate(
            formal_state=Case(
                When(formal_outcome=FormalCheckOutcome.PASS, then=Value(FormalCheckState.PASSED)),
                When(
                    formal_outcome=FormalCheckOutcome.REJECT, then=Value(FormalCheckState.REJECTED)
                ),
                When(
                    formal_outcome=FormalCheckOutcome.RETURN,
                    status=EntryStatus.DRAFT,
                    then=Value(FormalCheckState.RETURNED),
                ),
                default=Value(FormalCheckState.PENDING),
                output_field=CharField(),
            )
        )
        .filter(Q(status=EntryStatus.SUBMITTED) | Q(formal_outcome=FormalCheckOutcome.RETURN))
        .prefetch_related(
            Prefetch(
                "files",
                queryset=EntryFile.objects.filter(is_current=True).only("id", "entry_id", "kind"),
                to_attr="current_files",
            )
        )
        .order_by("submitted_at", "pk")
    )
    if state:
        qs = qs.filter(formal_state=state)
    return qs


def formal_state_of(entry: Entry) -> str | None:
    """The entry's state in its stage's formal-check queue, or None when it is not in it."""
    return (
        formal_queue(entry.stage).filter(pk=entry.pk).values_list("formal_state", flat=True).first()
    )


def formal_passed_entry_ids(stage: Stage) -> list[int]:
    """The entries of a formal-check stage whose latest decision is a pass (and still submitted)."""
    return list(
        formal_queue(stage, state=FormalCheckState.PASSED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def latest_decision_prefetch() -> Prefetch:
    """For entry lists: each entry's decisions, newest first, as `formal_decisions`."""
    return Prefetch(
        "formal_check_decisions",
        queryset=FormalCheckDecision.objects.order_by("-decided_at", "-id"),
        to_attr="formal_decisions",
    )
