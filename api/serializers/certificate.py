"""Certificate templates, batches, certificates and their public verification."""

from django.urls import reverse
from rest_framework import serializers

from awards.models import (
    Certificate,
    CertificateBatch,
    CertificateTemplate,
)

# --------------------------------------------------------------------------------------------
# Certificates


class CertificateTemplateSerializer(serializers.ModelSerializer):
    has_background = serializers.SerializerMethodField()
    has_seal = serializers.SerializerMethodField()
    seal_usable = serializers.BooleanField(
        read_only=True, help_text="Uploaded and the right to use it confirmed: printed"
    )
    seal_confirmed_by_name = serializers.CharField(
        source="seal_confirmed_by.real_name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = CertificateTemplate
        fields = [
            "contest",
            "title",
            "subtitle",
            "issuing_bodies",
            "wording_team",
            "wording_member",
            "wording_advisor",
            "positions",
            "serial_prefix",
            "issue_date",
            "has_background",
            "background_sha256",
            "has_seal",
            "seal_sha256",
            "seal_usable",
            "seal_confirmed_by_name",
            "seal_confirmed_at",
            "updated_at",
        ]

    def get_has_background(self, template) -> bool:
        return bool(template.background)

    def get_has_seal(self, template) -> bool:
        return bool(template.seal)


class CertificateTemplateWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=32, required=False)
    subtitle = serializers.CharField(max_length=64, required=False, allow_blank=True)
    issuing_bodies = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=4
    )
    wording_team = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    wording_member = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    wording_advisor = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    positions = serializers.JSONField(required=False)
    serial_prefix = serializers.CharField(required=False, allow_blank=True, max_length=16)
    issue_date = serializers.DateField(required=False, allow_null=True)
    background = serializers.FileField(required=False)
    seal = serializers.FileField(required=False)
    remove_background = serializers.BooleanField(required=False, default=False)
    remove_seal = serializers.BooleanField(required=False, default=False)
    seal_right_confirmed = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="我方确认有权使用该印章 / We confirm the right to use this seal: required to "
        "upload a seal; false withdraws the confirmation (the seal is then not printed)",
    )


class CertificateBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = CertificateBatch
        fields = [
            "id",
            "contest",
            "status",
            "total",
            "done",
            "issued",
            "failed",
            "skipped",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]


class CertificateSerializer(serializers.ModelSerializer):
    contest_name = serializers.CharField(source="contest.name", read_only=True)
    pdf_url = serializers.SerializerMethodField()
    badge_url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()
    replaces = serializers.CharField(source="replaces.serial", read_only=True, default=None)
    replaced_by = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "id",
            "serial",
            "contest",
            "contest_name",
            "award",
            "award_name",
            "recipient_role",
            "recipient_name",
            "team_name",
            "track_name",
            "issue_date",
            "issuing_bodies",
            "status",
            "revoked_at",
            "revoke_reason",
            "replaces",
            "replaced_by",
            "pdf_url",
            "badge_url",
            "verify_url",
        ]

    def get_replaced_by(self, certificate) -> str | None:
        successor = getattr(certificate, "replaced_by", None)
        return successor.serial if successor is not None else None

    def get_pdf_url(self, certificate) -> str:
        return reverse("certificate-pdf", args=[certificate.pk])

    def get_badge_url(self, certificate) -> str:
        return reverse("certificate-badge", args=[certificate.pk])

    def get_verify_url(self, certificate) -> str:
        from awards.services.certificate import certificate_verification_url

        return certificate_verification_url(certificate.serial)


class CertificateVerifySerializer(serializers.Serializer):
    """Everything the public learns from a serial."""

    name = serializers.CharField()
    award = serializers.CharField()
    contest = serializers.CharField()
    date = serializers.DateField()
    status = serializers.ChoiceField(["issued", "revoked"])
    valid = serializers.BooleanField()
    revoke_reason = serializers.CharField(allow_blank=True)
    replaced_by = serializers.CharField(allow_null=True, help_text="The serial replacing it")
    replaces = serializers.CharField(allow_null=True, help_text="The serial it replaces")


class CertificatePdfVerifySerializer(CertificateVerifySerializer):
    """A PDF's check: the public facts, and whether the file itself is the one issued."""

    reason = serializers.ChoiceField(
        [
            "",
            "pdf_signature_missing",
            "pdf_signature_broken",
            "pdf_modified_after_signing",
            "pdf_signer_unknown",
            "pdf_content_mismatch",
            "certificate_revoked",
        ],
        allow_blank=True,
        help_text="Empty when valid; otherwise the first check that failed",
    )
    reason_zh = serializers.CharField(allow_blank=True)
    reason_en = serializers.CharField(allow_blank=True)
    pdf_signed = serializers.BooleanField(
        help_text="The file carries the platform's PAdES signature, intact over the whole file"
    )
    signer = serializers.CharField(allow_blank=True, help_text="The signing certificate's name")
    signer_sha256 = serializers.CharField(
        allow_blank=True, help_text="SHA-256 of the signing certificate (DER)"
    )
    signed_at = serializers.DateTimeField(allow_null=True)


class CertificateReplaceSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    recipient_name = serializers.CharField(max_length=200, required=False)
    team_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    track_name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PdfUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
