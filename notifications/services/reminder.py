"""Reminders run by Celery beat (`notifications.reminders_send`, every 15 minutes): submission
deadlines to teams with drafts, scoring deadlines to judges behind, the declaration to judges who
have not answered their invitation. Each is an ordinary event
whose occurrence names the threshold and the deadline, so running again, on another worker or
after a retry, sends nothing twice; a deadline moved later gets its reminders again."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef
from django.utils import timezone

from contest.models import Entry, Stage
from judging.enums import PanelStatus
from judging.models import Assignment, PanelMembership, Review
from notifications.services.delivery import setting
from notifications.services.outbox import event_raise


def _threshold(closes_at: dt.datetime, now: dt.datetime, hours: list[int]) -> int | None:
    """The smallest threshold (hours before the deadline) already reached, if the deadline is
    still ahead: at 20 h before, the 24 h reminder, not the 72 h one as well."""
    if closes_at <= now:
        return None
    reached = [h for h in hours if closes_at - now <= dt.timedelta(hours=h)]
    return min(reached) if reached else None


def deadline_reminders_send(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    hours = sorted(setting("NOTIFICATIONS_DEADLINE_REMINDER_HOURS", [72, 24]))
    stages = Stage.objects.filter(
        submission_closes_at__gt=now,
        submission_closes_at__lte=now + dt.timedelta(hours=max(hours)),
    ).filter(Exists(Entry.objects.filter(stage=OuterRef("pk"), status="draft")))
    sent = 0
    for stage in stages:
        h = _threshold(stage.submission_closes_at, now, hours)
        if h is None:
            continue
        sent += event_raise(
            event="deadline_reminder",
            model="contest.Stage",
            obj_id=stage.pk,
            data={"hours": h},
            occurrence=f"{h}h:{stage.submission_closes_at.isoformat()}",
        )
    return sent


def scoring_reminders_send(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    hours = sorted(setting("NOTIFICATIONS_SCORING_REMINDER_HOURS", [48, 12]))
    stages = Stage.objects.filter(
        review_closes_at__gt=now, review_closes_at__lte=now + dt.timedelta(hours=max(hours))
    )
    sent = 0
    for stage in stages:
        h = _threshold(stage.review_closes_at, now, hours)
        if h is None:
            continue
        submitted = Review.objects.filter(assignment=OuterRef("pk"), status="submitted")
        behind = sorted(
            set(
                Assignment.objects.filter(stage=stage)
                .exclude(Exists(submitted))
                .values_list("judge_id", flat=True)
            )
        )
        if not behind:
            continue
        sent += event_raise(
            event="scoring_reminder",
            model="contest.Stage",
            obj_id=stage.pk,
            data={"hours": h, "judge_ids": behind},
            occurrence=f"{h}h:{stage.review_closes_at.isoformat()}",
        )
    return sent


def declaration_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Judges invited NOTIFICATIONS_DECLARATION_REMINDER_HOURS ago (default 48) who have not yet
    signed the declaration and accepted: one reminder per invitation, while the stage's review
    has not closed."""
    now = now or timezone.now()
    hours = setting("NOTIFICATIONS_DECLARATION_REMINDER_HOURS", 48)
    pending = PanelMembership.objects.filter(
        status=PanelStatus.INVITED, invited_at__lte=now - dt.timedelta(hours=hours)
    ).exclude(stage__review_closes_at__lte=now)
    sent = 0
    for membership_id in pending.values_list("pk", flat=True):
        sent += event_raise(
            event="declaration_reminder",
            model="judging.PanelMembership",
            obj_id=membership_id,
            occurrence=f"{hours}h",
        )
    return sent


def reminders_send(*, now: dt.datetime | None = None) -> dict:
    return {
        "deadline": deadline_reminders_send(now=now),
        "scoring": scoring_reminders_send(now=now),
        "declaration": declaration_reminders_send(now=now),
    }
