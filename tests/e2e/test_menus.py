"""The header's menus per role, at 1366 px (links and the 更多 menu) and 375 px (the phone drawer):
anonymous, team captain, judge, publisher, organiser and platform admin each see exactly the
entries meant for them, and whoever is not an organiser is sent away from the organiser's URLs
(anonymous to the login with the way back, the others home)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import shot

pytestmark = pytest.mark.browser

PUBLIC = ["赛事", "榜单"]
PUBLIC_MORE = ["获奖公示", "证书查验"]
MINE_MORE = ["我的证书", *PUBLIC_MORE]
# 任务书 (/agreements): for whoever may see an agreement — here the publisher, whose organisation
# has one, and the platform admin, who sees every agreement.
AGREEMENTS_MORE = ["我的证书", "任务书", *PUBLIC_MORE]
# Role → (the header's links, the 更多 menu). The phone drawer lists both, in that order.
MENUS = {
    "anonymous": (PUBLIC, PUBLIC_MORE),
    "captain": ([*PUBLIC, "我的团队"], MINE_MORE),
    "judge": ([*PUBLIC, "我的团队", "评审"], MINE_MORE),
    "publisher": ([*PUBLIC, "我的团队", "发榜方"], AGREEMENTS_MORE),
    "organiser": ([*PUBLIC, "我的团队", "组委会"], MINE_MORE),
    "admin": ([*PUBLIC, "我的团队", "组委会"], AGREEMENTS_MORE),
}
ENGLISH = {
    "admin": (
        ["Contests", "Challenges", "My teams", "Organiser"],
        ["My certificates", "Agreements", "Awards", "Verify certificate"],
    ),
}


@pytest.fixture
def people(transactional_db):
    """One person per role around one contest; the admin is a platform superuser."""
    from contest.enums import ContestRoleKind, MemberRole
    from tests.factories.contest import (
        ContestFactory,
        ContestRoleFactory,
        OrganisationFactory,
        StageFactory,
        TeamFactory,
        TeamMemberFactory,
        UserFactory,
    )
    from tests.factories.judging import PanelMembershipFactory

    contest = ContestFactory(name="2026 数据要素× 大赛菜单测试")
    captain = UserFactory(real_name="队长甲")
    TeamMemberFactory(team=TeamFactory(contest=contest), user=captain, role=MemberRole.CAPTAIN)
    judge = UserFactory(real_name="评委乙")
    PanelMembershipFactory(stage=StageFactory(contest=contest), judge=judge)
    org = OrganisationFactory(name="发榜单位菜单测试有限公司")
    publisher = UserFactory(real_name="发榜方丙", organisation=org)
    ContestRoleFactory(
        contest=contest, user=publisher, role=ContestRoleKind.PUBLISHER, organisation=org
    )
    # an agreement of the publisher's organisation in a 揭榜挂帅 contest it publishes in
    from tests.factories.awards import agreement_world

    world = agreement_world()
    ContestRoleFactory(
        contest=world.contest,
        user=publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=world.publisher_org,
    )
    organiser = UserFactory(real_name="组委丁")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    admin = UserFactory(real_name="管理员戊", is_superuser=True, is_staff=True)
    return {
        "contest": contest,
        "anonymous": None,
        "captain": captain,
        "judge": judge,
        "publisher": publisher,
        "organiser": organiser,
        "admin": admin,
    }


def _log_in(page: Page, base: str, user) -> None:
    """The session of `user`, as Django's login would set it, in the page's cookie jar."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": session, "url": base}])


def _texts(locator) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def _desktop_menus(page: Page) -> tuple[list[str], list[str]]:
    nav = page.get_by_test_id("nav-desktop")
    expect(nav).to_be_visible()
    links = _texts(nav.locator(":scope > a"))
    page.get_by_test_id("nav-more").click()
    menu = page.get_by_test_id("nav-more-menu")
    expect(menu).to_be_visible()
    more = _texts(menu.locator("a"))
    page.get_by_test_id("nav-more").click()
    expect(menu).to_be_hidden()
    return links, more


def _phone_menu(page: Page) -> list[str]:
    expect(page.get_by_test_id("nav-desktop")).to_have_count(0)
    page.get_by_test_id("nav-toggle").click()
    items = page.locator(".el-drawer .el-menu-item")
    expect(items.first).to_be_visible()
    return _texts(items)


def _close_drawer(page: Page) -> None:
    page.keyboard.press("Escape")
    expect(page.locator(".el-drawer")).to_be_hidden()


def _organiser_urls(people) -> list[str]:
    contest = people["contest"]
    return [
        "/organiser",
        f"/organiser/contests/{contest.pk}",
        f"/organiser/contests/{contest.pk}/formal-check",
        f"/organiser/contests/{contest.pk}/notifications",
    ]


def _login_next(url: str) -> str | None:
    """The `next` of a /login URL (vue-router may or may not percent-encode its slashes)."""
    parts = urlsplit(url)
    assert parts.path == "/login", url
    return parse_qs(parts.query)["next"][0]


def _check_organiser_urls(page: Page, base: str, role: str, people) -> None:
    for path in _organiser_urls(people):
        page.goto(f"{base}{path}")
        if role == "anonymous":
            expect(page).to_have_url(re.compile(r"/login\?next="))
            assert _login_next(page.url) == path
            expect(page.get_by_test_id("login-submit")).to_be_visible()
        elif role in ("organiser", "admin"):
            expect(page).to_have_url(f"{base}{path}")
        else:
            expect(page).to_have_url(f"{base}/")
            expect(page.get_by_test_id("nav-desktop")).to_be_visible()
    # Creating a contest is for platform staff: an organiser of one contest goes back to 组委会.
    page.goto(f"{base}/organiser/contests/new")
    if role == "anonymous":
        expect(page).to_have_url(re.compile(r"/login\?next="))
        assert _login_next(page.url) == "/organiser/contests/new"
        return
    expected = {"organiser": "/organiser", "admin": "/organiser/contests/new"}.get(role, "/")
    expect(page).to_have_url(f"{base}{expected}")


@pytest.mark.parametrize("role", list(MENUS))
def test_menus_per_role_desktop_and_phone(live_server, new_page, people, role):
    base = live_server.url
    user = people[role]
    links, more = MENUS[role]

    page = new_page()
    if user is not None:
        _log_in(page, base, user)
    page.goto(f"{base}/contests")
    if user is None:
        expect(page.get_by_test_id("login-link")).to_be_visible()
        expect(page.get_by_test_id("inbox-link")).to_have_count(0)
    else:
        expect(page.get_by_test_id("user-name")).to_have_text(user.real_name)
        expect(page.get_by_test_id("inbox-link")).to_be_visible()
    assert _desktop_menus(page) == (links, more)
    shot(page, f"menus-{role}-desktop-zh")
    _check_organiser_urls(page, base, role, people)

    if role in ENGLISH:
        page.goto(f"{base}/contests")
        page.get_by_test_id("lang-toggle").click()
        expect(page.get_by_test_id("nav-more")).to_contain_text("More")
        assert _desktop_menus(page) == ENGLISH[role]
        page.get_by_test_id("nav-more").click()
        shot(page, f"menus-{role}-desktop-en")

    phone = new_page(phone=True)
    if user is not None:
        _log_in(phone, base, user)
    phone.goto(f"{base}/contests")
    assert _phone_menu(phone) == [*links, *more]
    drawer = phone.locator(".el-drawer")
    if user is None:
        expect(drawer.get_by_role("button", name="登录")).to_be_visible()
        expect(drawer.get_by_role("button", name="注册")).to_be_visible()
    else:
        expect(drawer).to_contain_text(user.real_name)
        expect(phone.get_by_test_id("logout-phone")).to_be_visible()
    shot(phone, f"menus-{role}-phone-zh")
    _close_drawer(phone)
    for path in _organiser_urls(people)[:1]:
        phone.goto(f"{base}{path}")
        if role == "anonymous":
            expect(phone).to_have_url(re.compile(r"/login\?next="))
            assert _login_next(phone.url) == path
        elif role in ("organiser", "admin"):
            expect(phone).to_have_url(f"{base}{path}")
        else:
            expect(phone).to_have_url(f"{base}/")

    if role in ENGLISH:
        phone.goto(f"{base}/contests")
        phone.get_by_test_id("lang-toggle").click()
        expect(phone.get_by_test_id("lang-toggle")).to_contain_text("中文")
        assert _phone_menu(phone) == [*ENGLISH[role][0], *ENGLISH[role][1]]
        shot(phone, f"menus-{role}-phone-en")
