"""Judging on the 初赛: rubric, result settings, judges and panels, recusals, the automatic
assignment, and the reviews (drafts one by one, submitted ones through `reviews_submit_bulk`)."""

from __future__ import annotations

import math
from decimal import Decimal

from contest.enums import EntryStatus
from contest.models import Organisation
from demo.data import JUDGE_ORGS, JUDGE_TITLES, RUBRIC, TRACKS
from demo.logins import DEMO_DOMAIN, JUDGE_EMAIL
from demo.state import DemoState
from judging.enums import AggregationMethod, AssignmentSource, RankingScope, RunStatus
from judging.models import Assignment, Rubric
from judging.selectors import conflict_exists
from judging.services.assignment import assignment_run_execute, assignment_start
from judging.services.conflict import conflicts_detect
from judging.services.panel import judge_invite, judge_profile_upsert, panel_accept
from judging.services.result import result_settings_update
from judging.services.review import ReviewSubmission, review_save, reviews_submit_bulk
from judging.services.rubric import rubric_create


def judging(seed: DemoState) -> None:
    seed.step("评审 judging: rubric, judges, panels")
    stage = seed.stage_prelim
    actor = seed.organiser
    rubric_create(
        actor=actor,
        stage=stage,
        name="初赛评分细则（2026）",
        criteria=[
            {
                "key": key,
                "name": name,
                "description": desc,
                "weight": weight,
                "max_score": 10,
                "step": "0.5",
            }
            for key, name, desc, weight in RUBRIC
        ],
    )
    result_settings_update(
        actor=actor,
        stage=stage,
        method=AggregationMethod.MEAN,
        normalise=True,
        scope=RankingScope.TRACK,
    )

    # judge organisations (outside the entrants) and one entrant university, for a recusal
    region = {row[0]: row[4] for row in JUDGE_ORGS}
    judge_orgs = Organisation.objects.bulk_create(
        [
            Organisation(
                name=name,
                kind=kind,
                uscc=seed.next_uscc("12", region[name]),
                province=province,
                city=city,
            )
            for name, kind, province, city, _ in JUDGE_ORGS
        ]
    )
    # panels: the busiest tracks get a panel of three; everyone else sits on the whole stage
    n = seed.sizes.judges
    track_counts = {}
    for team in [seed.showcase, *seed.teams]:
        track_counts[team.track_id] = track_counts.get(team.track_id, 0) + 1
    n_track_panels = max(1, (n - 6) // 3)
    busiest = sorted(seed.tracks.values(), key=lambda t: -track_counts.get(t.pk, 0))
    if seed.tracks["工业制造"] in busiest[:n_track_panels]:
        panel_tracks = busiest[:n_track_panels]
    else:
        panel_tracks = [seed.tracks["工业制造"], *busiest[: n_track_panels - 1]]
    slots = [t for t in panel_tracks for _ in range(3)]
    slots += [None] * (n - len(slots))
    submitted = [e for e in seed.entries if e.status == EntryStatus.SUBMITTED]
    panel_ids = {t.pk for t in panel_tracks}
    stage_wide = sum(1 for e in submitted if e.team.track_id not in panel_ids)
    wide_judges = max(1, slots.count(None))
    wide_max = math.ceil(stage_wide * 3 / wide_judges) + 10
    track_max = max(
        [math.ceil(track_counts.get(t.pk, 0) * 3 / 3) + 10 for t in panel_tracks] + [60]
    )

    judges = []
    seed.lenient = seed.harsh = None
    conflict_slot_used = False
    for i, track in enumerate(slots):
        org = judge_orgs[i % len(judge_orgs)]
        # one stage-wide judge comes from an entrant university: stored recusals to show
        if track is None and wide_judges >= 5 and not conflict_slot_used:
            org = seed.universities[1]
            conflict_slot_used = True
        name = seed.person_name()
        user = seed.make_user(
            f"judge{i + 1:02d}@{DEMO_DOMAIN}", name, organisation=org, province=org.province
        )
        spec = next((s for s in TRACKS if track and s.name == track.name), None)
        expertise = (
            list(spec.tags[:3]) if spec else seed.rng.sample([t for s in TRACKS for t in s.tags], 3)
        )
        judge_profile_upsert(
            user=user,
            organisation=org,
            province=org.province,
            title=JUDGE_TITLES[i % len(JUDGE_TITLES)],
            expertise=expertise,
            bio=f"{org.name}{JUDGE_TITLES[i % len(JUDGE_TITLES)]}，长期从事数据要素与行业数字化研究。",
        )
        membership = judge_invite(
            actor=actor,
            stage=stage,
            judge=user,
            track=track,
            max_load=wide_max if track is None else track_max,
            is_chair=(i == 0),
        )
        panel_accept(actor=user, membership=membership, declaration_accepted=True)
        judges.append((user, track))
    wide = [u for u, t in judges if t is None]
    if len(wide) >= 2:
        seed.lenient, seed.harsh = wide[-1], wide[-2]
    seed.judges = judges

    # the demo judge: invited to the 工业制造 panel, declaration not yet signed
    seed.demo_judge = seed.make_user(
        JUDGE_EMAIL, "郑文博", organisation=judge_orgs[0], province=judge_orgs[0].province
    )
    judge_profile_upsert(
        user=seed.demo_judge,
        organisation=judge_orgs[0],
        province=judge_orgs[0].province,
        title="研究员",
        expertise=["工业互联网", "数字孪生", "质量追溯"],
        bio="华东数据要素研究院研究员，工业数据治理方向。",
    )
    seed.demo_membership = judge_invite(
        actor=actor, stage=stage, judge=seed.demo_judge, track=seed.tracks["工业制造"]
    )
    seed.built.counts["judges"] = len(judges) + 1

    seed.built.counts["conflicts"] = conflicts_detect(contest=seed.contest)


def assign(seed: DemoState) -> None:
    """The automatic assignment, queued and then run in-process (the task, after the commit, finds
    it done); then five 工业制造 entries for the demo judge."""
    seed.step("评审分配 automatic assignment (k=3)")
    stage = seed.stage_prelim
    run = assignment_start(actor=seed.organiser, stage=stage, k=3)
    run = assignment_run_execute(run=run)
    run.refresh_from_db()
    if run.status != RunStatus.DONE:
        raise RuntimeError(f"assignment run ended {run.status}: {run.report.get('messages_en')}")
    # The demo judge has not signed the declaration yet (that is the journey to try), so
    # `assignment_add`, which wants an accepted panel member, cannot give them these entries.
    codes = dict(Assignment.objects.filter(stage=stage).values_list("entry_id", "anonymous_code"))
    industry = [
        e
        for e in seed.entries
        if e.status == EntryStatus.SUBMITTED
        and e.team.track_id == seed.tracks["工业制造"].pk
        and e.pk in codes
    ]
    picked = [e for e in industry if not conflict_exists(judge=seed.demo_judge, team=e.team)]
    Assignment.objects.bulk_create(
        [
            Assignment(
                stage=stage,
                entry=e,
                judge=seed.demo_judge,
                source=AssignmentSource.MANUAL,
                anonymous_code=codes[e.pk],
                created_by=seed.organiser,
            )
            for e in picked[:5]
        ]
    )
    seed.built.counts["assignments"] = Assignment.objects.filter(stage=stage).count()


def reviews(seed: DemoState) -> None:
    """Scores: drafts through `review_save`, submitted reviews through `reviews_submit_bulk` (the
    same rows and audit chain as `review_submit` one by one, which would take most of a minute)."""
    seed.step("评分 reviews (submitted through the bulk service; drafts via review_save)")

    rng = seed.rng
    stage = seed.stage_prelim
    rubric = Rubric.objects.prefetch_related("criteria").get(stage=stage, track=None, group=None)
    criteria = {c.key: c for c in rubric.criteria.all()}
    bias = {u.pk: rng.gauss(0, 0.35) for u, _ in seed.judges}
    if seed.lenient:
        bias[seed.lenient.pk] = 1.5
        bias[seed.harsh.pk] = -1.5
    judges = {u.pk: u for u, _ in seed.judges}
    assignments = list(
        Assignment.objects.filter(stage=stage, judge_id__in=list(judges))
        .select_related("entry")
        .order_by("id")
    )
    comments = (
        "数据融合场景清晰，应用成效有量化支撑。",
        "创新性较强，建议补充数据安全合规说明。",
        "示范效应明显，推广路径可进一步细化。",
        "数据来源较单一，乘数效应体现不足。",
        "技术路线成熟，落地案例丰富。",
    )
    planned = []
    drafts = 0
    for a in assignments:
        r = rng.random()
        if r < 0.04:
            continue  # not started yet
        q = seed.quality.get(a.entry_id, 6.5) + bias[a.judge_id]
        scores = {}
        for key in criteria:
            value = min(10.0, max(0.0, rng.gauss(q, 0.6)))
            scores[key] = (Decimal(round(value * 2)) / 2).quantize(Decimal("0.01"))
        if r < 0.08:
            partial = {k: str(v) for k, v in list(scores.items())[:2]}
            review_save(actor=judges[a.judge_id], assignment=a, scores=partial)
            drafts += 1
            continue
        planned.append((a, scores, rng.choice(comments)))

    submissions = [
        ReviewSubmission(
            actor=judges[a.judge_id],
            assignment=a,
            scores={k: str(v) for k, v in scores.items()},
            comment=comment,
            submitted_at=seed.days(-rng.uniform(0.1, 2.5)),
        )
        for a, scores, comment in planned
    ]
    # in the order they were submitted, as the audit chain would have recorded them
    submissions.sort(key=lambda s: s.submitted_at)
    reviews = reviews_submit_bulk(submissions=submissions)
    seed.built.counts["reviews_submitted"] = len(reviews)
    seed.built.counts["reviews_draft"] = drafts
