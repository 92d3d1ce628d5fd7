"""The formal check (形式审查 / 资格审查): the stage's material checklist and one decision per
entry — pass, return for correction (补正) with a reason and a deadline, reject with a reason.

Rules, in one place:
- only entries of a formal-check stage, only submitted entries are decided (a returned entry is a
  draft again until its team resubmits it, which puts it back in the queue as pending);
- a return or a reject needs a reason; a return needs a deadline in the future, until which the
  team may edit and resubmit even after the stage's submission window closed
  (`judging.edit_returned_entry`, asked by `contest.services.entry`);
- every decision is a new row (the latest counts), on the audit chain, in one transaction, and
  tells the team (`formal_check_decided`);
- once an entry went on to the next stage its decision no longer changes; only passed entries go
  on (`promotion_apply` with the rule `formal_passed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from contest.enums import EntryFileKind, EntryStatus, StageKind
from contest.errors import text_by_language
from contest.models import Entry, Stage
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.enums import ChecklistField, FormalCheckOutcome, FormalCheckState
from judging.errors import error
from judging.models import FormalCheckDecision, MaterialChecklist, Promotion
from judging.selectors.formal_check import checklist_of_stage, formal_queue, materials_missing
from judging.services.audit import AuditEntry, audit_record, audit_record_bulk
from judging.signals import formal_check_decided


def formal_stage_require(stage: Stage) -> None:
    if stage.kind != StageKind.FORMAL_CHECK:
        raise error("stage_not_formal_check")


@transaction.atomic
def material_checklist_set(
    *, actor, stage: Stage, required_file_kinds: list[str], required_fields: list[str]
) -> MaterialChecklist:
    """Set what an entry of the formal-check `stage` must hold (organisers). Audit-recorded."""
    permission_require(actor, "judging.set_material_checklist", stage.contest)
    formal_stage_require(stage)
    kinds = list(dict.fromkeys(str(k) for k in required_file_kinds))
    fields = list(dict.fromkeys(str(f) for f in required_fields))
    bad_kinds = [k for k in kinds if k not in EntryFileKind.values]
    if bad_kinds:
        raise error(
            "checklist_file_kind_invalid",
            kinds="、".join(bad_kinds),
            fields={"required_file_kinds": ["checklist_file_kind_invalid"]},
        )
    bad_fields = [f for f in fields if f not in ChecklistField.values]
    if bad_fields:
        raise error(
            "checklist_field_invalid",
            names="、".join(bad_fields),
            fields={"required_fields": ["checklist_field_invalid"]},
        )
    row, _created = MaterialChecklist.objects.select_for_update().get_or_create(stage=stage)
    row.required_file_kinds = kinds
    row.required_fields = fields
    row.updated_by = actor
    full_clean_or_raise(row)
    row.save()
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="formal_check.checklist_set",
        obj=row,
        data={"stage": stage.pk, "required_file_kinds": kinds, "required_fields": fields},
    )
    return row


def _decidable_entry(actor, entry: Entry) -> Entry:
    """Lock the entry and check the rules every decision shares."""
    entry = (
        Entry.objects.select_for_update().select_related("stage__contest", "team").get(pk=entry.pk)
    )
    permission_require(actor, "judging.decide_formal_check", entry.stage.contest)
    formal_stage_require(entry.stage)
    _decidable_check(entry)
    return entry


def _decidable_check(entry: Entry) -> None:
    if entry.status != EntryStatus.SUBMITTED:
        raise error("entry_not_submitted")
    if Promotion.objects.filter(from_stage_id=entry.stage_id, entry_id=entry.pk).exists():
        raise error("formal_check_entry_promoted")


def _reason_require(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise error("reason_required", fields={"reason": ["reason_required"]})
    return reason


def _record(actor, entry: Entry, outcome: str, *, reason: str, deadline=None):
    decision = FormalCheckDecision(
        entry=entry,
        stage_id=entry.stage_id,
        outcome=outcome,
        reason=reason,
        deadline=deadline,
        decided_by=actor,
    )
    full_clean_or_raise(decision)
    decision.save()
    audit_record(
        contest=entry.stage.contest_id,
        actor=actor,
        action=f"formal_check.{outcome}",
        obj=entry,
        reason=reason,
        data={"stage": entry.stage_id, "outcome": outcome, "deadline": deadline},
    )
    formal_check_decided.send(sender=FormalCheckDecision, decision=decision)
    return decision


@transaction.atomic
def formal_check_pass(*, actor, entry: Entry, reason: str = "") -> FormalCheckDecision:
    """Pass a submitted entry of a formal-check stage (organisers); it may go on."""
    entry = _decidable_entry(actor, entry)
    return _record(actor, entry, FormalCheckOutcome.PASS, reason=(reason or "").strip())


@transaction.atomic
def formal_check_return(
    *, actor, entry: Entry, reason: str, deadline: datetime | None
) -> FormalCheckDecision:
    """Return a submitted entry for correction (补正): with a reason and a deadline in the future.
    The entry becomes a draft its team may edit and resubmit until the deadline, even after the
    stage's submission window closed; resubmitted, it is pending again."""
    entry = _decidable_entry(actor, entry)
    reason = _reason_require(reason)
    if deadline is None:
        raise error("formal_deadline_required", fields={"deadline": ["formal_deadline_required"]})
    if deadline <= timezone.now():
        raise error("formal_deadline_past", fields={"deadline": ["formal_deadline_past"]})
    decision = _record(actor, entry, FormalCheckOutcome.RETURN, reason=reason, deadline=deadline)
    entry.status = EntryStatus.DRAFT
    entry.save(update_fields=["status", "updated_at"])
    return decision


@transaction.atomic
def formal_check_reject(*, actor, entry: Entry, reason: str) -> FormalCheckDecision:
    """Reject a submitted entry with a reason; it never goes on."""
    entry = _decidable_entry(actor, entry)
    reason = _reason_require(reason)
    return _record(actor, entry, FormalCheckOutcome.REJECT, reason=reason)


@dataclass(frozen=True)
class BulkPassOutcome:
    passed: list[int]  # entry ids passed by this call
    skipped: list[dict]  # pending entries left out by "all": [{"id", "missing": {...}}]


@transaction.atomic
def formal_check_pass_bulk(
    *, actor, stage: Stage, entry_ids: list[int] | None = None
) -> BulkPassOutcome:
    """Pass many entries of a formal-check stage at once (organisers).

    With `entry_ids`, exactly those (all of them submitted entries of the stage, or nothing is
    passed: `entry_not_in_stage` / `entry_not_submitted`, the ids in details). Without, every
    pending entry whose materials are complete; pending entries missing something are left for
    the organiser and listed in `skipped`. One audit row per entry, in one insert."""
    permission_require(actor, "judging.decide_formal_check", stage.contest)
    formal_stage_require(stage)
    queue = formal_queue(stage)
    if entry_ids is not None:
        wanted = list(dict.fromkeys(entry_ids))
        if not wanted:
            raise error(
                "entry_ids_required",
                action=text_by_language(zh="通过", en="pass"),
                fields={"entry_ids": ["entry_ids_required"]},
            )
        entries = {e.pk: e for e in queue.filter(pk__in=wanted)}
        missing = [i for i in wanted if i not in entries]
        if missing:
            raise error(
                "entry_not_in_stage",
                fields={"entry_ids": ["entry_not_in_stage"]},
                details={"entry_ids": missing},
            )
        chosen = [entries[i] for i in wanted]
        skipped: list[dict] = []
    else:
        checklist = checklist_of_stage(stage)
        chosen, skipped = [], []
        for e in queue.filter(formal_state=FormalCheckState.PENDING, status=EntryStatus.SUBMITTED):
            lacking = materials_missing(e, checklist)
            if lacking["files"] or lacking["fields"]:
                skipped.append({"id": e.pk, "missing": lacking})
            else:
                chosen.append(e)
    locked = {
        e.pk: e for e in Entry.objects.select_for_update().filter(pk__in=[c.pk for c in chosen])
    }
    bad = [i for i, e in locked.items() if e.status != EntryStatus.SUBMITTED]
    if bad:
        raise error(
            "entry_not_submitted",
            fields={"entry_ids": ["entry_not_submitted"]},
            details={"entry_ids": sorted(bad)},
        )
    promoted = set(
        Promotion.objects.filter(from_stage_id=stage.pk, entry_id__in=list(locked)).values_list(
            "entry_id", flat=True
        )
    )
    if promoted:
        raise error(
            "formal_check_entry_promoted",
            fields={"entry_ids": ["formal_check_entry_promoted"]},
            details={"entry_ids": sorted(promoted)},
        )
    decisions = FormalCheckDecision.objects.bulk_create(
        [
            FormalCheckDecision(
                entry_id=e.pk, stage=stage, outcome=FormalCheckOutcome.PASS, decided_by=actor
            )
            for e in chosen
        ]
    )
    audit_record_bulk(
        contest=stage.contest_id,
        entries=[
            AuditEntry(
                actor=actor,
                action="formal_check.pass",
                obj=e,
                data={"stage": stage.pk, "outcome": "pass", "deadline": None, "bulk": True},
            )
            for e in chosen
        ],
    )
    for d in decisions:
        formal_check_decided.send(sender=FormalCheckDecision, decision=d)
    return BulkPassOutcome(passed=[e.pk for e in chosen], skipped=skipped)
