"""Award tiers and awards: organisers set tiers, propose awards from results, add, change
tiers and remove them. Querysets are filtered by role, so what a user may not see is a 404."""

from urllib.parse import quote

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from api.params import query_int
from api.permissions import Authenticated
from api.serializers.award import (
    AwardAddSerializer,
    AwardChangeTierSerializer,
    AwardProposeSerializer,
    AwardReasonSerializer,
    AwardSerializer,
    AwardSettingsSerializer,
    AwardSettingsWriteSerializer,
    AwardTierSerializer,
    AwardTierWriteSerializer,
    ContestRefSerializer,
)
from awards import selectors as awards_selectors
from awards.errors import error
from awards.services import award as award_services
from awards.services.settings import award_settings_get, award_settings_update
from contest.selectors import contests_visible


def int_param(request, name: str) -> int | None:
    return query_int(request, name)


def attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


CONTEST_PARAM = OpenApiParameter("contest", int, required=False)


class AwardTierViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Award tiers of the contests you organise (一等奖 …, with quotas)."""

    permission_classes = [Authenticated]
    serializer_class = AwardTierSerializer
    pagination_class = None

    def get_queryset(self):
        qs = awards_selectors.award_tiers_organised(user=self.request.user)
        contest = int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("contest_id", "order", "id")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AwardTierWriteSerializer, responses={201: AwardTierSerializer})
    def create(self, request):
        data = AwardTierWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contest = values.pop("contest", None)
        if contest is None or "name" not in values:
            raise error("invalid", fields={"contest": ["required"], "name": ["required"]})
        if not contests_visible(user=request.user).filter(pk=contest.pk).exists():
            raise Http404
        tier = award_services.award_tier_create(actor=request.user, contest=contest, **values)
        return Response(AwardTierSerializer(tier).data, status=201)

    @extend_schema(request=AwardTierWriteSerializer, responses=AwardTierSerializer)
    def partial_update(self, request, pk=None):
        tier = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardTierWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("contest", None)
        tier = award_services.award_tier_update(actor=request.user, tier=tier, **values)
        return Response(AwardTierSerializer(tier).data)

    def destroy(self, request, pk=None):
        tier = get_object_or_404(self.get_queryset(), pk=pk)
        award_services.award_tier_delete(actor=request.user, tier=tier)
        return Response(status=204)


class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The award list of contests you organise: propose from results, add, change, remove."""

    permission_classes = [Authenticated]
    rules = {"glyph_check": "awards.check_awards"}
    serializer_class = AwardSerializer

    def get_queryset(self):
        qs = awards_selectors.awards_organised(user=self.request.user)
        for name in ("contest", "stage", "notice"):
            value = int_param(self.request, name)
            if value:
                qs = qs.filter(**{f"{name}_id": value})
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("contest_id", "tier__order", "group_key", "rank", "id")

    @extend_schema(
        parameters=[
            CONTEST_PARAM,
            OpenApiParameter("stage", int, required=False),
            OpenApiParameter("notice", int, required=False),
            OpenApiParameter("status", str, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, award):
        return AwardSerializer(
            awards_selectors.awards_organised(user=self.request.user).get(pk=award.pk)
        ).data

    @extend_schema(request=AwardProposeSerializer, responses={201: AwardSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)
    def propose(self, request):
        """Propose the stage's awards from its latest published results (ties kept together)."""
        data = AwardProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stage = data.validated_data["stage"]
        if not contests_visible(user=request.user).filter(pk=stage.contest_id).exists():
            raise Http404
        awards = award_services.awards_propose(actor=request.user, stage=stage)
        qs = self.get_queryset().filter(pk__in=[a.pk for a in awards])
        return Response(AwardSerializer(qs, many=True).data, status=201)

    @extend_schema(request=AwardAddSerializer, responses={201: AwardSerializer})
    def create(self, request):
        """Add an award by hand (a special or organiser award, or a correction), with a reason."""
        data = AwardAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not contests_visible(user=request.user).filter(pk=values["contest"].pk).exists():
            raise Http404
        award = award_services.award_add(actor=request.user, **values)
        return Response(self._detail(award), status=201)

    @extend_schema(request=AwardChangeTierSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"], url_path="change-tier")
    def change_tier(self, request, pk=None):
        award = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardChangeTierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        award = award_services.award_tier_change(
            actor=request.user, award=award, **data.validated_data
        )
        return Response(self._detail(award))

    @extend_schema(request=AwardReasonSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        award = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        award = award_services.award_remove(actor=request.user, award=award, **data.validated_data)
        return Response(self._detail(award))

    @extend_schema(
        request=ContestRefSerializer,
        responses={200: {"type": "object", "properties": {"flagged": {"type": "integer"}}}},
    )
    @action(detail=False, methods=["post"], url_path="glyph-check")
    def glyph_check(self, request):
        """Re-check names against the certificate font (after a name was corrected)."""
        data = ContestRefSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contest = data.validated_data["contest"]
        self.check_object_permissions(request, contest)
        flagged = award_services.awards_glyph_refresh(
            awards=contest.awards.exclude(status="removed")
        )
        return Response({"flagged": flagged})


class AwardSettingsView(APIView):
    """The contest's award settings (organisers): the minimum notice length (default 5 working
    days)."""

    permission_classes = [Authenticated]
    rules = {"get": "awards.set_award_settings", "patch": "awards.set_award_settings"}

    def _contest(self, request, pk):
        contest = get_object_or_404(contests_visible(user=request.user), pk=pk)
        self.check_object_permissions(request, contest)
        return contest

    @extend_schema(responses=AwardSettingsSerializer)
    def get(self, request, pk):
        return Response(
            AwardSettingsSerializer(award_settings_get(self._contest(request, pk))).data
        )

    @extend_schema(request=AwardSettingsWriteSerializer, responses=AwardSettingsSerializer)
    def patch(self, request, pk):
        contest = self._contest(request, pk)
        data = AwardSettingsWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        settings = award_settings_update(actor=request.user, contest=contest, **data.validated_data)
        return Response(AwardSettingsSerializer(settings).data)
