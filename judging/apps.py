from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = "评审 Judging"

    def ready(self):
        # Celery autodiscovery imports judging/tasks.py only; task modules beside it are named here.
        import judging.tasks_assignment  # noqa: F401
        import judging.tasks_results  # noqa: F401
