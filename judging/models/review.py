from django.db import models

from judging.enums import ReviewStatus


class Review(models.Model):
    """A judge's scoring of one entry. `total` is the stored weighted total (0–100)."""

    assignment = models.OneToOneField(
        "judging.Assignment", on_delete=models.PROTECT, related_name="review"
    )
    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="reviews")
    entry = models.ForeignKey("contest.Entry", on_delete=models.CASCADE, related_name="reviews")
    judge = models.ForeignKey("contest.User", on_delete=models.PROTECT, related_name="reviews")
    rubric = models.ForeignKey("judging.Rubric", on_delete=models.PROTECT, related_name="reviews")
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    total = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    comment = models.TextField("评语 Comment", blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评分 Review"
        verbose_name_plural = "评分 Reviews"
        indexes = [models.Index(fields=["stage", "status"])]


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey("judging.Criterion", on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="uniq_review_score"),
        ]
