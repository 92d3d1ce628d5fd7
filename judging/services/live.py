"""The live final: draw the order, run the session (team on stage, timer), take the judges'
scores for the team on stage, and let the chair reopen one with a reason.

Scores go through `judging.services.review` (a live score is the judge's Review of the stage's
rubric): submitted is final, audited and counted in the stage's results like any other review.
Every change appends a numbered LiveEvent; once committed, `judging.live_stream` sends the
session's screens the new events with the whole public state, so every screen follows within a
moment and a screen that reconnects asks for what came after the last number it saw.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contest.enums import EntryStatus
from contest.models import Contest, Entry
from contest.permissions import permission_check, permission_require
from judging.draw import draw_order, draw_seed_new
from judging.enums import AssignmentSource, PanelStatus, ReviewStatus
from judging.errors import error
from judging.live_stream import live_committed
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
from judging.selectors.live import live_membership, live_timer_elapsed_ms
from judging.services.audit import audit_record
from judging.services.recompute import results_mark_dirty
from judging.services.review import assignments_for_review, review_submit_in_transaction
from judging.signals import review_reopened

MAX_PHASE_SECONDS = 2 * 60 * 60


def _event(session: LiveSession, kind: str, data: dict | None = None) -> LiveEvent:
    """Number and store an event in the caller's transaction; broadcast it after the commit.
    The caller holds the session row locked (select_for_update)."""
    session.event_seq += 1
    session.save(update_fields=["event_seq", "updated_at"])
    event = LiveEvent.objects.create(
        session=session, seq=session.event_seq, kind=kind, data=data or {}
    )
    seq = event.seq
    transaction.on_commit(lambda: live_committed(session.pk, seq))
    return event


# Lock order, the same in every write here, so that none waits on another in a cycle: a review,
# then the contest's audit chain (`audit_record`), then the stage's results state
# (`results_mark_dirty`), then the session. A judge's submit takes the session last and only to
# number its event: the scoring work runs beside the other judges', not one after another.


def _locked(session: LiveSession, *, chain: bool = False) -> LiveSession:
    """The session row, locked; with `chain`, the contest's audit chain first (for a write that
    records on it while holding the session)."""
    if chain:
        contest_id = LiveSession.objects.filter(pk=session.pk).values_list(
            "stage__contest_id", flat=True
        )
        Contest.objects.select_for_update().filter(pk__in=contest_id).first()
    return (
        LiveSession.objects.select_for_update().select_related("stage__contest").get(pk=session.pk)
    )


def _read(session: LiveSession) -> LiveSession:
    """The session as committed, not locked (only `session.pk` is read from the argument)."""
    return LiveSession.objects.select_related("stage__contest", "current_slot").get(pk=session.pk)


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
    session = _locked(session, chain=True)
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
    session = _locked(session, chain=True)
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
    """The judge's assignment of the entry, loaded for `review_submit` (one query while the team
    is on stage): refused off the panel, outside a running session, for a team not on stage
    (unless the chair reopened the judge's score of it) and for a conflicted judge (who has
    none)."""
    # at most one (`uniq_assignment`: entry, judge): no ordering to compile
    found = assignments_for_review(judge=actor).filter(
        stage_id=session.stage_id, entry_id=entry_id, judge_id=actor.pk
    )
    assignment = next(iter(found.order_by()[:1]), None)
    if assignment is None:
        on_panel = live_membership(stage_id=session.stage_id, user=actor) is not None
    else:
        on_panel = assignment.judge_on_panel
        assignment.review_access_judge_id = actor.pk
    if not on_panel:
        raise error("live_not_on_panel")
    if session.state != LiveSessionState.RUNNING:
        raise error("live_not_running")
    on_stage = session.current_slot_id is not None and session.current_slot.entry_id == entry_id
    # a score the chair reopened may be given again after its team has left the stage
    if not on_stage and not (
        assignment is not None
        and Review.objects.filter(
            assignment=assignment, status=ReviewStatus.DRAFT, reopened_count__gt=0
        ).exists()
    ):
        raise error("live_not_on_stage")
    if assignment is None:  # a conflicted judge has none: the review services say why
        raise error("judge_recused")
    return assignment


@transaction.atomic
def live_score_submit(
    *, actor, session: LiveSession, entry_id: int, scores: dict, comment: str = ""
) -> tuple[Review, LiveEvent]:
    """A judge's score for the team on stage, final once submitted. The checks and the scoring
    read the session as committed; the session is locked last, to number the event, and if the
    organiser moved on meanwhile the checks run again on what is now true."""
    read = _read(session)
    assignment = _judge_assignment(actor=actor, session=read, entry_id=entry_id)
    review = review_submit_in_transaction(
        actor=actor, assignment=assignment, scores=scores, comment=comment
    )
    # the session row alone (its stage and contest are read above and not written here)
    session = LiveSession.objects.select_for_update().get(pk=read.pk)
    if (session.state, session.current_slot_id) != (read.state, read.current_slot_id):
        _judge_assignment(actor=actor, session=session, entry_id=entry_id)
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

    session = _read(session)
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
    session = _locked(session)
    _event(session, "score.reopened", {"entry": entry_id, "judge_no": judge_no, "reason": reason})
    return review
