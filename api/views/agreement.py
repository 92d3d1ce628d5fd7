"""Agreements after a 揭榜挂帅 win: list and detail by role, drafting and signing, milestone
delivery and acceptance, payments and the 验收.

Who sees what is `awards.selectors.agreements_visible` (organisers, the publisher, the winning
team, the experts assigned to its 验收 entry); anything else is a 404. Who may do what is the
awards permissions, checked by `RulePermission` on the agreement (403 with the permission's
message) and again by the service."""

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import JSONParser
from api.permissions import Authenticated, RulePermission
from api.serializers.agreement import (
    AcceptanceDecideSerializer,
    AcceptanceReviewSerializer,
    AcceptanceScheduleSerializer,
    AgreementDetailSerializer,
    AgreementSerializer,
    AgreementSignSerializer,
    AgreementWriteSerializer,
    DeliverableSerializer,
    DeliverableUploadSerializer,
    MilestoneReasonSerializer,
    MilestoneSerializer,
    PaymentSerializer,
    PaymentWriteSerializer,
)
from api.views.award import CONTEST_PARAM, attachment, int_param
from awards import selectors as awards_selectors
from awards.enums import MilestoneStatus
from awards.models import AcceptanceReview, Milestone, MilestoneDeliverable, Payment
from awards.services import acceptance_review as acceptance_services
from awards.services import agreement as agreement_services

MONEY = DecimalField(max_digits=14, decimal_places=2)


def _count(**filters):
    return Coalesce(
        Subquery(
            Milestone.objects.filter(agreement=OuterRef("pk"), **filters)
            .order_by()
            .values("agreement")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
    )


def agreements_annotated(qs):
    """The list's progress figures as subqueries: one query however many agreements."""
    paid = (
        Payment.objects.filter(milestone__agreement=OuterRef("pk"))
        .order_by()
        .values("milestone__agreement")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return qs.annotate(
        milestones_total=_count(),
        milestones_accepted=_count(status=MilestoneStatus.ACCEPTED),
        milestones_overdue=_count(
            status__in=agreement_services.OPEN_MILESTONE_STATUSES,
            due_on__lt=timezone.localdate(),
        ),
        paid_total=Coalesce(Subquery(paid, output_field=MONEY), Value(0), output_field=MONEY),
    )


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [RulePermission]
    public_read = False
    serializer_class = AgreementSerializer
    rules = {
        "sign": "awards.sign_agreement",
        "acceptance": "awards.schedule_acceptance",
    }

    def rule_object(self, agreement):
        return agreement

    def get_queryset(self):
        qs = agreements_annotated(awards_selectors.agreements_visible(user=self.request.user))
        contest = int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("challenge__code", "id")

    @extend_schema(parameters=[CONTEST_PARAM, OpenApiParameter("status", str, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, agreement, status=200):
        qs = awards_selectors.agreement_detail_prefetch(self.get_queryset())
        agreement = qs.get(pk=agreement.pk)
        return Response(
            AgreementDetailSerializer(agreement, context={"request": self.request}).data,
            status=status,
        )

    @extend_schema(responses=AgreementDetailSerializer)
    def retrieve(self, request, pk=None):
        return self._detail(get_object_or_404(self.get_queryset(), pk=pk))

    @extend_schema(request=AgreementWriteSerializer, responses={201: AgreementDetailSerializer})
    def create(self, request):
        """Draft the agreement of a final winner: amount, term and milestones (shares = 100 %)."""
        data = AgreementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        winner = values["winner"]
        results = awards_selectors.challenge_results_visible(user=request.user)
        if not results.filter(pk=winner.result_id).exists():
            raise Http404
        agreement = agreement_services.agreement_create(
            actor=request.user,
            winner=winner,
            title=values["title"],
            amount=values["amount"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            milestones=[dict(m) for m in values["milestones"]],
        )
        return self._detail(agreement, 201)

    @extend_schema(request=AgreementSignSerializer, responses=AgreementDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Record the signing date of both parties."""
        agreement = self.get_object()
        data = AgreementSignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement_services.agreement_sign(
            actor=request.user, agreement=agreement, signed_on=data.validated_data["signed_on"]
        )
        return self._detail(agreement)

    @extend_schema(request=AcceptanceScheduleSerializer, responses={201: AgreementDetailSerializer})
    @action(detail=True, methods=["post"])
    def acceptance(self, request, pk=None):
        """Schedule the 验收 in an acceptance stage, once every milestone is accepted."""
        agreement = self.get_object()
        data = AcceptanceScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        acceptance_services.acceptance_schedule(
            actor=request.user,
            agreement=agreement,
            stage=data.validated_data["stage"],
            scheduled_on=data.validated_data["scheduled_on"],
        )
        return self._detail(agreement, 201)


class MilestoneViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [RulePermission]
    public_read = False
    serializer_class = MilestoneSerializer
    # JSON, except the two actions that take a file (their routes are upload routes in
    # settings.REQUEST_UPLOAD_ROUTES and deploy/nginx/saiwu.conf)
    parser_classes = [JSONParser]
    rules = {
        "deliverables": "awards.deliver_milestone",
        "submit": "awards.deliver_milestone",
        "accept": "awards.decide_milestone",
        "return_": "awards.decide_milestone",
        "payments": "awards.record_payment",
    }

    def rule_object(self, milestone):
        return milestone.agreement

    def get_queryset(self):
        agreements = awards_selectors.agreements_visible(user=self.request.user)
        return (
            Milestone.objects.filter(agreement__in=agreements.values("pk"))
            .select_related("agreement__contest", "agreement__team")
            .prefetch_related("files", "payments")
        )

    def _out(self, milestone, status=200):
        milestone = self.get_queryset().get(pk=milestone.pk)
        return Response(
            MilestoneSerializer(milestone, context={"today": timezone.localdate()}).data,
            status=status,
        )

    @extend_schema(
        request={"multipart/form-data": DeliverableUploadSerializer},
        responses={201: DeliverableSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def deliverables(self, request, pk=None):
        """Upload a deliverable (checked like an entry file: size, type by content)."""
        milestone = self.get_object()
        data = DeliverableUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deliverable = agreement_services.deliverable_upload(
            actor=request.user, milestone=milestone, uploaded=data.validated_data["file"]
        )
        return Response(DeliverableSerializer(deliverable).data, status=201)

    @extend_schema(request=None, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Hand the deliverables to the publisher."""
        milestone = agreement_services.milestone_submit(
            actor=request.user, milestone=self.get_object()
        )
        return self._out(milestone)

    @extend_schema(request=MilestoneReasonSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The publisher accepts the milestone (optionally with a note)."""
        milestone = self.get_object()
        data = MilestoneReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = agreement_services.milestone_accept(
            actor=request.user, milestone=milestone, reason=data.validated_data["reason"]
        )
        return self._out(milestone)

    @extend_schema(request=MilestoneReasonSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """The publisher returns the milestone with a reason."""
        milestone = self.get_object()
        data = MilestoneReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        milestone = agreement_services.milestone_return(
            actor=request.user, milestone=milestone, reason=data.validated_data["reason"]
        )
        return self._out(milestone)

    @extend_schema(
        request={"multipart/form-data": PaymentWriteSerializer},
        responses={201: PaymentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def payments(self, request, pk=None):
        """Record a tranche paid (amount, date, proof): only for an accepted milestone."""
        milestone = self.get_object()
        data = PaymentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        payment = agreement_services.payment_record(
            actor=request.user,
            milestone=milestone,
            amount=values["amount"],
            paid_on=values["paid_on"],
            proof=values["proof"],
        )
        return Response(PaymentSerializer(payment).data, status=201)


class AcceptanceReviewViewSet(viewsets.GenericViewSet):
    permission_classes = [RulePermission]
    public_read = False
    rules = {"decide": "awards.decide_acceptance"}

    def rule_object(self, review):
        return review

    def get_queryset(self):
        agreements = awards_selectors.agreements_visible(user=self.request.user)
        return AcceptanceReview.objects.filter(
            agreement__in=agreements.values("pk")
        ).select_related("agreement__contest", "stage")

    @extend_schema(request=AcceptanceDecideSerializer, responses=AcceptanceReviewSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """通过 / 不通过 / 限期整改 with the reasons, read against the stage's published result."""
        review = self.get_object()
        data = AcceptanceDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        review = acceptance_services.acceptance_decide(
            actor=request.user,
            review=review,
            outcome=values["outcome"],
            reason=values["reason"],
            rectify_by=values["rectify_by"],
        )
        return Response(AcceptanceReviewSerializer(review).data)


class AgreementFileView(APIView):
    """One stored file of an agreement (a deliverable, a payment's proof), for whoever may see
    the agreement; anyone else gets 404. Subclasses name the model, the path from it to the
    agreement and how to read the file, its type and its name."""

    permission_classes = [Authenticated]
    model = None
    agreement_path = ""

    def file_of(self, row) -> tuple:
        """(file field, content type, download name)"""
        raise NotImplementedError

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        agreements = awards_selectors.agreements_visible(user=request.user)
        rows = self.model.objects.filter(**{f"{self.agreement_path}__in": agreements.values("pk")})
        field, content_type, name = self.file_of(get_object_or_404(rows, pk=pk))
        return attachment(FileResponse(field.open("rb"), content_type=content_type), name)


class DeliverableFileView(AgreementFileView):
    """A deliverable, for whoever may see its agreement."""

    model = MilestoneDeliverable
    agreement_path = "milestone__agreement"

    def file_of(self, row):
        return row.file, row.content_type, row.original_name


class PaymentProofView(AgreementFileView):
    """A payment's proof, for whoever may see its agreement."""

    model = Payment
    agreement_path = "milestone__agreement"

    def file_of(self, row):
        return row.proof, "application/octet-stream", row.proof_name
