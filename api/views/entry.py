from urllib.parse import quote

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filters import EntryFilter
from api.permissions import Authenticated
from api.serializers.entry import (
    EntryCreateSerializer,
    EntryFileSerializer,
    EntryFileUploadSerializer,
    EntrySerializer,
    EntryUpdateSerializer,
)
from contest.models import EntryFile
from contest.selectors import entries_visible, teams_visible
from contest.services import entry as services


class EntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Entries (作品) per team per stage: files, submission, withdrawal."""

    permission_classes = [Authenticated]
    serializer_class = EntrySerializer
    filterset_class = EntryFilter
    throttle_scopes = {"files": "upload"}
    search_fields = ["title", "team__name", "team__code"]
    ordering_fields = ["updated_at", "submitted_at"]

    def get_queryset(self):
        return entries_visible(user=self.request.user)

    def _detail(self, entry):
        return EntrySerializer(self.get_queryset().get(pk=entry.pk)).data

    @extend_schema(request=EntryCreateSerializer, responses={201: EntrySerializer})
    def create(self, request):
        data = EntryCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        team = values.pop("team")
        if not teams_visible(user=request.user).filter(pk=team.pk).exists():
            raise Http404
        entry = services.entry_create(actor=request.user, team=team, **values)
        return Response(self._detail(entry), status=201)

    @extend_schema(request=EntryUpdateSerializer, responses=EntrySerializer)
    def partial_update(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        data = EntryUpdateSerializer(entry, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        entry = services.entry_update(actor=request.user, entry=entry, **data.validated_data)
        return Response(self._detail(entry))

    @extend_schema(
        request={"multipart/form-data": EntryFileUploadSerializer},
        responses={201: EntryFileSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def files(self, request, pk=None):
        """Upload a file of one kind; a new upload of the same kind becomes a new version."""
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        data = EntryFileUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry_file = services.entry_file_upload(
            actor=request.user,
            entry=entry,
            kind=data.validated_data["kind"],
            uploaded=data.validated_data["file"],
        )
        return Response(EntryFileSerializer(entry_file).data, status=201)

    @extend_schema(responses=EntryFileSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="file-versions", pagination_class=None)
    def file_versions(self, request, pk=None):
        """Every version of every file of the entry, newest first."""
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        # Not `entry.files`: the selector prefetches current files only, and a queryset built on
        # that prefetch keeps its filter, which would hide every earlier version.
        versions = EntryFile.objects.filter(entry=entry).order_by("kind", "-version")
        return Response(EntryFileSerializer(versions, many=True).data)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self._detail(services.entry_submit(actor=request.user, entry=entry)))

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        entry = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(self._detail(services.entry_withdraw(actor=request.user, entry=entry)))


def file_response(entry_file: EntryFile, *, download_name: str) -> FileResponse:
    response = FileResponse(entry_file.file.open("rb"), content_type=entry_file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(download_name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class EntryFileDownloadView(APIView):
    """Download an entry file you may see (your team's, or your contest's as organiser)."""

    permission_classes = [Authenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        entry_file = get_object_or_404(
            EntryFile.objects.filter(entry__in=entries_visible(user=request.user)), pk=pk
        )
        return file_response(entry_file, download_name=entry_file.original_name)
