"""Recipients and template context of the expert draw's invitation (`expert_invited`): the
expert's account if they have one (or one with their e-mail or mobile), else their address."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from notifications.recipients import active_users as _users


def expert_users(pick):
    expert = pick.expert
    if expert.user_id:
        return _users().filter(pk=expert.user_id)
    q = Q(pk__in=[])
    if expert.email:
        q |= Q(email__iexact=expert.email)
    if expert.mobile:
        q |= Q(mobile=expert.mobile)
    return _users().filter(q)


def expert_addresses(pick):
    expert = pick.expert
    if expert_users(pick).exists():
        return []
    return [a for a in (expert.email, expert.mobile) if a][:1]


def expert_pick_context(pick, data) -> dict:
    draw = pick.draw
    return {
        "contest_name": draw.stage.contest.name,
        "contest_edition": draw.stage.contest.edition,
        "stage_name": draw.stage.name,
        "track_name": draw.track.name if draw.track_id else "",
        "expert_name": pick.expert.name,
        "respond_by": timezone.localtime(pick.respond_by).strftime("%Y-%m-%d %H:%M")
        if pick.respond_by
        else "",
        "event_date": draw.event_date.isoformat() if draw.event_date else "",
    }
