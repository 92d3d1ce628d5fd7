"""Awards, public notices, objections, calendar days and certificates.

Public shapes never carry who objected; the organiser's objection shape does. Writes are validated
here for shape only and saved through `judging.services.*`."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.enums import ObjectionStatus
from awards.models import (
    Award,
    AwardTier,
    CalendarDay,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    Notice,
    Objection,
    ObjectionFile,
)
from awards.services.notice import notice_phase
from awards.workdays import local_date
from contest.models import Challenge, Contest, Organisation, Stage, Team, Track

# --------------------------------------------------------------------------------------------
# Tiers and awards


class AwardTierSerializer(serializers.ModelSerializer):
    track_name = serializers.CharField(source="track.name", read_only=True, default=None)
    challenge_title = serializers.CharField(source="challenge.title", read_only=True, default=None)

    class Meta:
        model = AwardTier
        fields = [
            "id",
            "contest",
            "name",
            "kind",
            "track",
            "track_name",
            "challenge",
            "challenge_title",
            "quota_count",
            "quota_percent",
            "order",
        ]


class AwardTierWriteSerializer(serializers.Serializer):
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.all(), required=False)
    name = serializers.CharField(max_length=64, required=False)
    kind = serializers.ChoiceField(
        choices=AwardTier._meta.get_field("kind").choices, required=False
    )
    track = serializers.PrimaryKeyRelatedField(
        queryset=Track.objects.all(), allow_null=True, required=False
    )
    challenge = serializers.PrimaryKeyRelatedField(
        queryset=Challenge.objects.all(), allow_null=True, required=False
    )
    quota_count = serializers.IntegerField(min_value=0, allow_null=True, required=False)
    quota_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, required=False
    )
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class GlyphIssueSerializer(serializers.Serializer):
    role = serializers.CharField()
    name = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class AwardSerializer(serializers.ModelSerializer):
    """The organiser's view of an award."""

    tier_name = serializers.CharField(source="tier.name", read_only=True)
    tier_kind = serializers.CharField(source="tier.kind", read_only=True)
    tier_order = serializers.IntegerField(source="tier.order", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True, default=None)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None)
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None
    )
    glyph_issues = GlyphIssueSerializer(many=True, read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "contest",
            "stage",
            "tier",
            "tier_name",
            "tier_kind",
            "tier_order",
            "team",
            "team_code",
            "team_name",
            "organisation",
            "organisation_name",
            "group_key",
            "group_name",
            "rank",
            "tied",
            "final_score",
            "status",
            "notice",
            "glyph_issues",
            "reason",
            "updated_at",
        ]


class AwardProposeSerializer(serializers.Serializer):
    stage = serializers.PrimaryKeyRelatedField(queryset=Stage.objects.all())


class AwardAddSerializer(serializers.Serializer):
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.all())
    tier = serializers.PrimaryKeyRelatedField(queryset=AwardTier.objects.all())
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=2000)


class AwardChangeTierSerializer(serializers.Serializer):
    tier = serializers.PrimaryKeyRelatedField(queryset=AwardTier.objects.all())
    reason = serializers.CharField(max_length=2000)


class AwardReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ContestRefSerializer(serializers.Serializer):
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.all())


# --------------------------------------------------------------------------------------------
# Notices


class ObjectionCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    open = serializers.IntegerField()
    upheld = serializers.IntegerField()
    rejected = serializers.IntegerField()


class NoticeSerializer(serializers.ModelSerializer):
    """A notice as the public sees it: window, phase, and objection counts — never names."""

    contest_name = serializers.CharField(source="contest.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None)
    phase = serializers.SerializerMethodField()
    last_day = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "contest",
            "contest_name",
            "stage",
            "stage_name",
            "title",
            "days",
            "working_days",
            "opens_at",
            "closes_at",
            "last_day",
            "phase",
            "status",
            "finalised_at",
            "objections",
        ]

    @extend_schema_field(serializers.ChoiceField(["scheduled", "open", "closed", "final"]))
    def get_phase(self, notice) -> str:
        return notice_phase(notice)

    def get_last_day(self, notice) -> str:
        return local_date(notice.closes_at).isoformat()

    @extend_schema_field(ObjectionCountsSerializer)
    def get_objections(self, notice) -> dict:
        return {
            "total": getattr(notice, "objections_total", 0),
            "open": getattr(notice, "objections_open", 0),
            "upheld": getattr(notice, "objections_upheld", 0),
            "rejected": getattr(notice, "objections_rejected", 0),
        }


class NoticeAwardSerializer(serializers.ModelSerializer):
    """One line of the published list."""

    tier_name = serializers.CharField(source="tier.name", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True, default=None)
    team_name = serializers.CharField(source="team.name", read_only=True, default=None)
    entry_title = serializers.CharField(source="entry.title", read_only=True, default=None)
    lead_organisation = serializers.CharField(
        source="team.lead_organisation.name", read_only=True, default=None
    )
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None
    )
    objections_total = serializers.IntegerField(read_only=True)
    objections_open = serializers.IntegerField(read_only=True)

    class Meta:
        model = Award
        fields = [
            "id",
            "tier",
            "tier_name",
            "team_code",
            "team_name",
            "entry_title",
            "lead_organisation",
            "organisation_name",
            "group_name",
            "rank",
            "tied",
            "final_score",
            "status",
            "objections_total",
            "objections_open",
        ]


class NoticeDetailSerializer(NoticeSerializer):
    awards = serializers.SerializerMethodField()

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "awards"]

    @extend_schema_field(NoticeAwardSerializer(many=True))
    def get_awards(self, notice) -> list:
        return NoticeAwardSerializer(self.context["awards"], many=True).data


class NoticeOpenSerializer(serializers.Serializer):
    contest = serializers.PrimaryKeyRelatedField(
        queryset=Contest.objects.all(), required=False, allow_null=True
    )
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Stage.objects.all(), required=False, allow_null=True
    )
    days = serializers.IntegerField(min_value=1, max_value=60)
    working_days = serializers.BooleanField()
    opens_at = serializers.DateTimeField(required=False, allow_null=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --------------------------------------------------------------------------------------------
# Objections


class ObjectionFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ObjectionFile
        fields = ["id", "original_name", "file_type", "size", "sha256", "download_url"]

    def get_download_url(self, evidence) -> str:
        return reverse("objection-file-download", args=[evidence.pk])


class ObjectorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = serializers.CharField()
    email = serializers.EmailField(allow_null=True)
    mobile = serializers.CharField(allow_null=True)


class ObjectionSerializer(serializers.ModelSerializer):
    """For organisers of the contest and for the objector: includes who objected."""

    objector = ObjectorSerializer(read_only=True)
    award_tier_name = serializers.CharField(source="award.tier.name", read_only=True, default=None)
    award_team_name = serializers.CharField(source="award.team.name", read_only=True, default=None)
    files = ObjectionFileSerializer(many=True, read_only=True)
    resolved_by_name = serializers.CharField(
        source="resolved_by.real_name", read_only=True, default=None
    )

    class Meta:
        model = Objection
        fields = [
            "id",
            "notice",
            "award",
            "award_tier_name",
            "award_team_name",
            "objector",
            "objector_name",
            "on_behalf_of",
            "contact",
            "reason",
            "status",
            "resolution",
            "resolved_by_name",
            "resolved_at",
            "created_at",
            "files",
        ]


class ObjectionCreateSerializer(serializers.Serializer):
    notice = serializers.PrimaryKeyRelatedField(queryset=Notice.objects.all())
    award = serializers.PrimaryKeyRelatedField(
        queryset=Award.objects.all(), required=False, allow_null=True
    )
    reason = serializers.CharField(max_length=5000)
    contact = serializers.CharField(max_length=120)
    on_behalf_of = serializers.CharField(max_length=200, required=False, allow_blank=True)
    files = serializers.ListField(
        child=serializers.FileField(), required=False, allow_empty=True, max_length=20
    )


class AwardChangeSpecSerializer(serializers.Serializer):
    action = serializers.ChoiceField(["add", "change_tier", "remove"])
    award = serializers.IntegerField(required=False, allow_null=True)
    tier = serializers.IntegerField(required=False, allow_null=True)
    team = serializers.IntegerField(required=False, allow_null=True)
    organisation = serializers.IntegerField(required=False, allow_null=True)


class ObjectionResolveSerializer(serializers.Serializer):
    decision = serializers.ChoiceField([ObjectionStatus.UPHELD, ObjectionStatus.REJECTED])
    resolution = serializers.CharField(max_length=5000)
    changes = AwardChangeSpecSerializer(many=True, required=False)


# --------------------------------------------------------------------------------------------
# Calendar


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name"]


# --------------------------------------------------------------------------------------------
# Certificates


class CertificateTemplateSerializer(serializers.ModelSerializer):
    has_background = serializers.SerializerMethodField()
    has_seal = serializers.SerializerMethodField()

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
            "pdf_url",
            "badge_url",
            "verify_url",
        ]

    def get_pdf_url(self, certificate) -> str:
        return reverse("certificate-pdf", args=[certificate.pk])

    def get_badge_url(self, certificate) -> str:
        return reverse("certificate-badge", args=[certificate.pk])

    def get_verify_url(self, certificate) -> str:
        from awards.services.certificate import verification_url

        return verification_url(certificate.serial)


class CertificateVerifySerializer(serializers.Serializer):
    """Everything the public learns from a serial."""

    name = serializers.CharField()
    award = serializers.CharField()
    contest = serializers.CharField()
    date = serializers.DateField()
    status = serializers.ChoiceField(["issued", "revoked"])
    valid = serializers.BooleanField()


class PdfUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
