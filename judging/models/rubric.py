from decimal import Decimal

from django.db import models
from django.db.models import Q


class Rubric(models.Model):
    """评分细则 of a stage, optionally for one track or group. Weights sum to 100, so a review's
    weighted total lies in [0, 100] whatever each criterion's own maximum is."""

    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="rubrics")
    track = models.ForeignKey(
        "contest.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="rubrics"
    )
    group = models.ForeignKey(
        "contest.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="rubrics"
    )
    name = models.CharField("名称 Name", max_length=120)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    MAX_TOTAL = Decimal("100")

    class Meta:
        verbose_name = "评分细则 Rubric"
        verbose_name_plural = "评分细则 Rubrics"
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "track", "group"],
                name="uniq_rubric_scope",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.stage} · {self.name}"


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField("代码 Key", max_length=40)
    name = models.CharField("名称 Name", max_length=120)
    description = models.TextField("说明 Description", blank=True)
    weight = models.DecimalField("权重 Weight", max_digits=6, decimal_places=2)
    max_score = models.DecimalField("满分 Max score", max_digits=6, decimal_places=2)
    step = models.DecimalField("步长 Step", max_digits=5, decimal_places=2, default=Decimal("1"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "评分项 Criterion"
        verbose_name_plural = "评分项 Criteria"
        ordering = ["rubric", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "key"], name="uniq_criterion_key"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_positive"),
            models.CheckConstraint(condition=Q(step__gt=0), name="criterion_step_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"
