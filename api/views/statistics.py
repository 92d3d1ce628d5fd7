"""The organiser's charts: one read-only endpoint per chart family.

Organisers of the contest only: the contest or stage is looked up among the contests the user
organises, so for anyone else it is a 404 (401/403 without login). Each endpoint runs a constant
number of queries (see contest/stats.py and judging/stats.py).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import Authenticated
from api.serializers.statistics import (
    EntryStatisticsSerializer,
    JudgeStatisticsSerializer,
    RegistrationStatisticsSerializer,
    ScoreStatisticsSerializer,
)
from api.views.result import stage_organised
from contest.selectors import contests_organised
from contest.stats import entry_statistics, registration_statistics
from judging.stats import judge_statistics, score_distribution


def _contest_organised(request, pk):
    return get_object_or_404(contests_organised(user=request.user), pk=pk)


class RegistrationStatisticsView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=RegistrationStatisticsSerializer)
    def get(self, request, pk):
        """Teams registered per day (with the running total), per track, per province and per
        kind of the lead organisation."""
        data = registration_statistics(contest=_contest_organised(request, pk))
        return Response(RegistrationStatisticsSerializer(data).data)


class EntryStatisticsView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=EntryStatisticsSerializer)
    def get(self, request, pk):
        """Entries per stage and status, every stage in order."""
        data = entry_statistics(contest=_contest_organised(request, pk))
        return Response(EntryStatisticsSerializer(data).data)


class ScoreStatisticsView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=ScoreStatisticsSerializer)
    def get(self, request, pk):
        """Distribution of the review totals counted, per track, in bins of 10 points."""
        data = score_distribution(stage=stage_organised(request, pk))
        return Response(ScoreStatisticsSerializer(data).data)


class JudgeStatisticsView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=JudgeStatisticsSerializer)
    def get(self, request, pk):
        """Judges' leniency (mean minus the stage mean) and spread, agreement per group (Kendall's
        W, ICC(2,1)) and scoring progress per panel member with totals."""
        data = judge_statistics(stage=stage_organised(request, pk))
        return Response(JudgeStatisticsSerializer(data).data)
