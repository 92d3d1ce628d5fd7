"""Award tiers and awards (一/二/三等奖, 金/银/铜, 擂主, 单项奖, 优秀组织奖).

The choices live beside the models here rather than in `judging.enums`, which other work streams
edit concurrently; `awards.services.award` is the only writer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from awards.enums import AwardStatus, AwardTierKind


class AwardTier(models.Model):
    """One tier of a contest's awards, optionally only for one track or one challenge.

    A ranked tier has a quota: a count, or a percentage of the ranking group (rounded up). Ranked
    tiers are filled in `order`; special and organiser awards are given by hand.
    """

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="award_tiers"
    )
    name = models.CharField("奖项名称 Name", max_length=64, help_text="一等奖, 金奖, 擂主 …")
    kind = models.CharField(
        "类型 Kind", max_length=16, choices=AwardTierKind.choices, default=AwardTierKind.RANKED
    )
    track = models.ForeignKey(
        "contest.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    challenge = models.ForeignKey(
        "contest.Challenge", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    quota_count = models.PositiveIntegerField("名额 Quota (count)", null=True, blank=True)
    quota_percent = models.DecimalField(
        "比例% Quota (percent)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField("顺序 Order", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "judging_awardtier"  # created by the judging app; kept when awards split out
        verbose_name = "奖项 Award tier"
        verbose_name_plural = "奖项 Award tiers"
        ordering = ["contest", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(track__isnull=True) | Q(challenge__isnull=True),
                name="award_tier_track_or_challenge",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ranked")
                | (Q(quota_count__isnull=False) & Q(quota_percent__isnull=True))
                | (Q(quota_count__isnull=True) & Q(quota_percent__isnull=False)),
                name="award_tier_ranked_has_one_quota",
            ),
            models.CheckConstraint(
                condition=Q(quota_percent__isnull=True)
                | (Q(quota_percent__gt=0) & Q(quota_percent__lte=100)),
                name="award_tier_percent_range",
            ),
        ]

    def __str__(self):
        return self.name


class Award(models.Model):
    """An award given to a team (or, for an organiser award, to an organisation).

    Proposed from a stage's latest published result snapshot (rank, score and group are copied
    from it) or added by hand; changed only through `awards.services.award`, every change audited.
    A removed award stays as a row with status `removed`, so the history of the list is traceable.
    """

    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="awards")
    tier = models.ForeignKey(AwardTier, on_delete=models.PROTECT, related_name="awards")
    stage = models.ForeignKey(
        "contest.Stage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.ForeignKey(
        "judging.ResultSnapshot",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "contest.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="awards"
    )
    organisation = models.ForeignKey(
        "contest.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="awards",
    )
    entry = models.ForeignKey(
        "contest.Entry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group_key = models.CharField(max_length=64, blank=True)
    group_name = models.CharField(max_length=200, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    tied = models.BooleanField(default=False)
    final_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=AwardStatus.choices, default=AwardStatus.PROPOSED
    )
    notice = models.ForeignKey(
        "awards.Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    glyph_issues = models.JSONField(
        default=list,
        blank=True,
        help_text='Names the certificate font cannot print: [{"role", "name", "missing"}]',
    )
    reason = models.TextField(blank=True, help_text="Why the organiser added or changed it")
    quota_override_reason = models.TextField(
        "超额理由 Over-quota reason",
        blank=True,
        help_text="Set when the award was given beyond its tier's quota, by explicit override",
    )
    status_before_stale = models.CharField(max_length=16, blank=True)
    stale_reason = models.TextField(blank=True, help_text="The correction that made it stale")
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        help_text="The award of the same team this one replaces after a correction",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "judging_award"  # created by the judging app; kept when awards split out
        verbose_name = "获奖 Award"
        verbose_name_plural = "获奖 Awards"
        ordering = ["contest", "tier__order", "rank", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False, organisation__isnull=True)
                | Q(team__isnull=True, organisation__isnull=False),
                name="award_team_xor_organisation",
            ),
            models.UniqueConstraint(
                fields=["tier", "team"],
                condition=Q(team__isnull=False) & ~Q(status__in=["removed", "stale"]),
                name="uniq_active_award_team",
            ),
            models.UniqueConstraint(
                fields=["tier", "organisation"],
                condition=Q(organisation__isnull=False) & ~Q(status__in=["removed", "stale"]),
                name="uniq_active_award_organisation",
            ),
        ]
        indexes = [models.Index(fields=["contest", "status"])]

    def __str__(self):
        return f"{self.tier} · {self.team or self.organisation}"

    @property
    def quota_override(self) -> bool:
        return bool(self.quota_override_reason)


class AwardSettings(models.Model):
    """A contest's rules for its award list: the minimum length of a public notice (公示)."""

    contest = models.OneToOneField(
        "contest.Contest", on_delete=models.CASCADE, related_name="award_settings"
    )
    notice_min_days = models.PositiveSmallIntegerField(
        "公示最短天数 Minimum notice days", default=5
    )
    notice_min_working_days = models.BooleanField("按工作日 In working days", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "奖项设置 Award settings"
        verbose_name_plural = "奖项设置 Award settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_min_days__gte=1), name="award_settings_min_days_positive"
            )
        ]

    def __str__(self):
        return f"{self.contest} · {self.notice_min_days}"
