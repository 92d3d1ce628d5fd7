"""Reads of the audit log for organisers."""

from __future__ import annotations

from django.db.models import QuerySet

from contest.selectors import contests_organised
from judging.models import AuditLog


def audit_organised(*, user) -> QuerySet[AuditLog]:
    return AuditLog.objects.filter(contest__in=contests_organised(user=user)).select_related(
        "actor"
    )
