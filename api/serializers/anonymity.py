"""The blind-stage anonymity check and redactions (organisers)."""

from rest_framework import serializers

from contest.models import Entry


class AnonymityFindingSerializer(serializers.Serializer):
    where = serializers.ChoiceField(choices=["title", "summary", "file"])
    term = serializers.CharField(help_text="The name found")
    kind = serializers.ChoiceField(choices=["organisation", "member", "team"])
    names = serializers.CharField(help_text="What the term names: the organisation, the role")
    excerpt = serializers.CharField(help_text="Context around it, whitespace removed")
    file = serializers.IntegerField(required=False, help_text="Entry file id (where=file)")
    file_name = serializers.CharField(required=False)
    page = serializers.IntegerField(
        required=False, allow_null=True, help_text="PDF page or PPTX slide"
    )


class FileNotCheckedSerializer(serializers.Serializer):
    file = serializers.IntegerField()
    file_name = serializers.CharField()
    reason = serializers.CharField(help_text="not_text, or why the file could not be read")


class AnonymityEntrySerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    title = serializers.CharField()
    team_code = serializers.CharField()
    team_name = serializers.CharField()
    redacted_terms = serializers.ListField(child=serializers.CharField())
    findings = AnonymityFindingSerializer(many=True)
    files_not_checked = FileNotCheckedSerializer(many=True)


class AnonymityCheckSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    entries_checked = serializers.IntegerField()
    entries_flagged = serializers.IntegerField()
    files_not_checked = serializers.IntegerField()
    entries = AnonymityEntrySerializer(many=True, help_text="Only entries with findings")


class RedactionCreateSerializer(serializers.Serializer):
    entry = serializers.PrimaryKeyRelatedField(queryset=Entry.objects.select_related("team"))
    terms = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True), max_length=50
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RedactionSerializer(serializers.Serializer):
    entry = serializers.IntegerField(source="entry_id")
    terms = serializers.ListField(child=serializers.CharField())
    title = serializers.CharField(help_text="The title as the stage's judges see it")
    summary = serializers.CharField(help_text="The summary as the stage's judges see it")
