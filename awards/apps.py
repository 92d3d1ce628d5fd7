from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = "奖项与证书 Awards"

    def ready(self) -> None:
        from awards import permissions  # noqa: F401  (registers the awards rules)
        from awards.receivers import snapshot_withdrawn_receive
        from awards.wins import organisation_national_wins
        from contest.editions import wins_source_register
        from judging.signals import snapshot_withdrawn

        snapshot_withdrawn.connect(
            snapshot_withdrawn_receive, dispatch_uid="awards.snapshot_withdrawn"
        )
        # the rule across editions counts wins through this (contest/editions.py)
        wins_source_register(organisation_national_wins)
