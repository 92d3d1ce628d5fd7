"""A national contest with three sub-contests, for the report's tests (see `national_world`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from awards.enums import AwardStatus
from contest.enums import EntryStatus, MemberRole, OrganisationKind, StageKind
from contest.models import Contest
from judging.enums import PanelStatus, PromotionRule
from judging.models import Promotion, Recommendation
from tests.factories.awards import AwardFactory, AwardTierFactory
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import JudgeProfileFactory, PanelMembershipFactory


@dataclass
class NationalWorld:
    national: Contest
    subs: list[Contest]
    organiser: object  # of the national contest
    sub_organiser: object  # of the first sub-contest (江苏) only
    extra: dict = field(default_factory=dict)


def sub_contest_add(*, national: Contest, code: str, region: str) -> Contest:
    return ContestFactory(
        code=code, name=f"数据要素×大赛{region}分赛", region=region, parent=national
    )


def national_world() -> NationalWorld:
    """全国赛 with one stage 全国决赛 and, under it, three sub-contests:

    - 江苏分赛: tracks 工业制造 (1), 医疗健康 (2); org 甲 (enterprise, 江苏 南京) and 乙
      (university, 江苏 苏州). Team A1 (工业制造, lead 甲, co-applicant 乙; captain, a member, the
      advisor 顾问) and team A2 (医疗健康, lead 乙; captain). Stages 初赛 (A1 and A2 submitted, A1
      promoted) and 决赛 (A1 draft). Awards 一等奖 A1 final, 二等奖 A2 proposed. A1's 决赛 entry
      recommended to the national contest.
    - 浙江分赛: track 工业制造; org 丙 (enterprise, 浙江 杭州); team B1 (captain, and 顾问 as
      advisor again); 初赛 entry withdrawn; an 一等奖 award removed.
    - 广东分赛: track 绿色低碳 (3); team C1 without a lead organisation; 初赛 entry submitted.
    - 全国赛: a team led by 甲 with a submitted 全国决赛 entry and a final 全国一等奖.
    Judges: 评委一 (江苏; 工业互联网, 数据治理) accepted in 江苏 初赛 and 全国决赛; 评委二 (浙江;
    数据治理) accepted in 浙江 初赛; 评委四 (no profile) accepted and 评委三 only invited in 广东.
    """
    national = ContestFactory(code="national", name="全国数据要素×大赛", region="全国")
    organiser = UserFactory(real_name="全国组委会")
    ContestRoleFactory(contest=national, user=organiser)
    js = sub_contest_add(national=national, code="sub-js", region="江苏")
    zj = sub_contest_add(national=national, code="sub-zj", region="浙江")
    gd = sub_contest_add(national=national, code="sub-gd", region="广东")
    sub_organiser = UserFactory(real_name="江苏组委会")
    ContestRoleFactory(contest=js, user=sub_organiser)

    jia = OrganisationFactory(
        name="甲科技有限公司", kind=OrganisationKind.ENTERPRISE, province="江苏", city="南京"
    )
    yi = OrganisationFactory(
        name="乙大学", kind=OrganisationKind.UNIVERSITY, province="江苏", city="苏州"
    )
    bing = OrganisationFactory(
        name="丙数据有限公司", kind=OrganisationKind.ENTERPRISE, province="浙江", city="杭州"
    )
    industry = TrackFactory(contest=js, name="工业制造", code="industry", order=1)
    health = TrackFactory(contest=js, name="医疗健康", code="health", order=2)
    industry_zj = TrackFactory(contest=zj, name="工业制造", code="industry", order=1)
    green = TrackFactory(contest=gd, name="绿色低碳", code="green", order=3)

    advisor = UserFactory(real_name="顾问")
    a1 = TeamFactory(contest=js, track=industry, lead_organisation=jia)
    a1.co_applicants.add(yi)
    TeamMemberFactory(team=a1)
    TeamMemberFactory(team=a1, user=advisor, role=MemberRole.ADVISOR)
    a2 = TeamFactory(contest=js, track=health, lead_organisation=yi)
    b1 = TeamFactory(contest=zj, track=industry_zj, lead_organisation=bing)
    TeamMemberFactory(team=b1, user=advisor, role=MemberRole.ADVISOR)
    c1 = TeamFactory(contest=gd, track=green, lead_organisation=None)
    final_team = TeamFactory(contest=national, lead_organisation=jia, captain=a1.captain)

    first_js = StageFactory(contest=js, name="初赛", order=1)
    final_js = StageFactory(contest=js, name="决赛", order=2, kind=StageKind.ROADSHOW)
    first_zj = StageFactory(contest=zj, name="初赛", order=1)
    first_gd = StageFactory(contest=gd, name="初赛", order=1)
    national_final = StageFactory(
        contest=national, name="全国决赛", order=1, kind=StageKind.ROADSHOW
    )
    a1_first = EntryFactory(team=a1, stage=first_js, status=EntryStatus.SUBMITTED)
    EntryFactory(team=a2, stage=first_js, status=EntryStatus.SUBMITTED)
    a1_final = EntryFactory(team=a1, stage=final_js, status=EntryStatus.DRAFT)
    EntryFactory(team=b1, stage=first_zj, status=EntryStatus.WITHDRAWN)
    EntryFactory(team=c1, stage=first_gd, status=EntryStatus.SUBMITTED)
    EntryFactory(team=final_team, stage=national_final, status=EntryStatus.SUBMITTED)
    Promotion.objects.create(
        from_stage=first_js,
        to_stage=final_js,
        entry=a1_first,
        rule=PromotionRule.HAND_PICKED,
        created_by=sub_organiser,
    )
    Recommendation.objects.create(
        from_contest=js, to_contest=national, entry=a1_final, created_by=sub_organiser
    )

    first_tier = AwardTierFactory(contest=js, name="一等奖", order=1)
    second_tier = AwardTierFactory(contest=js, name="二等奖", order=2)
    AwardFactory(contest=js, tier=first_tier, team=a1, status=AwardStatus.FINAL)
    AwardFactory(contest=js, tier=second_tier, team=a2, status=AwardStatus.PROPOSED)
    AwardFactory(
        contest=zj,
        tier=AwardTierFactory(contest=zj, name="一等奖", order=1),
        team=b1,
        status=AwardStatus.REMOVED,
    )
    AwardFactory(
        contest=national,
        tier=AwardTierFactory(contest=national, name="全国一等奖", order=1),
        team=final_team,
        status=AwardStatus.FINAL,
    )

    one = JudgeProfileFactory(
        user=UserFactory(real_name="评委一"), province="江苏", expertise=["工业互联网", "数据治理"]
    ).user
    two = JudgeProfileFactory(
        user=UserFactory(real_name="评委二"), province="浙江", expertise=["数据治理"]
    ).user
    three = UserFactory(real_name="评委三")
    four = UserFactory(real_name="评委四")
    PanelMembershipFactory(stage=first_js, judge=one, accepted=True)
    PanelMembershipFactory(stage=national_final, judge=one, accepted=True)
    PanelMembershipFactory(stage=first_zj, judge=two, accepted=True)
    PanelMembershipFactory(stage=first_gd, judge=three, status=PanelStatus.INVITED)
    PanelMembershipFactory(stage=first_gd, judge=four, accepted=True)
    return NationalWorld(
        national=national, subs=[js, zj, gd], organiser=organiser, sub_organiser=sub_organiser
    )
