from rest_framework import serializers

from contest.enums import CONTEST_STATUS_FLOW, ContestRoleKind, EntrantKind
from contest.models import Contest, ContestRole, Group, Stage, Track
from contest.services.contest import CONTEST_FIELDS


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ["id", "contest", "code", "name", "order", "guide_text", "guide_file"]
        read_only_fields = ["guide_file"]


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = [
            "id",
            "contest",
            "code",
            "name",
            "order",
            "eligibility",
            "registered_on_or_after",
            "registered_before",
        ]


class StageSerializer(serializers.ModelSerializer):
    # Why the windows change: required to extend the submission deadline, kept on the audit chain.
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )

    class Meta:
        model = Stage
        fields = [
            "id",
            "contest",
            "name",
            "kind",
            "order",
            "submission_opens_at",
            "submission_closes_at",
            "review_opens_at",
            "review_closes_at",
            "blind",
            "reason",
        ]


class ContestStageSerializer(StageSerializer):
    """A stage as its contest's detail lists it, with when its results in force were published
    (`judging.selectors.result.stages_with_results_published_at`; null before any)."""

    results_published_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta(StageSerializer.Meta):
        fields = [*StageSerializer.Meta.fields, "results_published_at"]


class ContestListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contest
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "edition",
            "year",
            "parent",
            "status",
            "region",
            "registration_opens_at",
            "registration_closes_at",
        ]


class ContestDetailSerializer(serializers.ModelSerializer):
    tracks = TrackSerializer(many=True, read_only=True)
    groups = GroupSerializer(many=True, read_only=True)
    stages = ContestStageSerializer(many=True, read_only=True)
    parent_name = serializers.CharField(source="parent.name", read_only=True, default=None)
    is_organiser = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = [
            "id",
            *CONTEST_FIELDS,
            "parent_name",
            "status",
            "tracks",
            "groups",
            "stages",
            "is_organiser",
        ]

    def get_is_organiser(self, contest) -> bool:
        return contest.pk in self.context.get("organised_ids", set())


class ContestWriteSerializer(serializers.ModelSerializer):
    entrant_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EntrantKind.choices), required=False
    )

    # Why it changes: required to extend the registration deadline, kept on the audit chain.
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )

    class Meta:
        model = Contest
        fields = [*CONTEST_FIELDS, "reason"]
        extra_kwargs = {"code": {"validators": []}}


class ContestTransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in CONTEST_STATUS_FLOW])


class ContestRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContestRole
        fields = ["id", "contest", "user", "role", "organisation"]
        read_only_fields = ["contest"]

    role = serializers.ChoiceField(choices=ContestRoleKind.choices)


class TrackCountSerializer(serializers.Serializer):
    track = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    teams = serializers.IntegerField()


class GroupCountSerializer(serializers.Serializer):
    group = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    teams = serializers.IntegerField()


class EntryCountSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    count = serializers.IntegerField()


class RegistrationStatsSerializer(serializers.Serializer):
    teams = serializers.IntegerField()
    people = serializers.IntegerField()
    submitted = serializers.IntegerField()
    by_track = TrackCountSerializer(many=True)
    by_group = GroupCountSerializer(many=True)
    entries = EntryCountSerializer(many=True)
