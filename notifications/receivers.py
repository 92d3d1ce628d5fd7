"""Domain signals → outbox events. Each receiver only schedules: on commit of the transaction
the signal was sent in, the `notifications.event_raise` task turns the event into messages
(`notifications.services.outbox.event_raise`, with the registry in `notifications.events`).
A change that rolls back schedules nothing."""

from __future__ import annotations

from django.db import transaction

# decision_recorded actions that are challenge events.
CHALLENGE_ACTIONS = {
    "challenge.return": "challenge_returned",
    "challenge.approve": "challenge_approved",
    "challenge.publish": "challenge_published",
}


def event_schedule(event: str, model: str, obj_id, *, data=None, occurrence: str = "") -> None:
    """Raise `event` about `obj_id` once the current transaction commits."""
    from notifications.tasks import event_raise_task

    args = (event, model, obj_id, data or {}, occurrence)
    # robust: a failure to queue the messages is logged, never the failure of the change.
    transaction.on_commit(lambda: event_raise_task.delay(*args), robust=True)


def team_registered(sender, team, **kwargs):
    event_schedule("registration_confirmed", "contest.Team", team.pk)


def invitation_sent(sender, invitation, **kwargs):
    event_schedule("invitation_sent", "contest.Invitation", invitation.pk)


def invitation_answered(sender, invitation, **kwargs):
    event = "invitation_accepted" if invitation.status == "accepted" else "invitation_declined"
    event_schedule(event, "contest.Invitation", invitation.pk)


def entry_submitted(sender, entry, **kwargs):
    # A withdrawn and resubmitted entry gets a new receipt: the submission time is the occurrence.
    event_schedule(
        "entry_submitted", "contest.Entry", entry.pk, occurrence=entry.submitted_at.isoformat()
    )


def decision_recorded(sender, action, subject, reason="", **kwargs):
    event = CHALLENGE_ACTIONS.get(action)
    if event is None or isinstance(subject, tuple):
        return
    occurrence = str(subject.updated_at.isoformat()) if getattr(subject, "updated_at", None) else ""
    event_schedule(
        event, "contest.Challenge", subject.pk, data={"reason": reason}, occurrence=occurrence
    )


def expert_invited(sender, pick, **kwargs):
    # A reserve called later is a new occurrence of the same pick's invitation: its invited_at.
    event_schedule(
        "expert_invited", "judging.ExpertDrawPick", pick.pk, occurrence=pick.invited_at.isoformat()
    )


def panel_invited(sender, membership, **kwargs):
    event_schedule("panel_invited", "judging.PanelMembership", membership.pk)


def assignments_ready(sender, stage, judge_ids, occurrence="", **kwargs):
    if judge_ids:
        event_schedule(
            "assignment_ready",
            "contest.Stage",
            stage.pk,
            data={"judge_ids": sorted(set(judge_ids))},
            occurrence=occurrence,
        )


def review_reopened(sender, review, reason="", **kwargs):
    event_schedule(
        "score_reopened",
        "judging.Review",
        review.pk,
        data={"reason": reason},
        occurrence=str(review.reopened_count),
    )


def snapshot_published(sender, snapshot, **kwargs):
    event_schedule("results_published", "judging.ResultSnapshot", snapshot.pk)


def entries_promoted(sender, from_stage, to_stage, entry_ids, **kwargs):
    for entry_id in entry_ids:
        event_schedule(
            "entry_promoted",
            "contest.Entry",
            entry_id,
            data={"to_stage": to_stage.pk},
            occurrence=f"to:{to_stage.pk}",
        )


def formal_check_decided(sender, decision, **kwargs):
    event_schedule("formal_check_decided", "judging.FormalCheckDecision", decision.pk)


def entry_recommended(sender, recommendation, **kwargs):
    event_schedule("entry_recommended", "judging.Recommendation", recommendation.pk)


def recommendation_decided(sender, recommendation, **kwargs):
    key = f"recommendation_{recommendation.status}"  # recommendation_accepted / _returned
    event_schedule(key, "judging.Recommendation", recommendation.pk)


def notice_opened(sender, notice, **kwargs):
    event_schedule("notice_opened", "awards.Notice", notice.pk)


def objection_submitted(sender, objection, **kwargs):
    event_schedule("objection_received", "awards.Objection", objection.pk)


def objection_resolved(sender, objection, **kwargs):
    event_schedule("objection_decided", "awards.Objection", objection.pk)


def awards_finalised(sender, notice, notice_ids=(), **kwargs):
    event_schedule(
        "awards_final", "awards.Notice", notice.pk, data={"notice_ids": list(notice_ids)}
    )


def certificate_issued(sender, certificate, **kwargs):
    event_schedule("certificate_issued", "awards.Certificate", certificate.pk)


def certificate_revoked(sender, certificate, reason="", **kwargs):
    event_schedule(
        "certificate_revoked", "awards.Certificate", certificate.pk, data={"reason": reason}
    )


def certificate_replaced(sender, certificate, **kwargs):
    event_schedule("certificate_replaced", "awards.Certificate", certificate.pk)


def publisher_application_decided(sender, application, **kwargs):
    event_schedule("publisher_application_decided", "contest.PublisherApplication", application.pk)


def question_answered_publicly(sender, question, **kwargs):
    event_schedule("question_answered", "contest.ChallengeQuestion", question.pk)


def milestone_overdue(sender, milestone, **kwargs):
    event_schedule("milestone_overdue", "awards.Milestone", milestone.pk)


def receivers_connect() -> None:
    from awards import signals as awards_signals
    from contest import signals as contest_signals
    from judging import signals as judging_signals

    pairs = [
        (contest_signals.team_registered, team_registered),
        (contest_signals.invitation_sent, invitation_sent),
        (contest_signals.invitation_answered, invitation_answered),
        (contest_signals.entry_submitted, entry_submitted),
        (contest_signals.decision_recorded, decision_recorded),
        (contest_signals.publisher_application_decided, publisher_application_decided),
        (contest_signals.question_answered_publicly, question_answered_publicly),
        (judging_signals.panel_invited, panel_invited),
        (judging_signals.assignments_ready, assignments_ready),
        (judging_signals.review_reopened, review_reopened),
        (judging_signals.snapshot_published, snapshot_published),
        (judging_signals.entries_promoted, entries_promoted),
        (judging_signals.entry_recommended, entry_recommended),
        (judging_signals.formal_check_decided, formal_check_decided),
        (awards_signals.notice_opened, notice_opened),
        (awards_signals.objection_submitted, objection_submitted),
        (awards_signals.objection_resolved, objection_resolved),
        (awards_signals.awards_finalised, awards_finalised),
        (awards_signals.certificate_issued, certificate_issued),
        (awards_signals.certificate_revoked, certificate_revoked),
        (awards_signals.certificate_replaced, certificate_replaced),
        (awards_signals.milestone_overdue, milestone_overdue),
        (judging_signals.expert_invited, expert_invited),
        (judging_signals.recommendation_decided, recommendation_decided),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"notifications.{receiver.__name__}")
