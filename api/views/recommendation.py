"""The national contest's inbox of recommendations (推荐) from its sub-contests, for the national
organisers only (anyone else: 404; anonymous: 401): the list with filters, accept (carried
across) and return with a reason, the quotas and the dashboard; and the team's confirmation of
an entry carried across to it."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import StandardPagination
from api.permissions import Authenticated
from api.serializers.entry import EntrySerializer
from api.serializers.recommendation import (
    InboxRecommendationSerializer,
    RecommendationDashboardSerializer,
    RecommendationQuotasSerializer,
    RecommendationReturnSerializer,
)
from awards.wins import team_awards
from contest.models import Entry
from contest.selectors import contests_organised, entries_visible
from contest.services.carry import entry_carry_confirm
from judging.enums import RecommendationStatus
from judging.models import RecommendationQuota
from judging.selectors import (
    recommendation_by_organiser,
    recommendation_dashboard,
    recommendations_received,
)
from judging.services.recommendation import (
    recommendation_accept,
    recommendation_quotas_set,
    recommendation_return,
)


class RecommendationInboxView(APIView):
    permission_classes = [Authenticated]
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("from_contest", int, required=False, description="sub-contest id"),
            OpenApiParameter("track", int, required=False, description="track id of this contest"),
            OpenApiParameter("status", str, required=False, enum=list(RecommendationStatus.values)),
            OpenApiParameter("page", int, required=False),
            OpenApiParameter("page_size", int, required=False),
        ],
        responses=InboxRecommendationSerializer(many=True),
    )
    def get(self, request, pk):
        """What the sub-contests recommended to this contest, by sub-contest, track and rank,
        with each entry's score, awards, organisations and current files."""
        parent = get_object_or_404(contests_organised(user=request.user), pk=pk)
        qs = recommendations_received(user=request.user, parent=parent)
        for name in ("from_contest", "track"):
            value = request.query_params.get(name)
            if value:
                qs = qs.filter(**{f"{name}_id": value if value.isdigit() else -1})
        status = request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        awards = team_awards([r.entry.team_id for r in page])
        data = InboxRecommendationSerializer(page, many=True, context={"awards": awards}).data
        return paginator.get_paginated_response(data)


def _recommendation(request, pk):
    rec = recommendation_by_organiser(user=request.user, pk=pk)
    if rec is None:
        raise Http404
    return rec


def _shown(request, rec):
    row = recommendations_received(user=request.user, parent=rec.to_contest).get(pk=rec.pk)
    awards = team_awards([row.entry.team_id])
    return InboxRecommendationSerializer(row, context={"awards": awards}).data


class RecommendationAcceptView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=None, responses=InboxRecommendationSerializer)
    def post(self, request, pk):
        """Accept: the entry is carried across into this contest's first stage as one team and
        one draft entry with its current files as version 1 (accepting again changes nothing)."""
        rec = recommendation_accept(actor=request.user, recommendation=_recommendation(request, pk))
        return Response(_shown(request, rec))


class RecommendationReturnView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=RecommendationReturnSerializer, responses=InboxRecommendationSerializer)
    def post(self, request, pk):
        """Return with a reason; the sub-contest's organisers are told and the place is free."""
        rec = _recommendation(request, pk)
        data = RecommendationReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rec = recommendation_return(
            actor=request.user, recommendation=rec, reason=data.validated_data["reason"]
        )
        return Response(_shown(request, rec))


class RecommendationQuotasView(APIView):
    permission_classes = [Authenticated]

    def _data(self, parent):
        return {
            "promotion_quota": parent.promotion_quota,
            "recommendation_deadline": parent.recommendation_deadline,
            "quotas": [
                {"track": q.track_id, "from_contest": q.from_contest_id, "quota": q.quota}
                for q in RecommendationQuota.objects.filter(parent=parent)
            ],
        }

    @extend_schema(responses=RecommendationQuotasSerializer)
    def get(self, request, pk):
        """The quota per sub-contest, the quotas per track and the deadline."""
        parent = get_object_or_404(contests_organised(user=request.user), pk=pk)
        return Response(RecommendationQuotasSerializer(self._data(parent)).data)

    @extend_schema(request=RecommendationQuotasSerializer, responses=RecommendationQuotasSerializer)
    def put(self, request, pk):
        """Replace the quotas per track; set the quota per sub-contest and the deadline when
        given. Recommendations already made stay; the quotas apply to the next ones."""
        parent = get_object_or_404(contests_organised(user=request.user), pk=pk)
        data = RecommendationQuotasSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        extra = {}
        if "promotion_quota" in values:
            extra["promotion_quota"] = values["promotion_quota"]
        if "recommendation_deadline" in values:
            extra["deadline"] = values["recommendation_deadline"]
        recommendation_quotas_set(
            actor=request.user, parent=parent, quotas=list(values["quotas"]), **extra
        )
        parent.refresh_from_db()
        return Response(RecommendationQuotasSerializer(self._data(parent)).data)


class RecommendationDashboardView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=RecommendationDashboardSerializer)
    def get(self, request, pk):
        """Each sub-contest's places used against its quota, in total and per track, what is
        missing, the ones that have recommended nothing, and the time left to the deadline."""
        parent = get_object_or_404(contests_organised(user=request.user), pk=pk)
        return Response(
            RecommendationDashboardSerializer(recommendation_dashboard(parent=parent)).data
        )


class EntryCarryConfirmView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=None, responses=EntrySerializer)
    def post(self, request, pk):
        """The team confirms the entry carried across to it from its sub-contest."""
        entry = get_object_or_404(entries_visible(user=request.user), pk=pk)
        entry = entry_carry_confirm(actor=request.user, entry=entry)
        entry = Entry.objects.get(pk=entry.pk)
        return Response(EntrySerializer(entry, context={"request": request}).data)
