"""Sending through a real SMTP server on loopback: the MIME message, retries with back-off,
bounces, and no second send when a task is retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contest.services.team import invitation_create
from notifications.enums import MessageStatus
from notifications.models import Message, NotificationProfile
from notifications.services.delivery import (
    RateLimiter,
    backoff_seconds,
    message_send,
    messages_send,
)
from notifications.services.outbox import event_raise
from tests.factories.contest import UserFactory


@pytest.fixture
def invitee(db):
    return UserFactory(real_name="李四", email="lisi@example.com")


def _queue_invitation(captain, team, contact="lisi@example.com"):
    invitation = invitation_create(actor=captain, team=team, invitee_contact=contact)
    event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    return invitation


def test_chinese_email_through_smtp_is_encoded_and_links_right(smtp, captain, team, invitee):
    invitation = _queue_invitation(captain, team)
    assert messages_send(channel="email") == {"sent": 1, "failed": 0, "retry": 0, "more": False}
    assert len(smtp.messages) == 1
    got = smtp.messages[0]
    assert got["to"] == ["lisi@example.com"]
    raw_subject = got["message"]["Subject"]
    headers = got["raw"].split(b"\r\n\r\n", 1)[0]
    subject_raw = headers.split(b"Subject:", 1)[1].split(b"\r\nFrom:")[0]
    assert subject_raw.lower().count(b"=?utf-8?") >= 1  # RFC 2047 encoded words
    assert headers.isascii()  # no raw UTF-8 bytes in any header
    assert str(raw_subject).strip() == (
        f"【{team.contest.name}】{captain.real_name} 邀请您加入团队「星火团队」"
    )
    body = got["message"].get_content()
    assert f"查看：https://saiwu.example.cn/join/{invitation.code}" in body
    assert f"邀请码：{invitation.code}" in body
    assert "退订" not in body  # an invitation is essential: no unsubscribe link
    message = Message.objects.get(channel="email")
    assert (message.status, message.attempts, message.provider_reply) == (
        MessageStatus.SENT,
        1,
        "250 accepted",
    )


def test_english_recipient_gets_english(smtp, captain, team, invitee):
    NotificationProfile.objects.create(user=invitee, language="en")
    invitation = _queue_invitation(captain, team)
    messages_send(channel="email")
    got = smtp.messages[0]["message"]
    assert str(got["Subject"]).strip() == (
        f'[{team.contest.name}] {captain.real_name} invites you to join the team "星火团队"'
    )
    assert f"Open: https://saiwu.example.cn/join/{invitation.code}" in got.get_content()


def test_retried_send_sends_once(smtp, captain, team, invitee):
    _queue_invitation(captain, team)
    message = Message.objects.get(channel="email")
    assert message_send(message_id=message.pk) == MessageStatus.SENT
    assert message_send(message_id=message.pk) == MessageStatus.SENT  # the task, retried
    assert messages_send(channel="email")["sent"] == 0
    assert len(smtp.messages) == 1
    assert Message.objects.get(pk=message.pk).attempts == 1


def test_temporary_refusal_backs_off_then_fails(smtp, captain, team, invitee):
    smtp.defer.add("lisi@example.com")
    _queue_invitation(captain, team)
    message = Message.objects.get(channel="email")
    before = timezone.now()
    assert messages_send(channel="email")["retry"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.provider_reply.startswith("lisi@example.com: 451")
    assert before + dt.timedelta(seconds=59) <= message.next_attempt_at
    assert message.next_attempt_at <= timezone.now() + dt.timedelta(seconds=61)
    # Not due yet: a run now sends nothing.
    assert messages_send(channel="email") == {"sent": 0, "failed": 0, "retry": 0, "more": False}
    # The second attempt waits twice as long; the third (NOTIFICATIONS_MAX_ATTEMPTS) fails.
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    messages_send(channel="email")
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at >= timezone.now() + dt.timedelta(seconds=119)
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert messages_send(channel="email")["failed"] == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == (
        MessageStatus.FAILED,
        3,
        None,
    )
    assert smtp.messages == []


def test_permanent_refusal_is_a_bounce(smtp, captain, team, invitee):
    smtp.refuse.add("lisi@example.com")
    _queue_invitation(captain, team)
    assert messages_send(channel="email")["failed"] == 1
    message = Message.objects.get(channel="email")
    assert (message.status, message.attempts) == (MessageStatus.BOUNCED, 1)
    assert message.provider_reply == "lisi@example.com: 550 5.1.1 mailbox unavailable"


def test_server_down_is_temporary(settings, captain, team, invitee):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    _queue_invitation(captain, team)
    assert messages_send(channel="email")["retry"] == 1
    message = Message.objects.get(channel="email")
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert message.provider_reply.startswith("ConnectionRefusedError:")


def test_backoff_doubles_up_to_the_cap(settings):
    settings.NOTIFICATIONS_RETRY_BASE_SECONDS = 30
    settings.NOTIFICATIONS_RETRY_MAX_SECONDS = 200
    assert [backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_rate_limiter_waits_for_the_next_second(settings):
    settings.NOTIFICATIONS_RATE_LIMITS = {"email": 2}
    now = [1000.25]
    waits = []

    def sleep(seconds):
        waits.append(round(seconds, 2))
        now[0] += seconds

    limiter = RateLimiter("email", clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.acquire()
    assert waits == [0.75, 1.0]


def test_non_essential_email_offers_one_click_unsubscribe(smtp, client, captain, team):
    from notifications.models import Preference

    invitation = invitation_create(actor=captain, team=team, invitee_contact="x@example.org")
    invitation.status = "accepted"
    invitation.save()
    event_raise(event="invitation_accepted", model="contest.Invitation", obj_id=invitation.pk)
    messages_send(channel="email")
    got = smtp.messages[0]["message"]
    assert got["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = str(got["List-Unsubscribe"]).strip().strip("<>")
    assert url.startswith("https://saiwu.example.cn/api/notifications/unsubscribe/?token=")
    assert "退订此类邮件：https://saiwu.example.cn/unsubscribe?token=" in got.get_content()
    # What a mail client does with it: a POST, no session, no CSRF token.
    response = client.post(url.removeprefix("https://saiwu.example.cn"))
    assert response.status_code == 200
    assert Preference.objects.filter(
        user=captain, kind="invitation_accepted", channel="email", enabled=False
    ).exists()


def test_essential_email_has_no_unsubscribe_header(smtp, captain, team, invitee):
    _queue_invitation(captain, team)
    messages_send(channel="email")
    assert smtp.messages[0]["message"]["List-Unsubscribe"] is None
