"""揭榜挂帅 after the win, in figures: per publisher of a contest (`awards.stats`).

Organisers see every publisher of their contest; a publisher sees its own organisation's row.
Anyone else gets a 404 (the contest's figures are not theirs to know)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import Authenticated
from awards.stats import COUNTS, agreement_statistics
from contest.permissions import is_organiser, publisher_organisation_ids
from contest.selectors import contests_visible


def _figures(name: str):
    fields = {key: serializers.IntegerField() for key in COUNTS}
    fields["prize_committed"] = serializers.DecimalField(max_digits=16, decimal_places=2)
    fields["prize_paid"] = serializers.DecimalField(max_digits=16, decimal_places=2)
    return type(name, (serializers.Serializer,), fields)


AgreementFiguresSerializer = _figures("AgreementFiguresSerializer")


class PublisherFiguresSerializer(AgreementFiguresSerializer):
    publisher = serializers.IntegerField()
    publisher_name = serializers.CharField()


class AgreementStatisticsSerializer(serializers.Serializer):
    totals = AgreementFiguresSerializer()
    publishers = PublisherFiguresSerializer(many=True)


class AgreementStatisticsView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=AgreementStatisticsSerializer)
    def get(self, request, pk):
        contest = get_object_or_404(contests_visible(user=request.user), pk=pk)
        if is_organiser(request.user, contest):
            scope = None
        else:
            scope = publisher_organisation_ids(request.user, contest)
            if not scope:
                raise Http404
        data = agreement_statistics(contest=contest, publisher_ids=scope)
        return Response(AgreementStatisticsSerializer(data).data)
