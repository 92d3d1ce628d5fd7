"""The national 数据要素× final's inbox in the demo: the national tracks and quotas (before the
Jiangsu sub-contest recommends), then two more sub-contests — Zhejiang, which judges and
recommends two entries, and Guangdong, which has recommended nothing yet — and the national
organiser's decisions: some accepted (carried across into the national stage), one returned with
a reason. Everything through the services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from contest.enums import ContestKind, OrganisationKind, StageKind
from contest.services.contest import (
    contest_create,
    contest_publish,
    contest_registration_open,
    stage_create,
    track_create,
)
from contest.services.entry import entry_create, entry_file_upload, entry_submit
from contest.services.organisation import organisation_create
from contest.services.team import team_create
from demo.data import RUBRIC, TRACKS
from demo.logins import DEMO_DOMAIN
from demo.pdf import plan_paragraphs, plan_pdf
from demo.state import DemoState
from judging.enums import RecommendationStatus
from judging.models import Recommendation
from judging.services.assignment import assignment_add
from judging.services.panel import judge_invite, judge_profile_upsert, panel_accept
from judging.services.recommendation import (
    recommendation_accept,
    recommendation_create,
    recommendation_quotas_set,
    recommendation_return,
)
from judging.services.result import ranking_compute, results_publish
from judging.services.review import review_submit
from judging.services.rubric import rubric_create

ZHEJIANG_TITLES = ("城市数据空间赋能智慧交通", "医疗数据可信流通平台", "工业质检数据集共建共享")


def national_tracks(seed: DemoState) -> None:
    """The national final's tracks (the codes the sub-contests use), 2 places per track per
    sub-contest, and the deadline for recommendations."""
    seed.step("全国总决赛赛道与推荐名额 national tracks and quotas")
    seed.national_tracks = {
        spec.code: track_create(
            actor=seed.organiser, contest=seed.national, code=spec.code, name=spec.name, order=i
        )
        for i, spec in enumerate(TRACKS, start=1)
    }
    recommendation_quotas_set(
        actor=seed.organiser,
        parent=seed.national,
        quotas=[{"track": t.pk, "quota": 2} for t in seed.national_tracks.values()],
        deadline=seed.days(20),
    )


def _sub_contest(seed: DemoState, code: str, name: str, region: str, specs):
    sub = contest_create(
        actor=seed.organiser,
        code=code,
        name=name,
        kind=ContestKind.DATA_ELEMENTS,
        edition="2026",
        year=2026,
        parent=seed.national,
        region=region,
        registration_opens_at=seed.days(-30),
        registration_closes_at=seed.days(10),
        entrant_kinds=["enterprise", "university", "research_institute"],
        requires_track=True,
    )
    tracks = {
        spec.code: track_create(
            actor=seed.organiser, contest=sub, code=spec.code, name=spec.name, order=i
        )
        for i, spec in enumerate(specs, start=1)
    }
    stage = stage_create(
        actor=seed.organiser,
        contest=sub,
        name="省赛",
        kind=StageKind.ONLINE_REVIEW,
        order=1,
        submission_opens_at=seed.days(-20),
        submission_closes_at=seed.days(14),
        review_opens_at=seed.days(-3),
        review_closes_at=seed.days(30),
    )
    sub = contest_publish(actor=seed.organiser, contest=sub)
    sub = contest_registration_open(actor=seed.organiser, contest=sub)
    return sub, tracks, stage


def _zhejiang(seed: DemoState) -> list[int]:
    """Three entries, judged by one judge, published; the first two recommended."""
    specs = TRACKS[:3]
    sub, tracks, stage = _sub_contest(
        seed, "de-2026-zj", "2026年“数据要素×”大赛浙江分赛", "浙江", specs
    )
    rubric_create(
        actor=seed.organiser,
        stage=stage,
        name="浙江分赛评分细则",
        criteria=[
            {"key": k, "name": n, "description": d, "weight": w, "max_score": 10, "step": "0.5"}
            for k, n, d, w in RUBRIC
        ],
    )
    judge_org = organisation_create(
        name="浙江数据要素研究院",
        kind=OrganisationKind.RESEARCH_INSTITUTE,
        uscc=seed.next_uscc("12", "330100"),
        province="浙江",
        city="杭州",
    )
    judge = seed.make_user(
        f"zj-judge@{DEMO_DOMAIN}", "钱评审", organisation=judge_org, province="浙江"
    )
    judge_profile_upsert(user=judge, organisation=judge_org, title="研究员")
    panel_accept(
        actor=judge,
        membership=judge_invite(actor=seed.organiser, stage=stage, judge=judge),
        declaration_accepted=True,
    )
    entries = []
    for i, (spec, title) in enumerate(zip(specs, ZHEJIANG_TITLES, strict=True)):
        captain = seed.make_user(
            f"zj-captain{i + 1}@{DEMO_DOMAIN}", seed.person_name(), province="浙江"
        )
        org = organisation_create(
            name=f"浙江{spec.name}数据科技有限公司",
            kind=OrganisationKind.ENTERPRISE,
            uscc=seed.next_uscc("91", "330100"),
            province="浙江",
            city="杭州",
        )
        team = team_create(
            actor=captain,
            contest=sub,
            name=f"浙江{spec.name}团队",
            lead_organisation=org,
            track=tracks[spec.code],
        )
        entry = entry_create(actor=captain, team=team, stage=stage, title=title, summary=title)
        pdf = plan_pdf(title, spec.name, plan_paragraphs(title, spec))
        entry_file_upload(
            actor=captain, entry=entry, kind="plan", uploaded=SimpleUploadedFile("方案书.pdf", pdf)
        )
        entry = entry_submit(actor=captain, entry=entry)
        assignment = assignment_add(actor=seed.organiser, stage=stage, entry=entry, judge=judge)
        score = str(9 - i)
        review_submit(
            actor=judge,
            assignment=assignment,
            scores={key: score for key, *_ in RUBRIC},
            comment="数据融合场景清晰。",
        )
        entries.append(entry)
    ranking_compute(stage=stage, actor=seed.organiser)
    results_publish(actor=seed.organiser, stage=stage)
    made = recommendation_create(
        actor=seed.organiser,
        contest=sub,
        entry_ids=[e.pk for e in entries[:2]],
        reason="浙江分赛前两名，推荐参加全国总决赛。",
    )
    return [r.pk for r in made]


def federation(seed: DemoState) -> None:
    seed.step("全国赛推荐接收 the national inbox: 3 sub-contests, accepted, returned, missing")
    zhejiang = _zhejiang(seed)
    _sub_contest(seed, "de-2026-gd", "2026年“数据要素×”大赛广东分赛", "广东", TRACKS[:2])
    jiangsu = list(
        Recommendation.objects.filter(from_contest=seed.contest, to_contest=seed.national)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    recs = {r.pk: r for r in Recommendation.objects.filter(pk__in=jiangsu + zhejiang)}
    for pk in jiangsu[:3] + zhejiang[:1]:
        recommendation_accept(actor=seed.organiser, recommendation=recs[pk])
    if len(jiangsu) > 3:
        recommendation_return(
            actor=seed.organiser,
            recommendation=recs[jiangsu[3]],
            reason="申报材料缺少数据来源与授权说明，请补充后重新推荐。",
        )
    counts = Recommendation.objects.filter(to_contest=seed.national)
    seed.built.counts["recommendations_accepted"] = counts.filter(
        status=RecommendationStatus.ACCEPTED
    ).count()
    seed.built.counts["recommendations_returned"] = counts.filter(
        status=RecommendationStatus.RETURNED
    ).count()
