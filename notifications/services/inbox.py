"""The in-app inbox: a person marks their own messages read."""

from __future__ import annotations

from django.utils import timezone

from notifications.errors import error
from notifications.selectors import inbox_of


def notification_read(*, actor, message_id: int):
    message = inbox_of(user=actor).filter(pk=message_id).first()
    if message is None:
        raise error("notification_not_found")
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def notifications_read_all(*, actor) -> int:
    return inbox_of(user=actor).filter(read_at__isnull=True).update(read_at=timezone.now())
