"""The formal check (形式审查) for the organisers of the stage's contest: the material checklist,
the queue with each entry's state and missing materials, decisions and bulk pass. Stages and
entries of contests the user does not organise are 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import StandardPagination
from api.permissions import Authenticated
from api.serializers.formal_check import (
    FormalBulkPassResultSerializer,
    FormalBulkPassSerializer,
    FormalDecideSerializer,
    FormalDecisionSerializer,
    FormalQueueQuerySerializer,
    FormalQueueRowSerializer,
    MaterialChecklistSerializer,
)
from api.views.assignment import StageScopedMixin
from contest.enums import EntryFileKind
from contest.files import entry_file_max_bytes
from contest.models import Entry
from contest.selectors import contests_organised
from judging.enums import ChecklistField, FormalCheckOutcome
from judging.models import FormalCheckDecision
from judging.selectors.formal_check import checklist_of_stage, formal_queue, materials_missing
from judging.services import formal_check as services


def _checklist_body(stage) -> dict:
    checklist = checklist_of_stage(stage)
    return {
        "required_file_kinds": checklist.required_file_kinds,
        "required_fields": checklist.required_fields,
        "is_default": checklist.is_default,
        "size_limits": {k: entry_file_max_bytes(k) for k in EntryFileKind.values},
        "file_kind_choices": [{"value": v, "label": str(lb)} for v, lb in EntryFileKind.choices],
        "field_choices": [{"value": v, "label": str(lb)} for v, lb in ChecklistField.choices],
    }


class MaterialChecklistView(StageScopedMixin, APIView):
    @extend_schema(responses=MaterialChecklistSerializer)
    def get(self, request, stage_id):
        """The stage's material checklist (the default when none was set) and the size limits."""
        stage = self.get_stage()
        services.formal_stage_require(stage)
        return Response(_checklist_body(stage))

    @extend_schema(request=MaterialChecklistSerializer, responses=MaterialChecklistSerializer)
    def put(self, request, stage_id):
        """Set the file kinds and entry fields every entry of the stage must hold."""
        stage = self.get_stage()
        data = MaterialChecklistSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.material_checklist_set(
            actor=request.user,
            stage=stage,
            required_file_kinds=data.validated_data["required_file_kinds"],
            required_fields=data.validated_data["required_fields"],
        )
        return Response(_checklist_body(stage))


class FormalQueueView(StageScopedMixin, APIView):
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[
            FormalQueueQuerySerializer,
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=FormalQueueRowSerializer(many=True),
    )
    def get(self, request, stage_id):
        """Submitted and returned entries of the stage, oldest submission first, each with its
        state, latest decision and what the checklist finds missing. Paginated."""
        stage = self.get_stage()
        services.formal_stage_require(stage)
        query = FormalQueueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        checklist = checklist_of_stage(stage)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            formal_queue(stage, state=query.validated_data.get("state")), request, view=self
        )
        for entry in page:
            entry.missing = materials_missing(entry, checklist)
        return paginator.get_paginated_response(FormalQueueRowSerializer(page, many=True).data)


class FormalBulkPassView(StageScopedMixin, APIView):
    @extend_schema(request=FormalBulkPassSerializer, responses=FormalBulkPassResultSerializer)
    def post(self, request, stage_id):
        """Pass the listed entries, or every pending entry whose materials are complete."""
        stage = self.get_stage()
        data = FormalBulkPassSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        outcome = services.formal_check_pass_bulk(
            actor=request.user, stage=stage, entry_ids=data.validated_data["entry_ids"]
        )
        return Response({"passed": outcome.passed, "skipped": outcome.skipped})


class FormalDecisionView(APIView):
    permission_classes = [Authenticated]

    def get_entry(self) -> Entry:
        entries = Entry.objects.filter(
            stage__contest__in=contests_organised(user=self.request.user)
        ).select_related("stage__contest", "team")
        return get_object_or_404(entries, pk=self.kwargs["entry_id"])

    @extend_schema(responses=FormalDecisionSerializer(many=True))
    def get(self, request, entry_id):
        """Every decision on the entry, newest first."""
        entry = self.get_entry()
        rows = FormalCheckDecision.objects.filter(entry=entry).select_related("decided_by")
        return Response(
            FormalDecisionSerializer(rows.order_by("-decided_at", "-id"), many=True).data
        )

    @extend_schema(request=FormalDecideSerializer, responses={201: FormalDecisionSerializer})
    def post(self, request, entry_id):
        """Pass; return for correction (补正) with a reason and a deadline; or reject with a reason."""
        entry = self.get_entry()
        data = FormalDecideSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        verdict = values["verdict"]
        if verdict == FormalCheckOutcome.PASS:
            decision = services.formal_check_pass(
                actor=request.user, entry=entry, reason=values["reason"]
            )
        elif verdict == FormalCheckOutcome.RETURN:
            decision = services.formal_check_return(
                actor=request.user,
                entry=entry,
                reason=values["reason"],
                deadline=values["deadline"],
            )
        else:
            decision = services.formal_check_reject(
                actor=request.user, entry=entry, reason=values["reason"]
            )
        return Response(FormalDecisionSerializer(decision).data, status=201)
