"""The append-only, hash-chained audit log of decisions that change a result.

Every score submit and reopen, override, award, objection and their resolution is recorded with who,
when and why. Each row's hash covers the previous row's hash and its own canonical content, so a
changed or deleted row anywhere breaks verification from that row on — what a notary needs.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from contest.models import Contest
from judging.models import AuditLog

GENESIS = "0" * 64


def _canonical(row: AuditLog) -> bytes:
    content = {
        "seq": row.seq,
        "contest": row.contest_id,
        "actor": row.actor_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": str(row.object_id),
        "reason": row.reason,
        "data": row.data,
        "created_at": row.created_at.isoformat(timespec="microseconds"),
    }
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode("utf-8")


def row_hash(prev_hash: str, row: AuditLog) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(row)).hexdigest()


def _chain_head_locked(contest_id: int) -> tuple[int, str]:
    """(seq, hash) of the contest's last row, (0, GENESIS) before the first; the contest row is
    locked first (none of its columns read), so that one writer appends to the chain at a time."""
    Contest.objects.select_for_update().filter(pk=contest_id).values_list("pk").first()
    last = (
        AuditLog.objects.filter(contest_id=contest_id).only("seq", "hash").order_by("-seq").first()
    )
    return (last.seq, last.hash) if last else (0, GENESIS)


def audit_record(
    *, contest: Contest | int, actor, action: str, obj, reason: str = "", data: dict | None = None
) -> AuditLog:
    """Append one row to the contest's chain. Call inside the transaction of the change it records."""
    contest_id = contest if isinstance(contest, int) else contest.pk
    # no savepoint of its own: a change whose audit row fails is rolled back with it
    with transaction.atomic(savepoint=False):
        last_seq, prev_hash = _chain_head_locked(contest_id)
        data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
        row = AuditLog(
            contest_id=contest_id,
            seq=last_seq + 1,
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            action=action,
            object_type=type(obj).__name__ if not isinstance(obj, tuple) else obj[0],
            object_id=str(obj.pk) if not isinstance(obj, tuple) else str(obj[1]),
            reason=reason,
            data=data,
            created_at=timezone.now(),
            prev_hash=prev_hash,
        )
        row.hash = row_hash(row.prev_hash, row)
        row.save()
    return row


@dataclass(frozen=True)
class ChainCheck:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str = ""


def audit_verify(*, contest: Contest | int) -> ChainCheck:
    """Walk the contest's chain: every link and every hash must recompute."""
    contest_id = contest if isinstance(contest, int) else contest.pk
    prev = GENESIS
    expected_seq = 1
    count = 0
    for row in AuditLog.objects.filter(contest_id=contest_id).order_by("seq").iterator():
        count += 1
        if row.seq != expected_seq:
            return ChainCheck(False, count, row.seq, f"missing row before seq {row.seq}")
        if row.prev_hash != prev:
            return ChainCheck(False, count, row.seq, "broken link to the previous row")
        if row_hash(prev, row) != row.hash:
            return ChainCheck(False, count, row.seq, "row content does not match its hash")
        prev = row.hash
        expected_seq += 1
    return ChainCheck(True, count)


@dataclass(frozen=True)
class AuditEntry:
    """One row for `audit_record_bulk`: the same arguments as `audit_record` takes."""

    actor: object
    action: str
    obj: object
    reason: str = ""
    data: dict | None = None


def audit_record_bulk(*, contest: Contest | int, entries: list[AuditEntry]) -> list[AuditLog]:
    """Append many rows to the contest's chain in one insert, in the order given.

    The rows are exactly those `audit_record` would write one by one (same seq, canonical content,
    hash chain), so `audit_verify` cannot tell the two apart. Call inside the transaction of the
    change the rows record."""
    contest_id = contest if isinstance(contest, int) else contest.pk
    # no savepoint of its own: a change whose audit row fails is rolled back with it
    with transaction.atomic(savepoint=False):
        seq, prev = _chain_head_locked(contest_id)
        rows = []
        for entry in entries:
            seq += 1
            obj = entry.obj
            actor = entry.actor
            row = AuditLog(
                contest_id=contest_id,
                seq=seq,
                actor=actor if actor is not None and getattr(actor, "pk", None) else None,
                action=entry.action,
                object_type=type(obj).__name__ if not isinstance(obj, tuple) else obj[0],
                object_id=str(obj.pk) if not isinstance(obj, tuple) else str(obj[1]),
                reason=entry.reason,
                data=json.loads(json.dumps(entry.data or {}, cls=DjangoJSONEncoder)),
                created_at=timezone.now(),
                prev_hash=prev,
            )
            row.hash = row_hash(prev, row)
            prev = row.hash
            rows.append(row)
        AuditLog.objects.bulk_create(rows, batch_size=1000)
    return rows
