from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from judging.aggregation import AggregationMethod, TieBreakKind
from judging.enums import PromotionRule, RankingScope, RecommendationStatus, SnapshotStatus
from judging.models import (
    EntryResult,
    PanelOverride,
    Recommendation,
    ResultSettings,
    ResultSnapshot,
)

SCORE = {"max_digits": 7, "decimal_places": 2, "allow_null": True}
EXACT_PLACES = 4


def decimal_string(value) -> str | None:
    """A score as an exact decimal string with at least 4 places ("61.6667", "80.0000"): the
    stored precision, never rounded here; rounding is for display only (the SPA)."""
    if value is None:
        return None
    number = Decimal(str(value))
    if number.as_tuple().exponent > -EXACT_PLACES:
        number = number.quantize(Decimal(1).scaleb(-EXACT_PLACES))
    return f"{number:f}"


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "nullable": True,
        "pattern": r"^-?\d+\.\d{4,}$",
        "description": "exact decimal string, at least 4 places",
    }
)
class ExactDecimalField(serializers.Field):
    """Read-only: a stored score, total or aggregate as `decimal_string` gives it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return decimal_string(value)


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
    raw_score = ExactDecimalField(allow_null=True)
    normalised_score = ExactDecimalField(allow_null=True)
    final_score = ExactDecimalField(allow_null=True)

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
        max_digits=9, decimal_places=4, required=False, allow_null=True, min_value=0
    )
    panel_order = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class PanelOverrideSerializer(serializers.ModelSerializer):
    result = serializers.SerializerMethodField()
    score = ExactDecimalField(allow_null=True)

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
    raw = ExactDecimalField(allow_null=True)
    normalised = ExactDecimalField(allow_null=True)
    final = ExactDecimalField(allow_null=True)
    rank = serializers.IntegerField(allow_null=True)
    tied = serializers.BooleanField()
    overridden = serializers.BooleanField()
    review_count = serializers.IntegerField()


class SnapshotLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.IntegerField()


class ResultSnapshotSerializer(serializers.Serializer):
    """A published snapshot. A snapshot withdrawn by a correction stays visible, marked
    `status` "withdrawn" (已更正 Corrected) with the reason and the version that replaced it
    (`replaced_by`, null while the correction is open). `chain_head`/`chain_rows`: the contest's
    audit chain head (hash, row count) right after the publication was recorded."""

    id = serializers.IntegerField()
    stage = serializers.IntegerField(source="stage_id")
    version = serializers.IntegerField()
    sha256 = serializers.CharField()
    published_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SnapshotStatus.choices)
    status_label = serializers.CharField(source="get_status_display")
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawal_reason = serializers.CharField()
    replaced_by = SnapshotLinkSerializer(allow_null=True)
    replaces = serializers.SerializerMethodField()
    chain_head = serializers.CharField()
    chain_rows = serializers.IntegerField()
    rows = SnapshotRowSerializer(many=True, source="data.rows")

    @extend_schema_field(SnapshotLinkSerializer(allow_null=True))
    def get_replaces(self, snapshot):
        try:
            replaced = snapshot.replaces
        except ResultSnapshot.DoesNotExist:
            return None
        return SnapshotLinkSerializer(replaced).data


class CorrectionRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)
    review_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="the submitted reviews to reopen; all of the stage's when left out or empty",
    )


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


class ResultFreshnessSerializer(serializers.Serializer):
    """How fresh the stage's stored results are: "computed 3 s ago, 12 submits since"."""

    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="the stored results include every submit before this"
    )
    age_seconds = serializers.SerializerMethodField(
        help_text="seconds since computed_at by the server's clock (null: never computed)"
    )
    dirty_since = serializers.DateTimeField(
        allow_null=True, help_text="the first submit not yet in the stored results"
    )
    submits_since = serializers.IntegerField(help_text="submits and reopens since computed_at")
    running = serializers.SerializerMethodField(help_text="a recompute is running now")
    scheduled = serializers.SerializerMethodField(help_text="a recompute is due shortly")
    last_kind = serializers.CharField(help_text='"full", "incremental" or "" (never)')
    last_seconds = serializers.FloatField(help_text="how long the last recompute took")
    full_at = serializers.DateTimeField(allow_null=True)
    recomputes = serializers.IntegerField(help_text="recomputes run for this stage")

    def _now(self):
        from django.utils import timezone

        return self.context.get("now") or timezone.now()

    def get_age_seconds(self, state) -> float | None:
        if state.computed_at is None:
            return None
        return round(max((self._now() - state.computed_at).total_seconds(), 0.0), 1)

    def get_running(self, state) -> bool:
        return state.running_since is not None

    def get_scheduled(self, state) -> bool:
        return state.scheduled_at is not None
