"""The outbox in the back office: read-only (messages are written by the outbox service and
sent by Celery; resending goes through the API's resend, which queues them again)."""

from django.contrib import admin

from notifications.models import Announcement, Message


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "event", "channel", "recipient", "address", "status", "attempts"]
    list_filter = ["channel", "status", "event"]
    search_fields = ["address", "subject", "recipient__real_name", "recipient__email"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient", "contest"]


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "contest", "subject", "author", "recipients"]
    list_select_related = ["contest", "author"]
