"""Public notices, objections and calendar days.

Public shapes never carry who objected; the organiser's objection shape does. Writes are validated
here for shape only and saved through `awards.services`."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.enums import ObjectionStatus
from awards.models import (
    Award,
    CalendarDay,
    Notice,
    Objection,
    ObjectionFile,
)
from awards.services.notice import notice_phase
from awards.workdays import local_date
from contest.models import Contest, Stage

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
            "follows",
            "changes",
            "stale_reason",
            "chain_head",
            "chain_rows",
        ]

    @extend_schema_field(serializers.ChoiceField(["scheduled", "open", "closed", "final", "stale"]))
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
    quota_override_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ObjectionResolveSerializer(serializers.Serializer):
    decision = serializers.ChoiceField([ObjectionStatus.UPHELD, ObjectionStatus.REJECTED])
    resolution = serializers.CharField(max_length=5000)
    changes = AwardChangeSpecSerializer(many=True, required=False)
    no_change = serializers.BooleanField(required=False, default=False)


# --------------------------------------------------------------------------------------------
# Calendar


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarDay
        fields = ["id", "date", "kind", "name"]
