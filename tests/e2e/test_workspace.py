"""The organiser's whole contest through the workspace: created in the SPA, its structure, opened
for registration, teams registering and submitting (through the services, as the team pages have
their own tests), the formal check, the 初赛 judged and its results published, the 公示 notice, the
awards final and the certificates issued. At each step the workspace's stepper says which phase is
current, its checklist counts what blocks the next step, and its one next-action button takes it
(a contest transition, a service call or the page that fixes it). Screenshots in Chinese and
English at 1366 and 375 px."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.factories.contest import entry_plan_attach

from .conftest import CRITERIA, PASSWORD, SCORES, make_user, shot
from .helpers import confirm_dialog, field, login, pick, table_rows, toast

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def _patient_expect():
    """Each step reloads the contest and its readiness on a machine shared by many: wait longer
    than Playwright's 5 s for what they show (restored afterwards for the other modules)."""
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def organiser(transactional_db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        email="organiser@example.com", password=PASSWORD, real_name="王组委", is_staff=True
    )


def _stage_kind(page, row: int, label: str) -> None:
    page.get_by_test_id(f"stage-row-{row}").get_by_test_id("stage-kind").click()
    page.locator(".el-select-dropdown__item:visible", has_text=label).first.click()


def _next(page, text: str, *, confirm: bool = True) -> None:
    """The next-action button says `text`; press it (and confirm)."""
    button = page.get_by_test_id("next-action")
    expect(button).to_contain_text(text)
    button.click()
    if confirm:
        confirm_dialog(page)


def _current(page, key: str):
    checklist = page.get_by_test_id("phase-checklist")
    expect(checklist).to_have_attribute("data-phase", key)
    expect(page.get_by_test_id(f"phase-{key}")).to_have_attribute("data-state", "current")
    return checklist


def _overview(page, base, contest_id) -> None:
    page.goto(f"{base}/organiser/contests/{contest_id}")
    expect(page.get_by_test_id("workspace-phases")).to_be_visible()


def test_whole_contest_through_the_workspace(live_server, new_page, organiser, settings):
    from django.utils import timezone

    from awards.certificates.signing import generate_signing_key_b64
    from awards.models import Certificate, Notice
    from contest.models import Contest, Entry, Stage
    from contest.services.team import team_create
    from contest.services.user import user_organisation_set
    from judging.models import Assignment
    from judging.services.panel import judge_invite, panel_accept
    from judging.services.review import review_submit
    from judging.services.rubric import rubric_create

    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    base = live_server.url
    page = new_page()
    login(
        page,
        base,
        login="organiser@example.com",
        password=PASSWORD,
        next_path="/organiser/contests/new",
    )

    # 1. Create the contest: a track, a formal check and the 初赛.
    field(page, "contest-name-input").fill("2026 数据要素× 大赛苏州分赛")
    field(page, "contest-code-input").fill("sjys-2026-sz")
    pick(page, "contest-kind", "数据要素×")
    page.get_by_test_id("track-row-0").get_by_test_id("track-name").fill("工业制造")
    page.get_by_test_id("stage-row-0").get_by_test_id("stage-name").fill("形式审查")
    _stage_kind(page, 0, "形式审查")
    page.get_by_test_id("add-stage").click()
    page.get_by_test_id("stage-row-1").get_by_test_id("stage-name").fill("初赛")
    page.get_by_test_id("contest-submit").click()
    expect(page.get_by_test_id("manage-title")).to_have_text("2026 数据要素× 大赛苏州分赛")
    contest = Contest.objects.get(code="sjys-2026-sz")
    formal, first = list(Stage.objects.filter(contest=contest).order_by("order"))
    assert formal.kind == "formal_check" and first.kind == "online_review"

    # The workspace: 报名 → 形式审查 → 初赛 → 公示 → 颁证, 报名 current, nothing published yet.
    steps = page.get_by_test_id("phase-steps")
    for name in ("报名", "形式审查", "初赛", "公示", "颁证"):
        expect(steps).to_contain_text(name)
    checklist = _current(page, "registration")
    expect(checklist.get_by_test_id("check-tracks_defined")).to_contain_text("已设赛道 1 个")
    expect(checklist.get_by_test_id("check-status_published")).to_have_attribute(
        "data-blocking", "true"
    )
    shot(page, "desktop-workspace-created")

    # 2. Structure: its own page, with the stages and their windows.
    page.get_by_test_id("edit-structure").click()
    expect(page).to_have_url(f"{base}/organiser/contests/{contest.pk}?tab=structure")
    expect(page.get_by_test_id("structure-stages")).to_contain_text("形式审查")
    expect(page.get_by_test_id("structure-stages")).to_contain_text("初赛")
    page.get_by_role("tab", name="概览").click()

    # 3. Publish, open registration: each the one next step.
    _next(page, "推进到：已发布")
    toast(page, "赛事状态已变为“已发布”")
    _next(page, "推进到：报名中")
    expect(page.get_by_test_id("contest-status")).to_have_text("报名中")
    expect(checklist.get_by_test_id("check-teams_registered")).to_have_attribute(
        "data-blocking", "true"
    )

    # 4. Three teams register and submit (the team pages have their own tests); time passes.
    names = ["先锋队", "明眸团队", "数智工坊"]
    contest.refresh_from_db()
    for n, name in enumerate(names):
        captain = make_user(f"captain{n}@example.com", f"队长{n + 1}")
        team = team_create(actor=captain, contest=contest, name=name, track=contest.tracks.get())
        entry = Entry.objects.create(
            team=team, stage=formal, title=f"{name}的方案", summary="数据平台", status="submitted"
        )
        entry_plan_attach(entry)
    past = timezone.now() - timedelta(days=3)
    Stage.objects.filter(pk=formal.pk).update(
        submission_opens_at=past - timedelta(days=10), submission_closes_at=past
    )
    page.reload()
    expect(checklist.get_by_test_id("check-teams_registered")).to_contain_text("已报名团队 3 个")
    _next(page, "推进到：报名截止")
    expect(page.get_by_test_id("contest-status")).to_have_text("报名截止")

    # 5. The formal check is current: 3 entries await a decision; the fix leads to the queue.
    checklist = _current(page, f"stage-{formal.pk}")
    pending = checklist.get_by_test_id("check-formal_pending")
    expect(pending).to_contain_text("待审查作品 3 件")
    expect(pending).to_have_attribute("data-blocking", "true")
    shot(page, "desktop-workspace-formal-check")
    _next(page, "去处理：待审查作品 3 件", confirm=False)
    expect(page).to_have_url(
        f"{base}/organiser/contests/{contest.pk}/formal-check?stage={formal.pk}"
    )
    page.get_by_test_id("formal-pass-all").click()
    toast(page, "已通过 3 件")
    _overview(page, base, contest.pk)
    checklist = _current(page, f"stage-{formal.pk}")
    expect(checklist.get_by_test_id("check-formal_pending")).to_have_attribute("data-done", "true")
    expect(checklist.get_by_test_id("check-formal_passed")).to_contain_text("审查通过 3 / 3 件")
    # Promotion of the passed entries is the workspace's call (promotion_apply, formal_passed).
    _next(page, "审查通过的作品晋级下一阶段")
    toast(page, "已完成")
    checklist = _current(page, f"stage-{first.pk}")
    assert Entry.objects.filter(stage=first).count() == 3

    # 6. 初赛: the teams submit, the rubric and the panel are set (judges accept on their side).
    Entry.objects.filter(stage=first).update(status="submitted")
    rubric_create(actor=organiser, stage=first, name="初赛评分细则", criteria=CRITERIA)
    for n in range(2):
        judge = make_user(f"judge{n + 1}@example.com", f"评委{'甲乙'[n]}")
        membership = judge_invite(actor=organiser, stage=first, judge=judge)
        user_organisation_set(user=judge, none=True)
        panel_accept(actor=judge, membership=membership, declaration_accepted=True)
    now = timezone.now()
    Stage.objects.filter(pk=first.pk).update(
        submission_opens_at=now - timedelta(days=3),
        submission_closes_at=now - timedelta(days=2),
        review_opens_at=now - timedelta(days=1),
        review_closes_at=now + timedelta(days=7),
    )
    page.reload()
    checklist = _current(page, f"stage-{first.pk}")
    expect(checklist.get_by_test_id("check-judges_accepted")).to_contain_text("2 位")
    _next(page, "推进到：评审中")
    expect(page.get_by_test_id("contest-status")).to_have_text("评审中")
    # Nothing assigned: the fix is the judging page, on the current stage (not the first one).
    _next(page, "去处理", confirm=False)
    expect(page).to_have_url(f"{base}/organiser/contests/{contest.pk}?tab=judging&stage={first.pk}")
    expect(page.get_by_test_id("manage-stage")).to_contain_text("2. 初赛")
    field(page, "assign-k").fill("2")
    page.get_by_test_id("start-run").click()
    expect(page.get_by_test_id("assignment-run")).to_have_attribute(
        "data-status", "done", timeout=30_000
    )
    shot(page, "desktop-workspace-judging")
    index = {e.pk: i for i, e in enumerate(Entry.objects.filter(stage=first).order_by("pk"))}
    for assignment in Assignment.objects.filter(stage=first).select_related("judge"):
        review_submit(
            actor=assignment.judge, assignment=assignment, scores=SCORES[index[assignment.entry_id]]
        )

    # 7. Results: computed, then published — both the next action, where the phase allows it.
    _overview(page, base, contest.pk)
    checklist = _current(page, f"stage-{first.pk}")
    expect(checklist.get_by_test_id("check-reviews_outstanding")).to_have_attribute(
        "data-done", "true"
    )
    # Submitting the last review recomputes the ranking (the results service), so what is left
    # is to publish it.
    expect(checklist.get_by_test_id("check-results_computed")).to_have_attribute(
        "data-done", "true"
    )
    _next(page, "发布成绩")
    toast(page, "已完成：发布成绩")

    # 8. 公示: the contest moves to results; the awards page starts on 初赛, not 形式审查.
    checklist = _current(page, "notice")
    _next(page, "推进到：结果公布")
    expect(checklist.get_by_test_id("check-awards_proposed")).to_have_attribute(
        "data-blocking", "true"
    )
    _next(page, "去处理：拟奖 0 项", confirm=False)
    expect(page).to_have_url(f"{base}/organiser/contests/{contest.pk}?tab=awards")
    expect(page.get_by_test_id("awards-stage")).to_contain_text("2. 初赛")
    field(page, "tier-name").fill("一等奖")
    page.get_by_test_id("tiers-card").locator(".el-input-number input").fill("1")
    page.get_by_test_id("tier-name").press("Enter")
    toast(page, "已添加奖项")
    page.get_by_test_id("propose-awards").click()
    toast(page, "已拟定 1 项获奖")
    expect(page.get_by_test_id("awards-table")).to_contain_text("先锋队")
    field(page, "notice-title-input").fill("初赛拟获奖名单公示")
    page.get_by_test_id("open-notice").click()
    toast(page, "公示已发布")
    shot(page, "desktop-workspace-awards")

    # The notice runs its days (time passes); then the list is final.
    _overview(page, base, contest.pk)
    checklist = _current(page, "notice")
    expect(checklist.get_by_test_id("check-notice_published")).to_have_attribute(
        "data-done", "true"
    )
    expect(checklist.get_by_test_id("check-notice_closed")).to_have_attribute(
        "data-blocking", "true"
    )
    later = timezone.now() - timedelta(days=20)
    Notice.objects.filter(contest=contest).update(
        opens_at=later, closes_at=later + timedelta(days=10)
    )
    _next(page, "去处理", confirm=False)
    page.get_by_test_id("org-notices").get_by_role("button", name="确定最终名单").click()
    confirm_dialog(page)
    toast(page, "获奖名单已确定")

    # 9. 颁证: the certificates issued from the awards page, then the contest finishes.
    _overview(page, base, contest.pk)
    checklist = _current(page, "certificates")
    expect(checklist.get_by_test_id("check-awards_final")).to_contain_text("1 / 1")
    _next(page, "去处理：已颁发证书的获奖 0 / 1 项", confirm=False)
    page.get_by_test_id("issue-certificates").click()
    expect(table_rows(page, "certificates-table").first).to_be_visible(timeout=30_000)
    assert Certificate.objects.filter(contest=contest, status="issued").exists()
    _overview(page, base, contest.pk)
    checklist = _current(page, "certificates")
    expect(checklist.get_by_test_id("check-certificates_issued")).to_contain_text("1 / 1")
    _next(page, "推进到：已结束")
    expect(page.get_by_test_id("all-done")).to_be_visible()
    expect(page.get_by_test_id("contest-status")).to_have_text("已结束")
    for key in ("registration", f"stage-{formal.pk}", f"stage-{first.pk}", "notice"):
        expect(page.get_by_test_id(f"phase-{key}")).to_have_attribute("data-state", "done")
    shot(page, "desktop-workspace-finished")
    # A finished phase's checklist is one click away.
    page.get_by_test_id(f"phase-stage-{formal.pk}").click()
    expect(page.get_by_test_id("phase-checklist")).to_have_attribute(
        "data-phase", f"stage-{formal.pk}"
    )
    expect(page.get_by_test_id("back-to-current")).to_be_visible()


@pytest.fixture
def midway(organiser):
    """A 数据要素× contest in its formal check: 2 submitted entries awaiting a decision."""
    from django.utils import timezone

    from contest.enums import ContestKind, StageKind
    from contest.models import Entry
    from contest.services.contest import (
        contest_create,
        contest_publish,
        contest_registration_close,
        contest_registration_open,
        stage_create,
        track_create,
    )
    from contest.services.team import team_create

    now = timezone.now()
    contest = contest_create(
        actor=organiser,
        code="sjys-2026-wx",
        name="2026 数据要素× 大赛无锡分赛",
        kind=ContestKind.DATA_ELEMENTS,
        edition="2026",
        year=2026,
        entrant_kinds=["person"],
    )
    track = track_create(actor=organiser, contest=contest, code="industry", name="工业制造")
    formal = stage_create(
        actor=organiser,
        contest=contest,
        name="形式审查",
        kind=StageKind.FORMAL_CHECK,
        order=1,
        submission_opens_at=now - timedelta(days=1),
        submission_closes_at=now + timedelta(days=1),
    )
    stage_create(
        actor=organiser, contest=contest, name="初赛", kind=StageKind.ONLINE_REVIEW, order=2
    )
    contest = contest_publish(actor=organiser, contest=contest)
    contest = contest_registration_open(actor=organiser, contest=contest)
    for n, name in enumerate(["先锋队", "明眸团队"]):
        team = team_create(
            actor=make_user(f"c{n}@example.com", f"队长{n}"),
            contest=contest,
            name=name,
            track=track,
        )
        entry_plan_attach(
            Entry.objects.create(team=team, stage=formal, title=name, status="submitted")
        )
    contest_registration_close(actor=organiser, contest=contest)
    return contest


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_workspace_in_both_languages_and_on_a_phone(live_server, new_page, midway, lang):
    base = live_server.url
    zh = lang == "zh-CN"
    for phone in (False, True):
        page = new_page(phone=phone)
        # The phone's menu hides the user's name: log in and wait for the workspace instead.
        page.goto(f"{base}/login?next=/organiser/contests/{midway.pk}")
        page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
        page.reload()
        field(page, "login-login").fill("organiser@example.com")
        field(page, "login-password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("workspace-phases")).to_be_visible()
        checklist = page.get_by_test_id("phase-checklist")
        pending = checklist.get_by_test_id("check-formal_pending")
        expect(pending).to_contain_text(
            "待审查作品 2 件" if zh else "2 entries awaiting a decision"
        )
        expect(page.get_by_test_id("next-action")).to_contain_text("去处理" if zh else "Fix")
        steps = page.get_by_test_id("phase-steps")
        expect(steps).to_contain_text("公示" if zh else "Public notice")
        # Vertical on a phone, horizontal on a desktop.
        direction = "vertical" if phone else "horizontal"
        expect(steps).to_have_class(re.compile(rf"el-steps--{direction}"))
        shot(page, f"{'phone' if phone else 'desktop'}-workspace-{lang}")
        # The judging page starts on the current stage's picker value, not simply the first.
        page.get_by_role("tab", name="评审管理" if zh else "Judging").click()
        expect(page.get_by_test_id("manage-stage")).to_contain_text("1. 形式审查")
        page.close()
