"""评榜 by publishers, for the contest's organisers: the stage's publisher weight (fixed once
scoring starts), publishers invited onto the panel as publisher reviewers, and their assignments
to the entries of their own challenges. The reviews themselves go through the judges' routes.
Stages of contests the user does not organise are a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.publisher_review import (
    PublisherAssignmentSummarySerializer,
    PublisherReviewerInviteSerializer,
    PublisherReviewerSerializer,
    PublisherReviewersSerializer,
    PublisherWeightSerializer,
)
from api.views.assignment import StageScopedMixin
from contest.enums import ContestRoleKind
from contest.models import ContestRole
from judging.enums import ReviewerClass
from judging.models import PanelMembership
from judging.services import publisher_review as services
from judging.services.result import result_settings_ensure


class PublisherWeightView(StageScopedMixin, APIView):
    def _body(self, stage) -> dict:
        settings = result_settings_ensure(stage=stage)
        return PublisherWeightSerializer(
            {"weight": settings.publisher_weight, "locked": services.scoring_started(stage)}
        ).data

    @extend_schema(responses=PublisherWeightSerializer)
    def get(self, request, stage_id):
        """The stage's publisher weight (percent) and whether it is still open to change."""
        return Response(self._body(self.get_stage()))

    @extend_schema(request=PublisherWeightSerializer, responses=PublisherWeightSerializer)
    def put(self, request, stage_id):
        """Set the publisher weight, before scoring starts (409 `publisher_weight_locked`
        after); audited."""
        stage = self.get_stage()
        data = PublisherWeightSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.publisher_weight_set(
            actor=request.user, stage=stage, weight=data.validated_data["weight"]
        )
        return Response(self._body(stage))


class PublisherReviewerView(StageScopedMixin, APIView):
    @extend_schema(responses=PublisherReviewersSerializer)
    def get(self, request, stage_id):
        """The stage's publisher reviewers (signed or not) and the contest's publishers who
        could be invited."""
        stage = self.get_stage()
        rows = (
            PanelMembership.objects.filter(stage=stage, reviewer_class=ReviewerClass.PUBLISHER)
            .select_related("judge")
            .order_by("pk")
        )
        on_panel = PanelMembership.objects.filter(stage=stage).values("judge_id")
        candidates = [
            {"id": user_id, "real_name": name, "organisation_name": organisation}
            for user_id, name, organisation in ContestRole.objects.filter(
                contest=stage.contest, role=ContestRoleKind.PUBLISHER
            )
            .exclude(user_id__in=on_panel)
            .order_by("user__real_name", "user_id")
            .values_list("user_id", "user__real_name", "organisation__name")
        ]
        return Response(
            PublisherReviewersSerializer({"reviewers": rows, "candidates": candidates}).data
        )

    @extend_schema(
        request=PublisherReviewerInviteSerializer, responses={201: PublisherReviewerSerializer}
    )
    def post(self, request, stage_id):
        """Invite a publisher of the contest as a publisher reviewer (the stage needs a weight)."""
        stage = self.get_stage()
        data = PublisherReviewerInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.publisher_reviewer_invite(
            actor=request.user, stage=stage, user=data.validated_data["user"]
        )
        return Response(PublisherReviewerSerializer(membership).data, status=201)


class PublisherAssignmentView(StageScopedMixin, APIView):
    @extend_schema(request=None, responses={201: PublisherAssignmentSummarySerializer})
    def post(self, request, stage_id):
        """Assign each accepted publisher reviewer to the submitted entries of its own
        challenges, leaving out the teams it conflicts with; audited."""
        summary = services.publisher_assignments_create(actor=request.user, stage=self.get_stage())
        return Response(PublisherAssignmentSummarySerializer(summary).data, status=201)
