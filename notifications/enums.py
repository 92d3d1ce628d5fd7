from django.db import models


class Channel(models.TextChoices):
    INBOX = "inbox", "站内信 Inbox"
    EMAIL = "email", "邮件 E-mail"
    SMS = "sms", "短信 SMS"


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "待发送 Queued"
    SENT = "sent", "已发送 Sent"
    DELIVERED = "delivered", "已送达 Delivered"
    FAILED = "failed", "发送失败 Failed"
    BOUNCED = "bounced", "被退回 Bounced"


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文 Simplified Chinese"
    EN = "en", "英文 English"
