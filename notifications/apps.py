from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知 Notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications import permissions  # noqa: F401  (registers the notifications rules)
        from notifications.receivers import receivers_connect

        receivers_connect()
