"""The teams of the Jiangsu sub-contest: the captain's showcase team through the services, then a
few hundred organisation-led teams with members, 初赛 entries and plan files in bulk."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from contest.enums import EntryFileKind, EntryStatus, MemberRole
from contest.models import Entry, EntryFile, Team, TeamMember, User
from contest.services.entry import entry_create, entry_file_upload
from contest.services.team import invitation_create, team_create
from demo.data import TITLES, TRACKS
from demo.logins import CAPTAIN_EMAIL, WINNER_EMAIL
from demo.pdf import plan_paragraphs, plan_pdf
from demo.state import DemoState


def showcase_team(seed: DemoState) -> None:
    """The captain's team, through the services: registration, invitation, draft entry + PDF."""

    seed.step("队长的展示团队 the captain's showcase team (services, real PDF plan)")
    seed.captain = seed.make_user(
        CAPTAIN_EMAIL,
        "陈思远",
        organisation=seed.showcase_org,
        province="江苏",
        mobile="13800000001",
    )
    track = seed.tracks["工业制造"]
    seed.showcase = team_create(
        actor=seed.captain,
        contest=seed.contest,
        name="数衡智造数据融合团队",
        lead_organisation=seed.showcase_org,
        co_applicants=[seed.universities[0]],
        track=track,
    )
    members = seed.bulk_people(3, organisation=seed.showcase_org)
    advisor = seed.bulk_people(1, organisation=seed.universities[0])[0]
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                team=seed.showcase,
                contest=seed.contest,
                user=u,
                role=MemberRole.MEMBER,
                order=i,
                title=TITLES[i],
            )
            for i, u in enumerate(members, start=1)
        ]
        + [
            TeamMember(
                team=seed.showcase,
                contest=seed.contest,
                user=advisor,
                role=MemberRole.ADVISOR,
                order=9,
                title="教授",
            )
        ]
    )
    invitation_create(
        actor=seed.captain,
        team=seed.showcase,
        role=MemberRole.MEMBER,
        invitee_name="刘晓东",
        invitee_contact="liuxd@example.com",
    )
    title = "基于多源数据融合的钢铁产线质量预测与工艺优化平台"
    spec = next(t for t in TRACKS if t.name == "工业制造")
    seed.showcase_entry = entry_create(
        actor=seed.captain,
        team=seed.showcase,
        stage=seed.stage_prelim,
        title=title,
        summary=(
            "汇聚钢铁企业生产过程数据、设备运行数据与上下游供需数据，"
            "构建质量预测与工艺参数优化模型，试点产线一次合格率提升 2.3 个百分点。"
        ),
        tags=["工业互联网", "质量预测", "数字孪生"],
    )
    pdf = plan_pdf(title, spec.name, plan_paragraphs(title, spec))
    entry_file_upload(
        actor=seed.captain,
        entry=seed.showcase_entry,
        kind=EntryFileKind.PLAN,
        uploaded=SimpleUploadedFile("项目方案书.pdf", pdf, content_type="application/pdf"),
    )


def track_plan_files(seed: DemoState) -> dict[str, tuple[str, str, int]]:
    """One generic plan PDF per track, stored once and shared by that track's bulk entries."""
    files = {}
    for spec in TRACKS:
        title = f"{spec.name}赛道项目方案书"
        pdf = plan_pdf(title, spec.name, plan_paragraphs(spec.titles[0], spec))
        sha = hashlib.sha256(pdf).hexdigest()
        name = f"{seed.contest.code}/entries/_demo/{sha}.pdf"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(pdf))
        files[spec.name] = (name, sha, len(pdf))
    return files


def bulk_teams(seed: DemoState) -> None:
    seed.step(f"{seed.sizes.teams} 支团队 teams, members, 初赛 entries (bulk)")
    rng = seed.rng
    specs = TRACKS
    weights = [t.weight for t in specs]
    count = seed.sizes.teams - 1  # the showcase team is one
    # every track gets at least two teams, the rest follow the weights
    track_of = [specs[i % len(specs)] for i in range(min(count, 2 * len(specs)))]
    track_of += rng.choices(specs, weights=weights, k=count - len(track_of))
    rng.shuffle(track_of)

    leads = []
    for i in range(count):
        r = rng.random()
        if r < 0.72:
            lead = seed.companies[i % len(seed.companies)]
        elif r < 0.88:
            lead = rng.choice(seed.universities)
        else:
            lead = rng.choice(seed.institutes)
        leads.append(lead)

    captains = seed.bulk_people(count)
    for user, lead in zip(captains, leads, strict=True):
        user.organisation = lead
    User.objects.bulk_update(captains, ["organisation"], batch_size=500)

    teams = []
    used_names = {seed.showcase.name}
    for i, (spec, lead, captain) in enumerate(zip(track_of, leads, captains, strict=True)):
        base = lead.name.replace("有限公司", "").replace("股份", "")[-6:]
        name = f"{base}{spec.name}团队"
        while name in used_names:
            name = f"{base}{spec.name}{rng.randint(2, 99)}队"
        used_names.add(name)
        teams.append(
            Team(
                contest=seed.contest,
                code=f"T{i + 2:05d}",
                name=name,
                lead_organisation=lead,
                track=seed.tracks[spec.name],
                captain=captain,
            )
        )
    Team.objects.bulk_create(teams, batch_size=500)

    # members: 2–5 per team, an advisor on university-led or joint teams
    member_counts = [rng.randint(2, 5) for _ in teams]
    people = seed.bulk_people(sum(member_counts))
    rows: list[TeamMember] = []
    co_rows = []
    cursor = 0
    for team, n in zip(teams, member_counts, strict=True):
        rows.append(
            TeamMember(
                team=team,
                contest=seed.contest,
                user=team.captain,
                role=MemberRole.CAPTAIN,
                order=0,
                title=rng.choice(TITLES[:2]),
            )
        )
        for j in range(n):
            person = people[cursor]
            cursor += 1
            role = MemberRole.ADVISOR if j == n - 1 and rng.random() < 0.35 else None
            rows.append(
                TeamMember(
                    team=team,
                    contest=seed.contest,
                    user=person,
                    role=role or MemberRole.MEMBER,
                    order=j + 1,
                    title="教授" if role else rng.choice(TITLES),
                )
            )
        if rng.random() < 0.3:  # 联合体: one or two co-applicants
            pool = [
                o for o in seed.universities + seed.institutes if o.pk != team.lead_organisation_id
            ]
            for org in rng.sample(pool, rng.choice((1, 2))):
                co_rows.append(Team.co_applicants.through(team_id=team.pk, organisation_id=org.pk))
    TeamMember.objects.bulk_create(rows, batch_size=1000)
    Team.co_applicants.through.objects.bulk_create(co_rows, batch_size=1000)
    people_of = {}
    for person in people:
        person.organisation_id = None
    cursor = 0
    for team, n in zip(teams, member_counts, strict=True):
        people_of[team.pk] = people[cursor : cursor + n]
        for p in people_of[team.pk]:
            p.organisation_id = team.lead_organisation_id
        cursor += n
    User.objects.bulk_update(people, ["organisation"], batch_size=1000)

    # 初赛 entries: most submitted, a few drafts; each with a plan PDF (shared per track)
    seed.step("初赛 entries and plan files")
    files = track_plan_files(seed)
    entries = []
    seed.quality: dict[int, float] = {}
    title_counter: dict[str, int] = {}
    for team, spec in zip(teams, track_of, strict=True):
        core = rng.choice(spec.titles)
        title_counter[core] = title_counter.get(core, 0) + 1
        prefix = rng.choice(("基于数据融合的", "面向行业的", "", "“数据要素×”", "可信"))
        title = f"{prefix}{core}" if title_counter[core] == 1 else f"{prefix}{core}（二期）"
        submitted = rng.random() < 0.95
        entries.append(
            Entry(
                team=team,
                stage=seed.stage_prelim,
                title=title,
                summary=f"{team.lead_organisation.name}牵头，聚焦{spec.name}场景，"
                f"以{'、'.join(rng.sample(spec.tags, 2))}为抓手释放数据要素价值。",
                tags=rng.sample(spec.tags, min(3, len(spec.tags))),
                status=EntryStatus.SUBMITTED if submitted else EntryStatus.DRAFT,
                submitted_at=seed.days(-rng.uniform(4, 18)) if submitted else None,
            )
        )
    Entry.objects.bulk_create(entries, batch_size=500)
    EntryFile.objects.bulk_create(
        [
            EntryFile(
                entry=e,
                kind=EntryFileKind.PLAN,
                version=1,
                is_current=True,
                file=files[spec.name][0],
                original_name=f"{e.title[:40]}-方案书.pdf",
                file_type="pdf",
                content_type="application/pdf",
                size=files[spec.name][2],
                sha256=files[spec.name][1],
                uploaded_by=e.team.captain,
            )
            for e, spec in zip(entries, track_of, strict=True)
        ],
        batch_size=500,
    )
    for e in entries:
        seed.quality[e.pk] = min(9.6, max(3.5, rng.gauss(6.9, 1.1)))

    # the winner: a member of a strong 工业制造 team
    industry = [
        (team, e)
        for team, e in zip(teams, entries, strict=True)
        if team.track_id == seed.tracks["工业制造"].pk and e.status == EntryStatus.SUBMITTED
    ]
    seed.winner_team, winner_entry = industry[0]
    seed.quality[winner_entry.pk] = 9.4
    seed.winner = seed.make_user(
        WINNER_EMAIL,
        "林嘉怡",
        organisation=seed.winner_team.lead_organisation,
        province="江苏",
    )
    seed.teams = teams
    seed.entries = entries
    seed.built.counts["teams"] = len(teams) + 1
    seed.built.counts["entries"] = len(entries) + 1
    seed.built.counts["members"] = len(rows) + 6
