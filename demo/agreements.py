"""揭榜挂帅 after the win: last year's challenge contest, whose winners are half-way through their
agreements, so every agreement screen has something to show at once.

* 2025 揭榜挂帅 专项赛 (closed): four challenges of the demo publisher's organisation; three won
  (one 擂主 each), one 流榜 with the panel's reasons; each result went through its own 公示
  months ago and is final.
* Three agreements (任务书), signed: the demo winner's team has its first milestone accepted and
  paid and its second overdue (flagged to the organiser); a second winner delivered everything
  and its 验收 is scheduled in the acceptance stage, with one of the demo's signed judges as
  assigned expert and panel chair; a third has a milestone submitted and waiting for the publisher.

Everything goes through the services (`awards.services.challenge_result`, `…agreement`,
`…acceptance_review`, `judging.services.panel`). The services stamp "now"; where a past event's
date is part of the picture (when a milestone was submitted and decided, so that it counts as on
time), the stored timestamps are set back afterwards, as `demo.awards` does for its notice.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from awards.models import Milestone
from awards.services.acceptance_review import acceptance_schedule
from awards.services.agreement import (
    agreement_create,
    agreement_sign,
    deliverable_upload,
    milestone_accept,
    milestone_submit,
    milestones_overdue_flag,
    payment_record,
)
from awards.services.challenge_result import challenge_result_notice_open, challenge_result_record
from awards.services.notice import notice_finalise
from contest.enums import ContestKind, ContestRoleKind, MemberRole, StageKind
from contest.models import Team, TeamMember
from contest.services.challenge import (
    challenge_approve,
    challenge_create,
    challenge_publish,
    challenge_submit,
)
from contest.services.contest import (
    contest_create,
    contest_publish,
    contest_role_grant,
    stage_create,
)
from demo.pdf import plan_pdf
from demo.state import DemoState
from judging.enums import AssignmentSource
from judging.models import Assignment
from judging.services.panel import judge_invite, panel_accept
from judging.services.rubric import rubric_create

AGREEMENT_CODE = "jbgs-2025"
CHALLENGES_2025 = [
    ("高速产线表面缺陷智能检测", "缺陷检出率≥99.5%，误报率≤0.5%，单件检测≤200 ms", "800000"),
    ("园区综合能源负荷预测", "日前负荷预测误差(MAPE)≤3%，支持 15 分钟粒度", "600000"),
    ("冷链物流温控数据可信追溯", "全程温度记录上链率 100%，篡改检出率 100%", "500000"),
    ("工业软件国产化替代（CAE 求解器）", "求解精度与国外商业软件偏差≤1%", "1200000"),
    ("焊接机器人视觉引导", "焊缝跟踪精度≤0.2 mm，换型调试≤30 分钟", "400000"),
]
ACCEPTANCE_CRITERIA = [
    {"key": "targets", "name": "指标达成", "weight": "60", "max_score": "10", "step": "0.5"},
    {"key": "quality", "name": "交付质量", "weight": "25", "max_score": "10", "step": "0.5"},
    {"key": "ip", "name": "知识产权", "weight": "15", "max_score": "10", "step": "0.5"},
]


def _pdf(title: str) -> SimpleUploadedFile:
    content = plan_pdf(title, "揭榜挂帅", [f"{title}：交付说明、测试记录与结论。"])
    return SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf")


def _team(seed: DemoState, contest, challenge, name: str, captain, lead) -> Team:
    team = Team.objects.create(
        contest=contest,
        code=f"JB25-{challenge.code[-3:]}",
        name=name,
        lead_organisation=lead,
        challenge=challenge,
        captain=captain,
    )
    TeamMember.objects.create(team=team, contest=contest, user=captain, role=MemberRole.CAPTAIN)
    for j, person in enumerate(seed.bulk_people(2, organisation=lead), start=1):
        TeamMember.objects.create(
            team=team, contest=contest, user=person, role=MemberRole.MEMBER, order=j
        )
    return team


def _deliver(seed, agreement, order: int, *, captain, submitted_days: float | None = None):
    milestone = agreement.milestones.get(order=order)
    deliverable_upload(actor=captain, milestone=milestone, uploaded=_pdf(milestone.title))
    milestone = milestone_submit(actor=captain, milestone=milestone)
    if submitted_days is not None:
        Milestone.objects.filter(pk=milestone.pk).update(submitted_at=seed.days(submitted_days))
    return milestone


def agreements(seed: DemoState) -> None:
    seed.step("揭榜挂帅 after the win: results, agreements, milestones, 验收 (services)")
    actor = seed.organiser
    publisher = seed.publisher
    org = publisher.organisation
    contest = contest_create(
        actor=actor,
        code=AGREEMENT_CODE,
        name="2025 揭榜挂帅 技术攻关专项赛",
        kind=ContestKind.CHALLENGE_LIST,
        edition="2025",
        year=2025,
        region="江苏",
        description="上届揭榜挂帅专项赛：擂主已签订任务书，正在按节点履约、付款与验收。",
        registration_opens_at=seed.days(-400),
        registration_closes_at=seed.days(-330),
        team_size_min=1,
        team_size_max=10,
        entrant_kinds=["person", "enterprise", "research_institute", "university"],
        requires_challenge=True,
    )
    stage_create(
        actor=actor, contest=contest, name="揭榜方案评审", kind=StageKind.ONLINE_REVIEW, order=1
    )
    acceptance = stage_create(
        actor=actor, contest=contest, name="任务书验收评审", kind=StageKind.ACCEPTANCE, order=2
    )
    rubric_create(actor=actor, stage=acceptance, name="验收评分细则", criteria=ACCEPTANCE_CRITERIA)
    contest = contest_publish(actor=actor, contest=contest)
    contest_role_grant(
        actor=actor,
        contest=contest,
        user=publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=org,
    )

    challenges = []
    for i, (title, indicators, prize) in enumerate(CHALLENGES_2025, start=1):
        challenge = challenge_create(
            actor=publisher,
            contest=contest,
            publisher=org,
            code=f"JB-2025-{i:03d}",
            title=title,
            background=f"{org.name}面临“{title}”的关键技术瓶颈，面向社会公开揭榜攻关。",
            targets=indicators,
            acceptance_indicators=f"{indicators}；由第三方检测机构出具测试报告，专家组现场验收。",
            prize_amount=Decimal(prize),
        )
        challenge_submit(actor=publisher, challenge=challenge)
        challenge_approve(actor=actor, challenge=challenge)
        challenges.append(challenge_publish(actor=actor, challenge=challenge))

    leads = seed.companies[:2] + seed.universities[:1] + seed.institutes[:1] + seed.companies[2:3]
    captains = [seed.winner] + seed.bulk_people(4)
    teams = [
        _team(seed, contest, ch, f"{lead.name[:6]}攻关队", captain, lead)
        for ch, captain, lead in zip(challenges, captains, leads, strict=True)
    ]

    # results and their 公示, months ago; all final
    opened = seed.days(-150)
    won = [0, 1, 2, 4]  # the fourth challenge (index 3) is unfilled
    for challenge, team in zip([challenges[i] for i in won], [teams[i] for i in won], strict=True):
        result = challenge_result_record(
            actor=actor,
            challenge=challenge,
            outcome="winners",
            winners=[{"team": team, "prize_amount": challenge.prize_amount}],
            reasons="方案各项指标满足榜单要求，经擂台赛答辩确定为擂主。",
        )
        notice = challenge_result_notice_open(actor=actor, result=result, days=5, now=opened)
        notice_finalise(actor=actor, notice=notice, now=seed.days(-135))
    unfilled = challenge_result_record(
        actor=actor,
        challenge=challenges[3],
        outcome="unfilled",
        reasons="揭榜方案的求解精度偏差为 3.2%，未达到≤1% 的指标，专家组一致认定流榜。",
    )
    notice = challenge_result_notice_open(actor=actor, result=unfilled, days=5, now=opened)
    notice_finalise(actor=actor, notice=notice, now=seed.days(-135))

    today = seed.now.date()

    def day(n: int) -> datetime.date:
        return today + datetime.timedelta(days=n)

    def signed(team, title, milestones):
        winner = team.awards.get().challenge_winner
        agreement = agreement_create(
            actor=publisher,
            winner=winner,
            title=title,
            starts_on=day(-120),
            ends_on=day(120),
            milestones=milestones,
        )
        return agreement_sign(actor=actor, agreement=agreement, signed_on=day(-118))

    # 1. the demo winner's team: first milestone accepted and paid, second overdue
    first = signed(
        teams[0],
        "高速产线表面缺陷智能检测 技术攻关任务书",
        [
            {
                "title": "算法原型与数据集",
                "due_on": day(-60),
                "share": "30",
                "deliverables": "缺陷样本库、算法原型、第三方初测报告",
            },
            {
                "title": "产线试运行",
                "due_on": day(-5),
                "share": "40",
                "deliverables": "试运行记录（≥3 个月）与指标测试报告",
            },
            {
                "title": "成果交付与知识产权",
                "due_on": day(90),
                "share": "30",
                "deliverables": "软件著作权、专利申请受理通知书",
            },
        ],
    )
    m1 = _deliver(seed, first, 1, captain=seed.winner, submitted_days=-64)
    m1 = milestone_accept(actor=publisher, milestone=m1, reason="初测检出率 99.6%，满足节点要求")
    Milestone.objects.filter(pk=m1.pk).update(decided_at=seed.days(-58))
    payment_record(
        actor=publisher,
        milestone=m1,
        amount=Decimal("240000"),
        paid_on=day(-50),
        proof=_pdf("第一期付款凭证"),
    )
    milestones_overdue_flag(today=today)

    # 2. everything delivered and accepted; the 验收 is scheduled with a signed judge as chair
    second = signed(
        teams[1],
        "园区综合能源负荷预测 技术攻关任务书",
        [
            {
                "title": "预测模型",
                "due_on": day(-70),
                "share": "50",
                "deliverables": "模型与回测报告",
            },
            {
                "title": "平台部署",
                "due_on": day(-20),
                "share": "50",
                "deliverables": "部署与运行报告",
            },
        ],
    )
    for order, submitted in ((1, -75), (2, -25)):
        milestone = _deliver(
            seed, second, order, captain=teams[1].captain, submitted_days=submitted
        )
        milestone_accept(actor=publisher, milestone=milestone)
    expert = seed.judges[0][0]
    membership = judge_invite(actor=actor, stage=acceptance, judge=expert, is_chair=True)
    panel_accept(actor=expert, membership=membership, declaration_accepted=True)
    review = acceptance_schedule(
        actor=actor, agreement=second, stage=acceptance, scheduled_on=day(7)
    )
    Assignment.objects.create(
        stage=acceptance,
        entry=review.entry,
        judge=expert,
        source=AssignmentSource.MANUAL,
        created_by=actor,
    )

    # 3. a milestone submitted, waiting for the publisher to accept or return it
    third = signed(
        teams[2],
        "冷链物流温控数据可信追溯 技术攻关任务书",
        [
            {"title": "追溯链原型", "due_on": day(10), "share": "60", "deliverables": "原型系统"},
            {"title": "全链路试点", "due_on": day(100), "share": "40", "deliverables": "试点报告"},
        ],
    )
    _deliver(seed, third, 1, captain=teams[2].captain)

    # 4. an agreement still being drafted: not signed yet
    agreement_create(
        actor=publisher,
        winner=teams[4].awards.get().challenge_winner,
        title="焊接机器人视觉引导 技术攻关任务书（草稿）",
        starts_on=day(10),
        ends_on=day(190),
        milestones=[
            {
                "title": "视觉引导样机",
                "due_on": day(80),
                "share": "50",
                "deliverables": "样机与测试报告",
            },
            {"title": "产线联调", "due_on": day(180), "share": "50", "deliverables": "联调报告"},
        ],
    )

    seed.agreement_contest = contest
    seed.built.counts["agreements"] = 4
    seed.built.counts["milestones_overdue"] = Milestone.objects.filter(
        agreement__contest=contest, overdue_flagged_on__isnull=False
    ).count()
