from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """Append-only, hash-chained record of every decision that changes a result.

    Each row's `hash` is SHA-256 over the previous row's hash and this row's canonical content
    (see `judging.services.audit`), so editing or deleting any earlier row breaks the chain.
    Rows are never updated: `save()` refuses an existing row and `delete()` refuses always.
    """

    contest = models.ForeignKey("contest.Contest", on_delete=models.PROTECT, related_name="+")
    seq = models.PositiveBigIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计日志 Audit log"
        verbose_name_plural = "审计日志 Audit log"
        ordering = ["contest", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "seq"], name="uniq_audit_seq"),
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("AuditLog rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("AuditLog rows are append-only.")
