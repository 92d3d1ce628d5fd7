"""Public notices (公示), objections (异议) and their evidence, and the holiday calendar.

Public: notices with their lists and objection counts, the calendar. Organisers open and finalise
notices and resolve objections; objectors file and see their own."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import error_body
from api.params import query_year
from api.parsers import JSONParser
from api.permissions import Authenticated, ReadOpenWriteAuthenticated, RulePermission
from api.serializers.notice import (
    CalendarDaySerializer,
    NoticeDetailSerializer,
    NoticeOpenSerializer,
    NoticeSerializer,
    ObjectionCreateSerializer,
    ObjectionResolveSerializer,
    ObjectionSerializer,
)
from api.views.award import CONTEST_PARAM, attachment, int_param
from awards import selectors as awards_selectors
from awards.models import CalendarDay, ObjectionFile
from awards.services import notice as notice_services
from contest.selectors import contests_visible


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public notices (公示): the list during and after the window, with objection counts only."""

    permission_classes = [ReadOpenWriteAuthenticated]
    serializer_class = NoticeSerializer

    def get_queryset(self):
        qs = awards_selectors.notices_public(user=self.request.user)
        contest = int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("-opens_at", "-id")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, notice):
        notice = self.get_queryset().get(pk=notice.pk)
        awards = awards_selectors.notice_awards_public(notice=notice)
        return NoticeDetailSerializer(notice, context={"awards": awards}).data

    @extend_schema(responses=NoticeDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._detail(get_object_or_404(self.get_queryset(), pk=pk)))

    @extend_schema(request=NoticeOpenSerializer, responses={201: NoticeDetailSerializer})
    def create(self, request):
        """Publish the proposed list of a contest or a stage for N calendar or working days."""
        data = NoticeOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        target = values.get("stage") or values.get("contest")
        contest_id = getattr(target, "contest_id", None) or getattr(target, "pk", None)
        if contest_id and not contests_visible(user=request.user).filter(pk=contest_id).exists():
            raise Http404
        notice = notice_services.notice_open(
            actor=request.user,
            contest=values.get("contest"),
            stage=values.get("stage"),
            days=values["days"],
            working_days=values["working_days"],
            opens_at=values.get("opens_at"),
            title=values.get("title", ""),
        )
        return Response(self._detail(notice), status=201)

    @extend_schema(request=None, responses=NoticeDetailSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        """Make the list final: after the window, with no open objection."""
        notice = get_object_or_404(self.get_queryset(), pk=pk)
        notice = notice_services.notice_finalise(actor=request.user, notice=notice)
        return Response(self._detail(notice))


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """异议: filed by a logged-in real-name account during the window; resolved by organisers.

    Organisers see every objection of their contests with the objector's identity; an objector
    sees their own; nobody else sees any (the public notice shows counts only)."""

    permission_classes = [AllowAny]
    serializer_class = ObjectionSerializer
    throttle_scopes = {"create": "objection"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        qs = awards_selectors.objections_visible(user=self.request.user)
        for name in ("notice", "award"):
            value = int_param(self.request, name)
            if value:
                qs = qs.filter(**{f"{name}_id": value})
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("-created_at", "-id")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._anonymous = not (request.user and request.user.is_authenticated)

    def _login_required(self):
        body = error_body(
            "login_required",
            "提出或查看异议须登录实名账号；匿名异议不予受理。",
            "Log in with a real-name account to file or see objections; anonymous objections "
            "are refused.",
        )
        response = Response(body, status=401)
        response["WWW-Authenticate"] = "Token"
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter("notice", int, required=False),
            OpenApiParameter("award", int, required=False),
            OpenApiParameter("status", str, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        if self._anonymous:
            return self._login_required()
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if self._anonymous:
            return self._login_required()
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ObjectionCreateSerializer},
        responses={201: ObjectionSerializer},
    )
    def create(self, request):
        """File an objection with a reason, a contact and evidence (PDF/PNG/JPEG)."""
        if self._anonymous:
            return self._login_required()
        payload = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        if hasattr(request.data, "getlist"):
            payload = {k: request.data.get(k) for k in request.data if k != "files"}
            payload["files"] = request.FILES.getlist("files")
        data = ObjectionCreateSerializer(data=payload)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        notice = values["notice"]
        if not contests_visible(user=request.user).filter(pk=notice.contest_id).exists():
            raise Http404
        objection = notice_services.objection_submit(
            actor=request.user,
            notice=notice,
            award=values.get("award"),
            reason=values["reason"],
            contact=values["contact"],
            on_behalf_of=values.get("on_behalf_of", ""),
            files=values.get("files", []),
        )
        return Response(
            ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data, status=201
        )

    @extend_schema(request=ObjectionResolveSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def resolve(self, request, pk=None):
        """Uphold or reject with reasoning; an upheld objection may change the list."""
        if self._anonymous:
            return self._login_required()
        objection = get_object_or_404(self.get_queryset(), pk=pk)
        data = ObjectionResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        objection = notice_services.objection_resolve(
            actor=request.user,
            objection=objection,
            decision=values["decision"],
            resolution=values["resolution"],
            changes=[dict(c) for c in values.get("changes", [])],
            no_change=values.get("no_change", False),
        )
        return Response(ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data)


class ObjectionFileDownloadView(APIView):
    """Evidence of an objection: the contest's organisers and the objector only."""

    permission_classes = [Authenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        objections = awards_selectors.objections_visible(user=request.user)
        evidence = get_object_or_404(ObjectionFile.objects.filter(objection__in=objections), pk=pk)
        response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
        return attachment(response, evidence.original_name)


class CalendarDayViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Public holidays and adjusted working days (调休), used for working-day notice periods.
    Everyone reads; platform admins edit."""

    permission_classes = [RulePermission]
    rules = {"create": "awards.edit_calendar", "destroy": "awards.edit_calendar"}
    serializer_class = CalendarDaySerializer
    pagination_class = None

    def get_queryset(self):
        qs = CalendarDay.objects.all()
        year = query_year(self.request)
        if year:
            qs = qs.filter(date__year=year)
        return qs.order_by("date")

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
