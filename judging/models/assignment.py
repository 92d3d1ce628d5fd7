from django.conf import settings
from django.db import models

from judging.enums import AssignmentMode, AssignmentSource, RunStatus


class Assignment(models.Model):
    """A judge assigned to review an entry."""

    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey("contest.Entry", on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    source = models.CharField(max_length=16, choices=AssignmentSource.choices)
    anonymous_code = models.CharField(
        max_length=16, help_text="What a blind judge sees instead of the team"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评审分配 Assignment"
        verbose_name_plural = "评审分配 Assignments"
        constraints = [
            models.UniqueConstraint(fields=["entry", "judge"], name="uniq_assignment"),
        ]
        indexes = [models.Index(fields=["stage", "judge"])]


class AssignmentRun(models.Model):
    """One run of the automatic assignment: the Celery task fills status, progress and the report."""

    stage = models.ForeignKey(
        "contest.Stage", on_delete=models.CASCADE, related_name="assignment_runs"
    )
    k = models.PositiveSmallIntegerField("每件作品评委数 Judges per entry")
    mode = models.CharField(
        "方式 Mode",
        max_length=16,
        choices=AssignmentMode.choices,
        default=AssignmentMode.FULL,
        help_text="full: replace unreviewed automatic assignments; top_up: keep every "
        "assignment and assign only entries below k",
    )
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="percent")
    report = models.JSONField(default=dict, blank=True)
    cost = models.BigIntegerField(null=True, blank=True)
    assigned = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "分配任务 Assignment run"
        verbose_name_plural = "分配任务 Assignment runs"
        ordering = ["-created_at"]


class EntryRedaction(models.Model):
    """Terms a blind judge must not read in an entry's title and summary (shown as ■■).

    Set by the organiser after the anonymity check; the entry's own text is left as the team wrote
    it, the judge-facing copy is redacted (`judging.anonymise.text_redact`).
    """

    entry = models.OneToOneField(
        "contest.Entry", on_delete=models.CASCADE, related_name="redaction"
    )
    terms = models.JSONField("遮蔽词 Redacted terms", default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "匿名遮蔽 Redaction"
        verbose_name_plural = "匿名遮蔽 Redactions"
