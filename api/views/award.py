"""Awards, public notice and objections, and certificates.

Public: notices with their lists and objection counts, the calendar, certificate verification.
Organisers: tiers, proposing and adjusting awards, opening and finalising notices, resolving
objections, the certificate template, issuing, revoking, the ZIP. Winners: their certificates.
Querysets are filtered by role, so what a user may not see is a 404."""

from urllib.parse import quote

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api.exceptions import error_body
from api.permissions import Authenticated, ReadOpenWriteAuthenticated
from api.serializers.award import (
    AwardAddSerializer,
    AwardChangeTierSerializer,
    AwardProposeSerializer,
    AwardReasonSerializer,
    AwardSerializer,
    AwardTierSerializer,
    AwardTierWriteSerializer,
    CalendarDaySerializer,
    CertificateBatchSerializer,
    CertificateSerializer,
    CertificateTemplateSerializer,
    CertificateTemplateWriteSerializer,
    CertificateVerifySerializer,
    ContestRefSerializer,
    NoticeDetailSerializer,
    NoticeOpenSerializer,
    NoticeSerializer,
    ObjectionCreateSerializer,
    ObjectionResolveSerializer,
    ObjectionSerializer,
    PdfUploadSerializer,
)
from awards.models import CalendarDay, CertificateBatch, CertificateTemplate, ObjectionFile
from awards.services import award as award_services
from awards.services import certificate as certificate_services
from awards.services import notice as notice_services
from awards.services.certificate_template import certificate_template_update
from contest.errors import ValidationFailed
from contest.permissions import is_platform_admin
from contest.selectors import contests_organised, contests_visible
from contest.services.common import not_permitted


def _int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    return int(value) if value and value.isdigit() else None


def _attachment(response, filename: str):
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


CONTEST_PARAM = OpenApiParameter("contest", int, required=False)


# --------------------------------------------------------------------------------------------
# Tiers and awards


class AwardTierViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Award tiers of the contests you organise (一等奖 …, with quotas)."""

    permission_classes = [Authenticated]
    serializer_class = AwardTierSerializer
    pagination_class = None

    def get_queryset(self):
        qs = award_services.tiers_organised(user=self.request.user)
        contest = _int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("contest_id", "order", "id")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=AwardTierWriteSerializer, responses={201: AwardTierSerializer})
    def create(self, request):
        data = AwardTierWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contest = values.pop("contest", None)
        if contest is None or "name" not in values:
            raise ValidationFailed(
                "invalid",
                "请填写赛事和奖项名称。",
                "Give the contest and the tier's name.",
                fields={"contest": ["required"], "name": ["required"]},
            )
        if not contests_visible(user=request.user).filter(pk=contest.pk).exists():
            raise Http404
        tier = award_services.tier_create(actor=request.user, contest=contest, **values)
        return Response(AwardTierSerializer(tier).data, status=201)

    @extend_schema(request=AwardTierWriteSerializer, responses=AwardTierSerializer)
    def partial_update(self, request, pk=None):
        tier = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardTierWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("contest", None)
        tier = award_services.tier_update(actor=request.user, tier=tier, **values)
        return Response(AwardTierSerializer(tier).data)

    def destroy(self, request, pk=None):
        tier = get_object_or_404(self.get_queryset(), pk=pk)
        award_services.tier_delete(actor=request.user, tier=tier)
        return Response(status=204)


class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The award list of contests you organise: propose from results, add, change, remove."""

    permission_classes = [Authenticated]
    serializer_class = AwardSerializer

    def get_queryset(self):
        qs = award_services.awards_organised(user=self.request.user)
        for name in ("contest", "stage", "notice"):
            value = _int_param(self.request, name)
            if value:
                qs = qs.filter(**{f"{name}_id": value})
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("contest_id", "tier__order", "group_key", "rank", "id")

    @extend_schema(
        parameters=[
            CONTEST_PARAM,
            OpenApiParameter("stage", int, required=False),
            OpenApiParameter("notice", int, required=False),
            OpenApiParameter("status", str, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, award):
        return AwardSerializer(
            award_services.awards_organised(user=self.request.user).get(pk=award.pk)
        ).data

    @extend_schema(request=AwardProposeSerializer, responses={201: AwardSerializer(many=True)})
    @action(detail=False, methods=["post"], pagination_class=None)
    def propose(self, request):
        """Propose the stage's awards from its latest published results (ties kept together)."""
        data = AwardProposeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stage = data.validated_data["stage"]
        if not contests_visible(user=request.user).filter(pk=stage.contest_id).exists():
            raise Http404
        awards = award_services.awards_propose(actor=request.user, stage=stage)
        qs = self.get_queryset().filter(pk__in=[a.pk for a in awards])
        return Response(AwardSerializer(qs, many=True).data, status=201)

    @extend_schema(request=AwardAddSerializer, responses={201: AwardSerializer})
    def create(self, request):
        """Add an award by hand (a special or organiser award, or a correction), with a reason."""
        data = AwardAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not contests_visible(user=request.user).filter(pk=values["contest"].pk).exists():
            raise Http404
        award = award_services.award_adjust(actor=request.user, action="add", **values)
        return Response(self._detail(award), status=201)

    @extend_schema(request=AwardChangeTierSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"], url_path="change-tier")
    def change_tier(self, request, pk=None):
        award = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardChangeTierSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        award = award_services.award_adjust(
            actor=request.user, action="change_tier", award=award, **data.validated_data
        )
        return Response(self._detail(award))

    @extend_schema(request=AwardReasonSerializer, responses=AwardSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        award = get_object_or_404(self.get_queryset(), pk=pk)
        data = AwardReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        award = award_services.award_adjust(
            actor=request.user, action="remove", award=award, **data.validated_data
        )
        return Response(self._detail(award))

    @extend_schema(
        request=ContestRefSerializer,
        responses={200: {"type": "object", "properties": {"flagged": {"type": "integer"}}}},
    )
    @action(detail=False, methods=["post"], url_path="glyph-check")
    def glyph_check(self, request):
        """Re-check names against the certificate font (after a name was corrected)."""
        data = ContestRefSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        contest = data.validated_data["contest"]
        award_services.organiser_required(request.user, contest, "检查获奖名单", "check awards")
        flagged = award_services.awards_glyph_refresh(
            awards=contest.awards.exclude(status="removed")
        )
        return Response({"flagged": flagged})


# --------------------------------------------------------------------------------------------
# Notices and objections


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Public notices (公示): the list during and after the window, with objection counts only."""

    permission_classes = [ReadOpenWriteAuthenticated]
    serializer_class = NoticeSerializer

    def get_queryset(self):
        qs = notice_services.notices_public(user=self.request.user)
        contest = _int_param(self.request, "contest")
        if contest:
            qs = qs.filter(contest_id=contest)
        return qs.order_by("-opens_at", "-id")

    @extend_schema(parameters=[CONTEST_PARAM])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, notice):
        notice = self.get_queryset().get(pk=notice.pk)
        awards = notice_services.notice_awards_public(notice=notice)
        return NoticeDetailSerializer(notice, context={"awards": awards}).data

    @extend_schema(responses=NoticeDetailSerializer)
    def retrieve(self, request, pk=None):
        return Response(self._detail(get_object_or_404(self.get_queryset(), pk=pk)))

    @extend_schema(request=NoticeOpenSerializer, responses={201: NoticeDetailSerializer})
    def create(self, request):
        """Publish the proposed list of a contest or a stage for N calendar or working days."""
        data = NoticeOpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        target = values.get("stage") or values.get("contest")
        contest_id = getattr(target, "contest_id", None) or getattr(target, "pk", None)
        if contest_id and not contests_visible(user=request.user).filter(pk=contest_id).exists():
            raise Http404
        notice = notice_services.notice_open(
            actor=request.user,
            contest=values.get("contest"),
            stage=values.get("stage"),
            days=values["days"],
            working_days=values["working_days"],
            opens_at=values.get("opens_at"),
            title=values.get("title", ""),
        )
        return Response(self._detail(notice), status=201)

    @extend_schema(request=None, responses=NoticeDetailSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request, pk=None):
        """Make the list final: after the window, with no open objection."""
        notice = get_object_or_404(self.get_queryset(), pk=pk)
        notice = notice_services.notice_finalise(actor=request.user, notice=notice)
        return Response(self._detail(notice))


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """异议: filed by a logged-in real-name account during the window; resolved by organisers.

    Organisers see every objection of their contests with the objector's identity; an objector
    sees their own; nobody else sees any (the public notice shows counts only)."""

    permission_classes = [AllowAny]
    serializer_class = ObjectionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        qs = notice_services.objections_visible(user=self.request.user)
        for name in ("notice", "award"):
            value = _int_param(self.request, name)
            if value:
                qs = qs.filter(**{f"{name}_id": value})
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(status=status)
        return qs.order_by("-created_at", "-id")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self._anonymous = not (request.user and request.user.is_authenticated)

    def _login_required(self):
        body = error_body(
            "login_required",
            "提出或查看异议须登录实名账号；匿名异议不予受理。",
            "Log in with a real-name account to file or see objections; anonymous objections "
            "are refused.",
        )
        response = Response(body, status=401)
        response["WWW-Authenticate"] = "Token"
        return response

    @extend_schema(
        parameters=[
            OpenApiParameter("notice", int, required=False),
            OpenApiParameter("award", int, required=False),
            OpenApiParameter("status", str, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        if self._anonymous:
            return self._login_required()
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        if self._anonymous:
            return self._login_required()
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ObjectionCreateSerializer},
        responses={201: ObjectionSerializer},
    )
    def create(self, request):
        """File an objection with a reason, a contact and evidence (PDF/PNG/JPEG)."""
        if self._anonymous:
            return self._login_required()
        payload = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        if hasattr(request.data, "getlist"):
            payload = {k: request.data.get(k) for k in request.data if k != "files"}
            payload["files"] = request.FILES.getlist("files")
        data = ObjectionCreateSerializer(data=payload)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        notice = values["notice"]
        if not contests_visible(user=request.user).filter(pk=notice.contest_id).exists():
            raise Http404
        objection = notice_services.objection_submit(
            actor=request.user,
            notice=notice,
            award=values.get("award"),
            reason=values["reason"],
            contact=values["contact"],
            on_behalf_of=values.get("on_behalf_of", ""),
            files=values.get("files", []),
        )
        return Response(
            ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data, status=201
        )

    @extend_schema(request=ObjectionResolveSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def resolve(self, request, pk=None):
        """Uphold or reject with reasoning; an upheld objection may change the list."""
        if self._anonymous:
            return self._login_required()
        objection = get_object_or_404(self.get_queryset(), pk=pk)
        data = ObjectionResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        objection = notice_services.objection_resolve(
            actor=request.user,
            objection=objection,
            decision=values["decision"],
            resolution=values["resolution"],
            changes=[dict(c) for c in values.get("changes", [])],
        )
        return Response(ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data)


class ObjectionFileDownloadView(APIView):
    """Evidence of an objection: the contest's organisers and the objector only."""

    permission_classes = [Authenticated]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        objections = notice_services.objections_visible(user=request.user)
        evidence = get_object_or_404(ObjectionFile.objects.filter(objection__in=objections), pk=pk)
        response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
        return _attachment(response, evidence.original_name)


class CalendarDayViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Public holidays and adjusted working days (调休), used for working-day notice periods.
    Everyone reads; platform admins edit."""

    permission_classes = [ReadOpenWriteAuthenticated]
    serializer_class = CalendarDaySerializer
    pagination_class = None

    def get_queryset(self):
        qs = CalendarDay.objects.all()
        year = _int_param(self.request, "year")
        if year:
            qs = qs.filter(date__year=year)
        return qs.order_by("date")

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not is_platform_admin(request.user):
            raise not_permitted("编辑节假日", "edit the holiday calendar")

    @extend_schema(parameters=[OpenApiParameter("year", int, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


# --------------------------------------------------------------------------------------------
# Certificates


def _organised_contest(request, pk):
    contest = get_object_or_404(contests_visible(user=request.user), pk=pk)
    award_services.organiser_required(request.user, contest, "管理证书", "manage certificates")
    return contest


class CertificateTemplateView(APIView):
    """The contest's certificate template (organisers): wording, issuing bodies, images, layout."""

    permission_classes = [Authenticated]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=CertificateTemplateSerializer)
    def get(self, request, pk):
        contest = _organised_contest(request, pk)
        template = CertificateTemplate.objects.filter(contest=contest).first()
        if template is None:
            template = CertificateTemplate(contest=contest)
        return Response(CertificateTemplateSerializer(template).data)

    @extend_schema(
        request={"multipart/form-data": CertificateTemplateWriteSerializer},
        responses=CertificateTemplateSerializer,
    )
    def patch(self, request, pk):
        contest = _organised_contest(request, pk)
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
        batch = certificate_services.certificates_issue(actor=request.user, contest=contest)
        batch.refresh_from_db()
        return Response(CertificateBatchSerializer(batch).data, status=202)


class CertificateZipView(APIView):
    """All certificates of a contest as one ZIP (organisers), streamed as it is built."""

    permission_classes = [Authenticated]

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        contest = _organised_contest(request, pk)
        certificates = certificate_services.certificates_organised(user=request.user).filter(
            contest=contest
        )
        response = StreamingHttpResponse(
            certificate_services.certificates_zip_stream(certificates=certificates),
            content_type="application/zip",
        )
        return _attachment(response, f"certificates-{contest.code}.zip")


class CertificateBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Certificate batches of contests you organise: poll `done` of `total`."""

    permission_classes = [Authenticated]
    serializer_class = CertificateBatchSerializer

    def get_queryset(self):
        qs = CertificateBatch.objects.filter(contest__in=contests_organised(user=self.request.user))
        contest = _int_param(self.request, "contest")
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
        qs = certificate_services.certificates_visible(user=self.request.user)
        contest = _int_param(self.request, "contest")
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
        qs = certificate_services.certificates_mine(user=request.user).order_by(
            "-issue_date", "seq"
        )
        return Response(CertificateSerializer(qs, many=True).data)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The certificate PDF: the recipient, their team for the team certificate, organisers."""
        certificate = get_object_or_404(self.get_queryset(), pk=pk)
        if not certificate.pdf:
            raise Http404
        response = FileResponse(certificate.pdf.open("rb"), content_type="application/pdf")
        return _attachment(response, f"{certificate.serial}.pdf")

    @extend_schema(responses={(200, "application/ld+json"): OpenApiTypes.OBJECT})
    @action(detail=True, methods=["get"])
    def badge(self, request, pk=None):
        """The certificate as a signed Open Badges 3.0 credential (JSON-LD)."""
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

    @extend_schema(responses={200: CertificateVerifySerializer})
    def get(self, request, serial):
        facts = certificate_services.certificate_verify_public(serial=serial)
        if facts is None:
            return _not_found_certificate()
        return Response(CertificateVerifySerializer(facts).data)


class CertificatePdfVerifyView(APIView):
    """Anyone: upload a certificate PDF; its embedded signature is checked against our records."""

    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": PdfUploadSerializer},
        responses={200: CertificateVerifySerializer},
    )
    def post(self, request):
        data = PdfUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationFailed(
                "file_too_large",
                "文件过大。",
                "The file is too large.",
                fields={"file": ["file_too_large"]},
            )
        facts = certificate_services.certificate_pdf_verify(fileobj=upload)
        if facts is None:
            return _not_found_certificate()
        return Response(CertificateVerifySerializer(facts).data)


class CertificateIssuerView(APIView):
    """The issuer profile behind every Open Badge, with the public key that verifies them."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        return Response(certificate_services.issuer_profile())
