"""推荐 to the national contest: a sub-contest's recommendation of one entry, the national
organiser's decision on it (accepted and carried across, or returned with a reason), and the
quotas per track (docs/developer/federation.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from judging.enums import RecommendationStatus


class Recommendation(models.Model):
    """推荐: a sub-contest recommends an entry to its parent contest, under the parent's quotas.

    The rank and final score are copied from the entry's stage's latest published snapshot when
    it is recommended (what the sub-contest announced); `track` is the parent's track it counts
    against (the same code as the team's track in the sub-contest). Accepting carries it across:
    `national_entry` is the draft entry of the national stage made from it."""

    from_contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="recommendations_out"
    )
    to_contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="recommendations_in"
    )
    entry = models.ForeignKey(
        "contest.Entry", on_delete=models.CASCADE, related_name="recommendations"
    )
    status = models.CharField(
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.RECOMMENDED,
    )
    reason = models.TextField(blank=True)
    track = models.ForeignKey(
        "contest.Track",
        verbose_name="国赛赛道 National track",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rank = models.PositiveIntegerField("排名 Rank", null=True, blank=True)
    final_score = models.DecimalField(
        "得分 Final score", max_digits=9, decimal_places=4, null=True, blank=True
    )
    snapshot_version = models.PositiveIntegerField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间 Decided at", null=True, blank=True)
    return_reason = models.TextField("退回理由 Return reason", blank=True)
    national_entry = models.ForeignKey(
        "contest.Entry",
        verbose_name="国赛作品 National entry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_recommendations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "推荐 Recommendation"
        verbose_name_plural = "推荐 Recommendations"
        constraints = [
            models.UniqueConstraint(fields=["to_contest", "entry"], name="uniq_recommendation")
        ]
        indexes = [models.Index(fields=["to_contest", "from_contest", "status"])]


class RecommendationQuota(models.Model):
    """How many entries a sub-contest may recommend in one track of the parent: for every
    sub-contest (`from_contest` empty) or for one (overrides the general one)."""

    parent = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="recommendation_quotas"
    )
    track = models.ForeignKey("contest.Track", on_delete=models.CASCADE, related_name="+")
    from_contest = models.ForeignKey(
        "contest.Contest",
        verbose_name="下级赛事 Sub-contest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    quota = models.PositiveIntegerField("名额 Quota")

    class Meta:
        verbose_name = "赛道推荐名额 Track quota"
        verbose_name_plural = "赛道推荐名额 Track quotas"
        ordering = ["parent", "track", "from_contest"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "track"],
                condition=Q(from_contest__isnull=True),
                name="uniq_track_quota",
            ),
            models.UniqueConstraint(
                fields=["parent", "track", "from_contest"],
                condition=Q(from_contest__isnull=False),
                name="uniq_track_quota_sub_contest",
            ),
        ]

    def __str__(self):
        return f"{self.parent} · {self.track} · {self.quota}"
