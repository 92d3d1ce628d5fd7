from django.conf import settings
from django.db import models

from notifications.enums import Language


class TemplateOverride(models.Model):
    """An organiser's wording of one event's message in one language, for one contest; it
    replaces the built-in template (notifications/templates/notifications/<event>.<lang>.txt)."""

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="notification_templates"
    )
    event = models.CharField("事件 Event", max_length=64)
    language = models.CharField("语言 Language", max_length=8, choices=Language.choices)
    subject = models.CharField("标题 Subject", max_length=255)
    body = models.TextField("正文 Body")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通知模板 Template override"
        verbose_name_plural = "通知模板 Template overrides"
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "event", "language"], name="uniq_notif_template"
            ),
        ]
