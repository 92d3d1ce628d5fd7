from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = "评审 Judging"

    def ready(self) -> None:
        from judging import permissions  # noqa: F401  (registers the judging rules)
