"""Blind means blind: the organiser's anonymity check of a blind stage and the redaction of an
entry's judge-facing title and summary. Stages of contests the user does not organise are 404."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.anonymity import (
    AnonymityCheckSerializer,
    RedactionCreateSerializer,
    RedactionSerializer,
)
from api.views.assignment import StageScopedMixin
from judging.anonymise import text_redact
from judging.services.anonymity import anonymity_check, entry_redact


class AnonymityCheckView(StageScopedMixin, APIView):
    @extend_schema(responses=AnonymityCheckSerializer)
    def get(self, request, stage_id):
        """Entries whose title, summary or file text names their own team, organisations or
        members, with where (file and page); refused with `stage_not_blind` on an open stage."""
        return Response(anonymity_check(actor=request.user, stage=self.get_stage()))


class RedactionView(StageScopedMixin, APIView):
    @extend_schema(request=RedactionCreateSerializer, responses={201: RedactionSerializer})
    def post(self, request, stage_id):
        """Hide terms from the entry's title and summary as judges see them (■■); files are not
        rewritten: ask the team to replace one the check flags."""
        stage = self.get_stage()
        data = RedactionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = data.validated_data["entry"]
        redaction = entry_redact(
            actor=request.user,
            stage=stage,
            entry=entry,
            terms=data.validated_data["terms"],
            reason=data.validated_data.get("reason", ""),
        )
        body = {
            "entry_id": entry.pk,
            "terms": redaction.terms,
            "title": text_redact(entry.title, redaction.terms),
            "summary": text_redact(entry.summary, redaction.terms),
        }
        return Response(RedactionSerializer(body).data, status=201)
