"""The 数据要素× contests: the national final and its Jiangsu sub-contest, tracks, stages; the
organisations (enterprises, universities, institutes) the teams come from."""

from __future__ import annotations

import datetime

from contest.enums import ContestKind, OrganisationKind, StageKind
from contest.models import Organisation
from contest.services.contest import (
    contest_create,
    contest_publish,
    contest_registration_open,
    stage_create,
    track_create,
)
from demo.data import CITIES, COMPANY_SUFFIXES, COMPANY_WORDS, INSTITUTES, TRACKS, UNIVERSITIES
from demo.logins import NATIONAL_CODE, SUBCONTEST_CODE
from demo.state import DemoState


def data_elements(seed: DemoState) -> None:
    seed.step("数据要素× 全国总决赛与江苏分赛 contests, tracks, stages")
    actor = seed.organiser
    seed.national = contest_create(
        actor=actor,
        code=NATIONAL_CODE,
        name="2026年“数据要素×”大赛全国总决赛",
        kind=ContestKind.DATA_ELEMENTS,
        edition="2026",
        year=2026,
        region="全国",
        description="国家数据局等部门主办。各地方分赛和行业赛事按推荐名额推荐优秀项目参加全国总决赛。",
        entrant_kinds=["enterprise", "public_institution", "research_institute", "university"],
        joint_entries_allowed=True,
        requires_track=True,
        promotion_quota=30,
    )
    stage_create(
        actor=actor,
        contest=seed.national,
        name="全国总决赛",
        kind=StageKind.ROADSHOW,
        order=1,
        review_opens_at=seed.days(60),
        review_closes_at=seed.days(62),
    )
    seed.national = contest_publish(actor=actor, contest=seed.national)

    seed.contest = contest_create(
        actor=actor,
        code=SUBCONTEST_CODE,
        name="2026年“数据要素×”大赛江苏分赛",
        kind=ContestKind.DATA_ELEMENTS,
        edition="2026",
        year=2026,
        parent=seed.national,
        region="江苏",
        description=(
            "由江苏省数据局等单位主办，设工业制造、现代农业等14个赛道。"
            "面向企业、高校、科研院所和事业单位，鼓励联合申报。"
            "初赛网络评审（匿名），决赛现场路演答辩，择优推荐参加全国总决赛。"
        ),
        registration_opens_at=seed.days(-30),
        registration_closes_at=seed.days(10),
        team_size_min=1,
        team_size_max=15,
        advisors_max=3,
        entrant_kinds=["enterprise", "public_institution", "research_institute", "university"],
        one_team_per_person=True,
        joint_entries_allowed=True,
        co_applicants_max=4,
        requires_track=True,
    )
    seed.tracks = {}
    for order, spec in enumerate(TRACKS, start=1):
        seed.tracks[spec.name] = track_create(
            actor=actor,
            contest=seed.contest,
            code=spec.code,
            name=spec.name,
            order=order,
            guide_text=spec.guide,
        )
    seed.stage_formal = stage_create(
        actor=actor,
        contest=seed.contest,
        name="形式审查",
        kind=StageKind.FORMAL_CHECK,
        order=1,
        review_opens_at=seed.days(-25),
        review_closes_at=seed.days(40),
    )
    seed.stage_prelim = stage_create(
        actor=actor,
        contest=seed.contest,
        name="初赛",
        kind=StageKind.ONLINE_REVIEW,
        order=2,
        submission_opens_at=seed.days(-20),
        submission_closes_at=seed.days(14),
        review_opens_at=seed.days(-3),
        review_closes_at=seed.days(30),
        blind=True,
    )
    seed.stage_final = stage_create(
        actor=actor,
        contest=seed.contest,
        name="决赛",
        kind=StageKind.ROADSHOW,
        order=3,
        review_opens_at=seed.days(45),
        review_closes_at=seed.days(46),
    )
    seed.contest = contest_publish(actor=actor, contest=seed.contest)
    seed.contest = contest_registration_open(actor=actor, contest=seed.contest)
    seed.built.counts["tracks"] = len(seed.tracks)
    seed.built.counts["stages"] = 3


def organisations(seed: DemoState) -> None:
    seed.step("单位 organisations (enterprises, universities, institutes)")
    rng = seed.rng
    n_companies = max(30, int(seed.sizes.teams * 0.8))
    orgs: list[Organisation] = []
    names: set[str] = set()
    while len(orgs) < n_companies:
        city, region = rng.choice(CITIES)
        prefix = rng.choice(("江苏", city))
        name = f"{prefix}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_SUFFIXES)}"
        if name in names:
            continue
        names.add(name)
        orgs.append(
            Organisation(
                name=name,
                kind=OrganisationKind.ENTERPRISE,
                uscc=seed.next_uscc("91", region),
                province="江苏",
                city=city,
                registered_on=datetime.date(rng.randint(2008, 2024), rng.randint(1, 12), 1),
            )
        )
    region_of = dict(CITIES)
    for name, city in UNIVERSITIES:
        orgs.append(
            Organisation(
                name=name,
                kind=OrganisationKind.UNIVERSITY,
                uscc=seed.next_uscc("12", region_of[city]),
                province="江苏",
                city=city,
                registered_on=datetime.date(1958, 9, 1),
            )
        )
    for name, city in INSTITUTES:
        orgs.append(
            Organisation(
                name=name,
                kind=OrganisationKind.RESEARCH_INSTITUTE,
                uscc=seed.next_uscc("12", region_of[city]),
                province="江苏",
                city=city,
                registered_on=datetime.date(2016, 5, 1),
            )
        )
    seed.showcase_org = Organisation(
        name="江苏数衡数据科技有限公司",
        kind=OrganisationKind.ENTERPRISE,
        uscc=seed.next_uscc("91", "320100"),
        province="江苏",
        city="南京",
        registered_on=datetime.date(2019, 3, 18),
    )
    orgs.append(seed.showcase_org)
    Organisation.objects.bulk_create(orgs, batch_size=500)
    seed.companies = [o for o in orgs if o.kind == OrganisationKind.ENTERPRISE]
    seed.companies.remove(seed.showcase_org)
    seed.universities = [o for o in orgs if o.kind == OrganisationKind.UNIVERSITY]
    seed.institutes = [o for o in orgs if o.kind == OrganisationKind.RESEARCH_INSTITUTE]
    seed.built.counts["organisations"] = len(orgs)
