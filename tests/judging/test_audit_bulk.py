"""`audit_record_bulk` appends the rows `audit_record` would, to the same verifiable chain."""

import pytest

from judging.models import AuditLog
from judging.services.audit import AuditEntry, audit_record, audit_record_bulk, audit_verify
from tests.factories.contest import ContestFactory, UserFactory

pytestmark = pytest.mark.django_db


def _rows(contest) -> list[tuple]:
    return list(
        AuditLog.objects.filter(contest=contest)
        .order_by("seq")
        .values_list("seq", "actor_id", "action", "object_type", "object_id", "reason", "data")
    )


def test_audit_record_bulk_equals_one_by_one():
    actor = UserFactory()
    entries = [
        AuditEntry(actor=actor, action="review.submit", obj=("Review", 7), data={"total": "7.5"}),
        AuditEntry(actor=None, action="results.publish", obj=("Stage", 3), reason="按期发布"),
        AuditEntry(actor=actor, action="award.add", obj=("Award", 11), data={"tier": 2}),
    ]
    one, bulk = ContestFactory(), ContestFactory()
    audit_record(contest=one, actor=actor, action="assignment.queue", obj=("AssignmentRun", 1))
    audit_record(contest=bulk, actor=actor, action="assignment.queue", obj=("AssignmentRun", 1))
    for e in entries:
        audit_record(
            contest=one, actor=e.actor, action=e.action, obj=e.obj, reason=e.reason, data=e.data
        )

    rows = audit_record_bulk(contest=bulk, entries=entries)

    assert [r.seq for r in rows] == [2, 3, 4]
    assert _rows(bulk) == _rows(one)
    assert audit_verify(contest=bulk).ok is True
    assert audit_verify(contest=bulk).rows == 4


def test_audit_record_bulk_empty_writes_nothing():
    contest = ContestFactory()

    assert audit_record_bulk(contest=contest, entries=[]) == []
    assert AuditLog.objects.filter(contest=contest).count() == 0
