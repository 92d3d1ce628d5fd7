"""The 数据要素× demo's 决赛 live final, left in progress (`seed_demo`): the roadshow rubric, a
panel of seven (the first the chair, 评委1;
its login printed by `demo_logins`), the order drawn, three teams done and
scored, the fourth on stage with its timer running and two judges' scores in — so the big screen
and the demo judge's phone show something at once. Through the live services throughout."""

from __future__ import annotations

import datetime

from django.utils import timezone

from demo.state import DemoState
from judging.models import LiveSession, LiveSlot, PanelMembership
from judging.services.live import (
    live_order_draw,
    live_score_submit,
    live_session_create,
    live_session_start,
    live_team_next,
    live_timer_set,
)
from judging.services.panel import judge_invite, panel_accept
from judging.services.rubric import rubric_create

RUBRIC = [
    ("value", "应用价值", "40"),
    ("innovation", "创新性", "30"),
    ("feasibility", "可行性", "20"),
    ("presentation", "路演表现", "10"),
]


def _scores(base: float, judge: int, team: int) -> dict:
    """Deterministic, on the 0.5 step, spread a little by judge and team."""
    out = {}
    for i, (key, _, _) in enumerate(RUBRIC):
        value = base + ((judge * 3 + team * 5 + i * 7) % 5 - 2) * 0.5
        out[key] = str(max(0.0, min(10.0, value)))
    return out


def live_final(seed: DemoState) -> None:
    seed.step("决赛现场路演 live final in progress")
    stage = seed.stage_final
    actor = seed.organiser
    now = timezone.now()
    # the final is today: its scoring window is open
    stage.review_opens_at = now - datetime.timedelta(hours=2)
    stage.review_closes_at = now + datetime.timedelta(days=30)
    stage.save(update_fields=["review_opens_at", "review_closes_at"])
    rubric_create(
        actor=actor,
        stage=stage,
        name="决赛路演评分细则",
        criteria=[
            {"key": k, "name": n, "weight": w, "max_score": 10, "step": "0.5"} for k, n, w in RUBRIC
        ],
    )
    wide = [user for user, track in seed.judges if track is None]
    others = [user for user, track in seed.judges if track is not None]
    # not the demo judge 郑文博: the demo keeps their one (unsigned) 初赛 invitation as it is
    panel = (wide + others)[:7]
    for i, judge in enumerate(panel):
        membership = judge_invite(actor=actor, stage=stage, judge=judge)
        panel_accept(actor=judge, membership=membership, declaration_accepted=True)
        if i == 0:
            PanelMembership.objects.filter(pk=membership.pk).update(is_chair=True)
    session = live_session_create(actor=actor, stage=stage)
    live_order_draw(actor=actor, session=session)
    live_session_start(actor=actor, session=session)
    for team in range(4):
        session.refresh_from_db()
        entry = session.current_slot.entry_id
        scorers = panel if team < 3 else panel[1:3]  # the fourth: two scores in, the rest to come
        for number, judge in enumerate(scorers, start=1):
            try:
                live_score_submit(
                    actor=judge,
                    session=session,
                    entry_id=entry,
                    scores=_scores(7.5 - team * 0.5, number, team),
                )
            except Exception as refused:  # a judge in conflict with the team has no score to give
                if getattr(refused, "code", "") != "judge_recused":
                    raise
        if team < 3:
            live_team_next(actor=actor, session=session)
    live_timer_set(actor=actor, session=session, action="start")
    seed.built.counts["live_slots"] = LiveSlot.objects.filter(session=session).count()


def live_final_urls(url: str) -> list[str]:
    """The lines `demo_logins` prints after its table: the big screen and the judge's phone."""
    session = LiveSession.objects.order_by("pk").first()
    if session is None:
        return []
    chair = (
        PanelMembership.objects.filter(stage_id=session.stage_id, is_chair=True)
        .select_related("judge")
        .first()
    )
    who = chair.judge.email if chair else "—"
    return [
        f"决赛现场路演大屏 Live final big screen: {url}/live/{session.pk}/screen",
        f"评委手机评分 Judge's phone ({who}, 评委1, chair): {url}/live/{session.pk}/judge",
        f"组委会控制台 Console (organiser): {url}/organiser/stages/{session.stage_id}/live",
    ]
