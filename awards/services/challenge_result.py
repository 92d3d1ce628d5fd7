"""The result of one challenge (榜题) of a 揭榜挂帅 contest, and its public notice (公示).

* `challenge_result_record` (organiser): the winners — one 擂主 or several prize winners, each a
  team that took the challenge, with the prize per winner — or 流榜 with the panel's reasons.
  Recording again replaces a result not yet on notice (its proposed awards are removed).
* `challenge_result_notice_open`: the result goes on its own notice, with the window rules of an
  award list (`awards.services.notice.notice_window_check`: never in the past, at least the
  contest's minimum). Objections and finalising are the notice's (`objection_submit`,
  `objection_resolve`, `notice_finalise`); the result is final when its notice is.

Each challenge's result is its own. That is why the winners' awards are written here and not by
`awards.services.award.award_add`: that one refuses once *any* award of the contest is final,
whereas one challenge's list being final must not freeze the next challenge's. The awards are of
the challenge's own tier (`AwardTier.challenge`), created on first use, so a contest-wide list
and a challenge's list never share a tier.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from awards.enums import AwardStatus, AwardTierKind, ChallengeOutcome, NoticeStatus
from awards.errors import error
from awards.models import Award, AwardTier, ChallengeResult, ChallengeWinner, Notice
from awards.services.notice import _notice_create, notice_window_check
from contest.enums import ChallengeStatus
from contest.models import Challenge, Team
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.services.audit import audit_record

WINNER_TIER_NAME = "擂主"
PRIZE_TIER_NAME = "揭榜奖"


def _prize(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise error("prize_amount_invalid", fields={"winners": ["prize_amount_invalid"]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise error("prize_amount_invalid", fields={"winners": ["prize_amount_invalid"]})
    return amount.quantize(Decimal("0.01"))


def challenge_tier(*, challenge: Challenge, several: bool) -> AwardTier:
    """The challenge's special tier: 擂主 for one winner, 揭榜奖 for several."""
    name = PRIZE_TIER_NAME if several else WINNER_TIER_NAME
    tier, _ = AwardTier.objects.get_or_create(
        contest_id=challenge.contest_id,
        challenge=challenge,
        name=name,
        defaults={"kind": AwardTierKind.SPECIAL},
    )
    return tier


def _winners_check(challenge: Challenge, winners: list[dict]) -> list[tuple[Team, Decimal]]:
    checked, seen = [], set()
    for spec in winners:
        team = spec["team"]
        if not isinstance(team, Team):
            team = Team.objects.filter(pk=team).first()
        if team is None or team.contest_id != challenge.contest_id:
            raise error("team_not_in_contest", fields={"winners": ["team_not_in_contest"]})
        if team.challenge_id != challenge.pk:
            raise error(
                "winner_not_on_challenge",
                team=team.name,
                fields={"winners": ["winner_not_on_challenge"]},
            )
        if team.pk in seen:
            raise error("winner_duplicate", fields={"winners": ["winner_duplicate"]})
        seen.add(team.pk)
        checked.append((team, _prize(spec.get("prize_amount", 0))))
    return checked


@transaction.atomic
def challenge_result_record(
    *,
    actor,
    challenge: Challenge,
    outcome: str,
    winners: list[dict] | None = None,
    reasons: str = "",
) -> ChallengeResult:
    """Record (or, before its notice, replace) the challenge's result. `winners`: a list of
    {"team": Team | id, "prize_amount": Decimal}. Audited as `challenge_result.record`."""
    permission_require(actor, "awards.record_challenge_result", challenge)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if challenge.status not in (ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED):
        raise error("challenge_not_published")
    reasons = (reasons or "").strip()
    winners = list(winners or [])
    if outcome not in ChallengeOutcome.values:
        raise error("challenge_outcome_invalid", fields={"outcome": ["challenge_outcome_invalid"]})
    if outcome == ChallengeOutcome.UNFILLED:
        if winners:
            raise error(
                "challenge_unfilled_has_winners",
                fields={"winners": ["challenge_unfilled_has_winners"]},
            )
        if not reasons:
            raise error(
                "challenge_unfilled_reasons_required",
                fields={"reasons": ["challenge_unfilled_reasons_required"]},
            )
    elif not winners:
        raise error(
            "challenge_winners_required", fields={"winners": ["challenge_winners_required"]}
        )
    checked = _winners_check(challenge, winners)

    result = ChallengeResult.objects.select_for_update().filter(challenge=challenge).first()
    before = None
    if result is not None:
        if result.notice_id is not None:
            raise error("challenge_result_in_notice")
        before = _result_data(result)
        old = list(result.winners.values_list("award_id", flat=True))
        result.winners.all().delete()
        Award.objects.filter(pk__in=old).update(
            status=AwardStatus.REMOVED, updated_at=timezone.now()
        )
    else:
        result = ChallengeResult(contest_id=challenge.contest_id, challenge=challenge)
    result.outcome = outcome
    result.reasons = reasons
    result.decided_by = actor
    result.decided_at = timezone.now()
    full_clean_or_raise(result)
    result.save()
    if checked:
        tier = challenge_tier(challenge=challenge, several=len(checked) > 1)
        for team, amount in checked:
            award = Award.objects.create(
                contest_id=challenge.contest_id,
                tier=tier,
                team=team,
                group_key=f"challenge:{challenge.pk}",
                group_name=challenge.title[:200],
                status=AwardStatus.PROPOSED,
                reason=reasons or "揭榜成功",
                created_by=actor,
            )
            ChallengeWinner.objects.create(
                result=result, award=award, team=team, prize_amount=amount
            )
    audit_record(
        contest=challenge.contest_id,
        actor=actor,
        action="challenge_result.record",
        obj=result,
        reason=reasons,
        data={"challenge": challenge.pk, "before": before, "after": _result_data(result)},
    )
    return result


def _result_data(result: ChallengeResult) -> dict:
    return {
        "outcome": result.outcome,
        "reasons": result.reasons,
        "winners": [
            {"team": w.team_id, "award": w.award_id, "prize_amount": str(w.prize_amount)}
            for w in result.winners.order_by("id")
        ],
    }


@transaction.atomic
def challenge_result_notice_open(
    *,
    actor,
    result: ChallengeResult,
    days: int,
    working_days: bool = True,
    opens_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Notice:
    """Put the challenge's result on its own public notice (its winners, or the 流榜 and its
    reasons). `now` is the demo seed's clock; the API never sets it."""
    challenge = result.challenge
    permission_require(actor, "awards.open_notice", challenge.contest)
    result = ChallengeResult.objects.select_for_update().get(pk=result.pk)
    if result.notice_id is not None and result.notice.status != NoticeStatus.STALE:
        raise error("challenge_result_in_notice")
    now = now or timezone.now()
    opens_at, closes_at = notice_window_check(
        contest=challenge.contest, days=days, working_days=working_days, opens_at=opens_at, now=now
    )
    award_ids = list(result.winners.values_list("award_id", flat=True))
    change = {
        "action": "challenge_result",
        "challenge": challenge.pk,
        "challenge_code": challenge.code,
        "outcome": result.outcome,
        "reason": result.reasons,
        "winners": [
            {"team_name": w.team.name, "prize_amount": str(w.prize_amount)}
            for w in result.winners.select_related("team")
        ],
    }
    label = "流榜公示" if result.outcome == ChallengeOutcome.UNFILLED else "揭榜结果公示"
    notice = _notice_create(
        actor=actor,
        contest=challenge.contest,
        stage=None,
        award_ids=award_ids,
        days=days,
        working_days=working_days,
        opens_at=opens_at,
        closes_at=closes_at,
        title=f"{challenge.code} {challenge.title} {label}"[:200],
        changes=[change],
        now=now,
    )
    result.notice = notice
    result.save(update_fields=["notice", "updated_at"])
    return notice


def challenge_result_is_final(result: ChallengeResult) -> bool:
    return result.notice_id is not None and result.notice.status == NoticeStatus.FINAL
