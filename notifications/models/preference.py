from django.conf import settings
from django.db import models

from notifications.enums import Channel, Language


class NotificationProfile(models.Model):
    """What the platform knows of how a person wants to be spoken to: the language of their
    messages (the user model has no language field; without a profile, Chinese)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_profile"
    )
    language = models.CharField(
        "语言 Language", max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )

    class Meta:
        verbose_name = "通知设置 Notification profile"
        verbose_name_plural = "通知设置 Notification profiles"


class Preference(models.Model):
    """A person's choice for one kind of message on one channel. No row means the default (on);
    an essential kind keeps its inbox on whatever is stored (notifications.events)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField("通知类型 Kind", max_length=64)
    channel = models.CharField("渠道 Channel", max_length=8, choices=Channel.choices)
    enabled = models.BooleanField("接收 Enabled", default=True)

    class Meta:
        verbose_name = "通知偏好 Preference"
        verbose_name_plural = "通知偏好 Preferences"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="uniq_notif_pref"),
        ]
