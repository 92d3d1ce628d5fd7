"""The notifications API from outside, per role: my inbox only (another's message is a 404),
preferences, unsubscribe, and the organisers' statistics, resend, announcements and templates."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from notifications.enums import MessageStatus
from notifications.models import Announcement, Message, TemplateOverride
from notifications.services.delivery import messages_send
from notifications.services.outbox import event_raise
from tests.factories.awards import NoticeFactory
from tests.factories.contest import TeamFactory, TrackFactory


@pytest.fixture
def notified(contest, team, member):
    """A 公示 opened: every entrant of the contest has it in their inbox, and by e-mail."""
    notice = NoticeFactory(contest=contest, title="第一批拟获奖名单公示")
    event_raise(event="notice_opened", model="awards.Notice", obj_id=notice.pk)
    messages_send(channel="email")
    mail.outbox.clear()
    return notice


def test_inbox_lists_only_my_messages_with_the_unread_count(client_for, captain, member, notified):
    response = client_for(captain).get(reverse("notification-list"))
    assert response.status_code == 200
    assert response.json()["count"] == 1
    [row] = response.json()["results"]
    assert (row["event"], row["link"], row["read_at"]) == (
        "notice_opened",
        f"/notices/{notified.pk}",
        None,
    )
    assert row["subject"].endswith("公示：第一批拟获奖名单公示")
    count = client_for(captain).get(reverse("notification-unread-count"))
    assert count.json() == {"unread": 1}


def test_someone_elses_message_is_a_404(client_for, captain, member, stranger, notified):
    theirs = Message.objects.get(recipient=member, channel="inbox")
    for user in (captain, stranger):
        for response in (
            client_for(user).get(reverse("notification-detail", args=[theirs.pk])),
            client_for(user).post(reverse("notification-read", args=[theirs.pk])),
        ):
            assert response.status_code == 404
            body = response.json()
            assert (body["code"], body["message_en"]) == (
                "notification_not_found",
                "No such notification.",
            )
    assert Message.objects.get(pk=theirs.pk).read_at is None


def test_anonymous_gets_401(api_client):
    assert api_client.get(reverse("notification-list")).status_code == 401
    assert api_client.get(reverse("notification-preferences")).status_code == 401


def test_mark_read_and_read_all(client_for, captain, contest, notified):
    second = NoticeFactory(contest=contest, title="第二批")
    event_raise(event="notice_opened", model="awards.Notice", obj_id=second.pk)
    client = client_for(captain)
    first = Message.objects.filter(recipient=captain, channel="inbox").order_by("id").first()
    response = client.post(reverse("notification-read", args=[first.pk]))
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get(reverse("notification-unread-count")).json() == {"unread": 1}
    assert client.get(reverse("notification-list") + "?unread=1").json()["count"] == 1
    assert client.post(reverse("notification-read-all")).json() == {"marked": 1}
    assert client.get(reverse("notification-unread-count")).json() == {"unread": 0}


def test_inbox_list_query_count_is_constant(
    client_for, captain, team, contest, django_assert_num_queries
):
    client = client_for(captain)
    for n in (1, 3):
        Message.objects.all().delete()
        for i in range(n):
            notice = NoticeFactory(contest=contest, title=f"公示{i}")
            event_raise(event="notice_opened", model="awards.Notice", obj_id=notice.pk)
        with django_assert_num_queries(2):  # count, page
            assert client.get(reverse("notification-list")).json()["count"] == n


def test_preferences_get_and_put(client_for, captain):
    client = client_for(captain)
    response = client.put(
        reverse("notification-preferences"),
        {
            "language": "en",
            "choices": [{"kind": "announcement", "channel": "email", "enabled": False}],
        },
        format="json",
    )
    assert response.status_code == 200
    kinds = {k["kind"]: k for k in response.json()["kinds"]}
    assert response.json()["language"] == "en"
    assert kinds["announcement"]["channels"] == {"inbox": True, "email": False}
    again = client.get(reverse("notification-preferences")).json()
    assert {k["kind"]: k for k in again["kinds"]}["announcement"]["channels"]["email"] is False


def test_essential_inbox_off_is_refused(client_for, captain):
    response = client_for(captain).put(
        reverse("notification-preferences"),
        {"choices": [{"kind": "results_published", "channel": "inbox", "enabled": False}]},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "preference_essential"


def test_unsubscribe_link_without_login(api_client, captain):
    from notifications.tokens import unsubscribe_token

    token = unsubscribe_token(user_id=captain.pk, kind="announcement")
    response = api_client.get(reverse("notification-unsubscribe") + f"?token={token}")
    assert response.status_code == 200
    assert response.json()["kind"] == "announcement"
    bad = api_client.get(reverse("notification-unsubscribe") + "?token=forged")
    assert (bad.status_code, bad.json()["code"]) == (400, "unsubscribe_token_invalid")


def test_stats_and_resend_are_the_organisers(
    client_for, organiser, captain, contest, notified, django_capture_on_commit_callbacks
):
    Message.objects.filter(channel="email", recipient=captain).update(
        status=MessageStatus.FAILED, attempts=3
    )
    refused = client_for(captain).get(reverse("notification-stats", args=[contest.pk]))
    assert (refused.status_code, refused.json()["code"]) == (403, "not_permitted")
    stats = client_for(organiser).get(reverse("notification-stats", args=[contest.pk])).json()
    email = next(s for s in stats if s["channel"] == "email")
    assert (email["event"], email["total"], email["failed"], email["sent"]) == (
        "notice_opened",
        2,
        1,
        1,
    )
    with django_capture_on_commit_callbacks(execute=True):
        resent = client_for(organiser).post(
            reverse("notification-resend", args=[contest.pk]), {}, format="json"
        )
    assert resent.json() == {"queued": 1}
    assert Message.objects.get(channel="email", recipient=captain).status == MessageStatus.SENT
    assert [m.to for m in mail.outbox] == [[captain.email]]


def test_announcement_to_one_track_reaches_its_teams_only(
    client_for, organiser, contest, team, member, captain, django_capture_on_commit_callbacks
):
    track = TrackFactory(contest=contest)
    on_track = TeamFactory(contest=contest, track=track)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(
            reverse("contest-announcements", args=[contest.pk]),
            {"subject": "路演安排", "body": "路演于下周一举行。", "track": track.pk},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["recipients"] == 1
    reached = set(Message.objects.values_list("recipient_id", "channel"))
    assert reached == {(on_track.captain_id, "inbox"), (on_track.captain_id, "email")}
    body = Message.objects.get(channel="email").body
    assert "路演于下周一举行。" in body and "退订此类邮件" in body


def test_announcement_by_a_team_member_is_refused(client_for, captain, contest):
    response = client_for(captain).post(
        reverse("contest-announcements", args=[contest.pk]),
        {"subject": "x", "body": "y"},
        format="json",
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_permitted")
    assert Announcement.objects.count() == 0


def test_template_override_with_preview_and_placeholders(client_for, organiser, contest, team):
    client = client_for(organiser)
    listed = client.get(reverse("notification-templates", args=[contest.pk])).json()
    notice_zh = next(
        t for t in listed if (t["event"], t["language"]) == ("notice_opened", "zh-hans")
    )
    assert notice_zh["overridden"] is False
    assert notice_zh["placeholders"] == ["contest_name", "notice_title", "opens_at", "closes_at"]
    preview = client.post(
        reverse("notification-template-preview", args=[contest.pk, "notice_opened", "zh-hans"]),
        {"subject": "公示通知：{{ notice_title }}", "body": "截止 {{ closes_at }}"},
        format="json",
    ).json()
    assert (preview["subject"], preview["body"]) == (
        "公示通知：«notice_title»",
        "截止 «closes_at»\n",
    )
    saved = client.put(
        reverse("notification-template", args=[contest.pk, "notice_opened", "zh-hans"]),
        {"subject": "公示通知：{{ notice_title }}", "body": "截止 {{ closes_at }}"},
        format="json",
    )
    assert saved.status_code == 200
    notice = NoticeFactory(contest=contest, title="拟获奖名单")
    event_raise(event="notice_opened", model="awards.Notice", obj_id=notice.pk)
    inbox = Message.objects.get(channel="inbox", recipient=team.captain)
    assert inbox.subject == "公示通知：拟获奖名单"
    broken = client.put(
        reverse("notification-template", args=[contest.pk, "notice_opened", "en"]),
        {"subject": "{% if %}", "body": "x"},
        format="json",
    )
    assert (broken.status_code, broken.json()["code"]) == (400, "template_invalid")
    assert TemplateOverride.objects.count() == 1
