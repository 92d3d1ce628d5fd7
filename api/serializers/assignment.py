"""Judge assignment: feasibility reports, runs, assignments and per-judge progress (organisers)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.models import Entry, User
from judging.enums import AssignmentMode, ReviewStatus
from judging.models import Assignment, AssignmentRun
from judging.services.assignment_feasibility import K_MAX


class KSerializer(serializers.Serializer):
    k = serializers.IntegerField(
        min_value=1,
        max_value=K_MAX,
        required=False,
        help_text="Judges per entry; default: the stage's rule (judges_per_entry)",
    )
    mode = serializers.ChoiceField(
        choices=AssignmentMode.choices,
        default=AssignmentMode.FULL,
        help_text="full: replace unreviewed automatic assignments; top_up: keep every "
        "assignment and assign only the entries below k",
    )


class FeasibilitySummarySerializer(serializers.Serializer):
    entries = serializers.IntegerField(help_text="Entries to assign (a top-up: those below k)")
    entries_complete = serializers.IntegerField(help_text="Entries with k kept judges already")
    entries_short = serializers.IntegerField(
        help_text="Entries with fewer than k conflict-free judges with room"
    )
    reviews_fixed = serializers.IntegerField(help_text="Kept assignments counted toward k")
    reviews_needed = serializers.IntegerField(help_text="Reviews still to assign")
    judges = serializers.IntegerField()
    judges_at_capacity = serializers.IntegerField(help_text="Judges at their max load already")


class FeasibilityIssueSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="Stable: reviews_exceed_capacity, min_exceeds_reviews, entry_short, ..."
    )
    zh = serializers.CharField()
    en = serializers.CharField()
    data = serializers.DictField(help_text="The numbers behind the message")


class ShortEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    available = serializers.IntegerField(help_text="Conflict-free judges with room")
    needed = serializers.IntegerField()


class PageParamsSerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100)


class ShortEntryPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = ShortEntrySerializer(many=True)


class ShortJudgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    available = serializers.IntegerField(help_text="Reviews the judge could get")
    min_load = serializers.IntegerField()


class SuggestionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The cause: entries_short, reviews_exceed_capacity, ...")
    zh = serializers.CharField(help_text="One line: the cause, its count and the fix")
    en = serializers.CharField()
    data = serializers.DictField(help_text="The numbers behind the line (count, sample, ...)")


CAUSES_HELP = (
    "Count by cause code: entries (entries_short, panel_without_judges, entry_short_joint, "
    "fixed_above_k), judges (judge_short, judge_short_joint, judge_min_above_max, "
    "fixed_above_max), missing reviews (reviews_exceed_capacity) or surplus minimum "
    "(min_exceeds_reviews)"
)


class FeasibilityReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    k = serializers.IntegerField(help_text="The k checked (the stage's rule unless given)")
    nothing_to_assign = serializers.ChoiceField(
        choices=["no_submitted_entries", "all_entries_assigned"],
        allow_null=True,
        help_text="Why a run would assign nothing (its refusal code), or null",
    )
    summary = FeasibilitySummarySerializer()
    causes = serializers.DictField(child=serializers.IntegerField(), help_text=CAUSES_HELP)
    suggestions = SuggestionSerializer(
        many=True, help_text="One line per cause and panel, never one per entry"
    )
    messages_zh = serializers.ListField(child=serializers.CharField())
    messages_en = serializers.ListField(child=serializers.CharField())
    issues = FeasibilityIssueSerializer(
        many=True, help_text="The suggestions again (older clients)"
    )
    short_entries = ShortEntrySerializer(
        many=True, help_text="At most 10; the count is in summary; all, paged: short-entries"
    )
    short_judges = ShortJudgeSerializer(many=True, help_text="At most 10")


class RunReportSerializer(serializers.Serializer):
    """A run's report: empty while queued or running; `error` only when the run failed."""

    ok = serializers.BooleanField(required=False)
    outcome = serializers.ChoiceField(
        choices=["assigned", "nothing_to_assign", "infeasible"], required=False
    )
    summary = FeasibilitySummarySerializer(required=False)
    causes = serializers.DictField(
        child=serializers.IntegerField(), required=False, help_text=CAUSES_HELP
    )
    suggestions = SuggestionSerializer(many=True, required=False)
    loads = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Each panel judge's load on the stage after the run, by judge id",
    )
    messages_zh = serializers.ListField(child=serializers.CharField(), required=False)
    messages_en = serializers.ListField(child=serializers.CharField(), required=False)
    issues = FeasibilityIssueSerializer(many=True, required=False)
    short_entries = ShortEntrySerializer(many=True, required=False)
    short_judges = ShortJudgeSerializer(many=True, required=False)
    error = serializers.CharField(required=False)


class AssignmentRunSerializer(serializers.ModelSerializer):
    report = RunReportSerializer(read_only=True)

    class Meta:
        model = AssignmentRun
        fields = [
            "id",
            "stage",
            "k",
            "mode",
            "status",
            "progress",
            "report",
            "cost",
            "assigned",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["report"] = instance.report or {}
        return data


class AssignmentRuleSerializer(serializers.Serializer):
    """The stage's rule and the run form's defaults, with the stage's latest run."""

    judges_per_entry = serializers.IntegerField(
        min_value=1, max_value=K_MAX, help_text="每件作品评委数: the default k of the stage's runs"
    )
    k_max = serializers.IntegerField(read_only=True)
    latest_run = AssignmentRunSerializer(read_only=True, allow_null=True)


class AssignmentSerializer(serializers.ModelSerializer):
    entry_title = serializers.CharField(source="entry.title", read_only=True)
    team_name = serializers.CharField(source="entry.team.name", read_only=True)
    judge_name = serializers.CharField(source="judge.real_name", read_only=True)
    review_status = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "stage",
            "entry",
            "entry_title",
            "team_name",
            "judge",
            "judge_name",
            "source",
            "anonymous_code",
            "review_status",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=ReviewStatus.choices, allow_null=True))
    def get_review_status(self, obj):
        review = getattr(obj, "review", None)
        return review.status if review is not None else None


class AssignmentCreateSerializer(serializers.Serializer):
    entry = serializers.PrimaryKeyRelatedField(queryset=Entry.objects.select_related("team"))
    judge = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class AssignmentSwapSerializer(serializers.Serializer):
    judge = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class RoadshowResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    conflicts_skipped = serializers.IntegerField()


class JudgeProgressSerializer(serializers.Serializer):
    judge = serializers.IntegerField()
    judge_name = serializers.CharField()
    track = serializers.IntegerField(allow_null=True)
    track_name = serializers.CharField()
    status = serializers.CharField()
    min_load = serializers.IntegerField()
    max_load = serializers.IntegerField()
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    drafts = serializers.IntegerField()
