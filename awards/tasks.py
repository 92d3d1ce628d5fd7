"""Celery tasks of the awards app: thin wrappers that take primitive ids and call one service."""

from celery import shared_task


@shared_task(name="awards.certificate_batch_run")
def certificate_batch_run_task(batch_id: int) -> None:
    """Issue a contest's missing certificates, updating the batch's progress as it goes."""
    from awards.services.certificate_batch import certificate_batch_run

    certificate_batch_run(batch_id=batch_id)
