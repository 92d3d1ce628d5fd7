"""Assignment an organiser can use (issue 12), in Chromium: k from the stage's own rule, a top-up
that gives the one entry below k its judge and keeps the rest, an infeasible k summarised by
cause (never one line per entry) with the entries on demand, per-judge loads as a chart; in
zh-CN and English, 1366 and 375 px wide."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, judging_stage, shot
from .helpers import field, table_rows

pytestmark = pytest.mark.browser


@pytest.fixture
def below_k(world):
    """Five entries, three judges, the stage's rule 2 per entry, assigned; then one entry loses
    a judge (a recusal, say) and is below k."""
    from judging.models import Assignment
    from judging.services.assignment import assignment_start

    judging = judging_stage(world, teams=5, judges=3)
    type(judging.stage).objects.filter(pk=judging.stage.pk).update(judges_per_entry=2)
    judging.stage.refresh_from_db()
    assignment_start(actor=world.organiser, stage=judging.stage, k=2)
    Assignment.objects.filter(stage=judging.stage, entry=judging.entries[0]).first().delete()
    return judging


def open_judging(page, base, contest, *, lang="zh-CN"):
    page.goto(f"{base}/login?next=/organiser/contests/{contest.pk}%3Ftab%3Djudging")
    page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
    page.reload()
    field(page, "login-login").fill("organiser@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/organiser/contests/\d+\?tab=judging"), timeout=30_000)
    expect(page.get_by_test_id("assignment-card")).to_be_visible(timeout=30_000)


def check_infeasible(page, *, zh: bool):
    expect(page.get_by_test_id("assign-rule")).to_be_visible(timeout=30_000)  # rule loaded
    field(page, "assign-k").fill("4")
    page.get_by_test_id("assign-mode-full").click()
    page.get_by_test_id("feasibility").click()
    report = page.get_by_test_id("feasibility-report")
    expect(report).to_have_attribute("data-state", "infeasible", timeout=30_000)
    causes = page.get_by_test_id("feasibility-causes")
    expect(causes.locator("[data-cause=entries_short]")).to_contain_text(
        "5 件作品可用评委不足" if zh else "5 entries short of judges"
    )
    # A few lines by cause, not one per entry: 5 entries, at most 2 suggestions.
    lines = page.get_by_test_id("feasibility-suggestions").locator("li")
    expect(lines.first).to_be_visible()
    assert lines.count() <= 2
    expect(page.get_by_test_id("short-entries")).to_have_count(0)
    page.get_by_test_id("short-entries-toggle").click()
    expect(table_rows(page, "short-entries")).to_have_count(5)
    expect(page.get_by_test_id("assignment-card")).not_to_contain_text("assignment.")


def test_top_up_fills_the_entry_below_k_and_summarises(live_server, new_page, below_k):
    from judging.models import Assignment

    judging = below_k
    contest = judging.world.contest
    base = live_server.url
    page = new_page()
    open_judging(page, base, contest)

    # The form starts from the stage's rule, 2 — not a hard-coded default.
    expect(page.get_by_test_id("assign-rule")).to_contain_text(
        "本阶段规则：每件作品 2 位评委", timeout=30_000
    )
    expect(field(page, "assign-k")).to_have_value("2")
    # The latest run is shown, and the loads as a chart: 9 reviews over 3 judges.
    expect(page.get_by_test_id("assignment-run")).to_have_attribute("data-status", "done")
    chart = page.get_by_test_id("judge-load-chart")
    expect(chart).to_have_attribute("data-judges", "3")
    expect(chart.locator("canvas")).to_have_count(1)
    assert sum(int(n) for n in chart.get_attribute("data-loads").split(",")) == 9

    page.get_by_test_id("assign-mode-top-up").click()
    page.get_by_test_id("feasibility").click()
    report = page.get_by_test_id("feasibility-report")
    expect(report).to_have_attribute("data-state", "ok")
    expect(page.get_by_test_id("feasibility-summary")).to_contain_text("补充分配：1 件作品")
    page.get_by_test_id("start-top-up").click()
    run = page.get_by_test_id("assignment-run")
    expect(run).to_have_attribute("data-mode", "top_up", timeout=30_000)
    expect(run).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.get_by_test_id("run-done")).to_contain_text("已分配 1 项")
    assert Assignment.objects.filter(stage=judging.stage, entry=judging.entries[0]).count() == 2
    assert Assignment.objects.filter(stage=judging.stage).count() == 10
    # The chart follows: the loads now add up to 10 (the progress is reloaded after the run).
    page.wait_for_function(
        "() => (document.querySelector('[data-testid=judge-load-chart]')?.dataset.loads ?? '')"
        ".split(',').reduce((sum, n) => sum + Number(n), 0) === 10"
    )
    page.get_by_test_id("assignment-card").scroll_into_view_if_needed()
    shot(page, "desktop-assignment-top-up-zh")

    check_infeasible(page, zh=True)
    shot(page, "desktop-assignment-infeasible-zh")

    english = new_page()
    open_judging(english, base, contest, lang="en")
    expect(english.get_by_test_id("assign-rule")).to_contain_text(
        "Stage rule: 2 judges per entry", timeout=30_000
    )
    check_infeasible(english, zh=False)
    shot(english, "desktop-assignment-infeasible-en")

    for lang, zh in (("zh-CN", True), ("en", False)):
        phone = new_page(phone=True)
        open_judging(phone, base, contest, lang=lang)
        check_infeasible(phone, zh=zh)
        shot(phone, f"phone-assignment-infeasible-{'zh' if zh else 'en'}")


def test_nothing_submitted_is_said_plainly(live_server, new_page, world):
    judging = judging_stage(world, teams=2, judges=2)
    type(judging.entries[0]).objects.filter(stage=judging.stage).update(status="draft")
    page = new_page()
    open_judging(page, live_server.url, judging.world.contest)
    page.get_by_test_id("feasibility").click()
    report = page.get_by_test_id("feasibility-report")
    expect(report).to_have_attribute("data-state", "nothing")
    expect(report).to_contain_text("还没有已提交的作品")
    expect(report).not_to_contain_text("可以分配")
    page.get_by_test_id("start-run").click()
    error = page.get_by_test_id("assignment-card").get_by_test_id("form-error")
    expect(error).to_have_attribute("data-code", "no_submitted_entries")
