"""The expert pool (专家库) and the expert draw, for the organisers of the contest (everything of
a contest the user does not organise is 404); and the drawn expert's own invitation link
(`/expert-invitations/<token>/`), which names no one but them. Nothing here is reachable by a
team: the experts a draw picked stay hidden from entrants."""

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import error_body
from api.pagination import StandardPagination
from api.permissions import Authenticated
from api.serializers.expert import (
    ExpertConfirmSerializer,
    ExpertDrawCheckSerializer,
    ExpertDrawCreateSerializer,
    ExpertDrawSerializer,
    ExpertImportResultSerializer,
    ExpertInvitationSerializer,
    ExpertQuerySerializer,
    ExpertSerializer,
)
from api.views.assignment import stages_organised
from api.views.contest import ONE_FILE_BODY, required_file, xlsx_response
from awards.services.appointment_letter import appointment_letter_for, appointment_letter_render
from contest.errors import error
from contest.models import Track
from contest.selectors import contests_organised
from judging.enums import ExpertPickStatus
from judging.models import Expert, ExpertDraw, ExpertDrawPick
from judging.selectors.expert import expert_draws_of_stage, experts_of_contest
from judging.services import expert as services
from judging.services import expert_draw as draws
from judging.services.expert_import import expert_template_build, experts_import

PDF = "application/pdf"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _contest(request, pk):
    return get_object_or_404(contests_organised(user=request.user), pk=pk)


def _draws_organised(user):
    return ExpertDraw.objects.filter(stage__in=stages_organised(user)).select_related(
        "stage__contest", "track", "created_by"
    )


class ContestExpertsView(APIView):
    permission_classes = [Authenticated]
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[
            ExpertQuerySerializer,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=ExpertSerializer(many=True),
    )
    def get(self, request, pk):
        """The contest's expert pool, searchable by name, organisation, title or contact, and
        filtered by province, field and whether in the pool. Paginated."""
        contest = _contest(request, pk)
        query = ExpertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        experts = experts_of_contest(contest)
        if q.get("q"):
            text = q["q"].strip()
            experts = experts.filter(
                Q(name__icontains=text)
                | Q(organisation_name__icontains=text)
                | Q(title__icontains=text)
                | Q(mobile__icontains=text)
                | Q(email__icontains=text)
            )
        if q.get("province"):
            experts = experts.filter(province=q["province"])
        if q.get("active") is not None:
            experts = experts.filter(active=q["active"])
        if q.get("field"):
            wanted = q["field"].strip()
            ids = [pk for pk, tags in experts.values_list("pk", "fields") if wanted in (tags or [])]
            experts = experts.filter(pk__in=ids)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(experts, request, view=self)
        return paginator.get_paginated_response(ExpertSerializer(page, many=True).data)

    @extend_schema(request=ExpertSerializer, responses={201: ExpertSerializer})
    def post(self, request, pk):
        """Add an expert to the pool."""
        contest = _contest(request, pk)
        data = ExpertSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        expert = services.expert_create(actor=request.user, contest=contest, **data.validated_data)
        return Response(ExpertSerializer(expert).data, status=201)


class ExpertDetailView(APIView):
    permission_classes = [Authenticated]

    def _expert(self, request, pk) -> Expert:
        return get_object_or_404(
            Expert.objects.filter(contest__in=contests_organised(user=request.user)), pk=pk
        )

    @extend_schema(responses=ExpertSerializer)
    def get(self, request, pk):
        """One expert of the pool."""
        return Response(ExpertSerializer(self._expert(request, pk)).data)

    @extend_schema(request=ExpertSerializer, responses=ExpertSerializer)
    def patch(self, request, pk):
        """Change an expert, their availability (active, unavailable dates) or declarations."""
        expert = self._expert(request, pk)
        data = ExpertSerializer(expert, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        expert = services.expert_update(actor=request.user, expert=expert, **data.validated_data)
        return Response(ExpertSerializer(expert).data)


class ExpertTemplateView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(
        responses={
            (
                200,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ): OpenApiTypes.BINARY
        }
    )
    def get(self, request, pk):
        """The Excel template of the pool, with an example row that imports as it stands."""
        return xlsx_response(expert_template_build(_contest(request, pk)), "expert-template.xlsx")


class ExpertImportView(APIView):
    permission_classes = [Authenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=ONE_FILE_BODY,
        responses={200: ExpertImportResultSerializer},
    )
    def post(self, request, pk):
        """Import experts from the template, row by row: the good rows are imported (an expert
        with the same mobile or e-mail is updated), every bad cell is reported by row and column.
        400 (the error body with the same report) when no row could be imported."""
        contest = _contest(request, pk)
        report = experts_import(actor=request.user, contest=contest, fileobj=required_file(request))
        body = {"created": report.created, "updated": report.updated, "errors": report.errors}
        if report.errors and not (report.created or report.updated):
            refusal = error("import_rows_invalid", count=len(report.errors))
            envelope = error_body(refusal.code, refusal.message_zh, refusal.message_en)
            return Response({**envelope, **body}, status=400)
        return Response(body)


class StageExpertDrawsView(APIView):
    permission_classes = [Authenticated]

    def _stage(self, request, stage_id):
        return get_object_or_404(stages_organised(request.user), pk=stage_id)

    @extend_schema(responses=ExpertDrawSerializer(many=True))
    def get(self, request, stage_id):
        """The stage's expert draws, newest first, each with its picks and their answers."""
        stage = self._stage(request, stage_id)
        return Response(ExpertDrawSerializer(expert_draws_of_stage(stage), many=True).data)

    @extend_schema(request=ExpertDrawCreateSerializer, responses={201: ExpertDrawSerializer})
    def post(self, request, stage_id):
        """Draw experts for the stage (or one track): the picked are invited at once; the seed,
        the candidates and the exclusions go on the audit chain."""
        stage = self._stage(request, stage_id)
        data = ExpertDrawCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        track_id = values.pop("track", None)
        track = None
        if track_id is not None:
            track = Track.objects.filter(pk=track_id, contest_id=stage.contest_id).first()
            if track is None:
                raise error("track_not_in_contest", fields={"track": ["track_not_in_contest"]})
        draw = draws.expert_draw_create(actor=request.user, stage=stage, track=track, **values)
        draw = expert_draws_of_stage(stage).get(pk=draw.pk)
        return Response(ExpertDrawSerializer(draw).data, status=201)


class ExpertDrawDetailView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=ExpertDrawSerializer)
    def get(self, request, pk):
        """One draw with its picks."""
        draw = get_object_or_404(
            _draws_organised(request.user).prefetch_related("picks__expert"), pk=pk
        )
        return Response(ExpertDrawSerializer(draw).data)


class ExpertDrawVerifyView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=None, responses=ExpertDrawCheckSerializer)
    def post(self, request, pk):
        """Redo the draw from its audit row (seed, candidates) and compare with the record."""
        draw = get_object_or_404(_draws_organised(request.user), pk=pk)
        return Response(ExpertDrawCheckSerializer(draws.expert_draw_verify(draw=draw)).data)


class ExpertPickLetterView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses={(200, PDF): OpenApiTypes.BINARY})
    def get(self, request, pk):
        """A confirmed expert's appointment letter (聘书), for the organisers or the expert."""
        pick = get_object_or_404(
            ExpertDrawPick.objects.select_related(
                "draw__stage__contest", "draw__track", "expert"
            ).filter(
                Q(draw__stage__contest__in=contests_organised(user=request.user))
                | Q(expert__user_id=request.user.pk)
            ),
            pk=pk,
        )
        content = appointment_letter_for(actor=request.user, pick=pick)
        return _pdf(content, f"appointment-{pick.draw_id}-{pick.position}.pdf")


def _invitation_body(pick: ExpertDrawPick) -> dict:
    draw = pick.draw
    return {
        "contest_name": draw.stage.contest.name,
        "stage_name": draw.stage.name,
        "track_name": draw.track.name if draw.track_id else "",
        "event_date": draw.event_date,
        "expert_name": pick.expert.name,
        "status": pick.status,
        "respond_by": pick.respond_by,
        "has_account": draws.expert_has_account(pick.expert),
        "letter_available": pick.status == ExpertPickStatus.CONFIRMED,
    }


class ExpertInvitationView(APIView):
    """The drawn expert's own link: the token is the only credential, so no sign-in is needed."""

    permission_classes = []
    throttle_scope = "verify"

    @extend_schema(responses=ExpertInvitationSerializer)
    def get(self, request, token):
        """What the expert is invited to, and the state of their answer."""
        return Response(_invitation_body(draws.pick_by_token(token)))


class ExpertInvitationConfirmView(APIView):
    permission_classes = []
    throttle_scope = "verify"

    @extend_schema(request=ExpertConfirmSerializer, responses=ExpertInvitationSerializer)
    def post(self, request, token):
        """Confirm: join the stage's panel, on the account with the expert's e-mail or mobile, or
        on one created now with the password given."""
        data = ExpertConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = request.user if request.user.is_authenticated else None
        draws.expert_pick_confirm(
            token=token, password=data.validated_data.get("password") or None, actor=actor
        )
        return Response(_invitation_body(draws.pick_by_token(token)))


class ExpertInvitationDeclineView(APIView):
    permission_classes = []
    throttle_scope = "verify"

    @extend_schema(request=None, responses=ExpertInvitationSerializer)
    def post(self, request, token):
        """Decline: the next reserve is invited."""
        actor = request.user if request.user.is_authenticated else None
        draws.expert_pick_decline(token=token, actor=actor)
        return Response(_invitation_body(draws.pick_by_token(token)))


class ExpertInvitationLetterView(APIView):
    permission_classes = []
    throttle_scope = "verify"

    @extend_schema(responses={(200, PDF): OpenApiTypes.BINARY})
    def get(self, request, token):
        """The expert's appointment letter (聘书), once they confirmed."""
        pick = draws.pick_by_token(token)
        return _pdf(appointment_letter_render(pick=pick), "appointment.pdf")
