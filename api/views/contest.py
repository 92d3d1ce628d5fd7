from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from api.filters import ContestFilter
from api.permissions import RulePermission
from api.serializers.challenge import ImportResultSerializer
from api.serializers.contest import (
    ContestDetailSerializer,
    ContestListSerializer,
    ContestRoleSerializer,
    ContestTransitionSerializer,
    ContestWriteSerializer,
    GroupSerializer,
    RegistrationStatsSerializer,
    StageSerializer,
    TrackSerializer,
)
from contest.errors import error
from contest.exports import registrations_export
from contest.models import Group, Stage, Track
from contest.permissions import permission_check
from contest.selectors import contests_organised, contests_visible, registration_stats
from contest.services.challenge import challenge_list_publish
from contest.services.challenge_import import challenge_template_build, challenges_import
from contest.services.contest import (
    contest_create,
    contest_role_grant,
    contest_transition_for,
    contest_update,
    group_create,
    group_update,
    stage_create,
    stage_update,
    track_create,
    track_guide_upload,
    track_update,
)
from judging.selectors.result import stages_with_results_published_at

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The request body of an endpoint that takes one uploaded file as `file`.
ONE_FILE_BODY = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
    }
}


def required_file(request):
    """The uploaded `file`, or a clear `file_required` error."""
    upload = request.FILES.get("file")
    if upload is None:
        raise error("file_required", fields={"file": ["file_required"]})
    return upload


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _stages_prefetch() -> Prefetch:
    return Prefetch("stages", queryset=stages_with_results_published_at())


class ContestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Contests (大赛) and sub-contests (分赛). Drafts are visible to their organisers only."""

    permission_classes = [RulePermission]
    # The organisers' actions; the services check the same rules again.
    rules = {
        "roles": "contest.manage_contest",
        "registration_stats": "contest.manage_contest",
        "registrations_export": "contest.manage_contest",
        "challenge_template": "contest.manage_contest",
        "challenge_import": "contest.manage_contest",
    }
    filterset_class = ContestFilter
    search_fields = ["name", "code", "region"]
    ordering_fields = ["year", "code", "name"]

    def get_queryset(self):
        qs = contests_visible(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related("tracks", "groups", _stages_prefetch())
        return qs

    def get_serializer_class(self):
        return ContestDetailSerializer if self.action == "retrieve" else ContestListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve":
            context["organised_ids"] = set(
                contests_organised(user=self.request.user).values_list("pk", flat=True)
            )
        return context

    def _detail(self, contest):
        contest = (
            self.get_queryset()
            .prefetch_related("tracks", "groups", _stages_prefetch())
            .get(pk=contest.pk)
        )
        context = self.get_serializer_context()
        context["organised_ids"] = (
            {contest.pk}
            if permission_check(self.request.user, "contest.manage_contest", contest)
            else set()
        )
        return ContestDetailSerializer(contest, context=context).data

    @extend_schema(request=ContestWriteSerializer, responses={201: ContestDetailSerializer})
    def create(self, request):
        data = ContestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contest = contest_create(actor=request.user, **data.validated_data)
        return Response(self._detail(contest), status=201)

    @extend_schema(request=ContestWriteSerializer, responses=ContestDetailSerializer)
    def partial_update(self, request, pk=None):
        contest = get_object_or_404(self.get_queryset(), pk=pk)
        data = ContestWriteSerializer(contest, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        contest = contest_update(actor=request.user, contest=contest, **data.validated_data)
        return Response(self._detail(contest))

    @extend_schema(request=ContestTransitionSerializer, responses=ContestDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the contest one step: draft → published → registration_open → … → finished."""
        contest = get_object_or_404(self.get_queryset(), pk=pk)
        data = ContestTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        transition = contest_transition_for(data.validated_data["status"])
        contest = transition(actor=request.user, contest=contest)
        return Response(self._detail(contest))

    @extend_schema(request=ContestRoleSerializer, responses={201: ContestRoleSerializer})
    @action(detail=True, methods=["post"])
    def roles(self, request, pk=None):
        """Grant an organiser or publisher role in this contest."""
        contest = self.get_object()
        data = ContestRoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        role = contest_role_grant(actor=request.user, contest=contest, **data.validated_data)
        return Response(ContestRoleSerializer(role).data, status=201)

    @extend_schema(responses=RegistrationStatsSerializer)
    @action(detail=True, methods=["get"], url_path="registration-stats")
    def registration_stats(self, request, pk=None):
        """Teams by track and group, entries by stage and status (organisers)."""
        return Response(registration_stats(contest=self.get_object()))

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="registrations-export")
    def registrations_export(self, request, pk=None):
        """Every registered team as an Excel sheet (organisers)."""
        contest = self.get_object()
        return xlsx_response(
            registrations_export(contest=contest), f"registrations-{contest.code}.xlsx"
        )

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="challenge-template")
    def challenge_template(self, request, pk=None):
        """The Excel template for importing a challenge list."""
        contest = self.get_object()
        return xlsx_response(challenge_template_build(contest), "challenge-template.xlsx")

    @extend_schema(
        request=ONE_FILE_BODY,
        responses={201: ImportResultSerializer, 400: ImportResultSerializer},
    )
    @action(
        detail=True, methods=["post"], url_path="challenge-import", parser_classes=[MultiPartParser]
    )
    def challenge_import(self, request, pk=None):
        """Import challenges from the template. Any row error: nothing is imported, all errors listed."""
        contest = self.get_object()
        upload = required_file(request)
        report = challenges_import(actor=request.user, contest=contest, fileobj=upload)
        body = {"created": report.created, "errors": report.errors}
        if report.errors:
            refusal = error("import_rows_invalid", count=len(report.errors))
            body.update(
                {
                    "code": refusal.code,
                    "message_zh": refusal.message_zh,
                    "message_en": refusal.message_en,
                }
            )
            return Response(body, status=400)
        return Response(body, status=201)

    @extend_schema(
        request=None,
        responses={200: {"type": "object", "properties": {"published": {"type": "integer"}}}},
    )
    @action(detail=True, methods=["post"], url_path="publish-challenges")
    def publish_challenges(self, request, pk=None):
        """Publish every approved challenge of the contest (发榜)."""
        contest = get_object_or_404(self.get_queryset(), pk=pk)
        return Response({"published": challenge_list_publish(actor=request.user, contest=contest)})


class ContestChildViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Tracks, groups and stages: public with their contest; organisers create and edit them."""

    permission_classes = [RulePermission]
    filterset_fields = ["contest"]
    pagination_class = None
    model = None
    create_service = None
    update_service = None
    model_name = None  # the update service's keyword for the instance

    def get_queryset(self):
        return self.model.objects.filter(contest__in=contests_visible(user=self.request.user))

    def create(self, request):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contest = values.pop("contest")
        if not contests_visible(user=request.user).filter(pk=contest.pk).exists():
            from django.http import Http404

            raise Http404
        instance = type(self).create_service(actor=request.user, contest=contest, **values)
        return Response(self.get_serializer(instance).data, status=201)

    def partial_update(self, request, pk=None):
        instance = get_object_or_404(self.get_queryset(), pk=pk)
        data = self.get_serializer(instance, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("contest", None)
        instance = type(self).update_service(
            actor=request.user, **{self.model_name: instance}, **values
        )
        return Response(self.get_serializer(instance).data)


class TrackViewSet(ContestChildViewSet):
    """赛道 of a contest, ordered."""

    model = Track
    serializer_class = TrackSerializer
    create_service = staticmethod(track_create)
    update_service = staticmethod(track_update)
    model_name = "track"

    @extend_schema(
        request=ONE_FILE_BODY,
        responses=TrackSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def guide(self, request, pk=None):
        """Upload the track's challenge guide file (PDF or DOCX), organisers only."""
        track = get_object_or_404(self.get_queryset(), pk=pk)
        upload = required_file(request)
        track = track_guide_upload(actor=request.user, track=track, uploaded=upload)
        return Response(TrackSerializer(track).data)


class GroupViewSet(ContestChildViewSet):
    """组别 of a contest (e.g. 初创组/成长组)."""

    model = Group
    serializer_class = GroupSerializer
    create_service = staticmethod(group_create)
    update_service = staticmethod(group_update)
    model_name = "group"


class StageViewSet(ContestChildViewSet):
    """Ordered stages of a contest with their submission and review windows."""

    model = Stage
    serializer_class = StageSerializer
    create_service = staticmethod(stage_create)
    update_service = staticmethod(stage_update)
    model_name = "stage"
