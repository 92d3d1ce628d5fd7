from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.filters import StrictFilterSet
from api.permissions import Authenticated
from api.serializers.publisher_application import (
    DecisionReasonSerializer,
    PublisherApplicationSerializer,
    PublisherApplicationWriteSerializer,
)
from contest.models import PublisherApplication
from contest.selectors import contests_visible, publisher_applications_visible
from contest.services import publisher_application as services


class PublisherApplicationFilter(StrictFilterSet):
    class Meta:
        model = PublisherApplication
        fields = ["contest", "status"]


class PublisherApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """征榜 applications: an applicant sees their own; organisers decide those of their contests."""

    permission_classes = [Authenticated]
    serializer_class = PublisherApplicationSerializer
    filterset_class = PublisherApplicationFilter
    ordering = ["-created_at", "-id"]
    rules = {
        "create": "contest.apply_to_publish",
        "approve": "contest.decide_publisher_application",
        "decline": "contest.decide_publisher_application",
    }

    def get_queryset(self):
        return publisher_applications_visible(user=self.request.user)

    def rule_object(self, application):
        return application

    def _detail(self, application):
        return PublisherApplicationSerializer(self.get_queryset().get(pk=application.pk)).data

    @extend_schema(
        request=PublisherApplicationWriteSerializer, responses={201: PublisherApplicationSerializer}
    )
    def create(self, request):
        """Apply to publish challenges in a contest, during its 征榜 window."""
        data = PublisherApplicationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contest = values.pop("contest")
        if not contests_visible(user=request.user).filter(pk=contest.pk).exists():
            raise Http404
        application = services.publisher_application_submit(
            actor=request.user, contest=contest, **values
        )
        return Response(self._detail(application), status=201)

    def _decide(self, request, pk, service):
        application = get_object_or_404(self.get_queryset(), pk=pk)
        self.check_object_permissions(request, application)
        data = DecisionReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = service(
            actor=request.user, application=application, reason=data.validated_data["reason"]
        )
        return Response(self._detail(application))

    @extend_schema(request=DecisionReasonSerializer, responses=PublisherApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Organiser: approve; the applicant becomes the organisation's publisher."""
        return self._decide(request, pk, services.publisher_application_approve)

    @extend_schema(request=DecisionReasonSerializer, responses=PublisherApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Organiser: decline, with a reason."""
        return self._decide(request, pk, services.publisher_application_decline)
