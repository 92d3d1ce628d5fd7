"""The challenge (榜题) workflow: draft → submitted → approved → published → closed.

The publisher drafts and submits; the organiser approves (or returns with a reason) and publishes
the list. A published challenge can no longer be edited by its publisher.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contest import permissions
from contest.enums import ChallengeStatus
from contest.errors import StateConflict, ValidationFailed
from contest.models import Challenge, Contest
from contest.services.common import full_clean_or_raise, not_permitted

# What a publisher (or the organiser) may write on a challenge, in display order.
EDITABLE_FIELDS = (
    "code",
    "title",
    "track",
    "background",
    "targets",
    "acceptance_indicators",
    "prize_amount",
    "prize_negotiable",
    "prize_payer",
    "deadline",
    "eligibility",
    "contact_name",
    "contact_phone",
    "contact_email",
)


def _prize_check(challenge: Challenge) -> None:
    if challenge.prize_amount is not None and challenge.prize_amount < 0:
        raise ValidationFailed(
            "prize_negative",
            "榜额不能为负数。",
            "The prize cannot be negative.",
            fields={"prize_amount": ["prize_negative"]},
        )
    if challenge.prize_negotiable and challenge.prize_amount not in (None, 0):
        raise ValidationFailed(
            "prize_negotiable_with_amount",
            "榜额“面议”时不应填写金额。",
            "A negotiable prize has no amount.",
            fields={"prize_amount": ["prize_negotiable_with_amount"]},
        )
    if challenge.track_id and challenge.track.contest_id != challenge.contest_id:
        raise ValidationFailed(
            "track_not_in_contest",
            "赛道不属于该赛事。",
            "The track belongs to another contest.",
            fields={"track": ["track_not_in_contest"]},
        )


@transaction.atomic
def challenge_create(*, actor, contest: Contest, publisher, **fields) -> Challenge:
    """A publisher drafts a challenge for its own organisation; an organiser may draft for any."""
    is_organiser = permissions.is_organiser(actor, contest)
    if not is_organiser and not permissions.is_publisher_for(actor, contest, publisher.pk):
        raise not_permitted("为该单位发布榜题", "draft challenges for this organisation")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown challenge fields: {sorted(unknown)}")
    challenge = Challenge(contest=contest, publisher=publisher, created_by=actor, **fields)
    _prize_check(challenge)
    full_clean_or_raise(challenge)
    challenge.save()
    return challenge


@transaction.atomic
def challenge_update(*, actor, challenge: Challenge, **fields) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    contest = challenge.contest
    is_organiser = permissions.is_organiser(actor, contest)
    is_publisher = permissions.is_publisher_for(actor, contest, challenge.publisher_id)
    if not (is_organiser or is_publisher):
        raise not_permitted("修改该榜题", "edit this challenge")
    editable = (
        {ChallengeStatus.DRAFT}
        if not is_organiser
        else {
            ChallengeStatus.DRAFT,
            ChallengeStatus.SUBMITTED,
            ChallengeStatus.APPROVED,
        }
    )
    if challenge.status not in editable:
        raise StateConflict(
            "challenge_not_editable",
            f"榜题处于“{challenge.get_status_display()}”状态，不能修改。",
            f"A challenge in status '{challenge.status}' cannot be edited.",
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown challenge fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(challenge, key, value)
    _prize_check(challenge)
    full_clean_or_raise(challenge)
    challenge.save()
    return challenge


def _transition(
    challenge: Challenge, *, allowed_from: set[str], to: str, note: str | None = None
) -> Challenge:
    if challenge.status not in allowed_from:
        raise StateConflict(
            "invalid_transition",
            f"榜题不能从“{challenge.get_status_display()}”变为“{ChallengeStatus(to).label}”。",
            f"A challenge cannot move from {challenge.status} to {to}.",
        )
    challenge.status = to
    if to == ChallengeStatus.PUBLISHED:
        challenge.published_at = timezone.now()
    if note is not None:
        challenge.review_note = note
    challenge.save(update_fields=["status", "published_at", "review_note", "updated_at"])
    return challenge


@transaction.atomic
def challenge_submit(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not (
        permissions.is_publisher_for(actor, challenge.contest, challenge.publisher_id)
        or permissions.is_organiser(actor, challenge.contest)
    ):
        raise not_permitted("提交该榜题", "submit this challenge")
    return _transition(
        challenge, allowed_from={ChallengeStatus.DRAFT}, to=ChallengeStatus.SUBMITTED
    )


@transaction.atomic
def challenge_approve(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not permissions.is_organiser(actor, challenge.contest):
        raise not_permitted("审核榜题", "approve challenges")
    return _transition(
        challenge, allowed_from={ChallengeStatus.SUBMITTED}, to=ChallengeStatus.APPROVED
    )


@transaction.atomic
def challenge_return(*, actor, challenge: Challenge, reason: str) -> Challenge:
    """The organiser sends a submitted challenge back to its publisher for changes."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not permissions.is_organiser(actor, challenge.contest):
        raise not_permitted("退回榜题", "return challenges")
    if not reason.strip():
        raise ValidationFailed(
            "reason_required",
            "退回须说明理由。",
            "A reason is required.",
            fields={"reason": ["reason_required"]},
        )
    return _transition(
        challenge,
        allowed_from={ChallengeStatus.SUBMITTED, ChallengeStatus.APPROVED},
        to=ChallengeStatus.DRAFT,
        note=reason.strip(),
    )


@transaction.atomic
def challenge_publish(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not permissions.is_organiser(actor, challenge.contest):
        raise not_permitted("发布榜题", "publish challenges")
    return _transition(
        challenge, allowed_from={ChallengeStatus.APPROVED}, to=ChallengeStatus.PUBLISHED
    )


@transaction.atomic
def challenge_list_publish(*, actor, contest: Contest) -> int:
    """Publish every approved challenge of a contest at once (发榜); returns how many."""
    if not permissions.is_organiser(actor, contest):
        raise not_permitted("发布榜单", "publish the challenge list")
    return contest.challenges.filter(status=ChallengeStatus.APPROVED).update(
        status=ChallengeStatus.PUBLISHED, published_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def challenge_close(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if not permissions.is_organiser(actor, challenge.contest):
        raise not_permitted("关闭榜题", "close challenges")
    return _transition(
        challenge, allowed_from={ChallengeStatus.PUBLISHED}, to=ChallengeStatus.CLOSED
    )
