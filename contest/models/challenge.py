from django.conf import settings
from django.db import models
from django.db.models import Q

from contest.enums import ChallengeStatus, PrizePayer


class Challenge(models.Model):
    """A 榜题: drafted by a publisher, approved and published on the list by the organiser."""

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="challenges"
    )
    code = models.CharField("榜题编号 Code", max_length=40)
    title = models.CharField("榜题名称 Title", max_length=200)
    publisher = models.ForeignKey(
        "contest.Organisation",
        verbose_name="发榜方 Publisher",
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    track = models.ForeignKey(
        "contest.Track",
        verbose_name="赛道 Track",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="challenges",
    )
    background = models.TextField("需求背景 Background", blank=True)
    targets = models.TextField("技术指标 Technical targets", blank=True)
    acceptance_indicators = models.TextField("验收指标 Acceptance indicators", blank=True)
    prize_amount = models.DecimalField(
        "榜额(元) Prize (CNY)", max_digits=14, decimal_places=2, null=True, blank=True
    )
    prize_negotiable = models.BooleanField("榜额面议 Prize negotiable", default=False)
    prize_payer = models.CharField(
        "出资方 Paid by", max_length=16, choices=PrizePayer.choices, default=PrizePayer.PUBLISHER
    )
    deadline = models.DateTimeField("揭榜截止 Deadline", null=True, blank=True)
    eligibility = models.TextField("揭榜条件 Eligibility", blank=True)
    contact_name = models.CharField("联系人 Contact", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话 Phone", max_length=32, blank=True)
    contact_email = models.EmailField("联系邮箱 Email", blank=True)
    status = models.CharField(
        "状态 Status", max_length=16, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    review_note = models.TextField(
        "审核意见 Review note", blank=True, help_text="The organiser's reason when returning it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "榜题 Challenge"
        verbose_name_plural = "榜题 Challenges"
        ordering = ["contest", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="uniq_challenge_code"),
            models.CheckConstraint(
                condition=Q(prize_amount__isnull=True) | Q(prize_amount__gte=0),
                name="challenge_prize_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["contest", "status"])]

    def __str__(self):
        return f"{self.code} {self.title}"
