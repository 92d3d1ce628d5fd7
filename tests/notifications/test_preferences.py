"""Preferences per kind and channel; essential kinds keep their inbox; the unsubscribe link."""

from __future__ import annotations

import re

import pytest
from django.core import signing

from contest.services.team import invitation_create
from notifications.errors import error  # noqa: F401  (the catalogue is loaded)
from notifications.models import Message, Preference
from notifications.services.outbox import event_raise
from notifications.services.preference import preferences_of, preferences_set, unsubscribe
from notifications.tokens import unsubscribe_token, unsubscribe_token_read


def _accepted_invitation(captain, team):
    invitation = invitation_create(actor=captain, team=team, invitee_contact="x@example.org")
    invitation.status = "accepted"
    invitation.save()
    return invitation


def test_switched_off_email_is_not_sent(captain, team):
    preferences_set(
        actor=captain,
        choices=[{"kind": "invitation_accepted", "channel": "email", "enabled": False}],
    )
    invitation = _accepted_invitation(captain, team)
    event_raise(event="invitation_accepted", model="contest.Invitation", obj_id=invitation.pk)
    assert list(Message.objects.values_list("channel", flat=True)) == ["inbox"]


def test_non_essential_inbox_can_be_switched_off(captain, team):
    preferences_set(
        actor=captain,
        choices=[
            {"kind": "invitation_accepted", "channel": "inbox", "enabled": False},
            {"kind": "invitation_accepted", "channel": "email", "enabled": False},
        ],
    )
    invitation = _accepted_invitation(captain, team)
    assert (
        event_raise(event="invitation_accepted", model="contest.Invitation", obj_id=invitation.pk)
        == 0
    )


def test_essential_inbox_cannot_be_switched_off_and_nothing_is_stored(captain):
    with pytest.raises(Exception) as caught:
        preferences_set(
            actor=captain,
            choices=[
                {"kind": "entry_submitted", "channel": "email", "enabled": False},
                {"kind": "entry_submitted", "channel": "inbox", "enabled": False},
            ],
        )
    assert caught.value.code == "preference_essential"
    assert caught.value.message_zh == "该通知为必要通知，站内信不可关闭。"
    assert caught.value.message_en == (
        "This notification is essential: its inbox copy cannot be switched off."
    )
    assert Preference.objects.count() == 0


def test_essential_inbox_stays_on_even_if_a_row_says_off(captain, team):
    Preference.objects.create(
        user=captain, kind="results_published", channel="inbox", enabled=False
    )
    kinds = {k["kind"]: k for k in preferences_of(user=captain)["kinds"]}
    assert kinds["results_published"]["channels"] == {"inbox": True, "email": True}
    assert kinds["results_published"]["essential"] is True


def test_non_essential_email_carries_a_working_unsubscribe_link(settings, captain, team):
    settings.SITE_URL = "https://saiwu.example.cn"
    invitation = _accepted_invitation(captain, team)
    event_raise(event="invitation_accepted", model="contest.Invitation", obj_id=invitation.pk)
    body = Message.objects.get(channel="email").body
    match = re.search(
        r"退订此类邮件：https://saiwu\.example\.cn/unsubscribe\?token=(\S+)",
        body,
    )
    assert match
    answer = unsubscribe(token=match.group(1))
    assert (answer["kind"], answer["label_en"], answer["channel"]) == (
        "invitation_accepted",
        "Invitation accepted",
        "email",
    )
    assert (
        Preference.objects.filter(
            user=captain, kind="invitation_accepted", channel="email", enabled=False
        ).count()
        == 1
    )


def test_unsubscribe_token_cannot_be_forged(captain):
    token = unsubscribe_token(user_id=captain.pk, kind="announcement")
    assert unsubscribe_token_read(token) == (captain.pk, "announcement")
    forged = signing.dumps({"u": captain.pk + 1, "k": "announcement"}, salt="other")
    assert unsubscribe_token_read(forged) is None
    assert unsubscribe_token_read(token[:-2] + "xx") is None
    with pytest.raises(Exception) as caught:
        unsubscribe(token=forged)
    assert caught.value.code == "unsubscribe_token_invalid"
