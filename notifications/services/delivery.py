"""Sending the queued e-mail and SMS rows of the outbox, in batches, with retries, back-off and a
rate limit per channel.

A batch is claimed with `SELECT … FOR UPDATE SKIP LOCKED` (PostgreSQL), so two workers never take
the same row; each row is sent only while it is `queued` and its status is written in the same
transaction, so a retried task (or a second worker) finds it `sent` and sends nothing. A
temporary failure counts an attempt and puts the next one off by
NOTIFICATIONS_RETRY_BASE_SECONDS × 2^(attempts−1) (capped at NOTIFICATIONS_RETRY_MAX_SECONDS);
after NOTIFICATIONS_MAX_ATTEMPTS the row is `failed`. A permanent refusal (SMTP 5xx, a bad
number) is `bounced` at once. The provider's reply is kept either way.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from notifications.channels.base import SendResult
from notifications.enums import Channel, MessageStatus
from notifications.models import Message

DEFAULT_RATES = {Channel.EMAIL: 500, Channel.SMS: 50}  # messages per second per channel


def setting(name: str, default):
    return getattr(settings, name, default)


def backoff_seconds(attempts: int) -> int:
    base = setting("NOTIFICATIONS_RETRY_BASE_SECONDS", 60)
    cap = setting("NOTIFICATIONS_RETRY_MAX_SECONDS", 3600)
    return int(min(cap, base * 2 ** max(0, attempts - 1)))


class RateLimiter:
    """At most `rate` messages per second on one channel, shared by every worker through the
    cache (one counter per channel and second). `clock` and `sleep` are injectable so the limit
    can be checked without waiting."""

    def __init__(self, channel: str, *, clock: Callable[[], float] = time.time, sleep=time.sleep):
        rates = {**DEFAULT_RATES, **setting("NOTIFICATIONS_RATE_LIMITS", {})}
        self.channel = channel
        self.rate = int(rates.get(channel, 0))
        self.clock = clock
        self.sleep = sleep

    def acquire(self) -> None:
        if self.rate <= 0:
            return
        from django.core.cache import cache

        while True:
            now = self.clock()
            second = int(now)
            key = f"notifications:rate:{self.channel}:{second}"
            cache.add(key, 0, timeout=5)
            try:
                used = cache.incr(key)
            except ValueError:  # expired between add and incr
                continue
            if used <= self.rate:
                return
            self.sleep(max(0.0, second + 1 - now))


def _sender(channel: str):
    if channel == Channel.EMAIL:
        from notifications.channels.email import EmailSender

        return EmailSender()
    from notifications.channels.sms import SmsSender

    return SmsSender()


def _outcome(message: Message, result: SendResult, now: dt.datetime) -> None:
    message.attempts += 1
    message.provider_reply = result.reply[:4000]
    if result.ok:
        message.status = MessageStatus.SENT
        message.provider_id = result.provider_id[:128]
        message.sent_at = now
        message.next_attempt_at = None
    elif result.permanent:
        message.status = MessageStatus.BOUNCED
        message.next_attempt_at = None
    elif message.attempts >= setting("NOTIFICATIONS_MAX_ATTEMPTS", 5):
        message.status = MessageStatus.FAILED
        message.next_attempt_at = None
    else:
        message.next_attempt_at = now + dt.timedelta(seconds=backoff_seconds(message.attempts))
    message.save(
        update_fields=[
            "attempts",
            "provider_reply",
            "status",
            "provider_id",
            "sent_at",
            "next_attempt_at",
        ]
    )


def messages_due(channel: str, now: dt.datetime):
    return Message.objects.filter(channel=channel, status=MessageStatus.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def messages_send(
    *, channel: str, batch_size: int | None = None, time_budget: float | None = None, limiter=None
) -> dict:
    """Send the due messages of `channel`, batch after batch, until none is due or the time
    budget (seconds) is spent. Returns {"sent", "failed", "retry", "more"}; `more` is true when
    due rows remain for another run."""
    size = batch_size or setting("NOTIFICATIONS_BATCH_SIZE", 200)
    budget = time_budget if time_budget is not None else setting("NOTIFICATIONS_TIME_BUDGET", 50)
    limiter = limiter or RateLimiter(channel)
    started = time.monotonic()
    counts = {"sent": 0, "failed": 0, "retry": 0, "more": False}
    with _sender(channel) as sender:
        while True:
            with transaction.atomic():
                batch = list(
                    messages_due(channel, timezone.now())
                    .select_for_update(skip_locked=True)
                    .order_by("next_attempt_at", "id")[:size]
                )
                for message in batch:
                    limiter.acquire()
                    result = sender.send(message)
                    _outcome(message, result, timezone.now())
                    if message.status == MessageStatus.SENT:
                        counts["sent"] += 1
                    elif message.status == MessageStatus.QUEUED:
                        counts["retry"] += 1
                    else:
                        counts["failed"] += 1
            if len(batch) < size:
                break
            if time.monotonic() - started >= budget:
                counts["more"] = messages_due(channel, timezone.now()).exists()
                break
    return counts


def message_send(*, message_id: int) -> str | None:
    """Send one queued message now (whatever its next attempt time); a message that is no longer
    queued is left alone. Returns its status afterwards, None if it is gone."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            return None
        if message.status != MessageStatus.QUEUED or message.channel == Channel.INBOX:
            return message.status
        with _sender(message.channel) as sender:
            RateLimiter(message.channel).acquire()
            _outcome(message, sender.send(message), timezone.now())
        return message.status
