from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from judging.aggregation import AggregationMethod, TieBreakKind
from judging.enums import PromotionRule, RankingScope, RecommendationStatus
from judging.models import EntryResult, PanelOverride, Recommendation, ResultSettings

SCORE = {"max_digits": 7, "decimal_places": 2, "allow_null": True}


class TieBreakRuleSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=TieBreakKind.choices)
    key = serializers.CharField(
        required=False, max_length=40, help_text='criterion key, for rule "criterion"'
    )


class ResultSettingsSerializer(serializers.ModelSerializer):
    """How the stage turns reviews into a ranking. `tie_break` is applied in order to entries
    with equal final scores; "panel" uses the 合议 rows' `panel_order`."""

    method = serializers.ChoiceField(choices=AggregationMethod.choices)
    scope = serializers.ChoiceField(choices=RankingScope.choices)
    tie_break = TieBreakRuleSerializer(many=True)

    class Meta:
        model = ResultSettings
        fields = [
            "stage",
            "method",
            "trim_min_reviews",
            "normalise",
            "scope",
            "tie_break",
            "outlier_threshold",
        ]
        read_only_fields = fields


class ResultSettingsWriteSerializer(serializers.ModelSerializer):
    """Fields left out keep their value."""

    method = serializers.ChoiceField(choices=AggregationMethod.choices, required=False)
    scope = serializers.ChoiceField(choices=RankingScope.choices, required=False)
    tie_break = TieBreakRuleSerializer(many=True, required=False)

    class Meta:
        model = ResultSettings
        fields = [
            "method",
            "trim_min_reviews",
            "normalise",
            "scope",
            "tie_break",
            "outlier_threshold",
        ]
        extra_kwargs = {
            "trim_min_reviews": {"required": False, "min_value": 3},
            "normalise": {"required": False},
            "outlier_threshold": {"required": False, "min_value": 0, "max_value": 100},
        }

    def validate_tie_break(self, value):
        for item in value:
            if item["rule"] == TieBreakKind.CRITERION and not item.get("key"):
                raise serializers.ValidationError('rule "criterion" needs a "key"')
        return [dict(item) for item in value]


class RankingSummarySerializer(serializers.Serializer):
    stage_id = serializers.IntegerField()
    entries = serializers.IntegerField(help_text="result rows stored")
    ranked = serializers.IntegerField()
    reviews = serializers.IntegerField(help_text="submitted reviews that counted")
    excluded_conflicts = serializers.IntegerField(
        help_text="submitted reviews left out: the judge now conflicts with the team"
    )
    computed_at = serializers.DateTimeField()


class ResultTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class EntryResultSerializer(serializers.ModelSerializer):
    """One stored result row: raw beside normalised beside final, rank within its group."""

    entry = serializers.IntegerField(source="entry_id")
    title = serializers.CharField(source="entry.title")
    team = ResultTeamSerializer(source="entry.team")
    group_name = serializers.SerializerMethodField()
    override_reason = serializers.CharField(allow_null=True)

    class Meta:
        model = EntryResult
        fields = [
            "entry",
            "title",
            "team",
            "group_key",
            "group_name",
            "review_count",
            "raw_score",
            "normalised_score",
            "final_score",
            "rank",
            "tied",
            "decided_by",
            "trimmed",
            "overridden",
            "override_reason",
            "computed_at",
        ]
        read_only_fields = fields

    def get_group_name(self, row) -> str:
        return self.context.get("group_names", {}).get(row.group_key, row.group_key)


class JudgeConsistencySerializer(serializers.Serializer):
    judge = serializers.IntegerField(source="judge_id")
    name = serializers.CharField()
    count = serializers.IntegerField()
    compared = serializers.IntegerField()
    mean = serializers.DecimalField(**SCORE)
    spread = serializers.DecimalField(**SCORE)
    leniency = serializers.DecimalField(**SCORE)
    outlier = serializers.BooleanField()


class GroupAgreementSerializer(serializers.Serializer):
    group_key = serializers.CharField()
    group_name = serializers.CharField()
    entries_reviewed = serializers.IntegerField()
    judges = serializers.IntegerField()
    kendall_w = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    icc = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    block_judges = serializers.IntegerField(help_text="judges in the block W and ICC come from")
    block_entries = serializers.IntegerField()
    blocks = serializers.IntegerField(help_text="complete judge × entry blocks in the group")


class ReviewOutlierSerializer(serializers.Serializer):
    entry = serializers.IntegerField(source="entry_id")
    judge = serializers.IntegerField(source="judge_id")
    total = serializers.DecimalField(**SCORE)
    others_mean = serializers.DecimalField(**SCORE)
    deviation = serializers.DecimalField(max_digits=7, decimal_places=2)


class ConsistencySerializer(serializers.Serializer):
    reviews = serializers.IntegerField()
    excluded_conflicts = serializers.IntegerField()
    deviation_threshold = serializers.DecimalField(**SCORE)
    leniency_mean = serializers.DecimalField(**SCORE)
    leniency_sd = serializers.DecimalField(**SCORE)
    judges = JudgeConsistencySerializer(many=True)
    groups = GroupAgreementSerializer(many=True)
    review_outliers = ReviewOutlierSerializer(many=True)


class PanelOverrideWriteSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    score = serializers.DecimalField(
        max_digits=7, decimal_places=3, required=False, allow_null=True, min_value=0
    )
    panel_order = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class PanelOverrideSerializer(serializers.ModelSerializer):
    result = serializers.SerializerMethodField()

    class Meta:
        model = PanelOverride
        fields = ["id", "stage", "entry", "score", "panel_order", "reason", "created_at", "result"]
        read_only_fields = fields

    @extend_schema_field(EntryResultSerializer(allow_null=True))
    def get_result(self, override):
        row = self.context.get("result")
        return EntryResultSerializer(row, context=self.context).data if row else None


class SnapshotRowSerializer(serializers.Serializer):
    """A published row. Only aggregates: no judge appears in a snapshot."""

    entry = serializers.IntegerField()
    title = serializers.CharField()
    team = serializers.IntegerField()
    team_code = serializers.CharField()
    team_name = serializers.CharField()
    group_key = serializers.CharField()
    group_name = serializers.CharField()
    raw = serializers.DecimalField(**SCORE)
    normalised = serializers.DecimalField(**SCORE)
    final = serializers.DecimalField(**SCORE)
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField()
    overridden = serializers.BooleanField()
    review_count = serializers.IntegerField()


class ResultSnapshotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    stage = serializers.IntegerField(source="stage_id")
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    published_at = serializers.DateTimeField()
    rows = SnapshotRowSerializer(many=True, source="data.rows")


class PromotionRequestSerializer(serializers.Serializer):
    to_stage = serializers.IntegerField()
    rule = serializers.ChoiceField(choices=PromotionRule.choices)
    n = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    threshold = serializers.DecimalField(
        max_digits=7, decimal_places=2, required=False, allow_null=True
    )
    entry_ids = serializers.ListField(child=serializers.IntegerField(), required=False)


class PromotionOutcomeSerializer(serializers.Serializer):
    promoted = serializers.ListField(child=serializers.IntegerField())
    already = serializers.ListField(
        child=serializers.IntegerField(), help_text="selected but promoted before"
    )
    entries_created = serializers.IntegerField(help_text="draft entries created in to_stage")
    snapshot_version = serializers.IntegerField(allow_null=True)


class RecommendationRequestSerializer(serializers.Serializer):
    entry_ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class RecommendationSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=RecommendationStatus.choices, read_only=True)

    class Meta:
        model = Recommendation
        fields = ["id", "from_contest", "to_contest", "entry", "status", "reason", "created_at"]
        read_only_fields = fields
