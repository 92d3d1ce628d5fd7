"""The organiser's report to government: the figures for the charts, and the report as an Excel
workbook or a PDF with charts (docs/developer/reports.md).

Who: an organiser of the contest, or of its national contest (a national organiser reads every
sub-contest's report). `?scope=national` on a sub-contest reports the whole national contest,
for organisers of the national contest only. Anyone else gets a 404; without login a 401.
Everything is built synchronously: about 0.4 s for the PDF at 31 sub-contests and 900 teams.
"""

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import Authenticated
from api.serializers.report import ContestReportSerializer, ReportQuerySerializer
from api.views.contest import XLSX, xlsx_response
from awards.reports import contest_report_data, contest_report_pdf, contest_report_xlsx
from contest.models import Contest
from contest.selectors import contests_organised, organiser_contest_ids

PDF = "application/pdf"
SCOPE_PARAM = OpenApiParameter(
    "scope",
    str,
    enum=["contest", "national"],
    required=False,
    description="contest (default): this contest, a national contest with all its "
    "sub-contests; national: the national contest this sub-contest belongs to",
)


def _reportable(user):
    """Contests whose report `user` may read: those they organise and their sub-contests."""
    if user.is_authenticated and user.is_superuser:
        return Contest.objects.all()
    organised = contests_organised(user=user).values("pk")
    return Contest.objects.filter(Q(pk__in=organised) | Q(parent_id__in=organised))


def _national_offered(user, contest: Contest) -> bool:
    if contest.parent_id is None:
        return False
    return user.is_superuser or (
        organiser_contest_ids(user).filter(contest_id=contest.parent_id).exists()
    )


def report_contest(request, pk) -> tuple[Contest, Contest]:
    """(the contest asked for, the contest reported) — its national contest for scope=national."""
    query = ReportQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    contest = get_object_or_404(_reportable(request.user), pk=pk)
    if query.validated_data["scope"] == "national" and contest.parent_id is not None:
        if not _national_offered(request.user, contest):
            get_object_or_404(Contest.objects.none())
        return contest, Contest.objects.get(pk=contest.parent_id)
    return contest, contest


def _filename(contest: Contest, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d")
    return f"report-{contest.code}-{stamp}.{extension}"


class ContestReportView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(parameters=[SCOPE_PARAM], responses=ContestReportSerializer)
    def get(self, request, pk):
        """The report's figures: registrations, entrants and people by province, city, track and
        organisation type; stage outcomes; awards by tier and province; judges by field and
        region; per sub-contest for a national contest."""
        asked, reported = report_contest(request, pk)
        data = contest_report_data(contest=reported)
        data["has_national"] = _national_offered(request.user, asked)
        return Response(ContestReportSerializer(data).data)


class ContestReportXlsxView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(parameters=[SCOPE_PARAM], responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request, pk):
        """The report as an Excel workbook: a sheet per dimension, with charts."""
        _, reported = report_contest(request, pk)
        return xlsx_response(contest_report_xlsx(contest=reported), _filename(reported, "xlsx"))


class ContestReportPdfView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(parameters=[SCOPE_PARAM], responses={(200, PDF): OpenApiTypes.BINARY})
    def get(self, request, pk):
        """The report as a PDF: a title page, then a chart and a table per dimension."""
        _, reported = report_contest(request, pk)
        response = HttpResponse(contest_report_pdf(contest=reported), content_type=PDF)
        filename = _filename(reported, "pdf")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
