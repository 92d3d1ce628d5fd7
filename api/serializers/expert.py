"""The expert pool (专家库), the expert draw and a drawn expert's own invitation page."""

from rest_framework import serializers

from api.serializers.challenge import ImportRowErrorSerializer
from judging.enums import ExpertPickRole, ExpertPickStatus, RelationKind
from judging.models import Expert, ExpertDraw, ExpertDrawPick


class ExpertRelationSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    relation = serializers.ChoiceField(choices=RelationKind.choices, required=False)


class ExpertSerializer(serializers.ModelSerializer):
    fields = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, max_length=50
    )
    unavailable_dates = serializers.ListField(
        child=serializers.DateField(), required=False, max_length=366
    )
    declared_relations = ExpertRelationSerializer(many=True, required=False)
    has_account = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = [
            "id",
            "name",
            "organisation_name",
            "organisation_uscc",
            "province",
            "fields",
            "title",
            "mobile",
            "email",
            "active",
            "unavailable_dates",
            "declared_relations",
            "note",
            "has_account",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "has_account", "created_at", "updated_at"]

    def get_has_account(self, obj) -> bool:
        return obj.user_id is not None


class ExpertQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    province = serializers.CharField(required=False, allow_blank=True, max_length=32)
    field = serializers.CharField(required=False, allow_blank=True, max_length=64)
    active = serializers.BooleanField(required=False, allow_null=True, default=None)


class ExpertImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True)


class ExpertDrawCreateSerializer(serializers.Serializer):
    track = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )
    count = serializers.IntegerField(min_value=1, max_value=200)
    reserves = serializers.IntegerField(min_value=0, max_value=200, default=0)
    fields_wanted = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, default=list, max_length=50
    )
    event_date = serializers.DateField(required=False, allow_null=True)
    response_hours = serializers.IntegerField(min_value=1, max_value=720, default=48)


class ExpertDrawPickSerializer(serializers.ModelSerializer):
    expert = serializers.IntegerField(source="expert_id", read_only=True)
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    organisation_name = serializers.CharField(source="expert.organisation_name", read_only=True)
    province = serializers.CharField(source="expert.province", read_only=True)
    title = serializers.CharField(source="expert.title", read_only=True)
    role = serializers.ChoiceField(choices=ExpertPickRole.choices, read_only=True)
    status = serializers.ChoiceField(choices=ExpertPickStatus.choices, read_only=True)

    class Meta:
        model = ExpertDrawPick
        fields = [
            "id",
            "position",
            "expert",
            "expert_name",
            "organisation_name",
            "province",
            "title",
            "role",
            "status",
            "invited_at",
            "respond_by",
            "responded_at",
        ]
        read_only_fields = fields


class ExpertDrawSerializer(serializers.ModelSerializer):
    picks = ExpertDrawPickSerializer(many=True, read_only=True)
    candidates = serializers.ListField(child=serializers.CharField(), read_only=True)
    fields_wanted = serializers.ListField(child=serializers.CharField(), read_only=True)
    excluded_counts = serializers.SerializerMethodField()
    created_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ExpertDraw
        fields = [
            "id",
            "stage",
            "track",
            "count",
            "reserves",
            "fields_wanted",
            "event_date",
            "response_hours",
            "seed",
            "candidates",
            "excluded_counts",
            "audit_seq",
            "created_by_name",
            "created_at",
            "picks",
        ]
        read_only_fields = fields

    def get_excluded_counts(self, obj) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reasons in (obj.excluded or {}).values():
            for reason in reasons:
                counts[reason] = counts.get(reason, 0) + 1
        return counts

    def get_created_by_name(self, obj) -> str:
        return obj.created_by.real_name if obj.created_by_id else ""


class ExpertDrawCheckSerializer(serializers.Serializer):
    matches = serializers.BooleanField()
    chain_ok = serializers.BooleanField()
    stored_match = serializers.BooleanField()
    seed = serializers.CharField()
    candidates = serializers.IntegerField()
    picked = serializers.ListField(child=serializers.CharField())
    reserve_order = serializers.ListField(child=serializers.CharField())
    recomputed_picked = serializers.ListField(child=serializers.CharField())
    recomputed_reserve_order = serializers.ListField(child=serializers.CharField())


class ExpertInvitationSerializer(serializers.Serializer):
    """What the expert's own link shows them: nothing about other experts."""

    contest_name = serializers.CharField()
    stage_name = serializers.CharField()
    track_name = serializers.CharField()
    event_date = serializers.DateField(allow_null=True)
    expert_name = serializers.CharField()
    status = serializers.ChoiceField(choices=ExpertPickStatus.choices)
    respond_by = serializers.DateTimeField(allow_null=True)
    has_account = serializers.BooleanField()
    letter_available = serializers.BooleanField()


class ExpertConfirmSerializer(serializers.Serializer):
    password = serializers.CharField(
        required=False, allow_blank=True, max_length=128, write_only=True
    )
