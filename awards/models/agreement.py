"""After the win: the agreement (协议 / 任务书) between a challenge's publisher and its winner, its
milestones with deliverables, the payment of each tranche and the final 验收.

An agreement is drafted from a final `ChallengeWinner`; the challenge's acceptance indicators are
copied onto it at creation, so a later edit of the challenge changes no contract. Milestones
carry payment shares in percent that sum to 100 (checked by the service; each share is checked
in the database). Payments are recorded, not processed: a tranche is paid outside the platform
and its proof uploaded here, only for an accepted milestone. The 验收 is an `AcceptanceReview`
on an entry of a judging stage of kind `acceptance`, so the panel, rubric, conflict and
assignment machinery of judging applies to it unchanged.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from awards.enums import AcceptanceOutcome, AgreementStatus, MilestoneStatus


def _agreement_upload_to(instance, filename: str, folder: str, agreement) -> str:
    from contest.files import hashed_upload_path

    return hashed_upload_path(agreement.contest.code, folder, str(agreement.pk), instance, filename)


def deliverable_upload_to(instance, filename: str) -> str:
    return _agreement_upload_to(instance, filename, "deliverables", instance.milestone.agreement)


def payment_proof_upload_to(instance, filename: str) -> str:
    return _agreement_upload_to(instance, filename, "payments", instance.milestone.agreement)


class Agreement(models.Model):
    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="+")
    challenge = models.ForeignKey(
        "contest.Challenge", on_delete=models.PROTECT, related_name="agreements"
    )
    winner = models.OneToOneField(
        "awards.ChallengeWinner", on_delete=models.PROTECT, related_name="agreement"
    )
    team = models.ForeignKey("contest.Team", on_delete=models.PROTECT, related_name="agreements")
    winner_organisation = models.ForeignKey(
        "contest.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="揭榜单位 Winner organisation",
    )
    publisher = models.ForeignKey(
        "contest.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("协议名称 Title", max_length=200)
    amount = models.DecimalField("合同金额(元) Amount (CNY)", max_digits=14, decimal_places=2)
    starts_on = models.DateField("开始日期 Starts on")
    ends_on = models.DateField("结束日期 Ends on")
    acceptance_indicators = models.TextField("验收指标 Acceptance indicators", blank=True)
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField("签订日期 Signed on", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "协议 Agreement"
        verbose_name_plural = "协议 Agreements"
        ordering = ["contest", "challenge__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="agreement_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="agreement_dates_order"
            ),
        ]
        indexes = [models.Index(fields=["contest", "status"])]

    def __str__(self):
        return self.title


class Milestone(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField("序号 Order")
    title = models.CharField("节点名称 Title", max_length=200)
    deliverables = models.TextField("交付物 Deliverables", blank=True)
    due_on = models.DateField("截止日期 Due on")
    share = models.DecimalField("付款比例% Payment share", max_digits=5, decimal_places=2)
    status = models.CharField(
        max_length=16, choices=MilestoneStatus.choices, default=MilestoneStatus.PENDING
    )
    return_reason = models.TextField("退回理由 Return reason", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_on = models.DateField(
        null=True, blank=True, help_text="When the organiser was told it is overdue"
    )

    class Meta:
        verbose_name = "履约节点 Milestone"
        verbose_name_plural = "履约节点 Milestones"
        ordering = ["agreement", "order"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "order"], name="uniq_milestone_order"),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=100), name="milestone_share_range"
            ),
        ]

    def __str__(self):
        return f"{self.agreement} · {self.order}. {self.title}"


class MilestoneDeliverable(models.Model):
    """A file delivered for a milestone, checked like an entry file (size, type by content)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=deliverable_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=16)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "交付物 Deliverable"
        verbose_name_plural = "交付物 Deliverables"
        ordering = ["milestone", "id"]


class Payment(models.Model):
    """A tranche paid (recorded, not processed): amount, date and the proof of payment."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("金额(元) Amount (CNY)", max_digits=14, decimal_places=2)
    paid_on = models.DateField("付款日期 Paid on")
    proof = models.FileField(upload_to=payment_proof_upload_to, max_length=300)
    proof_name = models.CharField(max_length=255)
    proof_sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "付款记录 Payment"
        verbose_name_plural = "付款记录 Payments"
        ordering = ["milestone", "paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]


class AcceptanceReview(models.Model):
    """The final 验收 of an agreement by an expert panel: the winner's deliverables as an entry
    of a stage of kind `acceptance`, reviewed with that stage's rubric, panel and assignment; the
    decision reads the stage's published result."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="acceptance_reviews"
    )
    stage = models.ForeignKey("contest.Stage", on_delete=models.PROTECT, related_name="+")
    entry = models.OneToOneField(
        "contest.Entry", on_delete=models.PROTECT, related_name="acceptance_review"
    )
    scheduled_on = models.DateField("验收日期 Scheduled on")
    outcome = models.CharField(
        "验收结论 Outcome", max_length=16, choices=AcceptanceOutcome.choices, blank=True
    )
    rectify_by = models.DateField("整改期限 Rectify by", null=True, blank=True)
    reason = models.TextField("验收意见 Reasons", blank=True)
    final_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    snapshot = models.ForeignKey(
        "judging.ResultSnapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "验收 Acceptance review"
        verbose_name_plural = "验收 Acceptance reviews"
        ordering = ["agreement", "scheduled_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="rectify") | Q(rectify_by__isnull=False),
                name="acceptance_rectify_has_deadline",
            ),
        ]
