from django.conf import settings
from django.db import models
from django.db.models import Q

from notifications.enums import Channel, Language, MessageStatus


class Message(models.Model):
    """One message in the outbox: one event, one recipient, one channel, rendered once.

    `idempotency_key` is unique: the hash of event, object, occurrence, recipient and channel, so a
    re-raised event or a retried task finds the row that exists instead of adding a second one.
    An inbox message is delivered when it is written; `read_at` is its recipient's."""

    event = models.CharField("事件 Event", max_length=64)
    # No single-column indexes on the two keys: notif_stats and notif_inbox start with them.
    contest = models.ForeignKey(
        "contest.Contest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    # The e-mail address or mobile number sent to (empty for the inbox); an invitee who has no
    # account yet is reached by address alone.
    address = models.CharField("地址 Address", max_length=254, blank=True)
    channel = models.CharField("渠道 Channel", max_length=8, choices=Channel.choices)
    language = models.CharField(
        "语言 Language", max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    subject = models.CharField("标题 Subject", max_length=255)
    body = models.TextField("正文 Body")
    link = models.CharField("链接 Link", max_length=500, blank=True)
    # The SMS provider's template and its parameters (the provider renders the text itself).
    template_code = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        "状态 Status", max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("尝试次数 Attempts", default=0)
    provider_reply = models.TextField("服务商回复 Provider reply", blank=True)
    provider_id = models.CharField(max_length=128, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试 Next attempt", null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知 Message"
        verbose_name_plural = "通知 Messages"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notif_inbox"),
            models.Index(
                fields=["channel", "next_attempt_at"],
                name="notif_due",
                condition=Q(status="queued"),
            ),
            models.Index(fields=["contest", "event", "status"], name="notif_stats"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="inbox") | Q(recipient__isnull=False),
                name="notif_inbox_has_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.event} → {self.recipient_id or self.address} ({self.channel})"
