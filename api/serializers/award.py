"""Award tiers and awards: read shapes, and write shapes validated here for shape only and
saved through `awards.services`."""

from rest_framework import serializers

from awards.models import (
    Award,
    AwardSettings,
    AwardTier,
)
from contest.models import Challenge, Contest, Organisation, Stage, Team, Track


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
    quota_override = serializers.BooleanField(read_only=True)

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
            "quota_override",
            "quota_override_reason",
            "stale_reason",
            "supersedes",
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
    quota_override_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AwardChangeTierSerializer(serializers.Serializer):
    tier = serializers.PrimaryKeyRelatedField(queryset=AwardTier.objects.all())
    reason = serializers.CharField(max_length=2000)
    quota_override_reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class AwardReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ContestRefSerializer(serializers.Serializer):
    contest = serializers.PrimaryKeyRelatedField(queryset=Contest.objects.all())


class AwardSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = AwardSettings
        fields = ["contest", "notice_min_days", "notice_min_working_days", "updated_at"]
        read_only_fields = ["contest", "updated_at"]


class AwardSettingsWriteSerializer(serializers.Serializer):
    notice_min_days = serializers.IntegerField(min_value=1, max_value=60, required=False)
    notice_min_working_days = serializers.BooleanField(required=False)
