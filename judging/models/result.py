from django.conf import settings
from django.db import models

from judging.enums import (
    AggregationMethod,
    PromotionRule,
    RankingScope,
    SnapshotStatus,
)


class ResultSettings(models.Model):
    """How a stage turns reviews into a ranking; chosen by the organiser."""

    stage = models.OneToOneField(
        "contest.Stage", on_delete=models.CASCADE, related_name="result_settings"
    )
    method = models.CharField(
        max_length=16, choices=AggregationMethod.choices, default=AggregationMethod.MEAN
    )
    trim_min_reviews = models.PositiveSmallIntegerField(
        "去极值最少评委数 Trim needs at least", default=5
    )
    normalise = models.BooleanField("标准分归一化 Per-judge z-score", default=False)
    scope = models.CharField(
        max_length=16, choices=RankingScope.choices, default=RankingScope.TRACK
    )
    tie_break = models.JSONField(
        default=list,
        blank=True,
        help_text='Ordered rules: [{"rule": "criterion", "key": "innovation"}, {"rule": "first_places"}, {"rule": "panel"}]',
    )
    outlier_threshold = models.DecimalField(max_digits=5, decimal_places=2, default=20)
    publisher_weight = models.DecimalField(
        "发榜方评分权重 Publisher weight (%)",
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text="评榜: the share of the score the challenge's publisher gives (0: none).",
    )

    class Meta:
        verbose_name = "成绩规则 Result settings"
        verbose_name_plural = "成绩规则 Result settings"


class ResultState(models.Model):
    """How fresh a stage's stored results are, and the coalescing marks of its recompute.

    Written by `judging.services.recompute`: a submit or reopen marks the stage dirty (and which
    entry changed) in its own transaction; one runner at a time (`running_since`, claimed with a
    conditional update) folds every mark made so far into one recompute. Kept apart from
    `ResultSettings`, whose row a recompute holds locked for its whole run, so a judge's submit
    never waits for a running recompute."""

    stage = models.OneToOneField(
        "contest.Stage", on_delete=models.CASCADE, related_name="result_state"
    )
    # the stored results include every submit committed before this moment
    computed_at = models.DateTimeField("计算于 Computed at", null=True, blank=True)
    full_at = models.DateTimeField("完整重算于 Last full recompute", null=True, blank=True)
    last_kind = models.CharField("上次重算方式 Last recompute", max_length=16, blank=True)
    last_seconds = models.FloatField("上次重算用时 Last recompute took (s)", default=0)
    recomputes = models.PositiveIntegerField("重算次数 Recomputes run", default=0)
    # the first change not yet in the stored results (None: up to date) and how many since
    dirty_since = models.DateTimeField("待重算自 Dirty since", null=True, blank=True)
    submits_since = models.PositiveIntegerField("此后提交 Submits since", default=0)
    # entries whose reviews changed since the last run, for an incremental update
    dirty_entries = models.JSONField(default=list, blank=True)
    dirty_all = models.BooleanField("需完整重算 Full recompute needed", default=False)
    # a recompute has been enqueued (not yet started) / is running
    scheduled_at = models.DateTimeField(null=True, blank=True)
    running_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "成绩新鲜度 Result freshness"
        verbose_name_plural = "成绩新鲜度 Result freshness"


class PanelOverride(models.Model):
    """合议: the panel sets an entry's final score, with a reason (recorded in the audit log)."""

    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="overrides")
    entry = models.ForeignKey("contest.Entry", on_delete=models.CASCADE, related_name="overrides")
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    panel_order = models.PositiveIntegerField(
        null=True, blank=True, help_text="Panel's order for ties"
    )
    reason = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "entry"], name="uniq_override")]


class EntryResult(models.Model):
    """A stored, recomputed result row of an entry in a stage (never computed on read)."""

    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="results")
    entry = models.ForeignKey("contest.Entry", on_delete=models.CASCADE, related_name="results")
    group_key = models.CharField(max_length=64, blank=True)
    review_count = models.PositiveSmallIntegerField(default=0)
    # full precision of `judging.aggregation.SCORE_PLACES` (4): rounding is for display only
    raw_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    normalised_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    final_score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    tied = models.BooleanField(default=False)
    decided_by = models.CharField(max_length=64, blank=True)
    trimmed = models.BooleanField(default=False)
    overridden = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["stage", "entry"], name="uniq_entry_result")]
        indexes = [models.Index(fields=["stage", "group_key", "rank"])]


class ResultSnapshot(models.Model):
    """The frozen, published ranking of a stage: awards are proposed from this, never from live rows."""

    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="snapshots")
    version = models.PositiveIntegerField()
    data = models.JSONField(
        help_text="rows: entry, team, group_key, raw, normalised, final, rank, tied"
    )
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)
    # what the ranking was computed from (reviews, settings, overrides, entries), so that
    # `judging.snapshot.snapshot_data_from_inputs` rebuilds `data` byte for byte
    inputs = models.JSONField(default=dict, blank=True)
    # the contest's audit chain head right after the publication was recorded on it
    chain_head = models.CharField(max_length=64, blank=True)
    chain_rows = models.PositiveIntegerField(default=0)
    # 更正: a correction withdraws the snapshot; the next publication replaces it
    status = models.CharField(
        max_length=16, choices=SnapshotStatus.choices, default=SnapshotStatus.PUBLISHED
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    withdrawal_reason = models.TextField(blank=True)
    correction_review_ids = models.JSONField(
        default=list, blank=True, help_text="the reviews the correction reopened"
    )
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, related_name="replaces", null=True, blank=True
    )

    class Meta:
        ordering = ["stage", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "version"], name="uniq_snapshot_version")
        ]


class Promotion(models.Model):
    """晋级: an entry's team goes from one stage to the next."""

    from_stage = models.ForeignKey(
        "contest.Stage", on_delete=models.CASCADE, related_name="promotions_out"
    )
    to_stage = models.ForeignKey(
        "contest.Stage", on_delete=models.CASCADE, related_name="promotions_in"
    )
    entry = models.ForeignKey("contest.Entry", on_delete=models.CASCADE, related_name="promotions")
    rule = models.CharField(max_length=16, choices=PromotionRule.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_stage", "entry"], name="uniq_promotion")
        ]
