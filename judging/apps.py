from django.apps import AppConfig


class JudgingConfig(AppConfig):
    name = "judging"
    verbose_name = "评审 Judging"

    def ready(self) -> None:
        from contest.signals import decision_recorded
        from judging import permissions  # noqa: F401  (registers the judging rules)
        from judging.receivers import decision_audit_record
        from judging.services import recompute  # noqa: F401  (after-response recompute runner)

        decision_recorded.connect(decision_audit_record, dispatch_uid="judging.decision_audit")
