"""The challenge (榜题) workflow: draft → submitted → approved → published → closed.

The publisher drafts and submits; the organiser approves (or returns with a reason) and publishes
the list. A published challenge can no longer be edited by its publisher.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contest.enums import ChallengeStatus
from contest.errors import TRANSITION_SUBJECT_CHALLENGE, error, text_by_language
from contest.models import Challenge, Contest
from contest.permissions import permission_check, permission_require
from contest.services.common import full_clean_or_raise
from contest.signals import decision_record

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
        raise error("prize_negative", fields={"prize_amount": ["prize_negative"]})
    if challenge.prize_negotiable and challenge.prize_amount not in (None, 0):
        raise error(
            "prize_negotiable_with_amount",
            fields={"prize_amount": ["prize_negotiable_with_amount"]},
        )
    if challenge.track_id and challenge.track.contest_id != challenge.contest_id:
        raise error("track_not_in_contest", fields={"track": ["track_not_in_contest"]})


@transaction.atomic
def challenge_create(*, actor, contest: Contest, publisher, **fields) -> Challenge:
    """A publisher drafts a challenge for its own organisation; an organiser may draft for any."""
    permission_require(
        actor, "contest.draft_challenge", Challenge(contest=contest, publisher=publisher)
    )
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
    permission_require(actor, "contest.edit_challenge", challenge)
    # The publisher edits its drafts; the organiser may edit until the challenge is published.
    is_organiser = permission_check(actor, "contest.manage_contest", contest)
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
        raise error(
            "challenge_not_editable",
            status=text_by_language(zh=challenge.get_status_display(), en=str(challenge.status)),
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
    challenge: Challenge,
    *,
    actor,
    allowed_from: set[str],
    to: str,
    action: str,
    note: str | None = None,
) -> Challenge:
    """Move a challenge from one of `allowed_from` to `to` and record the decision on the chain
    (a return's reason included), in the caller's transaction."""
    if challenge.status not in allowed_from:
        raise error(
            "invalid_transition",
            subject=TRANSITION_SUBJECT_CHALLENGE,
            current=text_by_language(zh=challenge.get_status_display(), en=str(challenge.status)),
            target=text_by_language(zh=ChallengeStatus(to).label, en=str(to)),
        )
    previous, challenge.status = challenge.status, to
    if to == ChallengeStatus.PUBLISHED:
        challenge.published_at = timezone.now()
    if note is not None:
        challenge.review_note = note
    challenge.save(update_fields=["status", "published_at", "review_note", "updated_at"])
    decision_record(
        contest=challenge.contest_id,
        actor=actor,
        action=action,
        subject=challenge,
        reason=note or "",
        data={"code": challenge.code, "from": str(previous), "to": str(to)},
    )
    return challenge


@transaction.atomic
def challenge_submit(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    permission_require(actor, "contest.submit_challenge", challenge)
    return _transition(
        challenge,
        actor=actor,
        allowed_from={ChallengeStatus.DRAFT},
        to=ChallengeStatus.SUBMITTED,
        action="challenge.submit",
    )


@transaction.atomic
def challenge_approve(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    permission_require(actor, "contest.approve_challenge", challenge)
    return _transition(
        challenge,
        actor=actor,
        allowed_from={ChallengeStatus.SUBMITTED},
        to=ChallengeStatus.APPROVED,
        action="challenge.approve",
    )


@transaction.atomic
def challenge_return(*, actor, challenge: Challenge, reason: str) -> Challenge:
    """The organiser sends a submitted challenge back to its publisher for changes. The reason
    becomes the challenge's `review_note`, which only organisers and its publisher see."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    permission_require(actor, "contest.return_challenge", challenge)
    if not reason.strip():
        raise error("reason_required", fields={"reason": ["reason_required"]})
    return _transition(
        challenge,
        actor=actor,
        allowed_from={ChallengeStatus.SUBMITTED, ChallengeStatus.APPROVED},
        to=ChallengeStatus.DRAFT,
        action="challenge.return",
        note=reason.strip(),
    )


@transaction.atomic
def challenge_publish(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    permission_require(actor, "contest.publish_challenge", challenge)
    return _transition(
        challenge,
        actor=actor,
        allowed_from={ChallengeStatus.APPROVED},
        to=ChallengeStatus.PUBLISHED,
        action="challenge.publish",
    )


@transaction.atomic
def challenge_list_publish(*, actor, contest: Contest) -> int:
    """Publish every approved challenge of a contest at once (发榜); returns how many.
    Each one goes on the chain, as if published one by one."""
    permission_require(actor, "contest.publish_challenge_list", contest)
    approved = list(contest.challenges.select_for_update().filter(status=ChallengeStatus.APPROVED))
    for challenge in approved:
        _transition(
            challenge,
            actor=actor,
            allowed_from={ChallengeStatus.APPROVED},
            to=ChallengeStatus.PUBLISHED,
            action="challenge.publish",
        )
    return len(approved)


@transaction.atomic
def challenge_close(*, actor, challenge: Challenge) -> Challenge:
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    permission_require(actor, "contest.close_challenge", challenge)
    return _transition(
        challenge,
        actor=actor,
        allowed_from={ChallengeStatus.PUBLISHED},
        to=ChallengeStatus.CLOSED,
        action="challenge.close",
    )
