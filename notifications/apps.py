from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知 Notifications"
    default_auto_field = "django.db.models.BigAutoField"
