"""GET /api/contests/{id}/readiness/: the workspace's phases, checklist and next action, for the
contest's organisers only (anyone else: 404; anonymous: 401)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import Authenticated
from api.serializers.readiness import ReadinessSerializer
from awards.readiness import contest_readiness
from contest.selectors import contests_organised


class ContestReadinessView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request, pk):
        """The contest's phases in order, the current one, each phase's checklist (done, counts,
        what blocks the next step and where to fix it) and the one next action."""
        contest = get_object_or_404(contests_organised(user=request.user), pk=pk)
        return Response(ReadinessSerializer(contest_readiness(contest)).data)
