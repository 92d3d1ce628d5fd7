"""Organiser journey: create a contest with tracks, groups and stages, move its status, import a
challenge list from Excel (with a row-by-row error report), review and publish, registration stats."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, shot, uscc, xlsx_bytes
from .helpers import confirm_dialog, field, login, pick, table_rows

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _row(code, title, publisher_uscc, track="工业制造", prize=500000):
    return [
        code,
        title,
        "新发榜科技有限公司",
        publisher_uscc,
        "企业",
        "江苏",
        track,
        "背景",
        "指标",
        "验收",
        prize,
        "发榜方",
        "2027-06-30",
        "",
        "张工",
        "025-00000000",
        "a@example.com",
    ]


def test_organiser_create_contest_import_publish_stats(live_server, new_page, world):
    base = live_server.url
    page = new_page()
    login(page, base, login="organiser@example.com", password=PASSWORD, next_path="/organiser")
    expect(page.get_by_test_id("my-contests")).to_contain_text("2026 揭榜挂帅专项赛")

    # Create a contest with two tracks, a group and a stage.
    page.get_by_test_id("contest-new").click()
    field(page, "contest-name-input").fill("2027 揭榜挂帅专项赛")
    field(page, "contest-code-input").fill("bad code!")
    page.get_by_test_id("contest-submit").click()
    expect(page.get_by_text("代码只能包含字母、数字、- 和 _。").first).to_be_visible()
    field(page, "contest-code-input").fill("jbgs-2027")
    page.get_by_test_id("track-row-0").get_by_test_id("track-name").fill("工业制造")
    page.get_by_test_id("add-track").click()
    page.get_by_test_id("track-row-1").get_by_test_id("track-name").fill("医疗健康")
    page.get_by_test_id("add-group").click()
    page.get_by_test_id("group-row-0").get_by_test_id("group-name").fill("初创组")
    page.get_by_test_id("stage-row-0").get_by_test_id("stage-name").fill("初赛")
    shot(page, "desktop-contest-create")
    page.get_by_test_id("contest-submit").click()

    expect(page.get_by_test_id("manage-title")).to_have_text("2027 揭榜挂帅专项赛")
    expect(page.get_by_test_id("contest-status")).to_have_text("草稿")
    expect(page.get_by_test_id("manage-tracks").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("manage-groups")).to_contain_text("初创组")
    expect(page.get_by_test_id("manage-stages")).to_contain_text("初赛")

    # Draft → published (one step, confirmed).
    page.get_by_test_id("transition").click()
    confirm_dialog(page)
    expect(page.get_by_test_id("contest-status")).to_have_text("已发布")
    expect(page.get_by_test_id("transition")).to_have_text("推进到：报名中")
    shot(page, "desktop-contest-manage")

    # Import: a workbook with errors is refused whole, with every error by row and column.
    page.get_by_role("tab", name="导入榜单").click()
    template = page.request.get(base + page.get_by_test_id("template-link").get_attribute("href"))
    assert template.status == 200 and template.headers["content-type"] == XLSX
    bad = xlsx_bytes(
        [
            _row("JB-2027-001", "氢能储运安全监测", uscc(501)),
            _row("JB-2027-002", "无效代码的榜题", "91320100MA0000000Z"[:17] + "0"),
            _row("JB-2027-003", "不存在的赛道", uscc(502), track="航空航天"),
        ]
    )
    upload = page.get_by_test_id("import-upload").locator("input[type=file]")
    upload.set_input_files(files=[{"name": "榜单.xlsx", "mimeType": XLSX, "buffer": bad}])
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("form-error")).to_contain_text("2 处错误，未导入任何榜题")
    errors = table_rows(page, "import-errors")
    expect(errors).to_have_count(2)
    expect(errors.nth(0)).to_contain_text("统一社会信用代码")
    expect(errors.nth(0).locator("td").first).to_have_text("3")
    expect(errors.nth(1)).to_contain_text("航空航天")
    shot(page, "desktop-import-errors")

    good = xlsx_bytes(
        [
            _row("JB-2027-001", "氢能储运安全监测", uscc(501)),
            _row("JB-2027-002", "医用机器人精准定位", uscc(502), track="医疗健康", prize="面议"),
        ]
    )
    upload.set_input_files(files=[{"name": "榜单-修正.xlsx", "mimeType": XLSX, "buffer": good}])
    page.get_by_test_id("import-submit").click()
    expect(page.get_by_test_id("import-success")).to_have_text("已导入 2 项榜题。")
    expect(page.get_by_test_id("import-errors")).to_have_count(0)

    # Imported challenges are approved: publish them all at once.
    page.get_by_role("tab", name="榜题审核").click()
    review = page.get_by_test_id("review-table")
    expect(table_rows(page, "review-table")).to_have_count(2)
    expect(review).to_contain_text("已审核")
    page.get_by_test_id("publish-all").click()
    confirm_dialog(page)
    expect(page.locator(".el-message", has_text="已发布 2 项榜题。")).to_be_visible()
    expect(review.locator("[data-status=published]")).to_have_count(2)

    # Review submitted challenges of the running contest: approve, return with a reason, publish.
    page.goto(f"{base}/organiser/contests/{world.contest.pk}?tab=challenges")
    pick(page, "review-status", "待审核")
    expect(table_rows(page, "review-table")).to_have_count(2)
    page.get_by_test_id("review-actions-JB-2026-101").get_by_test_id("approve").click()
    expect(page.get_by_test_id("review-table")).not_to_contain_text("JB-2026-101")
    page.get_by_test_id("review-actions-JB-2026-102").get_by_test_id("return").click()
    confirm_dialog(page)  # empty reason: refused in the dialog
    expect(page.locator(".el-message-box__errormsg")).to_have_text("退回须说明理由。")
    page.locator(".el-message-box textarea").fill("验收指标不可量化，请补充。")
    confirm_dialog(page)
    expect(table_rows(page, "review-table")).to_have_count(0)
    pick(page, "review-status", "已审核")
    page.get_by_test_id("review-actions-JB-2026-101").get_by_test_id("publish").click()
    expect(page.get_by_test_id("review-table")).not_to_contain_text("JB-2026-101")
    pick(page, "review-status", "草稿")
    expect(page.get_by_test_id("review-table")).to_contain_text("JB-2026-102")
    shot(page, "desktop-review")

    # Registration stats by track and the Excel export.
    page.get_by_role("tab", name="报名统计").click()
    expect(page.get_by_test_id("stat-teams")).to_have_text("2")
    by_track = page.get_by_test_id("stats-by-track")
    expect(by_track).to_contain_text("工业制造")
    expect(by_track).to_contain_text("医疗健康")
    export = page.request.get(base + page.get_by_test_id("export-link").get_attribute("href"))
    assert export.status == 200 and export.headers["content-type"] == XLSX
    shot(page, "desktop-stats")

    phone = new_page(phone=True)
    login_phone(phone, base)
    phone.goto(f"{base}/organiser/contests/{world.contest.pk}?tab=registrations")
    expect(phone.get_by_test_id("stat-teams")).to_have_text("2")
    shot(phone, "phone-stats")


def login_phone(page, base):
    page.goto(f"{base}/login")
    field(page, "login-login").fill("organiser@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/$"))
