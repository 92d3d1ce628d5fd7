"""The formal check (形式审查 / 资格审查) of a stage: its material checklist and the decisions on
each entry (every decision a row, so the history is kept; the latest one counts)."""

from django.conf import settings
from django.db import models

from judging.enums import FormalCheckOutcome


class MaterialChecklist(models.Model):
    """What an entry of a formal-check stage must hold: file kinds and entry fields. The size limit
    per file kind comes from settings (`contest.files.entry_file_max_bytes`)."""

    stage = models.OneToOneField(
        "contest.Stage", on_delete=models.CASCADE, related_name="material_checklist"
    )
    required_file_kinds = models.JSONField("必交文件 Required file kinds", default=list, blank=True)
    required_fields = models.JSONField("必填项 Required fields", default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "材料清单 Material checklist"
        verbose_name_plural = "材料清单 Material checklists"

    def __str__(self):
        return f"{self.stage_id} checklist"


class FormalCheckDecision(models.Model):
    """One decision on one entry: pass, return for correction (补正, with a deadline) or reject."""

    entry = models.ForeignKey(
        "contest.Entry", on_delete=models.CASCADE, related_name="formal_check_decisions"
    )
    stage = models.ForeignKey(
        "contest.Stage", on_delete=models.CASCADE, related_name="formal_check_decisions"
    )
    outcome = models.CharField("结论 Outcome", max_length=8, choices=FormalCheckOutcome.choices)
    reason = models.TextField("理由 Reason", blank=True)
    deadline = models.DateTimeField("补正截止 Correction deadline", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "形式审查结论 Formal-check decision"
        verbose_name_plural = "形式审查结论 Formal-check decisions"
        ordering = ["entry", "-decided_at", "-id"]
        indexes = [models.Index(fields=["entry", "-decided_at"], name="formal_decision_latest")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="return") | models.Q(deadline__isnull=False),
                name="formal_return_has_deadline",
            ),
        ]

    def __str__(self):
        return f"{self.entry_id} {self.outcome}"
