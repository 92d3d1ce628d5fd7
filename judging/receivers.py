"""Receivers of the signals the contest app sends (connected in `JudgingConfig.ready`)."""

from __future__ import annotations

from judging.services.audit import audit_record


def decision_audit_record(sender, *, contest, actor, action, subject, reason, data, **kwargs):
    """Write a contest-side decision (`contest.signals.decision_recorded`) on the audit chain;
    it runs in the sender's transaction, so both commit or neither does."""
    return audit_record(
        contest=contest, actor=actor, action=action, obj=subject, reason=reason, data=data
    )
