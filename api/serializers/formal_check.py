"""The formal check (形式审查): checklist, queue rows, decisions, bulk pass."""

from rest_framework import serializers

from contest.enums import EntryFileKind
from judging.enums import ChecklistField, FormalCheckOutcome, FormalCheckState
from judging.models import FormalCheckDecision

# The decision's field is `verdict` in the API: "outcome" already names another choice set
# (assignment runs), and one field name per choice set keeps the schema's enum names stable.


class MaterialChecklistSerializer(serializers.Serializer):
    required_file_kinds = serializers.ListField(child=serializers.CharField(max_length=32))
    required_fields = serializers.ListField(child=serializers.CharField(max_length=32))
    is_default = serializers.BooleanField(read_only=True)
    size_limits = serializers.DictField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="The size limit in bytes of each file kind (from settings).",
    )
    file_kind_choices = serializers.ListField(child=serializers.DictField(), read_only=True)
    field_choices = serializers.ListField(child=serializers.DictField(), read_only=True)


class MissingMaterialsSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.ChoiceField(choices=EntryFileKind.choices))
    fields = serializers.ListField(child=serializers.ChoiceField(choices=ChecklistField.choices))


class FormalQueueRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    team = serializers.IntegerField(source="team_id")
    team_code = serializers.CharField(source="team.code")
    team_name = serializers.CharField(source="team.name")
    status = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=FormalCheckState.choices, source="formal_state")
    verdict = serializers.ChoiceField(
        choices=FormalCheckOutcome.choices, source="formal_outcome", allow_null=True
    )
    reason = serializers.CharField(source="formal_reason", allow_null=True)
    deadline = serializers.DateTimeField(source="formal_deadline", allow_null=True)
    decided_at = serializers.DateTimeField(source="formal_decided_at", allow_null=True)
    missing = MissingMaterialsSerializer()


class FormalQueueQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=FormalCheckState.choices, required=False)


class FormalDecisionSerializer(serializers.ModelSerializer):
    decided_by_name = serializers.CharField(source="decided_by.real_name", read_only=True)
    verdict = serializers.ChoiceField(
        choices=FormalCheckOutcome.choices, source="outcome", read_only=True
    )

    class Meta:
        model = FormalCheckDecision
        fields = [
            "id",
            "entry",
            "stage",
            "verdict",
            "reason",
            "deadline",
            "decided_by",
            "decided_by_name",
            "decided_at",
        ]


class FormalDecideSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=FormalCheckOutcome.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    deadline = serializers.DateTimeField(required=False, allow_null=True, default=None)


class FormalBulkPassSerializer(serializers.Serializer):
    entry_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_null=True,
        default=None,
        help_text="The entries to pass; left out: every pending entry with complete materials.",
    )


class FormalBulkSkippedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    missing = MissingMaterialsSerializer()


class FormalBulkPassResultSerializer(serializers.Serializer):
    passed = serializers.ListField(child=serializers.IntegerField())
    skipped = FormalBulkSkippedSerializer(many=True)


class EntryFormalCheckSerializer(serializers.Serializer):
    """What the team sees of its entry's formal check: the latest decision."""

    state = serializers.ChoiceField(choices=FormalCheckState.choices)
    verdict = serializers.ChoiceField(choices=FormalCheckOutcome.choices, allow_null=True)
    reason = serializers.CharField(allow_blank=True)
    deadline = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
