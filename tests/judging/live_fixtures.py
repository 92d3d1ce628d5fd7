"""A roadshow final ready for the live session: organiser, N judges on the panel (the first the
chair), M submitted entries of M teams, the stage's rubric, the review window open. Plain ORM and
services, so that bench/live_final.py builds the same world."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from contest.enums import ContestRoleKind, StageKind
from contest.models import Entry
from contest.services.user import user_organisation_set
from judging.models import PanelMembership
from judging.services.panel import judge_invite, judge_profile_upsert, panel_accept
from judging.services.rubric import rubric_create
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)

CRITERIA = [
    {"key": "impact", "name": "应用成效", "weight": "40", "max_score": "10", "step": "0.5"},
    {"key": "novelty", "name": "创新性", "weight": "35", "max_score": "10", "step": "0.5"},
    {"key": "data_value", "name": "数据要素价值", "weight": "25", "max_score": "20", "step": "1"},
]


def scores_for(total_tenths: int) -> dict:
    """Scores whose weighted total is easy to read: impact=novelty=x/10·10, data_value=2x."""
    x = total_tenths / 10
    return {"impact": str(x), "novelty": str(x), "data_value": str(int(2 * x))}


@dataclass
class LiveWorld:
    contest: object
    stage: object
    organiser: object
    judges: list
    entries: list


def live_world_build(*, judges: int = 3, teams: int = 4, password: str | None = None) -> LiveWorld:
    now = timezone.now()
    contest = ContestFactory()
    organiser = UserFactory(real_name="组委会秘书")
    if password:
        organiser.set_password(password)
        organiser.save()
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    stage = StageFactory(
        contest=contest,
        name="决赛路演",
        kind=StageKind.ROADSHOW,
        submission_opens_at=now - datetime.timedelta(days=20),
        submission_closes_at=now - datetime.timedelta(days=10),
        review_opens_at=now - datetime.timedelta(hours=1),
        review_closes_at=now + datetime.timedelta(days=2),
    )
    rubric_create(actor=organiser, stage=stage, name="决赛评分细则", criteria=CRITERIA)
    panel = []
    for i in range(judges):
        judge = UserFactory(real_name=f"评委{i + 1}号")
        if password:
            judge.set_password(password)
            judge.save()
        judge_profile_upsert(user=judge, organisation=None, province="浙江", expertise=["数据"])
        user_organisation_set(user=judge, none=True)
        membership = judge_invite(actor=organiser, stage=stage, judge=judge)
        panel_accept(actor=judge, membership=membership, declaration_accepted=True)
        panel.append(judge)
    PanelMembership.objects.filter(stage=stage, judge=panel[0]).update(is_chair=True)
    entries = [
        Entry.objects.create(
            team=TeamFactory(contest=contest, name=f"第{i + 1}队"),
            stage=stage,
            title=f"数据要素应用方案{i + 1}",
            status="submitted",
        )
        for i in range(teams)
    ]
    return LiveWorld(contest, stage, organiser, panel, entries)
