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


def not_promoted_send(*, now: dt.datetime | None = None) -> int:
    """Teams whose entry did not go on: told once the next stage's submission window has opened
    (NOTIFICATIONS_NOT_PROMOTED_DAYS, default 3, is how far back a window's opening is looked
    at). Promotion can come in several rounds (a rule, then entries picked by hand); when the
    next stage opens, the rounds are over, so that is when "not promoted" is true. Only stages
    into which something was promoted count: a stage the contest fills otherwise says nothing."""
    from judging.models import Promotion

    now = now or timezone.now()
    days = setting("NOTIFICATIONS_NOT_PROMOTED_DAYS", 3)
    opened = Stage.objects.filter(
        submission_opens_at__lte=now, submission_opens_at__gt=now - dt.timedelta(days=days)
    ).filter(Exists(Promotion.objects.filter(to_stage=OuterRef("pk"))))
    sent = 0
    for to_stage in opened:
        from_ids = set(
            Promotion.objects.filter(to_stage=to_stage).values_list("from_stage_id", flat=True)
        )
        promoted = Promotion.objects.filter(to_stage=to_stage).values("entry_id")
        left = (
            Entry.objects.filter(stage_id__in=from_ids, status="submitted")
            .exclude(pk__in=promoted)
            .values_list("pk", flat=True)
        )
        for entry_id in left:
            sent += event_raise(
                event="entry_not_promoted",
                model="contest.Entry",
                obj_id=entry_id,
                data={"to_stage": to_stage.pk},
                occurrence=f"stage:{to_stage.pk}",
            )
    return sent


def reminders_send(*, now: dt.datetime | None = None) -> dict:
    return {
        "deadline": deadline_reminders_send(now=now),
        "scoring": scoring_reminders_send(now=now),
        "declaration": declaration_reminders_send(now=now),
        "not_promoted": not_promoted_send(now=now),
    }
