"""The contest report tab: every chart is drawn (its canvas has pixels), the scope switch reports
the whole national contest, both exports download; in Chinese and English, desktop and phone."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, shot
from .helpers import field

pytestmark = pytest.mark.browser

CHARTS = [
    "province",
    "city",
    "track",
    "kind",
    "stages",
    "tiers",
    "awardProvinces",
    "judgeFields",
    "judgeRegions",
]

DRAWN_PIXELS = """(el) => {
  const canvas = el.querySelector('canvas')
  if (!canvas || !canvas.width || !canvas.height) return 0
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
  let drawn = 0
  for (let i = 3; i < data.length; i += 4) if (data[i] > 0) drawn++
  return drawn
}"""


@pytest.fixture
def national(transactional_db):
    """tests/awards/report_fixtures.national_world, its national organiser also organising 江苏."""
    from tests.awards.report_fixtures import national_world
    from tests.factories.contest import ContestRoleFactory

    world = national_world()
    world.organiser.set_password(PASSWORD)
    world.organiser.save()
    ContestRoleFactory(contest=world.subs[0], user=world.organiser)
    return world


def assert_charts_drawn(page, names):
    for name in names:
        chart = page.get_by_test_id(f"report-chart-{name}")
        chart.scroll_into_view_if_needed()
        expect(chart.locator("canvas")).to_have_count(1)
        page.wait_for_function(
            f"(el) => ({DRAWN_PIXELS})(el) > 500", arg=chart.element_handle(), timeout=10_000
        )


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_report_tab_charts_scope_and_exports(live_server, new_page, national, phone, lang):
    js = national.subs[0]
    page = new_page(phone=phone)
    page.goto(f"{live_server.url}/login?next=/organiser/contests/{js.pk}%3Ftab%3Dreport")
    page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
    page.reload()
    field(page, "login-login").fill(national.organiser.email)
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"tab=report"))
    zh = lang == "zh-CN"

    report = page.get_by_test_id("report")
    expect(report).to_contain_text("赛事统计报告" if zh else "Contest report")
    expect(page.get_by_test_id("report-total-registrations")).to_contain_text("2")
    expect(page.get_by_test_id("report-total-people")).to_contain_text("4")
    assert_charts_drawn(page, CHARTS)
    expect(page.get_by_test_id("report-chart-subContests")).to_have_count(0)
    shot(page, f"{'phone' if phone else 'desktop'}-report-{'zh' if zh else 'en'}")

    scope = page.get_by_test_id("report-scope")
    scope.get_by_text("全国赛（含全部分赛）" if zh else "Whole national contest").click()
    expect(page.get_by_test_id("report-total-registrations")).to_contain_text("4")
    expect(page.get_by_test_id("report-total-sub_contests")).to_contain_text("3")
    assert_charts_drawn(page, [*CHARTS, "subContests"])
    shot(page, f"{'phone' if phone else 'desktop'}-report-national-{'zh' if zh else 'en'}")

    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF-")):
        link = page.get_by_test_id(f"report-export-{fmt}")
        link.scroll_into_view_if_needed()
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename.startswith("report-national-")
        assert download.suggested_filename.endswith(f".{fmt}")
        with open(download.path(), "rb") as f:
            assert f.read(5).startswith(magic)


def test_report_charts_only_in_the_report_chunks():
    """After the build, reportCharts.ts is reached only through the report tab's dynamic import:
    not from the entry, a public page, the management page or the report component itself."""
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

    charts = "src/views/organiser/report/reportCharts.ts"
    report = "src/views/organiser/report/ContestReport.vue"
    entry = next(k for k, v in manifest.items() if v.get("isEntry"))
    pages = [k for k in manifest if k.startswith("src/views/public/")] + [
        entry,
        "src/views/organiser/ContestManage.vue",
        report,
    ]
    for page in pages:
        closure = static_closure(page)
        assert charts not in closure, page
        assert not any("echarts" in k or "zrender" in k for k in closure), page
    assert charts in manifest[report]["dynamicImports"]
    assert report in manifest["src/views/organiser/ContestManage.vue"]["dynamicImports"]
