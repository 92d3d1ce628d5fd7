"""The notary export (公证材料包) of a stage: a ZIP of its published snapshot, the frozen inputs,
the contest's audit chain rows and a README on how to check them (organisers only; anyone else
gets a 404, as for every results route)."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from api.permissions import Authenticated
from api.views.award import attachment
from api.views.result import stage_organised
from judging.services.notary import notary_export


class NotaryExportView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        """ZIP: snapshot.json as hashed and its sha256, the frozen inputs (rubrics, reviews by
        judge and criterion with submit times, settings, overrides with reasons), the audit
        chain up to the snapshot's head as JSON lines, README.txt (中文 / English)."""
        stage = stage_organised(request, pk)
        export = notary_export(actor=request.user, stage=stage)
        response = HttpResponse(export.content, content_type="application/zip")
        response["X-Snapshot-SHA256"] = export.snapshot_sha256
        response["X-Chain-Head"] = export.chain_head
        return attachment(response, export.filename)
