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
from contest.services.contest import (
    contest_create,
    contest_publish,
    contest_registration_open,
    contest_role_grant,
    stage_create,
    track_create,
)
from contest.services.organisation import organisation_create
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
