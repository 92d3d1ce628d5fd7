"""The outbox: an event becomes one row per recipient and channel, after commit only, once."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from contest.services.team import invitation_accept, invitation_create
from notifications.enums import Channel, MessageStatus
from notifications.models import Message
from notifications.services.outbox import event_raise
from tests.factories.contest import UserFactory


@pytest.fixture
def invitee(db):
    return UserFactory(real_name="被邀请人李四", email="lisi@example.com", mobile="13800000001")


def test_invitation_sent_notifies_the_invitee_only(
    captain, team, invitee, member, stranger, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            actor=captain, team=team, invitee_name="李四", invitee_contact="lisi@example.com"
        )
    rows = list(Message.objects.values_list("event", "recipient_id", "channel", "address"))
    assert sorted(rows) == [
        ("invitation_sent", invitee.pk, "email", "lisi@example.com"),
        ("invitation_sent", invitee.pk, "inbox", ""),
    ]
    assert [m.to for m in mail.outbox] == [["lisi@example.com"]]
    assert f"/join/{invitation.code}" in mail.outbox[0].body
    assert Message.objects.get(channel="email").status == MessageStatus.SENT
    assert Message.objects.get(channel="inbox").status == MessageStatus.DELIVERED


def test_invitation_to_an_address_without_account_goes_by_email(
    captain, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(actor=captain, team=team, invitee_contact="new.person@example.org")
    rows = list(Message.objects.values_list("recipient_id", "channel", "address"))
    assert rows == [(None, "email", "new.person@example.org")]
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]


def test_rolled_back_change_notifies_nobody(
    captain, team, invitee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                invitation_create(actor=captain, team=team, invitee_contact="lisi@example.com")
                raise RuntimeError("the request failed after the invitation")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_invitation_accepted_tells_the_captain_only(
    captain, team, invitee, member, django_capture_on_commit_callbacks
):
    invitation = invitation_create(actor=captain, team=team, invitee_contact="x@example.org")
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(actor=invitee, code=invitation.code)
    rows = sorted(Message.objects.values_list("event", "recipient_id", "channel"))
    assert rows == [
        ("invitation_accepted", captain.pk, "email"),
        ("invitation_accepted", captain.pk, "inbox"),
    ]


def test_event_raised_twice_writes_each_message_once(captain, team, invitee):
    invitation = invitation_create(actor=captain, team=team, invitee_contact="lisi@example.com")
    first = event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    again = event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    assert (first, again) == (2, 0)
    assert Message.objects.count() == 2


def test_event_about_a_deleted_object_writes_nothing(db):
    assert event_raise(event="invitation_sent", model="contest.Invitation", obj_id=999999) == 0
    assert Message.objects.count() == 0


def test_sms_needs_a_template_registered_with_the_provider(settings, captain, team, invitee):
    invitation = invitation_create(actor=captain, team=team, invitee_contact="13800000001")
    event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    assert Message.objects.filter(channel=Channel.SMS).count() == 0
    Message.objects.all().delete()
    settings.NOTIFICATIONS_SMS_TEMPLATES = {
        "invitation_sent": {"code": "SMS_000001", "params": ["team_name", "code"]}
    }
    event_raise(event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk)
    sms = Message.objects.get(channel=Channel.SMS)
    assert (sms.address, sms.template_code, sms.params) == (
        "13800000001",
        "SMS_000001",
        {"team_name": "星火团队", "code": invitation.code},
    )


def test_invitation_declined_tells_the_captain_only(
    captain, team, invitee, member, django_capture_on_commit_callbacks
):
    from contest.services.team import invitation_decline

    invitation = invitation_create(actor=captain, team=team, invitee_contact="y@example.org")
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        invitation_decline(actor=invitee, code=invitation.code)
    rows = sorted(Message.objects.values_list("event", "recipient_id", "channel"))
    assert rows == [
        ("invitation_declined", captain.pk, "email"),
        ("invitation_declined", captain.pk, "inbox"),
    ]
