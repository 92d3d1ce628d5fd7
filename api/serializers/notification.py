"""Notifications: the inbox, preferences, delivery statistics, announcements, templates."""

from rest_framework import serializers

from notifications.enums import Channel, Language
from notifications.models import Announcement, Message


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Message
        fields = ["id", "event", "subject", "body", "link", "object_type", "object_id"]
        fields += ["contest", "created_at", "read_at"]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class PreferenceKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label_zh = serializers.CharField()
    label_en = serializers.CharField()
    essential = serializers.BooleanField()
    channels = serializers.DictField(child=serializers.BooleanField())


class PreferencesSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices)
    kinds = PreferenceKindSerializer(many=True)


class PreferenceChoiceSerializer(serializers.Serializer):
    kind = serializers.CharField(max_length=64)
    channel = serializers.ChoiceField(choices=Channel.choices)
    enabled = serializers.BooleanField()


class PreferencesUpdateSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    choices = PreferenceChoiceSerializer(many=True, required=False, default=list)


class UnsubscribeSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label_zh = serializers.CharField()
    label_en = serializers.CharField()
    channel = serializers.CharField()


class DeliveryStatSerializer(serializers.Serializer):
    event = serializers.CharField()
    channel = serializers.CharField()
    total = serializers.IntegerField()
    queued = serializers.IntegerField()
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    bounced = serializers.IntegerField()


class ResendSerializer(serializers.Serializer):
    event = serializers.CharField(max_length=64, required=False, allow_blank=True)


class ResentSerializer(serializers.Serializer):
    queued = serializers.IntegerField()


class AnnouncementSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.real_name", read_only=True)

    class Meta:
        model = Announcement
        fields = ["id", "contest", "track", "stage", "subject", "body", "author_name"]
        fields += ["created_at", "recipients"]
        read_only_fields = ["id", "contest", "author_name", "created_at", "recipients"]


class AnnouncementCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)
    track = serializers.IntegerField(required=False, allow_null=True)
    stage = serializers.IntegerField(required=False, allow_null=True)


class TemplateSerializer(serializers.Serializer):
    event = serializers.CharField()
    event_label_zh = serializers.CharField(help_text="The event's name, as organisers read it")
    event_label_en = serializers.CharField()
    language = serializers.CharField()
    subject = serializers.CharField()
    body = serializers.CharField()
    overridden = serializers.BooleanField()
    placeholders = serializers.ListField(child=serializers.CharField())


class TemplateWriteSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=255)
    body = serializers.CharField(max_length=20000)


class TemplateDraftSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=255, required=False)
    body = serializers.CharField(max_length=20000, required=False)


class TemplatePreviewSerializer(serializers.Serializer):
    event = serializers.CharField()
    language = serializers.CharField()
    placeholders = serializers.ListField(child=serializers.CharField())
    subject = serializers.CharField()
    body = serializers.CharField()


class SmsReportSerializer(serializers.Serializer):
    """One report of Aliyun's SmsReport push (documentation only: the service checks them)."""

    phone_number = serializers.CharField(required=False)
    send_time = serializers.CharField(required=False)
    report_time = serializers.CharField(required=False)
    success = serializers.BooleanField()
    err_code = serializers.CharField(required=False)
    err_msg = serializers.CharField(required=False)
    sms_size = serializers.CharField(required=False)
    biz_id = serializers.CharField(max_length=128)
    out_id = serializers.CharField()


class SmsReportOutcomeSerializer(serializers.Serializer):
    code = serializers.IntegerField(help_text="0: received (what Aliyun checks)")
    msg = serializers.CharField()
    delivered = serializers.IntegerField()
    failed = serializers.IntegerField()
    unknown = serializers.IntegerField(help_text="Reports matching no sent SMS (already applied)")
