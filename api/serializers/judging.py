from rest_framework import serializers

from api.serializers.challenge import ReasonSerializer  # noqa: F401  one reason body
from api.serializers.result import ExactDecimalField, decimal_string
from contest.validators import FILE_TYPES
from judging.anonymise import judge_text
from judging.enums import RelationKind
from judging.models import AuditLog, Criterion, PanelMembership, Review, Rubric


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["key", "name", "description", "weight", "max_score", "step"]


class RubricSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True)

    class Meta:
        model = Rubric
        fields = ["id", "stage", "track", "group", "name", "version", "criteria"]
        read_only_fields = ["version"]
        validators = []


class RubricUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    criteria = CriterionSerializer(many=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PanelMembershipSerializer(serializers.ModelSerializer):
    judge_name = serializers.CharField(source="judge.real_name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True)
    contest = serializers.IntegerField(source="stage.contest_id", read_only=True)
    contest_name = serializers.CharField(source="stage.contest.name", read_only=True)
    track_name = serializers.CharField(source="track.name", read_only=True, default=None)

    class Meta:
        model = PanelMembership
        fields = [
            "id",
            "stage",
            "stage_name",
            "contest",
            "contest_name",
            "track",
            "track_name",
            "judge",
            "judge_name",
            "status",
            "is_chair",
            "min_load",
            "max_load",
            "declaration_accepted_at",
        ]
        read_only_fields = ["status", "declaration_accepted_at"]


class PanelInviteSerializer(serializers.ModelSerializer):
    class Meta:
        model = PanelMembership
        fields = ["stage", "judge", "track", "min_load", "max_load", "is_chair"]
        validators = []


class DeclaredRelationSerializer(serializers.Serializer):
    """A relative or student the judge names in the declaration."""

    name = serializers.CharField(max_length=64)
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text="居民身份证号码, 18 characters"
    )
    relation = serializers.ChoiceField(choices=RelationKind.choices)


class DeclarationSerializer(serializers.Serializer):
    declaration_accepted = serializers.BooleanField()
    relations = DeclaredRelationSerializer(many=True, required=False)


class ReviewBodySerializer(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.CharField(allow_blank=True, allow_null=True),
        required=False,
        help_text="criterion key → score (decimal string)",
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ReviewStateSerializer(serializers.ModelSerializer):
    scores = serializers.SerializerMethodField()
    total = ExactDecimalField(allow_null=True)

    class Meta:
        model = Review
        fields = ["id", "status", "scores", "total", "comment", "submitted_at", "reopened_count"]

    def get_scores(self, review) -> dict[str, str]:
        return {s.criterion.key: str(s.value) for s in review.scores.all()}


class JudgeFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    version = serializers.IntegerField()
    file_type = serializers.CharField()
    size = serializers.IntegerField()
    name = serializers.CharField()
    download_url = serializers.CharField()


def judge_file_name(assignment, entry_file) -> str:
    """What a judge sees as the file's name: the original unless the stage is blind."""
    if not assignment.stage.blind:
        return entry_file.original_name
    ext = FILE_TYPES[entry_file.file_type].extensions[0]
    return f"{assignment.anonymous_code}-{entry_file.kind}-v{entry_file.version}.{ext}"


class JudgeAssignmentSerializer(serializers.Serializer):
    """An entry as a judge sees it. In a blind stage no field names the team, its members or its
    organisations: the entry is known by its anonymous code."""

    id = serializers.IntegerField()
    stage = serializers.IntegerField(source="stage_id")
    stage_name = serializers.CharField(source="stage.name")
    blind = serializers.BooleanField(source="stage.blind")
    code = serializers.SerializerMethodField()
    team_name = serializers.SerializerMethodField()
    track_name = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    review_status = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()

    def get_title(self, a) -> str:
        """With the organiser's redactions (■■) of a blind stage."""
        return judge_text(a, "title")

    def get_code(self, a) -> str:
        return a.anonymous_code if a.stage.blind else a.entry.team.code

    def get_team_name(self, a) -> str | None:
        return None if a.stage.blind else a.entry.team.name

    def get_track_name(self, a) -> str | None:
        track = a.entry.team.track
        return track.name if track else None

    def get_review_status(self, a) -> str:
        review = getattr(a, "review", None)
        return review.status if review else "not_started"

    def get_total(self, a) -> str | None:
        review = getattr(a, "review", None)
        return decimal_string(review.total) if review and review.total is not None else None


class JudgeAssignmentDetailSerializer(JudgeAssignmentSerializer):
    summary = serializers.SerializerMethodField()
    tags = serializers.ListField(source="entry.tags", child=serializers.CharField())
    files = serializers.SerializerMethodField()
    rubric = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    def get_summary(self, a) -> str:
        return judge_text(a, "summary")

    def get_files(self, a) -> list[dict]:
        return [
            {
                "id": f.pk,
                "kind": f.kind,
                "version": f.version,
                "file_type": f.file_type,
                "size": f.size,
                "name": judge_file_name(a, f),
                "download_url": f"/api/judge/assignments/{a.pk}/files/{f.pk}/",
            }
            for f in a.entry.files.all()
            if f.is_current
        ]

    def get_rubric(self, a) -> dict | None:
        rubric = self.context.get("rubric")
        return RubricSerializer(rubric).data if rubric else None

    def get_review(self, a) -> dict | None:
        review = getattr(a, "review", None)
        return ReviewStateSerializer(review).data if review else None


class OrganiserReviewSerializer(serializers.ModelSerializer):
    judge_name = serializers.CharField(source="judge.real_name", read_only=True)
    team_code = serializers.CharField(source="entry.team.code", read_only=True)
    scores = serializers.SerializerMethodField()
    total = ExactDecimalField(allow_null=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "stage",
            "entry",
            "team_code",
            "judge",
            "judge_name",
            "status",
            "total",
            "scores",
            "comment",
            "submitted_at",
            "reopened_count",
        ]

    def get_scores(self, review) -> dict[str, str]:
        return {s.criterion.key: str(s.value) for s in review.scores.all()}


class AuditLogSerializer(serializers.ModelSerializer):
    actor_name = serializers.CharField(source="actor.real_name", read_only=True, default=None)

    class Meta:
        model = AuditLog
        fields = [
            "seq",
            "contest",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "reason",
            "data",
            "created_at",
            "prev_hash",
            "hash",
        ]


class ChainCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    rows = serializers.IntegerField()
    first_bad_seq = serializers.IntegerField(allow_null=True)
    problem = serializers.CharField()
