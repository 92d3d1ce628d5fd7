from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "奖项与证书 Awards"

    def ready(self) -> None:
        from awards import permissions  # noqa: F401  (registers the awards rules)
