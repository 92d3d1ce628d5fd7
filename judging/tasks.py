"""Celery tasks of the judging app: thin wrappers that take primitive ids, load the objects, return
quietly if they are gone, and call one service. Each imports its service inside the function, so
services may enqueue these tasks without an import cycle."""

from celery import shared_task


@shared_task(name="judging.assignment_run")
def assignment_run_task(run_id: int) -> None:
    """Run one automatic assignment (min-cost flow) and record its outcome on the run."""
    from judging.models import AssignmentRun
    from judging.services.assignment import assignment_run_execute

    run = (
        AssignmentRun.objects.filter(pk=run_id)
        .select_related("stage__contest", "created_by")
        .first()
    )
    if run is None:
        return
    assignment_run_execute(run=run)


@shared_task(name="judging.results_recompute")
def results_recompute_task(stage_id: int) -> None:
    """Recompute a stage's stored results, e.g. after a review is submitted or reopened."""
    from contest.models import Stage
    from judging.phases import phase_allows
    from judging.services.result import ranking_compute

    stage = Stage.objects.filter(pk=stage_id).select_related("contest").first()
    # A recompute queued by a submit may run after the results were published: a frozen stage's
    # stored results must not move, so there is nothing to do.
    if stage is None or not phase_allows(stage, "results.compute"):
        return
    ranking_compute(stage=stage)
