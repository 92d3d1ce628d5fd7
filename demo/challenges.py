"""The 揭榜挂帅 contest: publishers, challenges in every workflow status, and the teams that took them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from contest.enums import (
    ContestKind,
    ContestRoleKind,
    MemberRole,
    OrganisationKind,
    PrizePayer,
    StageKind,
)
from contest.models import Challenge, Entry, Team, TeamMember, User
from contest.services.challenge import (
    challenge_approve,
    challenge_create,
    challenge_publish,
    challenge_submit,
)
from contest.services.challenge_question import question_answer, question_ask
from contest.services.contest import (
    contest_create,
    contest_publish,
    contest_registration_open,
    contest_role_grant,
    stage_create,
    track_create,
)
from contest.services.organisation import organisation_create
from contest.services.publisher_application import publisher_application_submit
from contest.validators import uscc_compose
from demo.data import CHALLENGE_TRACKS, CHALLENGES, PUBLISHERS
from demo.logins import CHALLENGE_CODE, PUBLISHER_EMAIL
from demo.state import DemoState


def challenge_list(seed: DemoState) -> None:
    seed.step("揭榜挂帅 contest, publishers and challenges (services)")
    actor = seed.organiser
    contest = contest_create(
        actor=actor,
        code=CHALLENGE_CODE,
        name="2026 揭榜挂帅 技术攻关专项赛",
        kind=ContestKind.CHALLENGE_LIST,
        edition="2026",
        year=2026,
        region="江苏",
        description=(
            "征榜 → 发榜 → 竞榜 → 评榜 → 夺榜。发榜单位提出关键技术难题，"
            "组委会组织专家遴选后发布榜单，揭榜团队提交解决方案，经专家评审和擂台赛决出擂主。"
        ),
        registration_opens_at=seed.days(-15),
        registration_closes_at=seed.days(45),
        call_opens_at=seed.days(-30),
        call_closes_at=seed.days(10),
        team_size_min=1,
        team_size_max=10,
        advisors_max=3,
        entrant_kinds=["person", "enterprise", "research_institute", "university"],
        joint_entries_allowed=True,
        requires_challenge=True,
    )
    seed.challenge_contest = contest
    tracks = {
        name: track_create(actor=actor, contest=contest, code=f"cl-{i}", name=name, order=i)
        for i, name in enumerate(CHALLENGE_TRACKS, start=1)
    }
    stage_create(
        actor=actor,
        contest=contest,
        name="揭榜方案评审",
        kind=StageKind.ONLINE_REVIEW,
        order=1,
        submission_opens_at=seed.days(-15),
        submission_closes_at=seed.days(45),
        review_opens_at=seed.days(46),
        review_closes_at=seed.days(60),
    )
    stage_create(
        actor=actor,
        contest=contest,
        name="擂台赛（夺榜）",
        kind=StageKind.ROADSHOW,
        order=2,
        review_opens_at=seed.days(75),
        review_closes_at=seed.days(76),
    )
    contest = contest_publish(actor=actor, contest=contest)
    contest = contest_registration_open(actor=actor, contest=contest)

    publishers = []
    for name, kind, city, region in PUBLISHERS:
        publishers.append(
            organisation_create(
                name=name,
                kind=kind,
                uscc=seed.next_uscc(
                    "11"
                    if kind == OrganisationKind.GOVERNMENT
                    else ("12" if kind != OrganisationKind.ENTERPRISE else "91"),
                    region,
                ),
                province="江苏",
                city=city,
                registered_on=datetime.date(2003, 6, 1),
            )
        )
    seed.publisher = seed.make_user(
        PUBLISHER_EMAIL, "吴立新", organisation=publishers[0], province="江苏"
    )
    contest_role_grant(
        actor=actor,
        contest=contest,
        user=seed.publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=publishers[0],
    )
    contest_role_grant(
        actor=actor, contest=contest, user=seed.organiser, role=ContestRoleKind.ORGANISER
    )

    published = []
    for i, (title, pub, track, prize, status) in enumerate(CHALLENGES, start=1):
        publisher = publishers[pub]
        author = seed.publisher if pub == 0 else actor
        challenge = challenge_create(
            actor=author,
            contest=contest,
            publisher=publisher,
            code=f"JB-2026-{i:03d}",
            title=title,
            track=tracks[track],
            background=f"{publisher.name}在生产经营中面临“{title}”相关的关键技术瓶颈，"
            "现有方案依赖进口或效果不达预期，亟需联合攻关。",
            targets="1. 关键指标达到国内领先水平（准确率≥95%，响应时间≤200ms）；\n"
            "2. 在发榜单位现场完成不少于 3 个月的试运行；\n3. 形成自主知识产权（发明专利≥2项）。",
            acceptance_indicators="由发榜单位会同组委会组织第三方测试与现场验收。",
            prize_amount=Decimal(prize) if prize is not None else None,
            prize_negotiable=prize is None,
            prize_payer=PrizePayer.PUBLISHER if i % 5 else PrizePayer.ORGANISER,
            deadline=seed.days(40),
            eligibility="在中国境内注册的企业、高校、科研院所，或以高校师生为主体的团队；可联合揭榜。",
            contact_name=seed.person_name(),
            contact_phone=f"025-8{i:03d}{i:04d}"[:13],
            contact_email=f"jb{i:03d}@example.com",
        )
        if status == "draft":
            continue
        challenge_submit(actor=author, challenge=challenge)
        if status == "submitted":
            continue
        challenge_approve(actor=actor, challenge=challenge)
        if status == "approved":
            continue
        challenge_publish(actor=actor, challenge=challenge)
        published.append(challenge)
    seed.built.counts["challenges"] = Challenge.objects.filter(contest=contest).count()
    seed.built.counts["challenges_published"] = len(published)

    # teams that took challenges (bulk): a captain, 1–4 members, some draft entries
    rng = seed.rng
    n = seed.sizes.challenge_teams
    captains = seed.bulk_people(n)
    teams = []
    for i, captain in enumerate(captains):
        challenge = published[i % len(published)] if i < len(published) else rng.choice(published)
        lead = rng.choice(seed.companies + seed.universities + seed.institutes)
        captain.organisation = lead
        teams.append(
            Team(
                contest=contest,
                code=f"T{i + 1:05d}",
                name=f"{lead.name[:6]}揭榜队{i + 1}",
                lead_organisation=lead,
                challenge=challenge,
                track=challenge.track,
                captain=captain,
            )
        )
    User.objects.bulk_update(captains, ["organisation"])
    Team.objects.bulk_create(teams)
    extra = seed.bulk_people(n * 2)
    rows = []
    for i, team in enumerate(teams):
        rows.append(
            TeamMember(team=team, contest=contest, user=team.captain, role=MemberRole.CAPTAIN)
        )
        for j, person in enumerate(extra[2 * i : 2 * i + 2], start=1):
            rows.append(
                TeamMember(team=team, contest=contest, user=person, role=MemberRole.MEMBER, order=j)
            )
    TeamMember.objects.bulk_create(rows)
    stage = contest.stages.get(order=1)
    Entry.objects.bulk_create(
        [
            Entry(
                team=t,
                stage=stage,
                title=f"“{t.challenge.title}”揭榜方案",
                summary="技术路线、研发计划、里程碑与经费预算。",
                tags=[t.challenge.track.name],
            )
            for t in teams[: max(1, n // 2)]
        ]
    )
    seed.built.counts["challenge_teams"] = len(teams)
    _call_and_questions(seed, contest, published, teams)
    _publisher_review(seed, contest)


def _publisher_review(seed: DemoState, contest) -> None:
    """评榜: the demo publisher reviews its own challenges' entries on the 揭榜方案评审 panel with
    30 % of the score (set before the review window opens); it has signed the declaration, and
    the organiser assigns it once entries are submitted (`publisher_assignments_create`)."""
    from judging.services.panel import panel_accept
    from judging.services.publisher_review import publisher_reviewer_invite, publisher_weight_set

    stage = contest.stages.get(order=1)
    publisher_weight_set(actor=seed.organiser, stage=stage, weight="30")
    membership = publisher_reviewer_invite(actor=seed.organiser, stage=stage, user=seed.publisher)
    panel_accept(actor=seed.publisher, membership=membership, declaration_accepted=True)
    seed.built.counts["publisher_reviewers"] = 1


# 征榜 applications still to decide, by organisations that want to publish
APPLICANTS = [
    ("常州新材料研究院", OrganisationKind.RESEARCH_INSTITUTE, "江苏", "钱院长"),
    ("无锡智慧水务集团有限公司", OrganisationKind.ENTERPRISE, "江苏", "孙经理"),
    ("南通港口集团有限公司", OrganisationKind.ENTERPRISE, "江苏", "周主任"),
]


def _call_and_questions(seed: DemoState, contest, published: list, teams: list) -> None:
    """Pending 征榜 applications, and questions on the demo publisher's first published challenge:
    one answered publicly, one answered privately, one still open."""
    for i, (name, kind, region, contact) in enumerate(APPLICANTS, start=1):
        applicant = seed.make_user(f"apply{i}@example.com", contact, province=region)
        publisher_application_submit(
            actor=applicant,
            contest=contest,
            organisation_name=name,
            uscc=uscc_compose("91321000", 880_000 + i),
            region=region,
            organisation_kind=kind,
            contact_name=contact,
            contact_phone=f"1380000{i:04d}",
            contact_email=f"apply{i}@example.com",
        )
    mine = [c for c in published if c.publisher_id == seed.publisher.organisation_id]
    challenge = Challenge.objects.get(pk=(mine[0] if mine else published[0]).pk)  # as published
    asked = [
        ("试运行现场能否提供历史生产数据？数据量大约多少？", "public"),
        ("我方已有相近的专利，能否在方案中引用？", "private"),
        ("验收时第三方测试机构由谁指定？", None),
    ]
    for team, (text, visibility) in zip(teams[:3], asked, strict=True):
        question = question_ask(actor=team.captain, challenge=challenge, team=team, text=text)
        if visibility:
            answer = (
                "可以。现场可提供近三年的脱敏生产数据，约 20 万条记录。"
                if visibility == "public"
                else "可以引用，但需在方案中说明与本榜题目标的差异和改进。"
            )
            answerer = seed.publisher if mine else seed.organiser
            question_answer(actor=answerer, question=question, answer=answer, visibility=visibility)
    seed.built.counts["publisher_applications"] = len(APPLICANTS)
    seed.built.counts["challenge_questions"] = len(asked)
