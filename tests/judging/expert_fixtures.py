"""A contest with one entrant team and an expert pool holding one expert for each exclusion rule
(and clean experts around them), for the expert-draw tests of the service and the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from contest.enums import ContestRoleKind, MemberRole
from contest.identity import id_number_check_character
from judging.models import Expert
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
    make_uscc,
)

EVENT_DAY = datetime.date(2026, 12, 20)


def id_number(seq: int) -> str:
    first17 = f"11010519800101{seq:03d}"
    return first17 + id_number_check_character(first17)


@dataclass
class ExpertWorld:
    contest: object
    stage: object
    organiser: object
    captain: object
    team: object
    clean: list = field(default_factory=list)
    conflicted: dict = field(default_factory=dict)  # reason -> Expert


def expert_make(contest, n: int, **values) -> Expert:
    defaults = {
        "name": f"专家{n:02d}",
        "organisation_name": f"独立研究院{n}",
        "organisation_uscc": make_uscc(900000 + n),
        "province": "北京",
        "fields": ["数据要素", "人工智能"],
        "title": "研究员",
        "mobile": f"139{n:08d}",
        "email": f"expert{n}@example.org",
    }
    defaults.update(values)
    return Expert.objects.create(contest=contest, **defaults)


def expert_world_build(*, clean: int = 12) -> ExpertWorld:
    contest = ContestFactory(conflict_same_province=True)
    stage = StageFactory(contest=contest, order=1, name="决赛路演")
    organiser = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    lead = OrganisationFactory(name="参赛科技有限公司", province="江苏")
    co_applicant = OrganisationFactory(name="联合申报大学", province="上海")
    captain = UserFactory(real_name="队长张三", mobile="13800000001")
    team = TeamFactory(contest=contest, captain=captain, name="星火团队", lead_organisation=lead)
    team.co_applicants.add(co_applicant)
    colleague_org = OrganisationFactory(name="成员所在研究所", province="广东")
    TeamMemberFactory(
        team=team,
        role=MemberRole.MEMBER,
        user=UserFactory(real_name="成员李四", id_number=id_number(1), organisation=colleague_org),
    )
    TeamMemberFactory(
        team=team, role=MemberRole.ADVISOR, user=UserFactory(real_name="导师王五", id_number="")
    )
    EntryFactory(team=team, stage=stage, title="数据要素流通平台")
    world = ExpertWorld(contest, stage, organiser, captain, team)
    for n in range(1, clean + 1):
        world.clean.append(expert_make(contest, n, province=["北京", "四川", "湖北"][n % 3]))
    c = world.conflicted
    c["same_organisation"] = expert_make(
        contest, 51, organisation_uscc=lead.uscc, organisation_name=lead.name
    )
    c["co_applicant"] = expert_make(contest, 52, organisation_uscc=co_applicant.uscc)
    c["member_organisation"] = expert_make(contest, 53, organisation_uscc=colleague_org.uscc)
    c["same_province"] = expert_make(contest, 54, province="江苏")
    c["declared_relation"] = expert_make(
        contest,
        55,
        declared_relations=[
            {"name": "成员李四", "id_number": id_number(1), "relation": "relative"}
        ],
    )
    c["declared_relation_by_name"] = expert_make(
        contest,
        56,
        declared_relations=[{"name": "导师王五", "id_number": "", "relation": "student"}],
    )
    c["inactive"] = expert_make(contest, 57, active=False)
    c["unavailable"] = expert_make(contest, 58, unavailable_dates=[EVENT_DAY.isoformat()])
    c["fields"] = expert_make(contest, 59, fields=["生物医药"])
    c["contestant"] = expert_make(contest, 60, user=captain, mobile="13800000001")
    return world
