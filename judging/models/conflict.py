from django.conf import settings
from django.db import models

from judging.enums import ConflictSource


class Conflict(models.Model):
    """回避: a judge may not review a team's entries in a contest. Detected or declared."""

    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    team = models.ForeignKey(
        "contest.Team", on_delete=models.CASCADE, related_name="judge_conflicts"
    )
    source = models.CharField(max_length=32, choices=ConflictSource.choices)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避 Conflict of interest"
        verbose_name_plural = "回避 Conflicts of interest"
        constraints = [
            models.UniqueConstraint(fields=["judge", "team", "source"], name="uniq_conflict"),
        ]
        indexes = [models.Index(fields=["contest", "judge"])]
