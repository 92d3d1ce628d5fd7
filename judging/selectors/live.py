"""Reads of the live final: the public state the big screen and judges' phones show.

Public by design (what the audience in the room sees): the team on stage, the timer, each judge's
submitted score as 评委1…N (never a name), the highest and lowest struck out, the final score
(trimmed mean of the totals) and the running ranking. Nothing unsubmitted is shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DecimalField, Max, Min, QuerySet, Sum
from django.utils import timezone

from contest.selectors import contests_organised
from judging.enums import PanelStatus, ReviewStatus
from judging.models import (
    Assignment,
    LiveEvent,
    LiveSession,
    LiveSlot,
    LiveSlotStatus,
    PanelMembership,
    Review,
)

CENT = Decimal("0.01")


def live_session_public(*, session_id: int) -> LiveSession | None:
    return (
        LiveSession.objects.select_related("stage__contest", "current_slot__entry__team")
        .filter(pk=session_id)
        .first()
    )


def live_sessions_organised(*, user) -> QuerySet[LiveSession]:
    return LiveSession.objects.filter(
        stage__contest__in=contests_organised(user=user)
    ).select_related("stage__contest")


def live_judge_numbers(*, stage_id: int) -> dict[int, int]:
    """judge id -> N of 评委N: the accepted panel in the order the judges were invited."""
    judges = (
        PanelMembership.objects.filter(stage_id=stage_id, status=PanelStatus.ACCEPTED)
        .order_by("pk")
        .values_list("judge_id", flat=True)
    )
    return {judge_id: n for n, judge_id in enumerate(judges, start=1)}


def live_membership(*, stage_id: int, user) -> PanelMembership | None:
    if not user or not user.is_authenticated:
        return None
    return PanelMembership.objects.filter(stage_id=stage_id, judge_id=user.pk).first()


def trimmed_final(totals: list[Decimal]) -> tuple[Decimal | None, int | None, int | None]:
    """(final, index of the struck highest, index of the struck lowest) over `totals` as given.
    With three or more scores the highest and the lowest are struck (one each); fewer: the mean."""
    if not totals:
        return None, None, None
    if len(totals) < 3:
        return (sum(totals) / len(totals)).quantize(CENT, ROUND_HALF_UP), None, None
    ranked = sorted(range(len(totals)), key=lambda i: (totals[i], i))
    low, high = ranked[0], ranked[-1]
    kept = [t for i, t in enumerate(totals) if i not in (low, high)]
    return (sum(kept) / len(kept)).quantize(CENT, ROUND_HALF_UP), high, low


def _slot_board(slot_id, submitted: list[tuple[int, Decimal]], expected: int) -> dict:
    """One team's scores: [(judge number, total)] -> the board the screen shows."""
    submitted = sorted(submitted)
    final, high, low = trimmed_final([total for _, total in submitted])
    return {
        "scores": [
            {
                "judge_no": number,
                "total": str(total),
                "struck": "high" if i == high else "low" if i == low else None,
            }
            for i, (number, total) in enumerate(submitted)
        ],
        "submitted": len(submitted),
        "expected": expected,
        "complete": expected > 0 and len(submitted) >= expected,
        "final": str(final) if final is not None else None,
    }


def _boards(
    session: LiveSession,
    slots: list[LiveSlot],
    numbers: dict[int, int] | None = None,
    detailed: set[int] | None = None,
) -> dict[int, dict]:
    """entry id -> its board for every slot: each judge's submitted score, struck, final for the
    entries in `detailed` (all when None); for the others only the figures (submitted, expected,
    complete, final), summed in the database rather than read score by score (1,800 rows at 30
    judges × 60 teams for the two boards a screen shows)."""
    stage_id = session.stage_id
    if numbers is None:
        numbers = live_judge_numbers(stage_id=stage_id)
    expected = dict(
        Assignment.objects.filter(stage_id=stage_id)
        .order_by()
        .values_list("entry_id")
        .annotate(n=Count("pk"))
    )
    submitted = Review.objects.filter(
        stage_id=stage_id, status=ReviewStatus.SUBMITTED, judge_id__in=list(numbers)
    ).order_by()
    scores: dict[int, list] = {}
    wanted = submitted if detailed is None else submitted.filter(entry_id__in=sorted(detailed))
    for entry_id, judge_id, total in wanted.values_list("entry_id", "judge_id", "total"):
        scores.setdefault(entry_id, []).append((numbers[judge_id], total))
    figures = {}
    if detailed is not None:
        exact = DecimalField(max_digits=12, decimal_places=3)  # a sum of many totals
        for entry_id, n, total, high, low in (
            submitted.exclude(entry_id__in=sorted(detailed))
            .values("entry_id")
            .annotate(
                n=Count("pk"),
                sum=Sum("total", output_field=exact),
                high=Max("total"),
                low=Min("total"),
            )
            .values_list("entry_id", "n", "sum", "high", "low")
        ):
            figures[entry_id] = (n, total, high, low)
    boards = {}
    for s in slots:
        count = expected.get(s.entry_id, 0)
        if detailed is None or s.entry_id in detailed:
            boards[s.entry_id] = _slot_board(s.pk, scores.get(s.entry_id, []), count)
        else:
            n, total, high, low = figures.get(s.entry_id, (0, None, None, None))
            boards[s.entry_id] = {
                "submitted": n,
                "expected": count,
                "complete": count > 0 and n >= count,
                "final": _final_of(n, total, high, low),
            }
    return boards


def _final_of(n: int, total, high, low) -> str | None:
    """`trimmed_final` from the count, sum, highest and lowest of the totals: the same figure
    (one highest and one lowest struck from three or more, the mean of the rest)."""
    if not n:
        return None
    kept = total / n if n < 3 else (total - high - low) / (n - 2)
    return str(kept.quantize(CENT, ROUND_HALF_UP))


def live_slot_boards(*, session: LiveSession) -> dict[int, dict]:
    return _boards(session, list(LiveSlot.objects.filter(session=session)))


def live_state(*, session: LiveSession, fresh: bool = True) -> dict:
    """The whole public state in one dict (what a screen needs after a reconnect), read afresh
    (`fresh=False`: the session as given, read with `select_related("stage__contest")`)."""
    if fresh:
        session = LiveSession.objects.select_related("stage__contest").get(pk=session.pk)
    slots = list(
        LiveSlot.objects.filter(session=session)
        .select_related("entry__team")
        .only(*SLOT_FIELDS)
        .order_by("position")
    )
    numbers = live_judge_numbers(stage_id=session.stage_id)
    judges = len(numbers)  # the accepted panel
    current = next((s for s in slots if s.pk == session.current_slot_id), None)
    done = [s for s in slots if s.status == LiveSlotStatus.DONE]
    previous = max(
        done, key=lambda s: s.finished_at or s.started_at or timezone.now(), default=None
    )
    # each judge's score only for the two boards shown; the other teams' figures summed
    shown = {s.entry_id for s in (current, previous) if s is not None}
    by_entry = _boards(session, slots, numbers, detailed=shown)
    boards = {s.pk: by_entry[s.entry_id] for s in slots}

    def settled(s) -> bool:
        """The team's final stands (ranked, and shown in the order list): every judge has
        scored, or the team has left the stage. Until then only its board shows the running
        figure, so a score for the team on stage changes its board and nothing else."""
        board = boards[s.pk]
        return board["final"] is not None and (s.status == LiveSlotStatus.DONE or board["complete"])

    ranked = sorted(
        (s for s in slots if settled(s)),
        key=lambda s: (-Decimal(boards[s.pk]["final"]), s.position),
    )
    ranking, last_final, rank = [], None, 0
    for i, s in enumerate(ranked, start=1):
        final = boards[s.pk]["final"]
        if final != last_final:
            rank, last_final = i, final
        ranking.append({"rank": rank, **_slot_row(s), "final": final})

    def slot_view(s):
        return None if s is None else {**_slot_row(s), "status": s.status, **boards[s.pk]}

    now = timezone.now()
    return {
        "session": session.pk,
        "seq": session.event_seq,
        "state": session.state,
        "contest": session.stage.contest.name,
        "stage": session.stage.name,
        "judges": judges,
        "timer": {
            "running": session.timer_running,
            "elapsed_ms": live_timer_elapsed_ms(session, now),
            "pitch_seconds": session.pitch_seconds,
            "questions_seconds": session.questions_seconds,
            "server_now": now.isoformat(),
        },
        "current": slot_view(current),
        "previous": slot_view(previous) if previous is not None and previous != current else None,
        "slots": [
            {
                **_slot_row(s),
                "status": s.status,
                "final": boards[s.pk]["final"] if settled(s) else None,
            }
            for s in slots
        ],
        "ranking": ranking,
    }


# what `_slot_row` and the state read of a slot: not the entry's or the team's other columns
SLOT_FIELDS = (
    "session_id",
    "entry_id",
    "position",
    "status",
    "started_at",
    "finished_at",
    "entry__title",
    "entry__team__name",
)


def _slot_row(slot: LiveSlot) -> dict:
    return {
        "position": slot.position,
        "entry": slot.entry_id,
        "team": slot.entry.team.name,
        "title": slot.entry.title,
    }


def live_timer_elapsed_ms(session: LiveSession, now=None) -> int:
    elapsed = session.timer_elapsed_ms
    if session.timer_running and session.timer_started_at:
        now = now or timezone.now()
        elapsed += max(0, int((now - session.timer_started_at).total_seconds() * 1000))
    return elapsed


def live_events_since(*, session_id: int, since: int, limit: int = 200) -> list[dict] | None:
    """The events after `since`, oldest first; None when more than `limit` were missed (the
    caller sends a snapshot instead)."""
    rows = list(
        LiveEvent.objects.filter(session_id=session_id, seq__gt=since)
        .order_by("seq")
        .values("seq", "kind", "data")[: limit + 1]
    )
    return None if len(rows) > limit else rows


def live_judge_scores(*, session: LiveSession, judge) -> list[dict]:
    """One judge's own live scores, in presentation order (the judge's phone and paper)."""
    slots = {
        s.entry_id: s
        for s in LiveSlot.objects.filter(session=session).select_related("entry__team")
    }
    reviews = Review.objects.filter(stage_id=session.stage_id, judge=judge, entry_id__in=slots)
    rows = []
    for review in reviews.prefetch_related("scores__criterion"):
        slot = slots[review.entry_id]
        rows.append(
            {
                **_slot_row(slot),
                "status": review.status,
                "total": str(review.total) if review.total is not None else None,
                "submitted_at": review.submitted_at,
                "scores": {s.criterion.key: str(s.value) for s in review.scores.all()},
            }
        )
    return sorted(rows, key=lambda r: r["position"])
