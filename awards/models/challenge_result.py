"""The result of one 揭榜挂帅 challenge (榜题): its winners with the prize per winner, or 流榜.

Each challenge's result is its own: it is recorded by the organiser, goes through 公示 on its own
notice (`awards.models.Notice`, the same machinery as an award list) and becomes final with it.
The winners are `Award`s of the challenge's tiers (`AwardTier.challenge`); `ChallengeWinner`
adds what a challenge award has that a certificate award has not: the prize money.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from awards.enums import ChallengeOutcome


class ChallengeResult(models.Model):
    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="challenge_results"
    )
    challenge = models.OneToOneField(
        "contest.Challenge", on_delete=models.CASCADE, related_name="result"
    )
    outcome = models.CharField("结果 Outcome", max_length=16, choices=ChallengeOutcome.choices)
    reasons = models.TextField(
        "评审意见 Panel's reasons",
        blank=True,
        help_text="Required for 流榜: why no entry met the targets",
    )
    notice = models.ForeignKey(
        "awards.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="challenge_results",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("决定时间 Decided at")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "榜题结果 Challenge result"
        verbose_name_plural = "榜题结果 Challenge results"
        ordering = ["contest", "challenge__code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="unfilled") | ~Q(reasons=""),
                name="challenge_result_unfilled_has_reasons",
            ),
        ]

    def __str__(self):
        return f"{self.challenge} · {self.get_outcome_display()}"


class ChallengeWinner(models.Model):
    """One winner of a challenge (擂主, or one of several prize winners): its award and prize."""

    result = models.ForeignKey(ChallengeResult, on_delete=models.CASCADE, related_name="winners")
    award = models.OneToOneField(
        "awards.Award", on_delete=models.PROTECT, related_name="challenge_winner"
    )
    team = models.ForeignKey("contest.Team", on_delete=models.PROTECT, related_name="+")
    prize_amount = models.DecimalField("奖金(元) Prize (CNY)", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = "揭榜单位 Challenge winner"
        verbose_name_plural = "揭榜单位 Challenge winners"
        ordering = ["result", "id"]
        constraints = [
            models.UniqueConstraint(fields=["result", "team"], name="uniq_challenge_winner_team"),
            models.CheckConstraint(
                condition=Q(prize_amount__gte=0), name="challenge_winner_prize_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.result.challenge} · {self.team}"
