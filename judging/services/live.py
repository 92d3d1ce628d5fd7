"""The live final: draw the order, run the session (team on stage, timer), take the judges'
scores for the team on stage, and let the chair reopen one with a reason.

Scores go through `judging.services.review` (a live score is the judge's Review of the stage's
rubric): submitted is final, audited and counted in the stage's results like any other review.
Every change appends a numbered LiveEvent and, once committed, is broadcast to the session's
channel group (`live_group`) with the whole public state, so every screen follows within a
moment and a screen that reconnects asks for what came after the last number it saw.
"""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from contest.enums import EntryStatus
from contest.models import Entry
from contest.permissions import permission_check, permission_require
from judging.draw import draw_order, draw_seed_new
from judging.enums import AssignmentSource, PanelStatus, ReviewStatus
from judging.errors import error
from judging.models import (
    Assignment,
    LiveEvent,
    LiveSession,
    LiveSessionState,
    LiveSlot,
    LiveSlotStatus,
    PanelMembership,
    Review,
)
from judging.selectors.conflict import conflict_exists
from judging.selectors.live import live_membership, live_state, live_timer_elapsed_ms
from judging.services.audit import audit_record
from judging.services.recompute import results_mark_dirty
from judging.services.review import review_submit
from judging.signals import review_reopened

logger = logging.getLogger(__name__)

MAX_PHASE_SECONDS = 2 * 60 * 60


def live_group(session_id: int) -> str:
    return f"live.{session_id}"


def live_broadcast(session_id: int, event: dict) -> None:
    """Send the event and the state as it is now to every screen of the session. After the commit
    only: a screen never sees what a rollback undid. A broadcast that fails loses nothing: the
    event is stored and a screen catches up on its next (re)connect."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return
    session = LiveSession.objects.select_related("stage__contest").get(pk=session_id)
    # Encoded once here, not once per screen: 200 screens are 200 sends of the same text.
    text = json.dumps(
        {
            "type": "event",
            "seq": event["seq"],
            "event": event,
            "state": live_state(session=session),
        },
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    message = {"type": "live.message", "text": text}
    try:
        async_to_sync(layer.group_send)(live_group(session_id), message)
    except Exception:  # the layer (Redis) is down: the screens resume from the stored events
        logger.exception("live broadcast failed for session %s", session_id)


def _event(session: LiveSession, kind: str, data: dict | None = None) -> LiveEvent:
    """Number and store an event in the caller's transaction; broadcast it after the commit.
    The caller holds the session row locked (select_for_update)."""
    session.event_seq += 1
    session.save(update_fields=["event_seq", "updated_at"])
    event = LiveEvent.objects.create(
        session=session, seq=session.event_seq, kind=kind, data=data or {}
    )
    payload = {"seq": event.seq, "kind": kind, "data": event.data}
    transaction.on_commit(lambda: live_broadcast(session.pk, payload))
    return event


def _locked(session: LiveSession) -> LiveSession:
    return (
        LiveSession.objects.select_for_update().select_related("stage__contest").get(pk=session.pk)
    )


def _organiser(actor, session: LiveSession) -> None:
    permission_require(actor, "judging.run_live_final", session.stage.contest)


def _timer_check(seconds) -> int:
    if (
        not isinstance(seconds, int)
        or isinstance(seconds, bool)
        or not 1 <= seconds <= MAX_PHASE_SECONDS
    ):
        raise error("live_timer_invalid", fields={"seconds": ["live_timer_invalid"]})
    return seconds


@transaction.atomic
def live_session_create(
    *, actor, stage, pitch_seconds: int = 8 * 60, questions_seconds: int = 7 * 60
) -> LiveSession:
    """The stage's live session (one per stage; the existing one is returned with new timings
    while it has not started)."""
    permission_require(actor, "judging.run_live_final", stage.contest)
    pitch_seconds, questions_seconds = _timer_check(pitch_seconds), _timer_check(questions_seconds)
    session, created = LiveSession.objects.get_or_create(
        stage=stage,
        defaults={"pitch_seconds": pitch_seconds, "questions_seconds": questions_seconds},
    )
    session = _locked(session)
    if not created and (session.pitch_seconds, session.questions_seconds) != (
        pitch_seconds,
        questions_seconds,
    ):
        session.pitch_seconds, session.questions_seconds = pitch_seconds, questions_seconds
        session.full_clean()
        session.save()
        _event(
            session, "timer.configured", {"pitch": pitch_seconds, "questions": questions_seconds}
        )
    elif created:
        _event(session, "session.created")
    return session


@transaction.atomic
def live_order_draw(*, actor, session: LiveSession) -> LiveSession:
    """Draw the presentation order (`judging.draw`), recorded on the audit chain with its seed and
    candidates; redoable until the session starts."""
    session = _locked(session)
    _organiser(actor, session)
    if session.state not in (LiveSessionState.DRAFT, LiveSessionState.READY):
        raise error("live_started")
    entries = list(
        # promoted entries arrive in the final as drafts: every entry not withdrawn presents
        Entry.objects.filter(stage_id=session.stage_id)
        .exclude(status=EntryStatus.WITHDRAWN)
        .order_by("pk")
    )
    if not entries:
        raise error("live_no_entries")
    candidates = [str(e.pk) for e in entries]
    seed = draw_seed_new()
    order = draw_order(seed, candidates)
    LiveSlot.objects.filter(session=session).delete()
    LiveSlot.objects.bulk_create(
        LiveSlot(session=session, entry_id=int(pk), position=i) for i, pk in enumerate(order, 1)
    )
    session.order_seed = seed
    session.state = LiveSessionState.READY
    session.current_slot = None
    session.full_clean()
    session.save()
    audit_record(
        contest=session.stage.contest,
        actor=actor,
        action="live.draw",
        obj=session,
        data={"seed": seed, "candidates": candidates, "order": order},
    )
    _event(session, "order.drawn", {"order": [int(pk) for pk in order]})
    return session


def _assignments_ensure(*, actor, session: LiveSession) -> None:
    """Every accepted judge of the panel scores every team, except a team they conflict with."""
    members = PanelMembership.objects.filter(
        stage_id=session.stage_id, status=PanelStatus.ACCEPTED
    ).select_related("judge")
    entries = [s.entry for s in session.slots.select_related("entry__team")]
    have = set(
        Assignment.objects.filter(stage_id=session.stage_id).values_list("entry_id", "judge_id")
    )
    new = []
    for member in members:
        for entry in entries:
            if (entry.pk, member.judge_id) in have:
                continue
            if conflict_exists(judge=member.judge, team=entry.team):
                continue
            new.append(
                Assignment(
                    stage_id=session.stage_id,
                    entry=entry,
                    judge_id=member.judge_id,
                    source=AssignmentSource.MANUAL,
                    anonymous_code=f"L-{entry.pk}",
                    created_by=actor,
                )
            )
    Assignment.objects.bulk_create(new)


def _slot_on_stage(session: LiveSession, slot: LiveSlot | None) -> None:
    now = timezone.now()
    if session.current_slot_id:
        LiveSlot.objects.filter(pk=session.current_slot_id).update(
            status=LiveSlotStatus.DONE, finished_at=now
        )
    if slot is not None:
        LiveSlot.objects.filter(pk=slot.pk).update(
            status=LiveSlotStatus.ON_STAGE, started_at=now, finished_at=None
        )
    session.current_slot = slot
    session.timer_running, session.timer_started_at, session.timer_elapsed_ms = False, None, 0


@transaction.atomic
def live_session_start(*, actor, session: LiveSession) -> LiveSession:
    session = _locked(session)
    _organiser(actor, session)
    if session.state == LiveSessionState.DRAFT:
        raise error("live_not_drawn")
    if session.state != LiveSessionState.READY:
        raise error("live_started")
    _assignments_ensure(actor=actor, session=session)
    session.state = LiveSessionState.RUNNING
    _slot_on_stage(session, session.slots.order_by("position").first())
    session.save()
    audit_record(
        contest=session.stage.contest,
        actor=actor,
        action="live.start",
        obj=session,
        data={"seed": session.order_seed},
    )
    _event(session, "session.started")
    return session


def _running(actor, session: LiveSession) -> LiveSession:
    session = _locked(session)
    _organiser(actor, session)
    if session.state != LiveSessionState.RUNNING:
        raise error("live_not_running")
    return session


@transaction.atomic
def live_team_next(*, actor, session: LiveSession) -> LiveSession:
    """The team on stage is done; the next one in the order comes on (or the session ends
    after the last one)."""
    session = _running(actor, session)
    position = session.current_slot.position if session.current_slot else 0
    slot = session.slots.filter(position__gt=position).order_by("position").first()
    if slot is None:
        _slot_on_stage(session, None)
        session.state = LiveSessionState.FINISHED
        session.save()
        _event(session, "session.finished")
        return session
    _slot_on_stage(session, slot)
    session.save()
    _event(session, "team.on_stage", {"position": slot.position, "entry": slot.entry_id})
    return session


@transaction.atomic
def live_team_previous(*, actor, session: LiveSession) -> LiveSession:
    """Back to the previous team (a mistaken "next"): the current one waits again."""
    session = _running(actor, session)
    position = session.current_slot.position if session.current_slot else 0
    slot = session.slots.filter(position__lt=position).order_by("-position").first()
    if slot is None:
        raise error("live_no_previous_team")
    LiveSlot.objects.filter(pk=session.current_slot_id).update(
        status=LiveSlotStatus.WAITING, started_at=None
    )
    session.current_slot_id = None
    _slot_on_stage(session, slot)
    session.save()
    _event(session, "team.on_stage", {"position": slot.position, "entry": slot.entry_id})
    return session


@transaction.atomic
def live_timer_set(*, actor, session: LiveSession, action: str) -> LiveSession:
    """`start` (or resume), `pause` or `reset` the team's timer."""
    session = _running(actor, session)
    now = timezone.now()
    if action == "start" and not session.timer_running:
        session.timer_running, session.timer_started_at = True, now
    elif action == "pause" and session.timer_running:
        session.timer_elapsed_ms = live_timer_elapsed_ms(session, now)
        session.timer_running, session.timer_started_at = False, None
    elif action == "reset":
        session.timer_running, session.timer_started_at, session.timer_elapsed_ms = False, None, 0
    session.save()
    _event(session, f"timer.{action}", {"elapsed_ms": live_timer_elapsed_ms(session, now)})
    return session


def _judge_assignment(*, actor, session: LiveSession, entry_id: int) -> Assignment:
    membership = live_membership(stage_id=session.stage_id, user=actor)
    if membership is None:
        raise error("live_not_on_panel")
    if session.state != LiveSessionState.RUNNING:
        raise error("live_not_running")
    assignment = Assignment.objects.filter(
        stage_id=session.stage_id, entry_id=entry_id, judge_id=actor.pk
    ).first()
    on_stage = session.current_slot is not None and session.current_slot.entry_id == entry_id
    # a score the chair reopened may be given again after its team has left the stage
    reopened = Review.objects.filter(
        assignment=assignment, status=ReviewStatus.DRAFT, reopened_count__gt=0
    ).exists()
    if not on_stage and not reopened:
        raise error("live_not_on_stage")
    if assignment is None:  # a conflicted judge has none: the review services say why
        raise error("judge_recused")
    return assignment


@transaction.atomic
def live_score_submit(
    *, actor, session: LiveSession, entry_id: int, scores: dict, comment: str = ""
) -> tuple[Review, LiveEvent]:
    """A judge's score for the team on stage, final once submitted."""
    session = _locked(session)
    assignment = _judge_assignment(actor=actor, session=session, entry_id=entry_id)
    review = review_submit(actor=actor, assignment=assignment, scores=scores, comment=comment)
    event = _event(session, "score.submitted", {"entry": entry_id})
    return review, event


@transaction.atomic
def live_score_reopen(
    *, actor, session: LiveSession, entry_id: int, judge_no: int, reason: str
) -> Review:
    """The chair (or an organiser) reopens judge N's submitted score of a team, with a reason;
    the judge then scores it again while that team is on stage."""
    from judging.phases import phase_require
    from judging.selectors.live import live_judge_numbers

    session = _locked(session)
    contest = session.stage.contest
    membership = live_membership(stage_id=session.stage_id, user=actor)
    if not (membership is not None and membership.is_chair) and not permission_check(
        actor, "judging.run_live_final", contest
    ):
        raise error("live_chair_required")
    if not reason.strip():
        raise error("reason_required", fields={"reason": ["reason_required"]})
    judge_id = next(
        (j for j, n in live_judge_numbers(stage_id=session.stage_id).items() if n == judge_no), None
    )
    review = (
        Review.objects.select_for_update()
        .filter(stage_id=session.stage_id, entry_id=entry_id, judge_id=judge_id)
        .first()
    )
    if review is None or review.status != ReviewStatus.SUBMITTED:
        raise error("review_not_submitted")
    phase_require(session.stage, "review.reopen")
    review.status = ReviewStatus.DRAFT
    review.reopened_count += 1
    review.save(update_fields=["status", "reopened_count", "updated_at"])
    audit_record(
        contest=contest,
        actor=actor,
        action="review.reopen",
        obj=review,
        reason=reason,
        data={
            "entry": review.entry_id,
            "judge": review.judge_id,
            "total": str(review.total),
            "live_session": session.pk,
            "by_chair": bool(membership and membership.is_chair),
        },
    )
    results_mark_dirty(stage_id=review.stage_id, entry_ids=[review.entry_id])
    review_reopened.send(sender=Review, review=review, reason=reason)
    _event(session, "score.reopened", {"entry": entry_id, "judge_no": judge_no, "reason": reason})
    return review
