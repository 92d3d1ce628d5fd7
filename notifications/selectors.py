"""Reads of the notifications app, filtered by role: a person's own inbox only (another's message
is a 404), and delivery figures for a contest's organisers."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from notifications.enums import Channel, MessageStatus
from notifications.models import Announcement, Message


def inbox_of(*, user) -> QuerySet[Message]:
    if not (user and user.is_authenticated):
        return Message.objects.none()
    return Message.objects.filter(recipient=user, channel=Channel.INBOX).order_by(
        "-created_at", "-id"
    )


def unread_count(*, user) -> int:
    return inbox_of(user=user).filter(read_at__isnull=True).count()


def delivery_stats(*, contest) -> list[dict]:
    """Per event and channel: how many messages are in each status."""
    rows = (
        Message.objects.filter(contest=contest)
        .values("event", "channel", "status")
        .annotate(n=Count("id"))
        .order_by("event", "channel", "status")
    )
    table: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row["event"], row["channel"])
        entry = table.setdefault(
            key,
            {"event": row["event"], "channel": row["channel"], "total": 0}
            | {s: 0 for s in MessageStatus.values},
        )
        entry[row["status"]] = row["n"]
        entry["total"] += row["n"]
    return list(table.values())


def announcements_of(*, contest) -> QuerySet[Announcement]:
    return Announcement.objects.filter(contest=contest).select_related("author", "track", "stage")
