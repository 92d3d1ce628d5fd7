from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.formal_check import EntryFormalCheckSerializer
from contest.enums import EntryFileKind, EntryStatus, StageKind
from contest.models import Entry, EntryFile
from judging.enums import FormalCheckOutcome, FormalCheckState
from judging.selectors.formal_check import latest_decision_prefetch


class EntryFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EntryFile
        fields = [
            "id",
            "kind",
            "version",
            "is_current",
            "original_name",
            "file_type",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, entry_file) -> str:
        return f"/api/entry-files/{entry_file.pk}/download/"


def _formal_check_of(entry: Entry) -> dict | None:
    """The latest formal-check decision of an entry of a formal-check stage, as its team sees it
    (no name of who decided); None for other stages. Reads `formal_decisions` when prefetched."""
    if entry.stage.kind != StageKind.FORMAL_CHECK:
        return None
    decisions = getattr(entry, "formal_decisions", None)
    if decisions is None:
        decisions = list(entry.formal_check_decisions.order_by("-decided_at", "-id")[:1])
    latest = decisions[0] if decisions else None
    if latest is None:
        if entry.status != EntryStatus.SUBMITTED:
            return None
        state = FormalCheckState.PENDING
    elif latest.outcome == FormalCheckOutcome.PASS:
        state = FormalCheckState.PASSED
    elif latest.outcome == FormalCheckOutcome.REJECT:
        state = FormalCheckState.REJECTED
    elif entry.status == EntryStatus.DRAFT:
        state = FormalCheckState.RETURNED
    else:
        state = FormalCheckState.PENDING  # returned, corrected and resubmitted
    return {
        "state": state,
        "verdict": latest.outcome if latest else None,
        "reason": latest.reason if latest else "",
        "deadline": latest.deadline if latest else None,
        "decided_at": latest.decided_at if latest else None,
    }


class EntryListSerializer(serializers.ListSerializer):
    """Loads the formal-check decisions of the page's formal-check entries in one query."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        formal = [
            e
            for e in items
            if e.stage.kind == StageKind.FORMAL_CHECK and not hasattr(e, "formal_decisions")
        ]
        if formal:
            prefetch_related_objects(formal, latest_decision_prefetch())
        return super().to_representation(items)


class EntrySerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    files = EntryFileSerializer(many=True, read_only=True)
    formal_check = serializers.SerializerMethodField()
    carried_from_contest = serializers.CharField(
        source="carried_from.team.contest.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Entry
        list_serializer_class = EntryListSerializer
        fields = [
            "id",
            "team",
            "team_code",
            "team_name",
            "stage",
            "stage_name",
            "title",
            "summary",
            "tags",
            "status",
            "submitted_at",
            "withdrawn_at",
            "files",
            "updated_at",
            "formal_check",
            "carried_from",
            "carried_from_contest",
            "carried_confirmed_at",
        ]

    @extend_schema_field(EntryFormalCheckSerializer(allow_null=True))
    def get_formal_check(self, entry) -> dict | None:
        data = _formal_check_of(entry)
        return None if data is None else EntryFormalCheckSerializer(data).data


class EntryCreateSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Entry
        fields = ["team", "stage", "title", "summary", "tags"]
        validators = []


class EntryUpdateSerializer(serializers.ModelSerializer):
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)

    class Meta:
        model = Entry
        fields = ["title", "summary", "tags"]


class EntryFileUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EntryFileKind.choices)
    # Empty files reach the shared upload check, which answers with its stable `file_empty` code.
    file = serializers.FileField(allow_empty_file=True)
