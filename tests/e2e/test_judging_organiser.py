"""The organiser's judging journey: feasibility (refused with the entries by name, then fine),
an assignment run with its progress, scoring progress per judge, ranking with ties and the
consistency table, publishing, proposing awards and opening the 公示."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, award_tiers, judging_stage, score_everything, shot
from .helpers import confirm_dialog, field, login, pick, table_rows, toast

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser_world(world):
    judging = judging_stage(world, teams=5, judges=3)
    award_tiers(world)
    return judging


def test_organiser_assigns_ranks_and_opens_notice(live_server, new_page, organiser_world):
    judging = organiser_world
    contest = judging.world.contest
    base = live_server.url
    page = new_page()
    login(
        page,
        base,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{contest.pk}?tab=judging",
    )
    expect(table_rows(page, "panel-members")).to_have_count(3)
    expect(page.get_by_test_id("nav-desktop")).to_contain_text("组委会")
    expect(page.get_by_test_id("rubric-weight-sum")).to_contain_text("100")

    # Four judges per entry with three on the panel: refused, with the numbers and the entries.
    field(page, "assign-k").fill("4")
    page.get_by_test_id("feasibility").click()
    report = page.get_by_test_id("feasibility-report")
    expect(report).to_have_attribute("data-ok", "false")
    expect(report).to_contain_text("无法按要求分配")
    page.get_by_test_id("short-entries-toggle").click()  # the entries on demand, paged
    expect(page.get_by_test_id("short-entries")).to_contain_text("先锋队")
    shot(page, "desktop-organiser-feasibility")

    field(page, "assign-k").fill("2")
    page.get_by_test_id("feasibility").click()
    expect(report).to_have_attribute("data-ok", "true")

    page.get_by_test_id("start-run").click()
    run = page.get_by_test_id("assignment-run")
    expect(run).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.get_by_test_id("run-done")).to_contain_text("已分配 10 项")
    progress = page.get_by_test_id("judge-progress-table")
    expect(table_rows(page, "judge-progress-table")).to_have_count(3)
    expect(progress).to_contain_text("评委甲")

    # The judges score (through the service); the organiser refreshes and computes.
    assert score_everything(judging) == 10
    page.get_by_test_id("judge-progress-card").get_by_role("button").click()
    busy_row = table_rows(page, "judge-progress-table").filter(has_text="评委甲")
    expect(busy_row.locator(".el-progress__text")).to_contain_text("100%")
    # Labelled columns and a total row: 10 assigned, 10 submitted, none remaining.
    expect(progress.locator(".el-table__header")).to_contain_text("未完成")
    expect(progress.locator(".el-table__header")).to_contain_text("完成度")
    footer = progress.locator(".el-table__footer")
    expect(footer).to_contain_text("合计")
    expect(footer).to_contain_text("100%")
    page.get_by_test_id("compute").click()
    toast(page, "已计算")
    ranking = page.get_by_test_id("ranking")
    expect(table_rows(page, "ranking")).to_have_count(5)
    first = table_rows(page, "ranking").first
    expect(first).to_contain_text("先锋队")
    expect(first).to_contain_text("90")
    expect(ranking.get_by_test_id("tied")).to_have_count(2)
    expect(table_rows(page, "consistency")).to_have_count(
        3
    )  # the balanced run gives all three work
    shot(page, "desktop-organiser-ranking")

    page.get_by_test_id("publish-results").click()
    confirm_dialog(page)
    toast(page, "已发布第 1 版成绩")

    # Awards: proposed from the published ranking (ties kept together), then the 公示.
    page.get_by_role("tab", name="获奖与证书").click()
    page.get_by_test_id("propose-awards").click()
    toast(page, "已拟定")
    awards = page.get_by_test_id("awards-table")
    expect(awards).to_contain_text("一等奖")
    expect(awards).to_contain_text("先锋队")
    # Change a tier: the reason is required (the API says so), then the list follows.
    row = table_rows(page, "awards-table").filter(has_text="数智工坊")
    expect(row).to_contain_text("二等奖")
    row.get_by_test_id("change-tier").click()
    dialog = page.get_by_test_id("change-dialog")
    pick(page, "change-tier-select", "一等奖")
    page.get_by_test_id("change-save").click()
    expect(dialog.locator(".el-form-item.is-error")).to_be_visible()
    field(page, "change-reason").fill("合议：两项指标均为满分，提升为一等奖。")
    page.get_by_test_id("change-save").click()
    # 一等奖 has one place: going over it needs its own reason (the API says so).
    expect(dialog.get_by_test_id("form-error")).to_have_attribute(
        "data-code", "award_quota_exceeded"
    )
    field(page, "change-quota-reason").fill("评审委员会决定增设一名一等奖。")
    page.get_by_test_id("change-save").click()
    toast(page, "已调整")
    expect(row).to_contain_text("一等奖")

    field(page, "notice-title-input").fill("初赛拟获奖名单公示")
    page.get_by_test_id("open-notice").click()
    toast(page, "公示已发布")
    expect(page.get_by_test_id("org-notices")).to_contain_text("初赛拟获奖名单公示")
    expect(awards).to_contain_text("公示中")
    shot(page, "desktop-organiser-awards")

    # A second notice with nothing proposed: the API's refusal shows, the form keeps its values.
    page.get_by_test_id("open-notice").click()
    expect(page.get_by_test_id("notices-card").get_by_test_id("form-error")).to_contain_text(
        "没有待公示的拟获奖名单"
    )
    expect(field(page, "notice-title-input")).to_have_value("初赛拟获奖名单公示")

    phone = new_page(phone=True)
    phone.goto(f"{base}/login?next=/organiser/contests/{contest.pk}%3Ftab%3Djudging")
    field(phone, "login-login").fill("organiser@example.com")
    field(phone, "login-password").fill(PASSWORD)
    phone.get_by_test_id("login-submit").click()
    expect(phone).to_have_url(re.compile(r"tab=judging"))
    expect(table_rows(phone, "ranking")).to_have_count(5)
    shot(phone, "phone-organiser-judging")
