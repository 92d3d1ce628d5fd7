from rest_framework import serializers

from contest.enums import EntryFileKind
from contest.models import Entry, EntryFile


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


class EntrySerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    team_code = serializers.CharField(source="team.code", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    files = EntryFileSerializer(many=True, read_only=True)

    class Meta:
        model = Entry
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
        ]


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
