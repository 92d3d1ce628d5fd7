"""Celery tasks of the awards app: thin wrappers that take primitive ids and call one service.

Batch tasks run with `acks_late` and `reject_on_worker_lost` (config/settings.py, "Celery
reliability"): a message is acknowledged only when its task has finished, and one whose pool child
was killed (the OOM killer) goes back to the queue. The batch itself is resumable: its task id is its
claim, so the redelivered message takes the batch back at once and carries on from the last row
issued; a batch whose whole worker died is found by `certificate_batches_resume` (periodic, and at
each worker's start) once its heartbeat is stale."""

from celery import shared_task


@shared_task(name="awards.certificate_batch_run", bind=True, acks_late=True)
def certificate_batch_run_task(self, batch_id: int) -> None:
    """Issue a contest's missing certificates, updating the batch's progress as it goes."""
    from awards.services.certificate_batch import certificate_batch_run

    certificate_batch_run(batch_id=batch_id, claim=self.request.id)


@shared_task(name="awards.certificate_batches_resume")
def certificate_batches_resume_task() -> list[int]:
    """Hand every certificate batch whose worker died (stale heartbeat) to a new run."""
    from awards.services.certificate_batch import certificate_batches_resume

    return certificate_batches_resume()


@shared_task(name="awards.milestones_overdue_flag")
def milestones_overdue_flag_task() -> list[int]:
    """Daily: flag the milestones past due and not delivered, telling the organisers."""
    from awards.services.agreement import milestones_overdue_flag

    return milestones_overdue_flag()
