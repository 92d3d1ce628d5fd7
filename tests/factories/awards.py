"""Factories for awards, notices, objections and certificates, and `published_ranking`, which
builds a stage's published snapshot from a list of ranks. No surprises: each builds what it names."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import factory
from django.utils import timezone

from awards.enums import AwardStatus, AwardTierKind, CalendarDayKind
from awards.models import Award, AwardTier, CalendarDay, Notice, Objection
from contest.enums import MemberRole
from judging.models import ResultSnapshot
from tests.factories.contest import (
    ContestFactory,
    EntryFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)


class AwardTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AwardTier

    contest = factory.SubFactory(ContestFactory)
    name = factory.Sequence(lambda n: f"奖项{n}")
    kind = AwardTierKind.RANKED
    quota_count = 1
    order = factory.Sequence(lambda n: n)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    contest = factory.SubFactory(ContestFactory)
    tier = factory.SubFactory(AwardTierFactory, contest=factory.SelfAttribute("..contest"))
    team = factory.SubFactory(TeamFactory, contest=factory.SelfAttribute("..contest"))
    status = AwardStatus.PROPOSED


class NoticeFactory(factory.django.DjangoModelFactory):
    """An open notice: opened a day ago, closing in five days."""

    class Meta:
        model = Notice

    contest = factory.SubFactory(ContestFactory)
    title = "拟获奖名单公示"
    days = 5
    working_days = False
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=5))
    created_by = factory.SubFactory(UserFactory)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    notice = factory.SubFactory(NoticeFactory)
    objector = factory.SubFactory(UserFactory)
    objector_name = factory.SelfAttribute("objector.real_name")
    contact = "13800000000"
    reason = "该团队作品与已发表论文雷同。"


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ("date",)

    date = dt.date(2026, 10, 1)
    kind = CalendarDayKind.HOLIDAY
    name = "国庆节"


def snapshot_publish(*, stage, rows: list[dict], user=None) -> ResultSnapshot:
    """A published snapshot with the results service's row keys and a correct sha256."""
    version = (stage.snapshots.count() or 0) + 1
    data = {"stage": stage.pk, "contest": stage.contest_id, "version": version, "rows": rows}
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return ResultSnapshot.objects.create(
        stage=stage,
        version=version,
        data=data,
        sha256=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        published_by=user or UserFactory(),
    )


def ranking_rows(
    *,
    stage,
    ranks: list[int | None],
    group_key: str = "",
    group_name: str = "",
    track=None,
    members: int = 0,
    advisors: int = 0,
) -> tuple[list[dict], list]:
    """Teams with entries in `stage` and their snapshot rows, ranked as `ranks` (equal ranks are
    tied, None is unranked). Returns (rows, teams), both in the order of `ranks`."""
    teams = []
    rows = []
    for rank in ranks:
        team = TeamFactory(contest=stage.contest, track=track)
        for _ in range(members):
            TeamMemberFactory(team=team, role=MemberRole.MEMBER)
        for _ in range(advisors):
            TeamMemberFactory(team=team, role=MemberRole.ADVISOR)
        entry = EntryFactory(team=team, stage=stage)
        teams.append(team)
        rows.append(
            {
                "entry": entry.pk,
                "title": entry.title,
                "team": team.pk,
                "team_code": team.code,
                "team_name": team.name,
                "group_key": group_key,
                "group_name": group_name or group_key,
                "final": f"{90 - rank:.2f}" if rank is not None else None,
                "rank": rank,
                "tied": rank is not None and ranks.count(rank) > 1,
            }
        )
    return rows, teams


def published_ranking(
    *, stage=None, ranks: list[int | None], **options
) -> tuple[ResultSnapshot, list]:
    """`ranking_rows` published as the stage's next snapshot. Returns (snapshot, teams)."""
    stage = stage or StageFactory()
    rows, teams = ranking_rows(stage=stage, ranks=ranks, **options)
    return snapshot_publish(stage=stage, rows=rows), teams


# --------------------------------------------------------------------------------------------
# 揭榜挂帅 after the win: a final winner with a signed agreement, built through the services


@dataclass
class AgreementWorld:
    contest: object
    organiser: object
    publisher: object
    publisher_org: object
    challenge: object
    team: object
    captain: object
    member: object
    advisor: object
    result: object
    winner: object
    agreement: object


def challenge_world(*, prize=500000):
    """A 揭榜挂帅 contest with an organiser, a publisher and a published challenge taken by one
    team (captain, member, advisor). Returns a dict of them."""
    from contest.enums import ContestKind, ContestRoleKind
    from tests.factories.contest import ChallengeFactory, ContestRoleFactory, OrganisationFactory

    contest = ContestFactory(kind=ContestKind.CHALLENGE_LIST)
    organiser = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    org = OrganisationFactory(name="苏州精密制造有限公司")
    publisher = UserFactory(real_name="发榜方联系人", organisation=org)
    ContestRoleFactory(
        contest=contest, user=publisher, role=ContestRoleKind.PUBLISHER, organisation=org
    )
    challenge = ChallengeFactory(
        contest=contest,
        publisher=org,
        prize_amount=prize,
        targets="缺陷检出率≥99.5%",
        acceptance_indicators="缺陷检出率≥99.5%，误报率≤0.5%，单件检测≤200 ms",
    )
    lead = OrganisationFactory(name="南京视觉智能科技有限公司")
    team = TeamFactory(
        contest=contest, challenge=challenge, name="慧眼团队", lead_organisation=lead
    )
    member = TeamMemberFactory(team=team, role=MemberRole.MEMBER).user
    advisor = TeamMemberFactory(team=team, role=MemberRole.ADVISOR).user
    return {
        "contest": contest,
        "organiser": organiser,
        "publisher": publisher,
        "publisher_org": org,
        "challenge": challenge,
        "team": team,
        "captain": team.captain,
        "member": member,
        "advisor": advisor,
    }


def final_winner_world():
    """`challenge_world` whose team won (公示 closed and final a month ago), no agreement yet:
    (the world's dict, the ChallengeResult, the ChallengeWinner)."""
    from awards.services.challenge_result import (
        challenge_result_notice_open,
        challenge_result_record,
    )
    from awards.services.notice import notice_finalise

    w = challenge_world()
    past = timezone.now() - dt.timedelta(days=40)
    result = challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="winners",
        winners=[{"team": w["team"], "prize_amount": "500000"}],
    )
    notice = challenge_result_notice_open(actor=w["organiser"], result=result, days=5, now=past)
    notice_finalise(actor=w["organiser"], notice=notice, now=past + dt.timedelta(days=15))
    return w, result, result.winners.get()


def agreement_world(*, sign: bool = True, shares=("40", "60")) -> AgreementWorld:
    """`challenge_world` whose team won (公示 closed and final a month ago) and has an agreement
    with one milestone per share (due in 30, 60 … days), signed unless `sign=False`."""
    from awards.services.agreement import agreement_create, agreement_sign

    w, result, winner = final_winner_world()
    today = timezone.localdate()
    agreement = agreement_create(
        actor=w["publisher"],
        winner=winner,
        starts_on=today - dt.timedelta(days=10),
        ends_on=today + dt.timedelta(days=30 * len(shares) + 30),
        milestones=[
            {
                "title": f"第{i}阶段交付",
                "due_on": today + dt.timedelta(days=30 * i),
                "share": share,
                "deliverables": "技术报告与样机",
            }
            for i, share in enumerate(shares, start=1)
        ],
    )
    if sign:
        agreement = agreement_sign(
            actor=w["organiser"], agreement=agreement, signed_on=today - dt.timedelta(days=9)
        )
    result.refresh_from_db()
    return AgreementWorld(**w, result=result, winner=winner, agreement=agreement)


def pdf_upload(name: str = "report.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories.judging import pdf_with_author

    return SimpleUploadedFile(name, pdf_with_author("慧眼团队"), content_type="application/pdf")
