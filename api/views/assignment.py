"""Judge assignment for organisers: feasibility, automatic runs, roadshow all-panel, manual
changes and per-judge scoring progress. Querysets hold only the stages of contests the user
organises, so anyone else gets 404."""

import django_filters
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import StandardPagination
from api.permissions import Authenticated
from api.serializers.assignment import (
    AssignmentCreateSerializer,
    AssignmentRuleSerializer,
    AssignmentRunSerializer,
    AssignmentSerializer,
    AssignmentSwapSerializer,
    FeasibilityReportSerializer,
    JudgeProgressSerializer,
    KSerializer,
    PageParamsSerializer,
    RoadshowResultSerializer,
    ShortEntryPageSerializer,
    ShortEntrySerializer,
)
from contest.models import Stage
from contest.selectors import contests_organised
from judging.models import Assignment, AssignmentRun
from judging.selectors import assignments_of_stage, judge_progress
from judging.services import assignment as services
from judging.services.assignment_feasibility import (
    K_MAX,
    assignment_feasibility,
    feasibility_report_as_dict,
    nothing_to_assign,
)


def stages_organised(user):
    return Stage.objects.filter(contest__in=contests_organised(user=user)).select_related("contest")


class StageScopedMixin:
    permission_classes = [Authenticated]

    def get_stage(self) -> Stage:
        return get_object_or_404(stages_organised(self.request.user), pk=self.kwargs["stage_id"])


class AssignmentFilter(django_filters.FilterSet):
    judge = django_filters.NumberFilter(field_name="judge_id")
    entry = django_filters.NumberFilter(field_name="entry_id")
    source = django_filters.CharFilter(field_name="source")

    class Meta:
        model = Assignment
        fields = ["judge", "entry", "source"]


class AssignmentRuleView(StageScopedMixin, APIView):
    @extend_schema(responses=AssignmentRuleSerializer)
    def get(self, request, stage_id):
        """The stage's judges per entry (the run form's default k) and its latest run."""
        return Response(self._body(self.get_stage()))

    @extend_schema(request=AssignmentRuleSerializer, responses=AssignmentRuleSerializer)
    def patch(self, request, stage_id):
        """Set the stage's judges per entry (audited)."""
        stage = self.get_stage()
        data = AssignmentRuleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stage = services.assignment_rule_set(actor=request.user, stage=stage, **data.validated_data)
        return Response(self._body(stage))

    @staticmethod
    def _body(stage) -> dict:
        latest = AssignmentRun.objects.filter(stage=stage).order_by("-id").first()
        return AssignmentRuleSerializer(
            {"judges_per_entry": stage.judges_per_entry, "k_max": K_MAX, "latest_run": latest}
        ).data


def _k_and_mode(request, stage, data) -> dict:
    values = KSerializer(data=data)
    values.is_valid(raise_exception=True)
    return {"k": stage.judges_per_entry, **values.validated_data}


class FeasibilityView(StageScopedMixin, APIView):
    @extend_schema(request=KSerializer, responses=FeasibilityReportSerializer)
    def post(self, request, stage_id):
        """Can every submitted entry get k conflict-free judges of its panel? A summary: counts,
        causes by code and one suggestion per cause and panel (never one line per entry); the
        short entries themselves, paged, at `short-entries/`. k defaults to the stage's rule."""
        stage = self.get_stage()
        params = _k_and_mode(request, stage, request.data)
        report = assignment_feasibility(stage=stage, **params)
        return Response(
            {
                **feasibility_report_as_dict(report, k=params["k"]),
                "k": params["k"],
                "nothing_to_assign": nothing_to_assign(stage=stage, **params),
            }
        )


class ShortEntriesView(StageScopedMixin, APIView):
    """The entries that cannot get k judges, every one of them, paged (the detail on demand)."""

    @extend_schema(
        parameters=[KSerializer, PageParamsSerializer], responses=ShortEntryPageSerializer
    )
    def get(self, request, stage_id):
        stage = self.get_stage()
        params = _k_and_mode(request, stage, request.query_params)
        report = assignment_feasibility(stage=stage, **params)
        rows = [
            {"id": s.id, "name": s.name, "available": s.available, "needed": s.needed}
            for s in report.short_entries
        ]
        paginator = StandardPagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(ShortEntrySerializer(page, many=True).data)


class RunCreateView(StageScopedMixin, APIView):
    @extend_schema(request=KSerializer, responses={202: AssignmentRunSerializer})
    def post(self, request, stage_id):
        """Start an automatic assignment run (`mode=top_up`: only entries below k, every existing
        assignment kept); refused with `no_submitted_entries` or `all_entries_assigned` when there
        is nothing to assign. Poll `/api/assignment-runs/{id}/` for progress."""
        stage = self.get_stage()
        data = KSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        run = services.assignment_start(actor=request.user, stage=stage, **data.validated_data)
        run.refresh_from_db()  # without a broker the task has already run
        return Response(AssignmentRunSerializer(run).data, status=202)


class RunDetailView(generics.RetrieveAPIView):
    """One assignment run: status, progress (percent), report, cost and assignments made."""

    permission_classes = [Authenticated]
    serializer_class = AssignmentRunSerializer

    def get_queryset(self):
        return AssignmentRun.objects.filter(stage__in=stages_organised(self.request.user))


class RoadshowAllView(StageScopedMixin, APIView):
    @extend_schema(request=None, responses=RoadshowResultSerializer)
    def post(self, request, stage_id):
        """Roadshow stage: every accepted panel member scores every finalist (conflicts excepted)."""
        summary = services.assignment_roadshow_all(actor=request.user, stage=self.get_stage())
        return Response(summary)


class StageAssignmentsView(StageScopedMixin, generics.ListAPIView):
    """A stage's assignments, filterable by judge, entry and source; organisers add by hand."""

    serializer_class = AssignmentSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return assignments_of_stage(stage=self.get_stage())

    @extend_schema(request=AssignmentCreateSerializer, responses={201: AssignmentSerializer})
    def post(self, request, stage_id):
        """Assign a judge by hand: refused on a conflict, off-panel or at the judge's max load."""
        stage = self.get_stage()
        data = AssignmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_add(actor=request.user, stage=stage, **data.validated_data)
        return Response(AssignmentSerializer(assignment).data, status=201)


def assignments_organised(user):
    return Assignment.objects.filter(stage__in=stages_organised(user)).select_related(
        "stage__contest", "entry__team", "judge"
    )


class AssignmentDetailView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        """Remove an assignment (refused with `review_submitted` once scored); a draft goes too."""
        assignment = get_object_or_404(assignments_organised(request.user), pk=pk)
        services.assignment_remove(actor=request.user, assignment=assignment)
        return Response(status=204)


class AssignmentSwapView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=AssignmentSwapSerializer, responses=AssignmentSerializer)
    def post(self, request, pk):
        """Give the assignment to another judge, under the same checks as a manual add."""
        assignment = get_object_or_404(assignments_organised(request.user), pk=pk)
        data = AssignmentSwapSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment = services.assignment_swap(
            actor=request.user, assignment=assignment, judge=data.validated_data["judge"]
        )
        assignment = (
            assignments_organised(request.user).select_related("review").get(pk=assignment.pk)
        )
        return Response(AssignmentSerializer(assignment).data)


class JudgeProgressView(StageScopedMixin, APIView):
    @extend_schema(responses=JudgeProgressSerializer(many=True))
    def get(self, request, stage_id):
        """Per panel member: assigned entries, submitted reviews and drafts."""
        rows = judge_progress(stage=self.get_stage())
        return Response(JudgeProgressSerializer(rows, many=True).data)
