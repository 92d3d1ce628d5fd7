"""Browser journeys of the notifications (headless Chromium, the built SPA, a live server): the inbox badge
after an invitation, preferences saved, an organiser's announcement reaching a team's inbox."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD
from .helpers import confirm_dialog, field, login, pick, toast

pytestmark = pytest.mark.browser


@pytest.fixture
def people(transactional_db):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from contest.enums import ContestKind
    from contest.services.contest import (
        contest_create,
        contest_publish,
        contest_registration_open,
        stage_create,
    )
    from contest.services.team import team_create

    User = get_user_model()
    now = timezone.now()
    organiser = User.objects.create_user(
        email="org@example.com", password=PASSWORD, real_name="王组委", is_staff=True
    )
    contest = contest_create(
        actor=organiser,
        code="notify-2026",
        name="2026 通知演示赛",
        kind=ContestKind.GENERIC,
        edition="2026",
        year=2026,
        region="江苏",
        description="通知。",
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=30),
        team_size_min=1,
        team_size_max=5,
        entrant_kinds=["person"],
    )
    stage_create(
        actor=organiser,
        contest=contest,
        name="初赛",
        kind="online_review",
        order=1,
        submission_opens_at=now - timedelta(days=1),
        submission_closes_at=now + timedelta(days=10),
    )
    contest = contest_registration_open(
        actor=organiser, contest=contest_publish(actor=organiser, contest=contest)
    )
    captain = User.objects.create_user(
        email="captain@example.com", password=PASSWORD, real_name="张队长"
    )
    team = team_create(actor=captain, contest=contest, name="星火团队")
    invitee = User.objects.create_user(
        email="invitee@example.com", password=PASSWORD, real_name="李四"
    )
    return {
        "organiser": organiser,
        "contest": contest,
        "captain": captain,
        "team": team,
        "invitee": invitee,
    }


def test_inbox_badge_after_an_invitation_and_preferences_saved(live_server, new_page, people):
    from contest.services.team import invitation_create
    from notifications.models import Preference

    invitation = invitation_create(
        actor=people["captain"], team=people["team"], invitee_contact="invitee@example.com"
    )
    page = new_page()
    login(page, live_server.url, login="invitee@example.com", password=PASSWORD)
    expect(page.get_by_test_id("inbox-badge").locator("sup")).to_have_text("1")
    page.get_by_test_id("inbox-link").click()
    item = page.get_by_test_id("inbox-item").first
    expect(item).to_contain_text("张队长 邀请您加入团队「星火团队」")
    item.get_by_test_id("inbox-open").click()
    expect(page).to_have_url(re.compile(rf"/join/{invitation.code}$"))
    expect(page.get_by_test_id("inbox-badge").locator("sup")).to_be_hidden()

    page.goto(f"{live_server.url}/inbox/preferences")
    essential = page.get_by_test_id("pref-invitation_sent-inbox")
    expect(essential).to_have_class(re.compile("is-disabled"))
    page.get_by_test_id("pref-announcement-email").click()
    page.get_by_test_id("prefs-save").click()
    toast(page, "通知设置已保存")
    assert list(
        Preference.objects.filter(user=people["invitee"], enabled=False).values_list(
            "kind", "channel"
        )
    ) == [("announcement", "email")]

    # The link in a non-essential e-mail opens a page that needs no login.
    from notifications.tokens import unsubscribe_token

    token = unsubscribe_token(user_id=people["invitee"].pk, kind="invitation_accepted")
    stranger = new_page()
    stranger.goto(f"{live_server.url}/unsubscribe?token={token}")
    expect(stranger.get_by_test_id("unsubscribe")).to_contain_text("已退订「邀请已接受」邮件。")
    stranger.goto(f"{live_server.url}/unsubscribe?token=forged")
    expect(stranger.get_by_test_id("unsubscribe-error")).to_contain_text("退订链接无效或已过期。")


def test_organiser_announcement_reaches_the_team_inbox(live_server, new_page, people):
    contest = people["contest"]
    organiser = new_page()
    login(organiser, live_server.url, login="org@example.com", password=PASSWORD)
    # From the contest's management page, its notifications.
    organiser.goto(f"{live_server.url}/organiser/contests/{contest.pk}")
    organiser.get_by_test_id("manage-notifications").click()
    expect(organiser).to_have_url(re.compile(rf"/organiser/contests/{contest.pk}/notifications$"))
    field(organiser, "announcement-subject").fill("路演安排")
    field(organiser, "announcement-body").fill("路演于下周一上午九点举行。")
    organiser.get_by_test_id("announcement-send").click()
    confirm_dialog(organiser)
    toast(organiser, "公告已发送给 1 人。")
    expect(organiser.get_by_test_id("announcement-list")).to_contain_text("路演安排")

    # The wording of a message: placeholders listed, a preview with sample values, then saved.
    editor = organiser.get_by_test_id("template-editor")
    pick(organiser, "template-event", "团队邀请")
    expect(editor).to_contain_text("{{ team_name }}")
    field(organiser, "template-subject").fill("欢迎加入「{{ team_name }}」")
    organiser.get_by_test_id("template-preview").click()
    expect(organiser.get_by_test_id("template-preview-result")).to_contain_text(
        "欢迎加入「«team_name»」"
    )
    organiser.get_by_test_id("template-save").click()
    toast(organiser, "模板已保存")
    from notifications.models import TemplateOverride

    assert list(TemplateOverride.objects.values_list("event", "language", "subject")) == [
        ("invitation_sent", "zh-hans", "欢迎加入「{{ team_name }}」")
    ]

    captain = new_page()
    login(captain, live_server.url, login="captain@example.com", password=PASSWORD)
    # Unread: the registration confirmation (报名成功) and the announcement.
    expect(captain.get_by_test_id("inbox-badge").locator("sup")).to_have_text("2")
    captain.goto(f"{live_server.url}/inbox")
    expect(captain.get_by_test_id("inbox-item").first).to_contain_text("路演于下周一上午九点举行。")
