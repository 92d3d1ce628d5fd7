"""Races on PostgreSQL: the same event raised by several workers at once writes each message
once (the unique idempotency key), and two senders never send the same row (SKIP LOCKED).
SQLite serialises writers, so these skip there (and fail under CI=true without PostgreSQL)."""

from __future__ import annotations

from contest.models import Invitation
from notifications.models import Message
from notifications.services.delivery import messages_send
from notifications.services.outbox import event_raise
from tests.concurrency import concurrently
from tests.factories.contest import ContestFactory, TeamFactory, TeamMemberFactory, UserFactory

THREADS = 8


def test_event_raised_at_once_by_many_workers_writes_each_message_once(postgres):
    UserFactory(email="lisi@example.com")
    team = TeamFactory(contest=ContestFactory())
    invitation = Invitation.objects.create(
        team=team,
        invitee_contact="lisi@example.com",
        expires_at="2099-01-01T00:00:00Z",
        invited_by=team.captain,
    )

    def raise_it():
        return event_raise(
            event="invitation_sent", model="contest.Invitation", obj_id=invitation.pk
        )

    results = concurrently([raise_it] * THREADS)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert Message.objects.count() == 2
    assert sorted(Message.objects.values_list("channel", flat=True)) == ["email", "inbox"]


def test_two_senders_send_each_message_once(postgres, smtp, settings):
    settings.NOTIFICATIONS_BATCH_SIZE = 5
    team = TeamFactory(contest=ContestFactory())
    for _ in range(29):
        TeamMemberFactory(team=team)
    from awards.models import Notice

    notice = Notice.objects.create(
        contest=team.contest,
        title="公示",
        days=5,
        opens_at="2026-01-01T00:00:00Z",
        closes_at="2026-01-08T00:00:00Z",
        created_by=team.captain,
    )
    assert event_raise(event="notice_opened", model="awards.Notice", obj_id=notice.pk) == 60
    # Outside a test transaction the raise enqueued (and, eagerly, ran) the send at once: queue
    # the rows again and let two senders race for them.
    Message.objects.filter(channel="email").update(status="queued", attempts=0)
    smtp.messages.clear()
    results = concurrently([lambda: messages_send(channel="email")] * 2)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert sum(r["sent"] for r in results) == 30
    assert len(smtp.messages) == 30
    assert sorted(a for m in smtp.messages for a in m["to"]) == sorted(
        Message.objects.filter(channel="email").values_list("address", flat=True)
    )
    assert Message.objects.filter(channel="email", attempts=1, status="sent").count() == 30
