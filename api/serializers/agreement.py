"""Agreements after the win, their milestones, deliverables, payments and 验收.

Shapes only; writes go through `awards.services.agreement` and `…acceptance_review`. The detail
carries what the reader may do (`can`), so the SPA shows only the buttons that will work."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.enums import AcceptanceOutcome
from awards.models import (
    AcceptanceReview,
    Agreement,
    ChallengeWinner,
    Milestone,
    MilestoneDeliverable,
    Payment,
)
from awards.services.agreement import milestone_is_overdue, tranche_amount
from contest.models import Stage
from contest.permissions import permission_check


class DeliverableSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = MilestoneDeliverable
        fields = ["id", "original_name", "file_type", "size", "sha256", "uploaded_at", "url"]

    def get_url(self, obj) -> str:
        return reverse("milestone-deliverable-file", args=[obj.pk])


class PaymentSerializer(serializers.ModelSerializer):
    proof_url = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "id",
            "amount",
            "paid_on",
            "proof_name",
            "proof_sha256",
            "recorded_at",
            "proof_url",
        ]

    def get_proof_url(self, obj) -> str:
        return reverse("payment-proof", args=[obj.pk])


class MilestoneSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    files = DeliverableSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    tranche = serializers.SerializerMethodField()
    paid = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "agreement",
            "order",
            "title",
            "deliverables",
            "due_on",
            "share",
            "tranche",
            "paid",
            "status",
            "status_label",
            "return_reason",
            "submitted_at",
            "decided_at",
            "overdue",
            "files",
            "payments",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_tranche(self, m):
        return f"{tranche_amount(m):f}"

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2))
    def get_paid(self, m):
        return f"{sum((p.amount for p in m.payments.all()), 0):.2f}"

    def get_overdue(self, m) -> bool:
        return milestone_is_overdue(m, today=self.context.get("today"))


class AcceptanceReviewSerializer(serializers.ModelSerializer):
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)

    class Meta:
        model = AcceptanceReview
        fields = [
            "id",
            "stage",
            "stage_name",
            "entry",
            "scheduled_on",
            "outcome",
            "outcome_label",
            "rectify_by",
            "reason",
            "final_score",
            "decided_at",
        ]


class AgreementSerializer(serializers.ModelSerializer):
    """The list row: parties, money and progress (counted in the query, not per row)."""

    contest_name = serializers.CharField(source="contest.name", read_only=True)
    challenge_code = serializers.CharField(source="challenge.code", read_only=True)
    challenge_title = serializers.CharField(source="challenge.title", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    milestones_total = serializers.IntegerField(read_only=True)
    milestones_accepted = serializers.IntegerField(read_only=True)
    milestones_overdue = serializers.IntegerField(read_only=True)
    paid_total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "title",
            "contest",
            "contest_name",
            "challenge",
            "challenge_code",
            "challenge_title",
            "team",
            "team_name",
            "publisher",
            "publisher_name",
            "amount",
            "paid_total",
            "starts_on",
            "ends_on",
            "signed_on",
            "status",
            "status_label",
            "milestones_total",
            "milestones_accepted",
            "milestones_overdue",
        ]


class AgreementCanSerializer(serializers.Serializer):
    sign = serializers.BooleanField()
    deliver = serializers.BooleanField()
    decide_milestone = serializers.BooleanField()
    record_payment = serializers.BooleanField()
    schedule_acceptance = serializers.BooleanField()
    decide_acceptance = serializers.BooleanField()


class AgreementDetailSerializer(AgreementSerializer):
    milestones = serializers.SerializerMethodField()
    acceptance_reviews = AcceptanceReviewSerializer(many=True, read_only=True)
    can = serializers.SerializerMethodField()

    class Meta(AgreementSerializer.Meta):
        fields = AgreementSerializer.Meta.fields + [
            "acceptance_indicators",
            "winner_organisation",
            "milestones",
            "acceptance_reviews",
            "can",
        ]

    @extend_schema_field(MilestoneSerializer(many=True))
    def get_milestones(self, agreement):
        context = {"today": timezone.localdate()}
        return MilestoneSerializer(agreement.milestones.all(), many=True, context=context).data

    @extend_schema_field(AgreementCanSerializer)
    def get_can(self, agreement):
        user = self.context["request"].user
        pending = [r for r in agreement.acceptance_reviews.all() if not r.outcome]
        return {
            "sign": permission_check(user, "awards.sign_agreement", agreement),
            "deliver": permission_check(user, "awards.deliver_milestone", agreement),
            "decide_milestone": permission_check(user, "awards.decide_milestone", agreement),
            "record_payment": permission_check(user, "awards.record_payment", agreement),
            "schedule_acceptance": permission_check(user, "awards.schedule_acceptance", agreement),
            "decide_acceptance": bool(pending)
            and permission_check(user, "awards.decide_acceptance", pending[0]),
        }


class MilestoneWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    share = serializers.DecimalField(max_digits=5, decimal_places=2)
    deliverables = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementWriteSerializer(serializers.Serializer):
    winner = serializers.PrimaryKeyRelatedField(queryset=ChallengeWinner.objects.all())
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    milestones = MilestoneWriteSerializer(many=True)


class AgreementSignSerializer(serializers.Serializer):
    signed_on = serializers.DateField()


class AcceptanceScheduleSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())
    scheduled_on = serializers.DateField()


class AcceptanceDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AcceptanceOutcome.choices)
    reason = serializers.CharField(max_length=5000, allow_blank=True)
    rectify_by = serializers.DateField(required=False, allow_null=True, default=None)


class DeliverableUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class MilestoneReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class PaymentWriteSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    proof = serializers.FileField()
