"""Per-challenge results of a 揭榜挂帅 contest: recorded by the organiser, then on notice (公示).

Everyone reads the results whose notice has opened; organisers and the challenge's publisher
see them from the moment they are recorded."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.permissions import RulePermission
from api.serializers.challenge_result import (
    ChallengeResultNoticeSerializer,
    ChallengeResultSerializer,
    ChallengeResultWriteSerializer,
)
from api.views.award import CONTEST_PARAM, int_param
from awards import selectors as awards_selectors
from awards.services import challenge_result as result_services
from contest.selectors import challenges_visible


class ChallengeResultViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [RulePermission]
    serializer_class = ChallengeResultSerializer
    pagination_class = None

    def get_queryset(self):
        qs = awards_selectors.challenge_results_visible(user=self.request.user).prefetch_related(
            "winners__agreement"
        )
        contest = int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("challenge__code", "id")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _out(self, result, status=200):
        return Response(
            ChallengeResultSerializer(self.get_queryset().get(pk=result.pk)).data, status=status
        )

    @extend_schema(
        request=ChallengeResultWriteSerializer, responses={201: ChallengeResultSerializer}
    )
    def create(self, request):
        """Record a challenge's winners (prize per winner) or its 流榜 with the panel's reasons;
        before its notice, recording again replaces it."""
        data = ChallengeResultWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        challenge = values["challenge"]
        if not challenges_visible(user=request.user).filter(pk=challenge.pk).exists():
            raise Http404
        result = result_services.challenge_result_record(
            actor=request.user,
            challenge=challenge,
            outcome=values["outcome"],
            winners=[dict(w) for w in values["winners"]],
            reasons=values["reasons"],
        )
        return self._out(result, 201)

    @extend_schema(
        request=ChallengeResultNoticeSerializer, responses={201: ChallengeResultSerializer}
    )
    @action(detail=True, methods=["post"])
    def notice(self, request, pk=None):
        """Put the result on its own public notice for N (working) days."""
        result = get_object_or_404(self.get_queryset(), pk=pk)
        data = ChallengeResultNoticeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        result_services.challenge_result_notice_open(
            actor=request.user,
            result=result,
            days=values["days"],
            working_days=values["working_days"],
            opens_at=values["opens_at"],
        )
        return self._out(result, 201)
