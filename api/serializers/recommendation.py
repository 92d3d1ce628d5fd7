"""The national contest's inbox: received recommendations with what the organiser needs to
decide (ranking, score, awards, files), the decisions, the quotas and the dashboard."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.result import decimal_string
from judging.enums import RecommendationStatus
from judging.models import Recommendation


class InboxFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()


class InboxAwardSerializer(serializers.Serializer):
    tier = serializers.CharField()
    status = serializers.CharField()
    rank = serializers.IntegerField(allow_null=True)


class InboxOrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    uscc = serializers.CharField()


class InboxRecommendationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=RecommendationStatus.choices, read_only=True)
    from_contest_name = serializers.CharField(source="from_contest.name", read_only=True)
    track_name = serializers.CharField(source="track.name", read_only=True, allow_null=True)
    entry_title = serializers.CharField(source="entry.title", read_only=True)
    team_name = serializers.CharField(source="entry.team.name", read_only=True)
    team_code = serializers.CharField(source="entry.team.code", read_only=True)
    captain_name = serializers.CharField(source="entry.team.captain.real_name", read_only=True)
    final_score = serializers.SerializerMethodField()
    lead_organisation = serializers.SerializerMethodField()
    co_applicants = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()
    awards = serializers.SerializerMethodField()
    national_team = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "from_contest",
            "from_contest_name",
            "to_contest",
            "track",
            "track_name",
            "entry",
            "entry_title",
            "team_name",
            "team_code",
            "captain_name",
            "lead_organisation",
            "co_applicants",
            "rank",
            "final_score",
            "snapshot_version",
            "awards",
            "files",
            "status",
            "reason",
            "return_reason",
            "decided_at",
            "national_entry",
            "national_team",
            "created_at",
        ]
        read_only_fields = fields

    def get_final_score(self, rec) -> str | None:
        return decimal_string(rec.final_score)

    def _org(self, org):
        return None if org is None else {"id": org.pk, "name": org.name, "uscc": org.uscc}

    @extend_schema_field(InboxOrganisationSerializer(allow_null=True))
    def get_lead_organisation(self, rec):
        return self._org(rec.entry.team.lead_organisation)

    @extend_schema_field(InboxOrganisationSerializer(many=True))
    def get_co_applicants(self, rec):
        return [self._org(o) for o in rec.entry.team.co_applicants.all()]

    @extend_schema_field(InboxFileSerializer(many=True))
    def get_files(self, rec):
        files = getattr(rec.entry, "current_files", None)
        if files is None:
            files = rec.entry.files.filter(is_current=True).order_by("kind")
        return InboxFileSerializer(files, many=True).data

    @extend_schema_field(InboxAwardSerializer(many=True))
    def get_awards(self, rec):
        return self.context.get("awards", {}).get(rec.entry.team_id, [])

    def get_national_team(self, rec) -> int | None:
        return rec.national_entry.team_id if rec.national_entry_id else None


class RecommendationReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class TrackQuotaSerializer(serializers.Serializer):
    track = serializers.IntegerField(min_value=1)
    from_contest = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    quota = serializers.IntegerField(min_value=0, max_value=100000)


class RecommendationQuotasSerializer(serializers.Serializer):
    """The parent's quotas: per sub-contest (`promotion_quota`, empty: no cap), per track (for
    every sub-contest, or one's own when `from_contest` is given) and the deadline."""

    promotion_quota = serializers.IntegerField(
        min_value=0, max_value=100000, allow_null=True, required=False
    )
    recommendation_deadline = serializers.DateTimeField(allow_null=True, required=False)
    quotas = TrackQuotaSerializer(many=True)


class DashboardTrackSerializer(serializers.Serializer):
    track = serializers.IntegerField()
    track_code = serializers.CharField()
    track_name = serializers.CharField()
    quota = serializers.IntegerField(allow_null=True)
    submitted = serializers.IntegerField()
    missing = serializers.IntegerField(allow_null=True)


class DashboardSubContestSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField()
    submitted = serializers.IntegerField(help_text="recommended and accepted: places used")
    pending = serializers.IntegerField()
    accepted = serializers.IntegerField()
    returned = serializers.IntegerField()
    quota = serializers.IntegerField(allow_null=True)
    missing = serializers.IntegerField(allow_null=True)
    tracks = DashboardTrackSerializer(many=True)


class DashboardTotalsSerializer(serializers.Serializer):
    sub_contests = serializers.IntegerField()
    submitted = serializers.IntegerField()
    pending = serializers.IntegerField()
    accepted = serializers.IntegerField()
    returned = serializers.IntegerField()
    missing = serializers.IntegerField()


class RecommendationDashboardSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    deadline = serializers.DateTimeField(allow_null=True)
    seconds_left = serializers.IntegerField(allow_null=True)
    sub_contests = DashboardSubContestSerializer(many=True)
    not_submitted = serializers.ListField(child=serializers.IntegerField())
    totals = DashboardTotalsSerializer()
