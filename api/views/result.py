"""Results of a stage for its organisers: settings, compute, ranking, consistency, 合议, publish,
promotion, recommendation and the score export; published snapshots for everyone.

A stage's results are not visible to anyone but the contest's organisers, so every organiser
route looks the stage up among the contests the user organises: for anyone else it is a 404.
Published snapshots are public with the stage's contest.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import Authenticated, ReadOpenWriteAuthenticated
from api.serializers.result import (
    ConsistencySerializer,
    CorrectionRequestSerializer,
    EntryResultSerializer,
    PanelOverrideSerializer,
    PanelOverrideWriteSerializer,
    PromotionOutcomeSerializer,
    PromotionRequestSerializer,
    RankingSummarySerializer,
    RecommendationRequestSerializer,
    RecommendationSerializer,
    ResultFreshnessSerializer,
    ResultSettingsSerializer,
    ResultSettingsWriteSerializer,
    ResultSnapshotSerializer,
)
from api.views.contest import XLSX, xlsx_response
from contest.models import Stage
from contest.permissions import permission_check
from contest.selectors import contests_organised, contests_visible
from judging.models import EntryResult
from judging.selectors import (
    consistency_for_stage,
    group_names,
    result_settings_for,
    results_of_stage,
    scores_export_data,
    snapshots_of_stage,
)
from judging.selectors.result import snapshots_public
from judging.selectors.result_update import result_state_for
from judging.services.correction import results_correction_open
from judging.services.promotion import promotion_apply, recommendation_create
from judging.services.recompute import results_recompute_now
from judging.services.result import (
    panel_override_set,
    ranking_compute,
    result_settings_update,
    results_publish,
)


def stage_organised(request, pk) -> Stage:
    qs = Stage.objects.filter(contest__in=contests_organised(user=request.user))
    return get_object_or_404(qs.select_related("contest"), pk=pk)


class ResultSettingsView(APIView):
    """成绩规则: how the stage's reviews become a ranking (organisers)."""

    permission_classes = [Authenticated]

    @extend_schema(responses=ResultSettingsSerializer)
    def get(self, request, pk):
        stage = stage_organised(request, pk)
        return Response(ResultSettingsSerializer(result_settings_for(stage=stage)).data)

    @extend_schema(request=ResultSettingsWriteSerializer, responses=ResultSettingsSerializer)
    def put(self, request, pk):
        """Change the settings (fields left out keep their value); recorded and recomputed."""
        stage = stage_organised(request, pk)
        data = ResultSettingsWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        settings = result_settings_update(actor=request.user, stage=stage, **data.validated_data)
        return Response(ResultSettingsSerializer(settings).data)


class ResultsComputeView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=None, responses=RankingSummarySerializer)
    def post(self, request, pk):
        """Recompute and store the stage's results now (recorded in the audit log)."""
        stage = stage_organised(request, pk)
        summary = ranking_compute(stage=stage, actor=request.user)
        return Response(RankingSummarySerializer(summary).data)


class ResultsFreshnessView(APIView):
    """How fresh the stored results are (organisers): when computed, submits since, running."""

    permission_classes = [Authenticated]

    @extend_schema(responses=ResultFreshnessSerializer)
    def get(self, request, pk):
        stage = stage_organised(request, pk)
        return Response(ResultFreshnessSerializer(result_state_for(stage=stage)).data)


class ResultsRecomputeView(APIView):
    """立即重算: a full recompute now, folding in every pending submit (organisers; refused on
    published results); answers with the new freshness."""

    permission_classes = [Authenticated]

    @extend_schema(request=None, responses=ResultFreshnessSerializer)
    def post(self, request, pk):
        stage = stage_organised(request, pk)
        state = results_recompute_now(actor=request.user, stage=stage)
        return Response(ResultFreshnessSerializer(state).data)


class ResultListView(generics.ListAPIView):
    """The stored ranking: by group, then rank; unranked entries (no score) last in their group."""

    permission_classes = [Authenticated]
    serializer_class = EntryResultSerializer
    filter_backends = []

    def _stage(self) -> Stage:
        if not hasattr(self, "_stage_cache"):
            self._stage_cache = stage_organised(self.request, self.kwargs["pk"])
        return self._stage_cache

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return EntryResult.objects.none()
        group_key = self.request.query_params.get("group_key") or None
        return results_of_stage(stage=self._stage(), group_key=group_key)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            stage = self._stage()
            scope = result_settings_for(stage=stage).scope
            context["group_names"] = group_names(stage=stage, scope=scope)
        return context

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "group_key",
                str,
                required=False,
                description='Only one ranking group: a track/group/challenge id, "none" or "stage"',
            )
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ConsistencyView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=ConsistencySerializer)
    def get(self, request, pk):
        """Judge leniency and spread, agreement per group (Kendall's W, ICC(2,1)) and outlier
        reviews, over what has been submitted so far (usable while scoring is open)."""
        stage = stage_organised(request, pk)
        found = consistency_for_stage(stage)
        report = found.report
        body = {
            "reviews": found.reviews,
            "excluded_conflicts": found.excluded_conflicts,
            "deviation_threshold": report.deviation_threshold,
            "leniency_mean": report.leniency_mean,
            "leniency_sd": report.leniency_sd,
            "judges": [
                {
                    "judge_id": j.judge_id,
                    "name": found.judge_names.get(j.judge_id, ""),
                    "count": j.count,
                    "compared": j.compared,
                    "mean": j.mean,
                    "spread": j.spread,
                    "leniency": j.leniency,
                    "outlier": j.outlier,
                }
                for j in report.judges.values()
            ],
            "groups": [
                {
                    "group_key": g.group,
                    "group_name": found.group_names.get(g.group, g.group),
                    "entries_reviewed": g.entries_reviewed,
                    "judges": g.judges,
                    "kendall_w": g.kendall_w,
                    "icc": g.icc,
                    "block_judges": len(g.block.judges) if g.block else 0,
                    "block_entries": len(g.block.entries) if g.block else 0,
                    "blocks": len(g.blocks),
                }
                for g in sorted(report.groups.values(), key=lambda g: str(g.group))
            ],
            "review_outliers": report.review_outliers,
        }
        return Response(ConsistencySerializer(body).data)


class OverrideView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=PanelOverrideWriteSerializer, responses={201: PanelOverrideSerializer})
    def post(self, request, pk):
        """合议: set an entry's final score and/or its order among tied entries, with a reason."""
        stage = stage_organised(request, pk)
        data = PanelOverrideWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        entry = get_object_or_404(stage.entries.all(), pk=values["entry"])
        override = panel_override_set(
            actor=request.user,
            stage=stage,
            entry=entry,
            score=values.get("score"),
            panel_order=values.get("panel_order"),
            reason=values["reason"],
        )
        row = results_of_stage(stage=stage).filter(entry=entry).first()
        context = {
            "result": row,
            "group_names": group_names(stage=stage, scope=result_settings_for(stage=stage).scope),
        }
        return Response(PanelOverrideSerializer(override, context=context).data, status=201)


class PublishView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=None, responses={201: ResultSnapshotSerializer})
    def post(self, request, pk):
        """Freeze the stored results as the next published snapshot (with its sha256)."""
        stage = stage_organised(request, pk)
        snapshot = results_publish(actor=request.user, stage=stage)
        return Response(ResultSnapshotSerializer(snapshot).data, status=201)


class SnapshotListView(APIView):
    """Published results. Anyone who can see the contest gets the latest published snapshot and
    every snapshot withdrawn by a correction (已更正, with its reason and what replaced it);
    organisers get every version; newest first."""

    permission_classes = [ReadOpenWriteAuthenticated]

    @extend_schema(responses=ResultSnapshotSerializer(many=True))
    def get(self, request, pk):
        qs = Stage.objects.filter(contest__in=contests_visible(user=request.user))
        stage = get_object_or_404(qs.select_related("contest"), pk=pk)
        if permission_check(request.user, "judging.view_result_history", stage.contest):
            snapshots = list(snapshots_of_stage(stage=stage))
        else:
            snapshots = snapshots_public(stage=stage)
        return Response(ResultSnapshotSerializer(snapshots, many=True).data)


class CorrectionView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=CorrectionRequestSerializer, responses={201: ResultSnapshotSerializer})
    def post(self, request, pk):
        """更正: withdraw the published results with a reason and reopen the named reviews (all
        when none are named); the stage is under correction until the next publication.
        Returns the withdrawn snapshot."""
        stage = stage_organised(request, pk)
        data = CorrectionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        snapshot = results_correction_open(
            actor=request.user,
            stage=stage,
            reason=data.validated_data["reason"],
            review_ids=data.validated_data.get("review_ids") or None,
        )
        return Response(ResultSnapshotSerializer(snapshot).data, status=201)


class PromotionView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(request=PromotionRequestSerializer, responses=PromotionOutcomeSerializer)
    def post(self, request, pk):
        """晋级: promote entries of this stage to a later stage (top N / top % per group from
        the published ranking, ties at the cut kept together; a score line; or hand-picked)."""
        stage = stage_organised(request, pk)
        data = PromotionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        to_stage = Stage.objects.filter(contest_id=stage.contest_id, pk=values.pop("to_stage"))
        to_stage = to_stage.first()
        if to_stage is None:
            raise Http404
        outcome = promotion_apply(actor=request.user, from_stage=stage, to_stage=to_stage, **values)
        return Response(PromotionOutcomeSerializer(outcome).data)


class RecommendationView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(
        request=RecommendationRequestSerializer,
        responses={201: RecommendationSerializer(many=True)},
    )
    def post(self, request, pk):
        """推荐: recommend entries of this sub-contest to its parent contest, within the parent's
        quota per sub-contest (`quota_exceeded` otherwise)."""
        contest = get_object_or_404(contests_organised(user=request.user), pk=pk)
        data = RecommendationRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        recommendations = recommendation_create(
            actor=request.user,
            contest=contest,
            entry_ids=data.validated_data["entry_ids"],
            reason=data.validated_data.get("reason", ""),
        )
        return Response(
            RecommendationSerializer(recommendations, many=True).data,
            status=status.HTTP_201_CREATED,
        )


class ScoresExportView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request, pk):
        """Excel: every submitted review's score per criterion, and the ranking."""
        stage = stage_organised(request, pk)
        from judging.exports import scores_workbook

        content = scores_workbook(scores_export_data(stage=stage))
        return xlsx_response(content, f"scores-{stage.contest.code}-{stage.order}.xlsx")
