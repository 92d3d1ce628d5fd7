from urllib.parse import quote

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api.params import query_int
from api.permissions import Authenticated
from api.serializers.judging import (
    AuditLogSerializer,
    ChainCheckSerializer,
    DeclarationSerializer,
    JudgeAssignmentDetailSerializer,
    JudgeAssignmentSerializer,
    OrganiserReviewSerializer,
    PanelInviteSerializer,
    PanelMembershipSerializer,
    ReasonSerializer,
    ReviewBodySerializer,
    ReviewStateSerializer,
    RubricSerializer,
    RubricUpdateSerializer,
    judge_file_name,
)
from contest.errors import DomainError
from contest.models import EntryFile
from contest.selectors import contests_organised
from judging.anonymise import NotAnonymisable, document_strip_file
from judging.errors import error as judging_error
from judging.models import Assignment, ReviewScore
from judging.selectors import (
    assignments_of_judge,
    audit_organised,
    panel_organised,
    panels_of_judge,
    reviews_organised,
    rubrics_organised,
)
from judging.services import panel as panel_services
from judging.services import review as review_services
from judging.services.audit import audit_verify
from judging.services.conflict import conflict_declare
from judging.services.panel import DECLARATION_TEXT
from judging.services.rubric import rubric_create, rubric_for_entry, rubric_update


class JudgePanelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """My panel invitations; accept with the no-conflict and confidentiality declaration."""

    permission_classes = [Authenticated]
    serializer_class = PanelMembershipSerializer
    pagination_class = None

    def get_queryset(self):
        return panels_of_judge(user=self.request.user)

    @extend_schema(responses={200: {"type": "object", "properties": {"text": {"type": "string"}}}})
    @action(detail=False, methods=["get"])
    def declaration(self, request):
        """The declaration text a judge signs."""
        return Response({"text": DECLARATION_TEXT})

    @extend_schema(request=DeclarationSerializer, responses=PanelMembershipSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        membership = get_object_or_404(self.get_queryset(), pk=pk)
        data = DeclarationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = panel_services.panel_accept(
            actor=request.user,
            membership=membership,
            declaration_accepted=data.validated_data["declaration_accepted"],
            relations=data.validated_data.get("relations", []),
        )
        return Response(PanelMembershipSerializer(membership).data)

    @extend_schema(request=None, responses=PanelMembershipSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        membership = get_object_or_404(self.get_queryset(), pk=pk)
        membership = panel_services.panel_decline(actor=request.user, membership=membership)
        return Response(PanelMembershipSerializer(membership).data)


class JudgeAssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """A judge's worklist and entries: only assigned, conflict-free entries on accepted panels,
    anonymised where the stage is blind."""

    permission_classes = [Authenticated]

    def get_queryset(self):
        qs = assignments_of_judge(user=self.request.user)
        stage = query_int(self.request, "stage")
        if stage:
            qs = qs.filter(stage_id=stage)
        if self.action != "list":
            qs = qs.prefetch_related(
                Prefetch(
                    "entry__files",
                    queryset=EntryFile.objects.filter(is_current=True).order_by("kind"),
                ),
                Prefetch(
                    "review__scores", queryset=ReviewScore.objects.select_related("criterion")
                ),
            )
        return qs.order_by("stage_id", "pk")

    def get_serializer_class(self):
        return (
            JudgeAssignmentSerializer if self.action == "list" else JudgeAssignmentDetailSerializer
        )

    @extend_schema(parameters=[OpenApiParameter("stage", int, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _assignment(self, pk):
        assignment = get_object_or_404(self.get_queryset(), pk=pk)
        review_services.judge_access_check(judge=self.request.user, assignment=assignment)
        return assignment

    def _detail(self, assignment):
        assignment = self.get_queryset().get(pk=assignment.pk)
        rubric = rubric_for_entry(entry=assignment.entry)
        return JudgeAssignmentDetailSerializer(assignment, context={"rubric": rubric}).data

    def retrieve(self, request, pk=None):
        return Response(self._detail(self._assignment(pk)))

    @extend_schema(
        parameters=[OpenApiParameter("stage", int, required=True)],
        responses={
            200: {
                "type": "object",
                "properties": {
                    k: {"type": "integer"} for k in ["total", "submitted", "drafts", "not_started"]
                },
            }
        },
    )
    @action(detail=False, methods=["get"])
    def progress(self, request):
        """How far the judge is through the stage's worklist."""
        qs = self.get_queryset()
        total = qs.count()
        statuses = list(qs.values_list("review__status", flat=True))
        submitted = statuses.count("submitted")
        drafts = statuses.count("draft")
        return Response(
            {
                "total": total,
                "submitted": submitted,
                "drafts": drafts,
                "not_started": total - submitted - drafts,
            }
        )

    def _judge_write(self, pk, write):
        """Run a review service on the judge's assignment `pk` without loading the worklist: the
        service loads the assignment once and runs every access rule itself; a refusal that the
        worklist would have hidden (not the judge's, no signed declaration, a conflict) or an
        unknown id answers 404, as for the other routes."""
        if not str(pk).isdigit():
            raise Http404
        try:
            return write(Assignment(pk=int(pk)))
        except Assignment.DoesNotExist:
            raise Http404 from None
        except DomainError as refused:
            if refused.code in review_services.ACCESS_REFUSALS:
                raise Http404 from None
            raise

    @extend_schema(request=ReviewBodySerializer, responses=ReviewStateSerializer)
    @action(detail=True, methods=["put"])
    def review(self, request, pk=None):
        """Save a draft of the review (partial scores allowed, each checked)."""
        data = ReviewBodySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = self._judge_write(
            pk,
            lambda assignment: review_services.review_save(
                actor=request.user,
                assignment=assignment,
                scores=data.validated_data.get("scores", {}),
                comment=data.validated_data.get("comment", ""),
            ),
        )
        return Response(ReviewStateSerializer(review).data)

    @extend_schema(request=ReviewBodySerializer, responses=ReviewStateSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the review: every criterion scored; it locks. Answers at once: the stage's
        results are recomputed later, coalesced (docs/developer/results.md)."""
        data = ReviewBodySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = self._judge_write(
            pk,
            lambda assignment: review_services.review_submit(
                actor=request.user,
                assignment=assignment,
                scores=data.validated_data.get("scores"),
                comment=data.validated_data.get("comment"),
            ),
        )
        return Response(ReviewStateSerializer(review).data)

    @extend_schema(request=ReasonSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def recuse(self, request, pk=None):
        """Declare a conflict of interest with this entry's team; the assignment is withdrawn."""
        assignment = get_object_or_404(self.get_queryset(), pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conflict_declare(
            actor=request.user,
            judge=request.user,
            team=assignment.entry.team,
            reason=data.validated_data["reason"],
        )
        return Response(status=204)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"files/(?P<file_id>[0-9]+)")
    def file(self, request, pk=None, file_id=None):
        """Download an entry file; in a blind stage its name and document metadata are anonymised."""
        assignment = self._assignment(pk)
        entry_file = assignment.entry.files.filter(pk=file_id).first()
        if entry_file is None:
            raise Http404
        handle = entry_file.file.open("rb")
        if assignment.stage.blind:
            try:  # streamed member by member; a bomb or an unparseable file is withheld (409)
                stripped = document_strip_file(handle, entry_file.file_type)
            except NotAnonymisable:
                handle.close()
                raise judging_error("file_not_anonymisable") from None
            if stripped is not handle:
                handle.close()
            handle = stripped
        response = FileResponse(handle, content_type=entry_file.content_type)
        name = judge_file_name(assignment, entry_file)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class RubricViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Rubrics of the stages you organise; weights add up to 100."""

    permission_classes = [Authenticated]
    serializer_class = RubricSerializer
    filterset_fields = ["stage"]
    pagination_class = None

    def get_queryset(self):
        return rubrics_organised(user=self.request.user)

    def create(self, request):
        data = RubricSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        stage = values.pop("stage")
        if not contests_organised(user=request.user).filter(pk=stage.contest_id).exists():
            raise Http404
        rubric = rubric_create(actor=request.user, stage=stage, **values)
        return Response(RubricSerializer(self.get_queryset().get(pk=rubric.pk)).data, status=201)

    @extend_schema(request=RubricUpdateSerializer, responses=RubricSerializer)
    def update(self, request, pk=None):
        rubric = get_object_or_404(self.get_queryset(), pk=pk)
        data = RubricUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rubric = rubric_update(actor=request.user, rubric=rubric, **data.validated_data)
        return Response(RubricSerializer(self.get_queryset().get(pk=rubric.pk)).data)


class PanelMembershipViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Organisers invite judges to a stage's panel (whole stage or one track)."""

    permission_classes = [Authenticated]
    serializer_class = PanelMembershipSerializer
    filterset_fields = ["stage", "track", "status"]

    def get_queryset(self):
        return (
            panel_organised(user=self.request.user)
            .select_related("stage__contest")
            .order_by("stage", "id")
        )

    @extend_schema(request=PanelInviteSerializer, responses={201: PanelMembershipSerializer})
    def create(self, request):
        data = PanelInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        stage = values.pop("stage")
        if not contests_organised(user=request.user).filter(pk=stage.contest_id).exists():
            raise Http404
        membership = panel_services.judge_invite(actor=request.user, stage=stage, **values)
        return Response(
            PanelMembershipSerializer(self.get_queryset().get(pk=membership.pk)).data, status=201
        )


class ReviewViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Organisers see every review of their contests (raw scores per criterion) and reopen them."""

    permission_classes = [Authenticated]
    serializer_class = OrganiserReviewSerializer
    filterset_fields = ["stage", "judge", "entry", "status"]

    def get_queryset(self):
        return (
            reviews_organised(user=self.request.user)
            .prefetch_related(
                Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion"))
            )
            .order_by("pk")
        )

    @extend_schema(request=ReasonSerializer, responses=OrganiserReviewSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Reopen a submitted review; the reason is required and recorded."""
        review = get_object_or_404(self.get_queryset(), pk=pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review_services.review_reopen(
            actor=request.user, review=review, reason=data.validated_data["reason"]
        )
        return Response(OrganiserReviewSerializer(self.get_queryset().get(pk=review.pk)).data)


class AuditLogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The hash-chained audit log of the contests you organise."""

    permission_classes = [Authenticated]
    serializer_class = AuditLogSerializer
    filterset_fields = ["contest", "action"]

    def get_queryset(self):
        return audit_organised(user=self.request.user).order_by("contest", "seq")


class AuditVerifyView(APIView):
    """Recompute the contest's audit chain: any edited or deleted row is found."""

    permission_classes = [Authenticated]

    @extend_schema(responses=ChainCheckSerializer)
    def get(self, request, pk):
        contest = get_object_or_404(contests_organised(user=request.user), pk=pk)
        check = audit_verify(contest=contest)
        return Response(
            {
                "ok": check.ok,
                "rows": check.rows,
                "first_bad_seq": check.first_bad_seq,
                "problem": check.problem,
            }
        )
