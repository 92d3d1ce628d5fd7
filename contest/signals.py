"""Signals the contest app sends to the apps above it (it imports none of them).

`decision_recorded` carries every contest-side decision (a contest's status transition, a stage's
window change, a challenge's review decision, a role granted) to the audit chain: judging receives
it (`judging.receivers`) and writes the row with `judging.services.audit.audit_record`. It is sent
with `send`, not `send_robust`, inside the service's transaction, so a failure to record rolls the
decision back too.
"""

from __future__ import annotations

from django.dispatch import Signal

# Arguments: contest, actor, action ("<entity>.<verb>"), subject (a model instance or a
# (type name, id) pair), reason (str), data (a JSON-serialisable dict).
decision_recorded = Signal()


def decision_record(
    *, contest, actor, action: str, subject, reason: str = "", data: dict | None = None
) -> None:
    """Put one contest-side decision on the contest's audit chain, in the caller's transaction.

    Refuses loudly when nothing receives the signal: a decision that no one records would be a
    silent gap in the chain."""
    responses = decision_recorded.send(
        sender=type(subject) if not isinstance(subject, tuple) else None,
        contest=contest,
        actor=actor,
        action=action,
        subject=subject,
        reason=reason,
        data=data or {},
    )
    if not responses:
        raise RuntimeError("contest.signals.decision_recorded has no receiver: the audit is off")


# --- Events the notifications app tells people about (issue 11) -------------------------------
# Each is sent inside the service's transaction; its receiver (notifications.receivers) does
# nothing until that transaction commits (`transaction.on_commit`), so a rolled-back change
# notifies nobody. Nothing in contest depends on a receiver being connected.

# sender=Team, team=<Team>. Sent by `team_create`: the team is registered (报名成功).
team_registered = Signal()

# sender=Invitation, invitation=<Invitation>. Sent by `invitation_create`.
invitation_sent = Signal()

# sender=Invitation, invitation=<Invitation> (status accepted or declined). Sent by
# `invitation_accept` and `invitation_decline`.
invitation_answered = Signal()

# sender=Entry, entry=<Entry>. Sent by `entry_submit`.
entry_submitted = Signal()

# sender=PublisherApplication, application=<PublisherApplication> (approved or declined). Sent by
# `publisher_application_approve` and `publisher_application_decline`.
publisher_application_decided = Signal()

# sender=ChallengeQuestion, question=<ChallengeQuestion>. Sent by `question_answer` when the
# answer is public: every team that took the challenge is told.
question_answered_publicly = Signal()
