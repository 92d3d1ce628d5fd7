"""Organisers' announcements and the resending of failed messages: both through the outbox."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notifications.enums import Channel, MessageStatus
from notifications.errors import error
from notifications.events import EVENTS
from notifications.models import Announcement, Message
from notifications.permissions import permission_require
from notifications.receivers import event_schedule


@transaction.atomic
def announcement_send(
    *, actor, contest, subject: str, body: str, track=None, stage=None
) -> Announcement:
    """Tell every person on the teams of `contest` (or of one track, or with an entry in one
    stage) through the outbox: the inbox, and e-mail unless they switched it off."""
    permission_require(actor, "notifications.send_announcement", contest)
    if not subject.strip() or not body.strip():
        raise error("announcement_empty", fields={"body": ["announcement_empty"]})
    if track is not None and track.contest_id != contest.pk:
        raise error("track_not_in_contest", fields={"track": ["track_not_in_contest"]})
    if stage is not None and stage.contest_id != contest.pk:
        raise error("stage_not_in_contest", fields={"stage": ["stage_not_in_contest"]})
    announcement = Announcement.objects.create(
        contest=contest,
        track=track,
        stage=stage,
        subject=subject.strip(),
        body=body.strip(),
        author=actor,
    )
    recipients = EVENTS["announcement"].recipients(announcement, {})
    announcement.recipients = recipients.order_by().values("pk").distinct().count()
    announcement.save(update_fields=["recipients"])
    event_schedule("announcement", "notifications.Announcement", announcement.pk)
    return announcement


@transaction.atomic
def messages_resend(*, actor, contest, event: str | None = None) -> int:
    """Queue the contest's failed and bounced e-mail and SMS again, from a fresh attempt count."""
    permission_require(actor, "notifications.resend_messages", contest)
    if event is not None and event not in EVENTS:
        raise error("event_unknown", fields={"event": ["event_unknown"]})
    rows = Message.objects.filter(
        contest=contest, status__in=[MessageStatus.FAILED, MessageStatus.BOUNCED]
    ).exclude(channel=Channel.INBOX)
    if event:
        rows = rows.filter(event=event)
    channels = set(rows.values_list("channel", flat=True))
    count = rows.update(status=MessageStatus.QUEUED, attempts=0, next_attempt_at=timezone.now())
    from notifications.tasks import messages_send_task

    for channel in sorted(channels):
        transaction.on_commit(lambda c=channel: messages_send_task.delay(c), robust=True)
    return count
