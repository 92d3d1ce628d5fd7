"""Celery tasks of the judging app: thin wrappers that take primitive ids and call one service.

Celery autodiscovery imports this module; task modules beside it are imported by
`JudgingConfig.ready`. Keep each task here to a few lines — the work belongs in a service.
"""

from celery import shared_task


@shared_task(name="judging.certificate_batch_run")
def certificate_batch_run_task(batch_id: int) -> None:
    """Issue a contest's missing certificates, updating the batch's progress as it goes."""
    from judging.services.certificate import certificate_batch_run

    certificate_batch_run(batch_id=batch_id)
