"""The live final's services: draw (audited, redoable), the team on stage, the timer, scores of
the team on stage only, the reveal (评委N, highest and lowest struck, trimmed mean, ranking), the
chair's reopen with a reason, and the numbered events a screen resumes from."""

from decimal import Decimal

import pytest

from contest.errors import DomainError
from judging.draw import draw_order
from judging.models import AuditLog, LiveEvent, LiveSlot, Review
from judging.selectors.live import live_events_since, live_state, trimmed_final
from judging.services.audit import audit_verify
from judging.services.live import (
    live_order_draw,
    live_score_reopen,
    live_score_submit,
    live_session_create,
    live_session_start,
    live_team_next,
    live_team_previous,
    live_timer_set,
)
from tests.judging.live_fixtures import live_world_build, scores_for

pytestmark = pytest.mark.django_db


def _running(judges=4, teams=3):
    world = live_world_build(judges=judges, teams=teams)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    live_order_draw(actor=world.organiser, session=session)
    live_session_start(actor=world.organiser, session=session)
    session.refresh_from_db()
    return world, session


def _on_stage(session):
    session.refresh_from_db()
    return session.current_slot.entry_id


def test_trimmed_final_strikes_one_highest_and_one_lowest():
    totals = [Decimal("80"), Decimal("90"), Decimal("70"), Decimal("85")]
    assert trimmed_final(totals) == (Decimal("82.50"), 1, 2)
    assert trimmed_final([Decimal("80"), Decimal("81")]) == (Decimal("80.50"), None, None)
    assert trimmed_final([]) == (None, None, None)
    # equal extremes: the first of each is struck
    assert trimmed_final([Decimal("80")] * 3) == (Decimal("80.00"), 2, 0)


def test_draw_is_the_recorded_seeds_order_and_redoable_until_start():
    world = live_world_build(judges=3, teams=5)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    live_order_draw(actor=world.organiser, session=session)
    first = AuditLog.objects.filter(action="live.draw").get()
    assert first.data["candidates"] == [
        str(e.pk) for e in sorted(world.entries, key=lambda e: e.pk)
    ]
    assert first.data["order"] == draw_order(first.data["seed"], first.data["candidates"])
    positions = list(LiveSlot.objects.filter(session=session).values_list("entry_id", flat=True))
    assert [str(p) for p in positions] == first.data["order"]
    live_order_draw(actor=world.organiser, session=session)  # redone
    assert AuditLog.objects.filter(action="live.draw").count() == 2
    assert LiveSlot.objects.filter(session=session).count() == 5
    live_session_start(actor=world.organiser, session=session)
    with pytest.raises(DomainError) as caught:
        live_order_draw(actor=world.organiser, session=session)
    assert caught.value.code == "live_started"
    assert audit_verify(contest=world.contest).ok


def test_draw_and_start_refused_to_a_judge():
    world = live_world_build(judges=2, teams=2)
    session = live_session_create(actor=world.organiser, stage=world.stage)
    with pytest.raises(DomainError) as caught:
        live_order_draw(actor=world.judges[0], session=session)
    assert caught.value.code == "not_permitted"
    with pytest.raises(DomainError) as caught:
        live_session_start(actor=world.organiser, session=session)
    assert caught.value.code == "live_not_drawn"
    assert not LiveSlot.objects.exists()


def test_scores_of_the_team_on_stage_reveal_struck_final_and_ranking():
    world, session = _running(judges=4, teams=3)
    entry = _on_stage(session)
    for judge, tenths in zip(world.judges, [80, 90, 70, 85], strict=True):
        live_score_submit(actor=judge, session=session, entry_id=entry, scores=scores_for(tenths))
    state = live_state(session=session)
    board = state["current"]
    assert [(s["judge_no"], s["total"], s["struck"]) for s in board["scores"]] == [
        (1, "80.000", None),
        (2, "90.000", "high"),
        (3, "70.000", "low"),
        (4, "85.000", None),
    ]
    assert (board["final"], board["complete"], board["submitted"], board["expected"]) == (
        "82.50",
        True,
        4,
        4,
    )
    assert [(r["rank"], r["entry"], r["final"]) for r in state["ranking"]] == [(1, entry, "82.50")]
    # the next team: the previous board stays on show, the ranking keeps the first
    live_team_next(actor=world.organiser, session=session)
    second = _on_stage(session)
    for judge, tenths in zip(world.judges, [95, 95, 90, 100], strict=True):
        live_score_submit(actor=judge, session=session, entry_id=second, scores=scores_for(tenths))
    state = live_state(session=session)
    assert state["previous"]["entry"] == entry
    assert [(r["rank"], r["entry"], r["final"]) for r in state["ranking"]] == [
        (1, second, "95.00"),
        (2, entry, "82.50"),
    ]


def test_a_team_not_on_stage_cannot_be_scored_and_a_second_submit_is_refused():
    world, session = _running(judges=3, teams=3)
    entry = _on_stage(session)
    waiting = LiveSlot.objects.filter(session=session).exclude(entry_id=entry).first().entry_id
    with pytest.raises(DomainError) as caught:
        live_score_submit(
            actor=world.judges[0], session=session, entry_id=waiting, scores=scores_for(80)
        )
    assert caught.value.code == "live_not_on_stage"
    assert not Review.objects.filter(entry_id=waiting).exists()
    live_score_submit(actor=world.judges[0], session=session, entry_id=entry, scores=scores_for(80))
    with pytest.raises(DomainError) as caught:
        live_score_submit(
            actor=world.judges[0], session=session, entry_id=entry, scores=scores_for(90)
        )
    assert caught.value.code == "review_submitted"
    assert Review.objects.get(entry_id=entry, judge=world.judges[0]).total == Decimal("80.000")


def test_chair_reopens_with_a_reason_and_the_judge_scores_again_after_the_team_left():
    world, session = _running(judges=3, teams=2)
    entry = _on_stage(session)
    chair, second, third = world.judges
    live_score_submit(actor=second, session=session, entry_id=entry, scores=scores_for(60))
    with pytest.raises(DomainError) as caught:
        live_score_reopen(
            actor=third, session=session, entry_id=entry, judge_no=2, reason="录入错误"
        )
    assert caught.value.code == "live_chair_required"
    with pytest.raises(DomainError) as caught:
        live_score_reopen(actor=chair, session=session, entry_id=entry, judge_no=2, reason=" ")
    assert caught.value.code == "reason_required"
    assert Review.objects.get(entry_id=entry, judge=second).status == "submitted"
    live_team_next(actor=world.organiser, session=session)
    live_score_reopen(actor=chair, session=session, entry_id=entry, judge_no=2, reason="录入错误")
    row = AuditLog.objects.filter(action="review.reopen").get()
    assert (row.reason, row.data["by_chair"], row.actor_id) == ("录入错误", True, chair.pk)
    assert live_state(session=session)["previous"]["scores"] == []
    live_score_submit(actor=second, session=session, entry_id=entry, scores=scores_for(85))
    assert live_state(session=session)["previous"]["scores"][0]["total"] == "85.000"
    assert audit_verify(contest=world.contest).ok


def test_next_previous_timer_and_finish():
    world, session = _running(judges=2, teams=2)
    first = _on_stage(session)
    live_timer_set(actor=world.organiser, session=session, action="start")
    session.refresh_from_db()
    assert session.timer_running is True and session.timer_started_at is not None
    live_timer_set(actor=world.organiser, session=session, action="pause")
    session.refresh_from_db()
    assert session.timer_running is False
    paused = session.timer_elapsed_ms
    assert live_state(session=session)["timer"]["elapsed_ms"] == paused
    live_team_next(actor=world.organiser, session=session)
    second = _on_stage(session)
    assert second != first and session.timer_elapsed_ms == 0
    live_team_previous(actor=world.organiser, session=session)
    assert _on_stage(session) == first
    assert LiveSlot.objects.get(session=session, entry_id=second).status == "waiting"
    with pytest.raises(DomainError) as caught:
        live_team_previous(actor=world.organiser, session=session)
    assert caught.value.code == "live_no_previous_team"
    live_team_next(actor=world.organiser, session=session)
    live_team_next(actor=world.organiser, session=session)
    session.refresh_from_db()
    assert (session.state, session.current_slot_id) == ("finished", None)
    with pytest.raises(DomainError) as caught:
        live_team_next(actor=world.organiser, session=session)
    assert caught.value.code == "live_not_running"


def test_events_are_numbered_and_a_screen_catches_up_since_n():
    world, session = _running(judges=2, teams=2)
    session.refresh_from_db()
    seen = session.event_seq
    entry = _on_stage(session)
    live_score_submit(actor=world.judges[0], session=session, entry_id=entry, scores=scores_for(70))
    live_team_next(actor=world.organiser, session=session)
    missed = live_events_since(session_id=session.pk, since=seen)
    assert [(e["seq"], e["kind"]) for e in missed] == [
        (seen + 1, "score.submitted"),
        (seen + 2, "team.on_stage"),
    ]
    assert list(LiveEvent.objects.filter(session=session).values_list("seq", flat=True)) == list(
        range(1, seen + 3)
    )
    assert live_events_since(session_id=session.pk, since=0, limit=2) is None


def test_a_submit_is_checked_again_when_the_organiser_moved_on_before_its_lock(monkeypatch):
    """The scoring runs on the session as read; the session is locked last. If the next team
    came on meanwhile, the checks run again under the lock: the score is refused and nothing of
    it stays."""
    import judging.services.live as live

    world, session = _running(judges=3, teams=3)
    entry = _on_stage(session)
    scored = live.review_submit_in_transaction

    def organiser_moves_on(**kwargs):
        review = scored(**kwargs)
        live_team_next(actor=world.organiser, session=session)
        return review

    monkeypatch.setattr(live, "review_submit_in_transaction", organiser_moves_on)
    with pytest.raises(DomainError) as refused:
        live_score_submit(
            actor=world.judges[0], session=session, entry_id=entry, scores=scores_for(80)
        )
    assert refused.value.code == "live_not_on_stage"
    assert not Review.objects.filter(entry_id=entry, status="submitted").exists()
    assert not AuditLog.objects.filter(action="review.submit").exists()


def test_a_live_submit_costs_a_fixed_number_of_queries(django_assert_num_queries):
    """The judge's submit: the session, the assignment (with its panel membership), the review's
    own statements (tests/judging/test_review_submit_queries.py), then the session locked, its
    event number and the event. Broadcast and recompute run after the commit, elsewhere."""
    world, session = _running(judges=3, teams=2)
    entry = _on_stage(session)
    # the first submit of the stage creates its results-state row: not the one measured
    live_score_submit(actor=world.judges[1], session=session, entry_id=entry, scores=scores_for(70))
    # the service's BEGIN/COMMIT are a savepoint here; the review runs in the service's
    # transaction, with no savepoint of its own (`review_submit_in_transaction`)
    with django_assert_num_queries(24):
        live_score_submit(
            actor=world.judges[0], session=session, entry_id=entry, scores=scores_for(80)
        )


def test_the_figures_summed_in_the_database_are_the_finals_of_the_boards():
    """The state reads each judge's score only for the two boards it shows; the other teams'
    finals come from the count, sum, highest and lowest in the database. They are the finals
    `trimmed_final` gives over the scores one by one (live_slot_boards reads them all): three or
    more with the extremes struck, fewer averaged."""
    from judging.selectors.live import live_slot_boards

    world, session = _running(judges=5, teams=4)
    marks = [95, 55, 60, 65, 90]  # not symmetric: striking the extremes moves the mean
    for count in (5, 2, 3, 1):  # judges who score each team in turn; the last stays on stage
        entry = _on_stage(session)
        for n, judge in enumerate(world.judges[:count]):
            live_score_submit(
                actor=judge, session=session, entry_id=entry, scores=scores_for(marks[n])
            )
        if count != 1:
            live_team_next(actor=world.organiser, session=session)
    state = live_state(session=session)
    boards = live_slot_boards(session=session)
    summed = [
        s
        for s in state["slots"]
        if s["entry"] not in (state["current"]["entry"], state["previous"]["entry"])
    ]
    assert len(summed) == 2 and all(s["final"] is not None for s in summed)
    for slot in summed:
        assert slot["final"] == boards[slot["entry"]]["final"]
    assert {r["entry"]: r["final"] for r in state["ranking"]} == {
        s["entry"]: boards[s["entry"]]["final"] for s in state["slots"] if s["status"] == "done"
    }
    assert state["previous"]["final"] == boards[state["previous"]["entry"]]["final"]
