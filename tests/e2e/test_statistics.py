"""The organiser's statistics tab: every chart is drawn (its canvas has pixels and ECharts has its
series), in Chinese and English, on a desktop and a phone; the agreement sentences and the
progress table's total row are there."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, SCORES, judging_stage, shot
from .helpers import field

pytestmark = pytest.mark.browser

CHARTS = ["time", "track", "region", "kind", "entries", "scores", "judges", "progress"]

# Pixels drawn on the chart's canvas (alpha > 0): an empty ECharts canvas has none.
DRAWN_PIXELS = """(el) => {
  const canvas = el.querySelector('canvas')
  if (!canvas || !canvas.width || !canvas.height) return 0
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
  let drawn = 0
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++
  return drawn
}"""


# Per judge (甲, 乙, 丙): points added to the team's scores in SCORES, so that 甲 is lenient, 丙 is
# harsh and 乙 spreads the entries out a little less than the others.
LENIENCY = [("1", "2"), ("0", "0"), ("-1.5", "-3")]


@pytest.fixture
def scored(world):
    """The 初赛 with 5 entries, each assigned to all 3 judges; every review submitted but the
    last one of 评委丙."""
    from decimal import Decimal

    from judging.models import Assignment
    from judging.services.assignment import assignment_start
    from judging.services.review import review_submit

    judging = judging_stage(world, teams=5, judges=3)
    assignment_start(actor=world.organiser, stage=judging.stage, k=3)  # eager: runs on commit
    index = {entry.pk: i for i, entry in enumerate(judging.entries)}
    judge_index = {judge.pk: n for n, judge in enumerate(judging.judges)}
    assignments = list(
        Assignment.objects.filter(stage=judging.stage)
        .select_related("judge")
        .order_by("judge__email", "entry_id")
    )
    assert len(assignments) == 15
    for assignment in assignments[:-1]:
        i, n = index[assignment.entry_id], judge_index[assignment.judge_id]
        small, large = (Decimal(x) for x in LENIENCY[n])
        base = SCORES[i]
        calm = Decimal("0.5") if n == 1 and i == 0 else Decimal(0)  # 乙 a little closer together
        review_submit(
            actor=assignment.judge,
            assignment=assignment,
            scores={
                "impact": str(Decimal(base["impact"]) + small - calm),
                "novelty": str(Decimal(base["novelty"]) + small),
                "data_value": str(Decimal(base["data_value"]) + large),
            },
        )
    return judging


def open_statistics(page, base, contest, *, lang):
    page.goto(f"{base}/login?next=/organiser/contests/{contest.pk}%3Ftab%3Dstatistics")
    page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
    page.reload()
    field(page, "login-login").fill("organiser@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"tab=statistics"))
    expect(page.get_by_test_id("statistics")).to_be_visible()


def assert_charts_drawn(page):
    for name in CHARTS:
        chart = page.get_by_test_id(f"chart-{name}")
        chart.scroll_into_view_if_needed()
        expect(chart.locator("canvas")).to_have_count(1)
        page.wait_for_function(
            f"(el) => ({DRAWN_PIXELS})(el) > 500", arg=chart.element_handle(), timeout=10_000
        )
        assert chart.evaluate(DRAWN_PIXELS) > 500, name


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_statistics_tab_draws_every_chart(live_server, new_page, scored, phone, lang):
    contest = scored.world.contest
    page = new_page(phone=phone)
    open_statistics(page, live_server.url, contest, lang=lang)

    zh = lang == "zh-CN"
    tab = page.get_by_role("tab", name="统计" if zh else "Statistics", exact=True)
    expect(tab).to_have_attribute("aria-selected", "true")
    assert_charts_drawn(page)
    expect(page.get_by_test_id("stat-total-teams")).to_contain_text("5")

    explain = page.get_by_test_id("statistics-explain")
    expect(explain).to_contain_text("肯德尔 W" if zh else "Kendall's W")
    expect(explain).to_contain_text("评分校准" if zh else "calibration")
    expect(explain).to_contain_text("ICC")
    agreement = page.get_by_test_id("statistics-agreement")
    expect(agreement.locator("thead")).to_contain_text("肯德尔 W" if zh else "Kendall's W")

    # 5 entries x 3 judges, all submitted but one: every column labelled, and the total row
    progress = page.get_by_test_id("statistics-progress")
    header = progress.locator("thead")
    labels = (
        ["评委", "赛道", "已分配", "已提交", "草稿", "未完成"]
        if zh
        else ["Judge", "Track", "Assigned", "Submitted", "Drafts", "Not done"]
    )
    if phone:  # the track column is left out on a phone (the judge's row says enough)
        labels.pop(1)
    for label in labels:
        expect(header).to_contain_text(label)
    expect(progress.locator(".el-table__body-wrapper tbody tr")).to_have_count(3)
    total = progress.locator(".el-table__footer-wrapper tr").first
    expect(total).to_contain_text("合计" if zh else "Total")
    first = 1 if phone else 2  # the assigned column
    expect(total.locator("td").nth(first)).to_have_text("15")
    expect(total.locator("td").nth(first + 1)).to_have_text("14")
    expect(total.locator("td").nth(first + 2)).to_have_text("0")
    expect(total.locator("td").nth(first + 3)).to_have_text("1")

    shot(page, f"{'phone' if phone else 'desktop'}-statistics-{'zh' if zh else 'en'}")


def test_results_panel_explains_kendall_and_icc(live_server, new_page, scored):
    contest = scored.world.contest
    page = new_page()
    page.goto(f"{live_server.url}/login?next=/organiser/contests/{contest.pk}%3Ftab%3Djudging")
    field(page, "login-login").fill("organiser@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    explain = page.get_by_test_id("agreement-explain")
    explain.scroll_into_view_if_needed()
    expect(explain).to_contain_text("肯德尔 W（0 到 1）衡量各位评委对作品的排序是否一致")
    expect(explain).to_contain_text("低于 0 说明一致程度还不如随机")


def test_echarts_only_in_the_statistics_chunks():
    """After the build, ECharts (statisticsCharts.ts and the echarts/zrender modules) is reached
    only through dynamic imports from the statistics tab: not from the entry, any public page or
    the management page itself."""
    import json

    from .conftest import DIST

    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())

    def static_closure(key, seen=None):
        seen = set() if seen is None else seen
        if key not in seen:
            seen.add(key)
            for inner in manifest[key].get("imports", []):
                static_closure(inner, seen)
        return seen

    charts = {k for k in manifest if k.endswith("statisticsCharts.ts")}
    assert len(charts) == 1
    echarts_files = {manifest[k]["file"] for k in charts}
    entry = next(k for k, v in manifest.items() if v.get("isEntry"))
    pages = [k for k in manifest if k.startswith("src/views/public/")] + [
        entry,
        "src/views/organiser/ContestManage.vue",
        "src/views/organiser/ContestStatistics.vue",
    ]
    assert len(pages) > 3
    for page in pages:
        files = {manifest[k]["file"] for k in static_closure(page)}
        assert not files & echarts_files, page
        assert not any(k for k in static_closure(page) if "echarts" in k or "zrender" in k), page
    statistics = manifest["src/views/organiser/ContestStatistics.vue"]
    assert next(iter(charts)) in statistics["dynamicImports"]
