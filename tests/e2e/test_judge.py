"""The judge journey: state an organisation (none) and accept the panel invitation with the
declaration, see the worklist and its progress, score an anonymised entry (an out-of-range value
is refused as typed), save a draft and submit (the review locks)."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, judging_stage, shot
from .helpers import confirm_dialog, field, login, toast

pytestmark = pytest.mark.browser


@pytest.fixture
def judge_world(world):
    """Two blind entries assigned to 评委甲, who is invited but has not signed yet."""
    from judging.enums import AssignmentSource
    from judging.models import Assignment

    judging = judging_stage(world, teams=2, judges=1, accept=False)
    judge = judging.judges[0]
    assignments = [
        Assignment.objects.create(
            stage=judging.stage,
            entry=entry,
            judge=judge,
            source=AssignmentSource.MANUAL,
            anonymous_code=f"A-{n:04d}",
        )
        for n, entry in enumerate(judging.entries, start=1)
    ]
    return judging, assignments


def test_judge_accepts_scores_and_submits(live_server, new_page, judge_world):
    judging, assignments = judge_world
    base = live_server.url
    page = new_page()
    login(page, base, login="judge1@example.com", password=PASSWORD, next_path="/judging")

    # The judging link shows for judges; the invitation waits for the declaration.
    expect(page.get_by_test_id("nav-desktop")).to_contain_text("评审")
    # Menus by role: a judge who organises nothing sees no 组委会, and its pages send them home.
    expect(page.get_by_test_id("nav-desktop")).not_to_contain_text("组委会")
    page.goto(f"{base}/organiser/contests/new")
    expect(page).to_have_url(f"{base}/")
    page.goto(f"{base}/judging")
    panel = page.get_by_test_id("judge-panels")
    expect(panel).to_contain_text("2026 揭榜挂帅专项赛 · 初赛")
    expect(page.get_by_test_id("worklist-card")).to_have_count(0)
    page.get_by_test_id("panel-accept").click()
    dialog = page.get_by_test_id("declaration-dialog")
    expect(page.get_by_test_id("declaration-text")).to_contain_text("承诺")
    expect(page.get_by_test_id("declaration-submit")).to_be_disabled()
    # The organisation is stated before signing: here, none.
    expect(page.get_by_test_id("declare-organisation")).to_contain_text("所在单位")
    page.get_by_test_id("org-choice-none").click()
    page.get_by_test_id("declaration-agree").click()
    page.get_by_test_id("declaration-submit").click()
    toast(page, "已接受邀请")
    expect(dialog).to_be_hidden()

    # Worklist: two anonymised entries, nothing done yet.
    worklist = page.get_by_test_id("worklist")
    expect(worklist.locator(".el-table__body-wrapper tbody tr")).to_have_count(2)
    expect(worklist).to_contain_text("A-0001")
    expect(worklist).to_contain_text("匿名评审")
    expect(worklist).not_to_contain_text("先锋队")
    expect(page.get_by_test_id("judge-progress")).to_contain_text("共 2 项：已提交 0")
    shot(page, "desktop-judge-worklist")

    # The entry: its code, never the team's name.
    page.get_by_test_id(f"open-{assignments[0].pk}").click()
    expect(page.get_by_test_id("entry-code")).to_have_text("A-0001")
    expect(page.get_by_test_id("entry-blind")).to_be_visible()
    expect(page.locator("main, #app").first).not_to_contain_text("先锋队")

    # Out of range: refused as typed, nothing can be saved.
    field(page, "score-impact").fill("12")
    expect(page.get_by_test_id("score-error-impact")).to_have_text("分值须在 0 到 10 之间。")
    expect(page.get_by_test_id("save-draft")).to_be_disabled()
    field(page, "score-novelty").fill("7.3")
    expect(page.get_by_test_id("score-error-novelty")).to_have_text("分值须为 0.5 的整数倍。")
    shot(page, "desktop-judge-entry-errors")

    # A partial draft saves; the live total follows.
    field(page, "score-impact").fill("8.5")
    field(page, "score-novelty").fill("7")
    expect(page.get_by_test_id("score-error-impact")).to_have_count(0)
    expect(page.get_by_test_id("rubric-total")).to_contain_text("58.50")
    expect(page.get_by_test_id("submit-review")).to_be_disabled()
    field(page, "review-comment").fill("数据来源清晰，应用场景明确。")
    page.get_by_test_id("save-draft").click()
    toast(page, "草稿已保存")
    expect(page.get_by_test_id("review-status")).to_have_attribute("data-status", "draft")

    # The draft survives a reload.
    page.reload()
    expect(field(page, "score-impact")).to_have_value("8.5")
    expect(field(page, "review-comment")).to_have_value("数据来源清晰，应用场景明确。")

    # Submit: confirm that submitted reviews lock.
    field(page, "score-data_value").fill("15")
    expect(page.get_by_test_id("rubric-total")).to_contain_text("77.25")
    page.get_by_test_id("submit-review").click()
    expect(page.locator(".el-message-box")).to_contain_text("锁定")
    confirm_dialog(page)
    expect(page.get_by_test_id("review-locked")).to_be_visible()
    expect(page.get_by_test_id("review-status")).to_have_attribute("data-status", "submitted")
    expect(field(page, "score-impact")).to_be_disabled()
    expect(page.get_by_test_id("submit-review")).to_have_count(0)
    shot(page, "desktop-judge-entry-submitted")

    # English is one click away; the locked review reads the same.
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_test_id("rubric-total")).to_contain_text("Weighted total")
    expect(page.get_by_test_id("review-locked")).to_contain_text("locked")
    shot(page, "desktop-judge-entry-en")
    page.get_by_test_id("lang-toggle").click()

    from judging.models import Assignment, Review

    review = Review.objects.get(assignment=assignments[0])
    assert review.status == "submitted" and str(review.total) == "77.250"

    # Back on the worklist the progress moved; the same on a phone.
    phone = new_page(phone=True)
    login_phone(phone, base)
    expect(phone.get_by_test_id("judge-progress")).to_contain_text("已提交 1")
    expect(phone.get_by_test_id("judge-progress").locator(".el-progress__text")).to_contain_text(
        "50%"
    )
    shot(phone, "phone-judge-worklist")
    phone.goto(f"{base}/judging/assignments/{assignments[1].pk}")
    expect(phone.get_by_test_id("entry-code")).to_have_text("A-0002")
    shot(phone, "phone-judge-entry")

    # Recusal needs a reason (the API's field error shows); then the assignment is withdrawn.
    phone.get_by_test_id("recuse-open").click()
    phone.get_by_test_id("recuse-submit").click()
    expect(phone.get_by_test_id("recuse-dialog").get_by_test_id("form-error")).to_be_visible()
    field(phone, "recuse-reason").fill("该团队负责人是我指导过的研究生。")
    phone.get_by_test_id("recuse-submit").click()
    toast(phone, "已回避")
    assert not Assignment.objects.filter(pk=assignments[1].pk).exists()


def login_phone(page, base):
    page.goto(f"{base}/login?next=/judging")
    field(page, "login-login").fill("judge1@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/judging$"))
