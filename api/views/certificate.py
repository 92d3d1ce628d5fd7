"""Certificates: the template, issuing in batches, the list, PDF and badge, revoking, the ZIP
(organisers); winners' own certificates; public verification, the issuer profile (with the PDF
signing certificate to trust) and the badges' revocation status lists."""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import error_body
from api.parsers import JSONParser
from api.permissions import Authenticated
from api.serializers.award import AwardReasonSerializer
from api.serializers.certificate import (
    CertificateBatchSerializer,
    CertificatePdfVerifySerializer,
    CertificateReplaceSerializer,
    CertificateSerializer,
    CertificateTemplateSerializer,
    CertificateTemplateWriteSerializer,
    CertificateVerifySerializer,
    PdfUploadSerializer,
)
from api.views.award import CONTEST_PARAM, attachment, int_param
from awards import selectors as awards_selectors
from awards.certificates.archive import certificates_zip_stream
from awards.errors import error
from awards.models import CertificateTemplate
from awards.services import certificate as certificate_services
from awards.services.certificate_batch import certificates_issue
from awards.services.certificate_replace import certificate_replace
from awards.services.certificate_status import status_list_public
from awards.services.certificate_template import certificate_template_update
from contest.files import pdf_upload_check
from contest.selectors import contests_visible


def _organised_contest(view, request, pk):
    """The contest of the URL: a 404 unless the user may see it, then the view's rule on it."""
    contest = get_object_or_404(contests_visible(user=request.user), pk=pk)
    view.check_object_permissions(request, contest)
    return contest


class CertificateTemplateView(APIView):
    """The contest's certificate template (organisers): wording, issuing bodies, images, layout."""

    permission_classes = [Authenticated]
    rules = {"get": "awards.manage_certificates", "patch": "awards.manage_certificates"}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=CertificateTemplateSerializer)
    def get(self, request, pk):
        contest = _organised_contest(self, request, pk)
        template = CertificateTemplate.objects.filter(contest=contest).first()
        if template is None:
            template = CertificateTemplate(contest=contest)
        return Response(CertificateTemplateSerializer(template).data)

    @extend_schema(
        request={"multipart/form-data": CertificateTemplateWriteSerializer},
        responses=CertificateTemplateSerializer,
    )
    def patch(self, request, pk):
        contest = _organised_contest(self, request, pk)
        payload = request.data
        if hasattr(payload, "getlist"):
            payload = {k: payload.get(k) for k in payload if k != "issuing_bodies"}
            if "issuing_bodies" in request.data:
                payload["issuing_bodies"] = request.data.getlist("issuing_bodies")
        data = CertificateTemplateWriteSerializer(data=payload, partial=True)
        data.is_valid(raise_exception=True)
        template = certificate_template_update(
            actor=request.user, contest=contest, **data.validated_data
        )
        return Response(CertificateTemplateSerializer(template).data)


class CertificateIssueView(APIView):
    """Issue the contest's certificates for its final awards, as a task; poll the batch."""

    permission_classes = [Authenticated]

    @extend_schema(request=None, responses={202: CertificateBatchSerializer})
    def post(self, request, pk):
        contest = get_object_or_404(contests_visible(user=request.user), pk=pk)
        batch = certificates_issue(actor=request.user, contest=contest)
        batch.refresh_from_db()
        return Response(CertificateBatchSerializer(batch).data, status=202)


class CertificateZipView(APIView):
    """All certificates of a contest as one ZIP (organisers), streamed as it is built."""

    permission_classes = [Authenticated]
    rules = {"get": "awards.manage_certificates"}

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        contest = _organised_contest(self, request, pk)
        certificates = awards_selectors.certificates_organised(user=request.user).filter(
            contest=contest
        )
        response = StreamingHttpResponse(
            certificates_zip_stream(certificates=certificates),
            content_type="application/zip",
        )
        return attachment(response, f"certificates-{contest.code}.zip")


class CertificateBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Certificate batches of contests you organise: poll `done` of `total`."""

    permission_classes = [Authenticated]
    serializer_class = CertificateBatchSerializer

    def get_queryset(self):
        qs = awards_selectors.certificate_batches_organised(user=self.request.user)
        contest = int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("-created_at", "-id")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class CertificateViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Certificates: organisers list their contests'; winners see theirs under `mine`."""

    permission_classes = [Authenticated]
    serializer_class = CertificateSerializer

    def get_queryset(self):
        qs = awards_selectors.certificates_visible(user=self.request.user)
        contest = int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("contest_id", "seq")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        """Every certificate of contests you organise (and your own)."""
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=CertificateSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def mine(self, request):
        """Your own certificates and your teams' team certificates."""
        qs = awards_selectors.certificates_mine(user=request.user).order_by("-issue_date", "seq")
        return Response(CertificateSerializer(qs, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The certificate PDF: the recipient, their team for the team certificate, organisers."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        if not certificate.pdf:
            raise Http404
        response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
        return attachment(response, f"{certificate.serial}.pdf")

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def badge(self, request, pk=None):
        """The certificate as a signed Open Badges 3.0 credential (JSON-LD) with its revocation
        status entry; a revoked certificate's badge is refused (409 certificate_badge_revoked)."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        credential = certificate_services.certificate_badge(certificate=certificate)
        response = Response(credential)
        response["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''{quote(certificate.serial)}.badge.json"
        )
        return response

    @extend_schema(request=AwardReasonSerializer, responses=CertificateSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke a certificate with a reason (organisers); the verify page shows it revoked."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = certificate_services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=data.validated_data["reason"]
        )
        return Response(CertificateSerializer(self.get_queryset().get(pk=certificate.pk)).data)

    @extend_schema(request=CertificateReplaceSerializer, responses={201: CertificateSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        """Issue the replacement of a revoked certificate (new serial, corrected facts), linked
        both ways; organisers."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        data = CertificateReplaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        new = certificate_replace(
            actor=request.user, certificate=certificate, reason=values.pop("reason"), **values
        )
        return Response(CertificateSerializer(self.get_queryset().get(pk=new.pk)).data, status=201)


def _not_found_certificate() -> Response:
    return Response(
        error_body(
            "certificate_not_found",
            "未找到该编号的证书，请核对证书编号。",
            "No certificate has this number; check the serial.",
        ),
        status=404,
    )


class CertificateVerifyView(APIView):
    """Anyone: is this certificate genuine? Name, award, contest, date, status and `valid` only."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_scope, throttle_methods = "verify", {"GET"}

    @extend_schema(responses={200: CertificateVerifySerializer})
    def get(self, request, serial):
        facts = certificate_services.certificate_verify_public(serial=serial)
        if facts is None:
            return _not_found_certificate()
        return Response(CertificateVerifySerializer(facts).data)


class CertificatePdfVerifyView(APIView):
    """Anyone: upload a certificate PDF; its PAdES signature (intact, over the whole file, by the
    platform's certificate) and its embedded signed data are checked against our records."""

    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [MultiPartParser]
    throttle_scope = "verify"

    @extend_schema(
        request={"multipart/form-data": PdfUploadSerializer},
        responses={200: CertificatePdfVerifySerializer},
    )
    def post(self, request):
        data = PdfUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise error(
                "file_too_large",
                size_mb=f"{upload.size / 1048576:.1f}",
                limit_mb="10",
                fields={"file": ["file_too_large"]},
            )
        pdf_upload_check(upload)  # a PDF bomb is refused in well under a second (400)
        facts = certificate_services.certificate_pdf_verify(fileobj=upload)
        if facts is None:
            return _not_found_certificate()
        return Response(CertificatePdfVerifySerializer(facts).data)


class CertificateIssuerView(APIView):
    """The issuer profile behind every Open Badge and certificate PDF: the public key that
    verifies the badges, and the certificate that signs the PDFs. `?download=der` (a .cer) or
    `?download=pem` gives that certificate as a file to import into a PDF reader's trusted
    certificates."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "download",
                str,
                enum=["pem", "der"],
                required=False,
                description="The PDF signing certificate as a file instead of the profile",
            )
        ],
        responses={
            200: OpenApiTypes.OBJECT,
            (200, "application/pkix-cert"): OpenApiTypes.BINARY,
            (200, "application/x-pem-file"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request):
        kind = request.query_params.get("download")
        if kind is None:
            return Response(certificate_services.issuer_profile())
        if kind not in ("pem", "der"):
            raise error("issuer_download_invalid", fields={"download": ["issuer_download_invalid"]})
        content, content_type, filename = certificate_services.issuer_certificate_file(kind=kind)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class CertificateStatusListView(APIView):
    """Anyone: a signed Bitstring Status List credential (W3C VC Bitstring Status List v1.0);
    bit `statusListIndex` of a badge's `statusListCredential` is 1 when it was revoked."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
    def get(self, request, number: int):
        credential = status_list_public(number=number)
        if credential is None:
            raise error("status_list_not_found")
        response = Response(credential)
        response["Cache-Control"] = "public, max-age=300"
        return response
