"""Public journey: browse contests, a contest's page, search and filter the challenge list."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, shot
from .helpers import field, login, pick, table_rows

pytestmark = pytest.mark.browser


def test_public_browse_search_filter_paginate(live_server, new_page, world):
    page = new_page()
    base = live_server.url

    page.goto(f"{base}/")
    expect(page.get_by_test_id("logo")).to_have_text(re.compile("赛务"))
    contests = page.get_by_test_id("contest-table")
    expect(contests).to_contain_text("2026 揭榜挂帅专项赛")
    expect(contests).to_contain_text("2025 数据要素× 大赛江苏分赛")
    expect(contests).to_contain_text("报名中")
    shot(page, "desktop-contests")

    page.get_by_test_id("contest-link").filter(has_text="2026 揭榜挂帅专项赛").click()
    expect(page.get_by_test_id("contest-name")).to_have_text("2026 揭榜挂帅专项赛")
    expect(table_rows(page, "tracks-table")).to_have_count(3)
    expect(table_rows(page, "groups-table")).to_have_count(2)
    stages = page.get_by_test_id("stages-table")
    expect(stages).to_contain_text("初赛")
    expect(stages).to_contain_text("进行中")  # 初赛's submission window is open
    expect(stages).to_contain_text("未开始")  # 决赛's is not yet
    shot(page, "desktop-contest-detail")

    # The challenge list of this contest: 23 published, 20 per page.
    page.get_by_test_id("view-challenges").click()
    expect(page.get_by_test_id("challenge-count")).to_have_text("共 23 项榜题")
    expect(table_rows(page, "challenge-table")).to_have_count(20)
    page.get_by_test_id("pager").locator(".el-pager li", has_text="2").click()
    expect(table_rows(page, "challenge-table")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_test_id("challenge-table")).not_to_contain_text(
        "JB-2026-101"
    )  # not published

    # Keyword search (title, background, publisher…) resets to page 1.
    field(page, "challenge-search").fill("视觉")
    page.get_by_test_id("challenge-search-submit").click()
    expect(page.get_by_test_id("challenge-count")).to_have_text("共 3 项榜题")
    expect(page).not_to_have_url(re.compile(r"page=2"))

    # Track filter, then a prize range.
    field(page, "challenge-search").fill("")
    pick(page, "filter-track", "医疗健康")
    expect(page.get_by_test_id("challenge-count")).to_have_text("共 8 项榜题")  # i % 3 == 1
    field(page, "filter-prize-min").fill("500000")
    field(page, "filter-prize-max").fill("1300000")
    page.get_by_test_id("challenge-search-submit").click()
    # 医疗健康 prizes are 100k·i for i in 1,4,7,…,22 → 700k, 1.0M, 1.3M
    expect(page.get_by_test_id("challenge-count")).to_have_text("共 3 项榜题")
    expect(page).to_have_url(
        re.compile(r"prize_min=500000.*prize_max=1300000|prize_max=1300000.*prize_min=500000")
    )
    shot(page, "desktop-challenges-filtered")

    # A reversed range is caught before asking the API.
    field(page, "filter-prize-min").fill("2000000")
    page.get_by_test_id("challenge-search-submit").click()
    expect(page.get_by_test_id("prize-error")).to_have_text("榜额下限不能大于上限。")

    # Reload keeps the filters (they live in the URL); open a challenge.
    page.reload()
    expect(page.get_by_test_id("challenge-count")).to_have_text("共 3 项榜题")
    page.get_by_test_id("challenge-link").first.click()
    expect(page.get_by_test_id("challenge-title")).to_have_text("产业共性技术难题 07")
    expect(page.get_by_test_id("challenge-prize")).to_have_text("¥700,000")
    expect(page.get_by_test_id("challenge-background")).to_have_text("第 7 项需求背景。")
    shot(page, "desktop-challenge-detail")

    # English, persisted in localStorage and sent to the API as Accept-Language.
    page.get_by_test_id("lang-toggle").click()
    expect(page.get_by_text("Technical targets")).to_be_visible()
    with page.expect_request(re.compile(r"/api/challenges/\d+/")) as request:
        page.reload()
    assert request.value.headers["accept-language"] == "en"
    expect(page.get_by_test_id("lang-toggle")).to_have_text("中文")
    assert page.evaluate("localStorage.getItem('saiwu.lang')") == "en"
    assert page.evaluate("document.documentElement.lang") == "en"
    shot(page, "desktop-challenge-detail-en")


def test_public_phone_menu_and_scrolling_table(live_server, new_page, world):
    page = new_page(phone=True)
    page.goto(f"{live_server.url}/challenges?contest={world.contest.pk}")
    expect(page.get_by_test_id("challenge-count")).to_have_text("共 23 项榜题")
    expect(page.get_by_test_id("nav-desktop")).to_have_count(0)
    # The table is wider than the phone and scrolls sideways instead of squeezing.
    scroll = page.get_by_test_id("challenge-table").locator(".el-scrollbar__wrap").first
    assert scroll.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "phone-challenges")

    page.get_by_test_id("nav-toggle").click()
    drawer = page.locator(".el-drawer")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("赛事")
    expect(drawer).to_contain_text("榜单")
    shot(page, "phone-menu")
    drawer.locator(".el-menu-item", has_text="赛事").click()
    expect(page.get_by_test_id("contest-table")).to_contain_text("2026 揭榜挂帅专项赛")
    page.get_by_test_id("contest-link").first.click()
    expect(page.get_by_test_id("contest-name")).to_be_visible()
    shot(page, "phone-contest-detail")


def test_public_pages_anonymous_no_console_error(live_server, new_page, world):
    """An anonymous visitor's public pages log no error and ask nothing that must fail: no
    /api/auth/me/ (the page carries no session mark), no 4xx or 5xx, nothing from another host."""
    base = live_server.url
    page = new_page()
    errors, failed, foreign = [], [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("request", lambda r: None if r.url.startswith(base) else foreign.append(r.url))
    contest = world.contest
    for path in ("/", "/challenges", f"/contests/{contest.pk}", "/awards", "/verify"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    assert (errors, failed, foreign) == ([], [], [])

    # Logged in, a reload still knows who it is (the page is marked for the session).
    login(page, base, login="captain1@example.com", password=PASSWORD, next_path="/teams")
    page.reload()
    expect(page.get_by_test_id("user-name")).to_be_visible()
