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
def results_recompute_task(stage_id: int, coalesced: bool = False) -> None:
    """Recompute a stage's stored results. `coalesced` (what a submit's mark enqueues): fold
    every mark made so far into one run, and enqueue the next if marks arrive meanwhile; without
    it (an explicit request, e.g. after a correction opens), a full recompute."""
    from judging.services.recompute import recompute_priority_lower, results_recompute_run

    recompute_priority_lower()  # a worker's recompute yields the CPU to the web workers
    # A recompute queued by a submit may run after the results were published: a frozen stage's
    # stored results must not move, so the run returns without computing (judging.phases).
    results_recompute_run(stage_id=stage_id, force_full=not coalesced)


@shared_task(name="judging.expert_picks_lapse")
def expert_picks_lapse_task() -> int:
    """Lapse drawn experts' invitations past their answer-by time and invite the next reserves."""
    from judging.services.expert_draw import expert_picks_lapse

    return expert_picks_lapse()
