"""The automatic assignment run as a Celery task (imported by `JudgingConfig.ready`)."""

from celery import shared_task

from judging.models import AssignmentRun
from judging.services.assignment import assignment_run_execute


@shared_task(name="judging.assignment_run")
def assignment_run_task(run_id: int) -> None:
    run = (
        AssignmentRun.objects.filter(pk=run_id)
        .select_related("stage__contest", "created_by")
        .first()
    )
    if run is None:
        return
    assignment_run_execute(run=run)
