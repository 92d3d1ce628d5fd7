"""The national organiser's inbox and dashboard with three sub-contests, in the browser: filter by
sub-contest, accept one recommendation (carried across), return one with a reason, read the
dashboard's counts; the carried team confirms its entry. zh-CN and English, 1366 and 375 px."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import shot
from .helpers import field, login, pick

pytestmark = pytest.mark.browser
PASSWORD = "pass-1234"  # tests.factories.contest.UserFactory's


@pytest.fixture
def national(transactional_db):
    from judging.services.recommendation import recommendation_quotas_set
    from tests.judging.recommendation_fixtures import National

    national = National(per_track=2)
    recommendation_quotas_set(
        actor=national.organiser,
        parent=national.parent,
        quotas=[{"track": t.pk, "quota": 2} for t in national.tracks.values()],
        promotion_quota=None,
    )
    jiangsu, zhejiang, _guangdong = national.subs
    national.accepted, national.kept = jiangsu.recommend(*jiangsu.of_track("industry"))
    (national.returned,) = zhejiang.recommend(zhejiang.of_track("health")[0])
    return national


def open_as(page, base, user, path, *, lang="zh-CN"):
    page.goto(f"{base}/login?next={path}")
    page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
    page.reload()
    field(page, "login-login").fill(user.email)
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"), timeout=30_000)


def test_national_inbox_accept_return_and_dashboard(live_server, new_page, national):
    from judging.models import Recommendation
    from notifications.models import Message

    base = live_server.url
    parent = national.parent
    accepted, kept, returned = national.accepted, national.kept, national.returned
    page = new_page()
    login(page, base, login=national.organiser.email, password=PASSWORD, next_path="/organiser")
    page.goto(f"{base}/organiser/contests/{parent.pk}")
    page.get_by_test_id("manage-recommendations").click()
    expect(page).to_have_url(f"{base}/organiser/contests/{parent.pk}/recommendations")
    for rec in (accepted, kept, returned):
        expect(page.get_by_test_id(f"inbox-status-{rec.pk}")).to_have_text("待处理")
    expect(page.get_by_test_id(f"inbox-rank-{accepted.pk}")).to_have_text("1")
    expect(page.get_by_test_id(f"inbox-rank-{kept.pk}")).to_have_text("2")
    expect(page.get_by_test_id(f"inbox-row-{accepted.pk}")).to_contain_text("江苏分赛 · 工业制造")
    shot(page, "federation-inbox-zh-1366")

    # filter by sub-contest: only 浙江's recommendation
    pick(page, "inbox-filter-sub", "浙江分赛")
    expect(page.get_by_test_id(f"inbox-row-{returned.pk}")).to_be_visible()
    expect(page.get_by_test_id(f"inbox-row-{accepted.pk}")).to_have_count(0)

    # return with a reason
    page.get_by_test_id(f"inbox-return-{returned.pk}").click()
    expect(page.get_by_test_id("inbox-return-save")).to_be_disabled()
    field(page, "inbox-return-reason").fill("缺少数据来源说明，请补充后重新推荐")
    page.get_by_test_id("inbox-return-save").click()
    expect(page.get_by_test_id(f"inbox-status-{returned.pk}")).to_have_text("已退回")
    expect(page.get_by_test_id("recommendation-inbox")).to_contain_text("缺少数据来源说明")

    # back to every sub-contest, accept 江苏's first
    page.goto(f"{base}/organiser/contests/{parent.pk}/recommendations")
    page.get_by_test_id(f"inbox-accept-{accepted.pk}").click()
    expect(page.get_by_test_id(f"inbox-status-{accepted.pk}")).to_have_text("已接收")
    expect(page.get_by_test_id(f"inbox-accept-{kept.pk}")).to_be_visible()
    shot(page, "federation-inbox-decided-zh-1366")

    accepted.refresh_from_db()
    returned.refresh_from_db()
    assert (accepted.status, returned.status) == ("accepted", "returned")
    assert accepted.national_entry.files.count() == 2
    assert Recommendation.objects.filter(status="recommended").count() == 1
    reached = Message.objects.filter(event="recommendation_returned", channel="inbox")
    assert list(reached.values_list("recipient_id", flat=True)) == [national.subs[1].organiser.pk]

    # the dashboard: per sub-contest used / quota, missing, the ones with nothing
    page.get_by_test_id("inbox-to-dashboard").click()
    expect(page).to_have_url(f"{base}/organiser/contests/{parent.pk}/recommendations/dashboard")
    jiangsu, zhejiang, guangdong = (s.contest.pk for s in national.subs)
    expect(page.get_by_test_id(f"dashboard-used-{jiangsu}")).to_have_text("2 / 4")
    expect(page.get_by_test_id(f"dashboard-missing-{jiangsu}")).to_have_text("2")
    expect(page.get_by_test_id(f"dashboard-used-{zhejiang}")).to_have_text("0 / 4")
    expect(page.get_by_test_id(f"dashboard-used-{guangdong}")).to_have_text("0 / 4")
    expect(page.get_by_test_id("dashboard-not-submitted")).to_contain_text("浙江分赛")
    expect(page.get_by_test_id("dashboard-not-submitted")).to_contain_text("广东分赛")
    expect(page.get_by_test_id("dashboard-total-accepted")).to_contain_text("1")
    expect(page.get_by_test_id("dashboard-total-returned")).to_contain_text("1")
    expect(page.get_by_test_id("dashboard-total-missing")).to_contain_text("10")
    page.get_by_test_id(f"dashboard-row-{jiangsu}").locator(
        "xpath=ancestor::tr//td[1]//*[contains(@class,'el-table__expand-icon')]"
    ).click()
    expect(page.get_by_test_id(f"dashboard-tracks-{jiangsu}")).to_contain_text("工业制造")
    shot(page, "federation-dashboard-zh-1366")

    # English, and the phone
    en = new_page()
    dashboard = f"/organiser/contests/{parent.pk}/recommendations/dashboard"
    open_as(en, base, national.organiser, dashboard, lang="en")
    expect(en.get_by_test_id("dashboard-not-submitted")).to_contain_text("Nothing recommended yet")
    shot(en, "federation-dashboard-en-1366")
    en.goto(f"{base}/organiser/contests/{parent.pk}/recommendations")
    expect(en.get_by_test_id(f"inbox-status-{returned.pk}")).to_have_text("Returned")
    shot(en, "federation-inbox-en-1366")
    phone = new_page(phone=True)
    open_as(phone, base, national.organiser, f"/organiser/contests/{parent.pk}/recommendations")
    expect(phone.get_by_test_id(f"inbox-status-{accepted.pk}")).to_have_text("已接收")
    shot(phone, "federation-inbox-zh-375")
    phone.goto(f"{base}{dashboard}")
    expect(phone.get_by_test_id(f"dashboard-used-{jiangsu}")).to_have_text("2 / 4")
    shot(phone, "federation-dashboard-zh-375")
    phone_en = new_page(phone=True)
    open_as(phone_en, base, national.organiser, dashboard, lang="en")
    expect(phone_en.get_by_test_id(f"dashboard-used-{jiangsu}")).to_have_text("2 / 4")
    shot(phone_en, "federation-dashboard-en-375")

    # the carried team confirms its entry
    carried = accepted.national_entry
    team = new_page()
    open_as(team, base, carried.team.captain, f"/entries/{carried.pk}")
    expect(team.get_by_test_id("entry-carried")).to_contain_text("江苏分赛")
    team.get_by_test_id("entry-carried-confirm").click()
    expect(team.get_by_test_id("entry-carried-confirmed")).to_be_visible()
    shot(team, "federation-carried-entry-zh-1366")
    carried.refresh_from_db()
    assert carried.carried_confirmed_at is not None
