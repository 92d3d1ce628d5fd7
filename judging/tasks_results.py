"""Recompute a stage's stored results in the background, e.g. after a review is submitted or
reopened. Enqueue with ``transaction.on_commit(lambda: results_recompute_task.delay(stage.pk))``.
(Celery finds this module through `JudgingConfig.ready`.)"""

from celery import shared_task

from contest.models import Stage
from judging.services.result import ranking_compute


@shared_task(name="judging.results_recompute")
def results_recompute_task(stage_id: int) -> None:
    stage = Stage.objects.filter(pk=stage_id).select_related("contest").first()
    if stage is None:
        return
    ranking_compute(stage=stage)
