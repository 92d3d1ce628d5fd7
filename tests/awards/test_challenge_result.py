"""A challenge's own result: winners with prizes or 流榜 with reasons, its 公示 and finality."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from awards.enums import AwardStatus, NoticeStatus
from awards.models import Award, ChallengeResult, ChallengeWinner
from awards.services.challenge_result import (
    challenge_result_is_final,
    challenge_result_notice_open,
    challenge_result_record,
)
from awards.services.notice import notice_finalise
from contest.errors import DomainError, NotPermitted
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.factories.awards import challenge_world
from tests.factories.contest import TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return challenge_world()


def _code(call) -> str:
    with pytest.raises(DomainError) as exc:
        call()
    return exc.value.code


def test_record_winners_creates_awards_of_the_challenge_tier_with_prizes(w):
    second = TeamFactory(contest=w["contest"], challenge=w["challenge"], name="第二队")
    result = challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="winners",
        winners=[
            {"team": w["team"], "prize_amount": "300000"},
            {"team": second.pk, "prize_amount": Decimal("200000")},
        ],
    )
    winners = list(result.winners.order_by("id"))
    assert [(x.team_id, x.prize_amount) for x in winners] == [
        (w["team"].pk, Decimal("300000.00")),
        (second.pk, Decimal("200000.00")),
    ]
    tiers = {x.award.tier.challenge_id for x in winners}
    assert tiers == {w["challenge"].pk}
    assert winners[0].award.tier.name == "揭榜奖"
    assert {x.award.status for x in winners} == {AwardStatus.PROPOSED}
    row = AuditLog.objects.filter(action="challenge_result.record").get()
    assert row.data["after"]["winners"][0]["prize_amount"] == "300000.00"
    assert audit_verify(contest=w["contest"]).ok is True


def test_record_unfilled_needs_reasons_and_no_winners(w):
    assert (
        _code(
            lambda: challenge_result_record(
                actor=w["organiser"], challenge=w["challenge"], outcome="unfilled"
            )
        )
        == "challenge_unfilled_reasons_required"
    )
    assert (
        _code(
            lambda: challenge_result_record(
                actor=w["organiser"],
                challenge=w["challenge"],
                outcome="unfilled",
                reasons="无",
                winners=[{"team": w["team"], "prize_amount": 1}],
            )
        )
        == "challenge_unfilled_has_winners"
    )
    result = challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="unfilled",
        reasons="两件揭榜方案的检出率均未达到 99.5% 的指标。",
    )
    assert result.winners.count() == 0
    assert ChallengeResult.objects.count() == 1


def test_record_refuses_a_team_of_another_challenge_and_duplicates(w):
    stranger_team = TeamFactory(contest=w["contest"], name="别的队")
    assert (
        _code(
            lambda: challenge_result_record(
                actor=w["organiser"],
                challenge=w["challenge"],
                outcome="winners",
                winners=[{"team": stranger_team, "prize_amount": 1}],
            )
        )
        == "winner_not_on_challenge"
    )
    assert (
        _code(
            lambda: challenge_result_record(
                actor=w["organiser"],
                challenge=w["challenge"],
                outcome="winners",
                winners=[{"team": w["team"], "prize_amount": 1}] * 2,
            )
        )
        == "winner_duplicate"
    )
    assert (
        _code(
            lambda: challenge_result_record(
                actor=w["organiser"],
                challenge=w["challenge"],
                outcome="winners",
                winners=[{"team": w["team"], "prize_amount": "-5"}],
            )
        )
        == "prize_amount_invalid"
    )
    assert ChallengeResult.objects.count() == 0
    assert Award.objects.count() == 0


def test_record_by_the_publisher_is_refused(w):
    with pytest.raises(NotPermitted):
        challenge_result_record(
            actor=w["publisher"], challenge=w["challenge"], outcome="unfilled", reasons="x"
        )
    assert ChallengeResult.objects.count() == 0


def test_record_again_replaces_a_draft_and_is_refused_once_on_notice(w):
    challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="winners",
        winners=[{"team": w["team"], "prize_amount": "1"}],
    )
    result = challenge_result_record(
        actor=w["organiser"], challenge=w["challenge"], outcome="unfilled", reasons="复核未达标"
    )
    assert result.winners.count() == 0
    assert list(Award.objects.values_list("status", flat=True)) == [AwardStatus.REMOVED]
    challenge_result_notice_open(actor=w["organiser"], result=result, days=5)
    assert (
        _code(
            lambda: challenge_result_record(
                actor=w["organiser"], challenge=w["challenge"], outcome="unfilled", reasons="y"
            )
        )
        == "challenge_result_in_notice"
    )


def test_notice_puts_the_winners_on_notice_and_finalising_makes_the_result_final(w):
    result = challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="winners",
        winners=[{"team": w["team"], "prize_amount": "500000"}],
    )
    past = timezone.now() - dt.timedelta(days=30)
    notice = challenge_result_notice_open(actor=w["organiser"], result=result, days=5, now=past)
    winner = ChallengeWinner.objects.get()
    assert winner.award.status == AwardStatus.IN_NOTICE
    assert notice.changes[0]["winners"] == [{"team_name": "慧眼团队", "prize_amount": "500000.00"}]
    result.refresh_from_db()
    assert challenge_result_is_final(result) is False
    notice_finalise(actor=w["organiser"], notice=notice, now=past + dt.timedelta(days=15))
    result.refresh_from_db()
    assert result.notice.status == NoticeStatus.FINAL
    assert challenge_result_is_final(result) is True
    winner.award.refresh_from_db()
    assert winner.award.status == AwardStatus.FINAL


def test_one_final_challenge_does_not_freeze_the_next(w):
    from tests.factories.contest import ChallengeFactory

    other = ChallengeFactory(contest=w["contest"], publisher=w["publisher_org"])
    other_team = TeamFactory(contest=w["contest"], challenge=other)
    first = challenge_result_record(
        actor=w["organiser"],
        challenge=w["challenge"],
        outcome="winners",
        winners=[{"team": w["team"], "prize_amount": "1"}],
    )
    past = timezone.now() - dt.timedelta(days=30)
    notice = challenge_result_notice_open(actor=w["organiser"], result=first, days=5, now=past)
    notice_finalise(actor=w["organiser"], notice=notice, now=past + dt.timedelta(days=15))
    second = challenge_result_record(
        actor=w["organiser"],
        challenge=other,
        outcome="winners",
        winners=[{"team": other_team, "prize_amount": "2"}],
    )
    assert second.winners.get().award.status == AwardStatus.PROPOSED
