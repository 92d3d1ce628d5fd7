"""A stage's phase and what each action needs of it: the phase rules in one place.

The phase is derived, never stored: from the stage's windows and its result snapshots, in the
order of the contest lifecycle (/work/shared/lifecycle.md), the latest that holds wins:

    preparing → submission_open → submission_closed → review_open → review_closed
              → results_published ⇄ under_correction

- ``submission_open`` / ``submission_closed`` / ``review_open`` / ``review_closed``: that window
  boundary has passed (a boundary left empty does not move the phase);
- ``results_published``: the stage's newest snapshot is published;
- ``under_correction`` (更正): the newest snapshot was withdrawn by `results_correction_open` and
  no new version is published yet. Only the reviews the correction names can be scored again.

Write services call ``phase_require(stage, "<action>")`` before they change anything; it raises a
StateConflict naming the current phase. The actions (``ACTIONS``) and who calls them:

=======================  =====================================================================
action                   services
=======================  =====================================================================
review.save              judging.services.review.review_save
review.submit            review_submit, reviews_submit_bulk (the review window itself is
                         checked by the review service with its own codes review_not_open /
                         review_closed; under correction only the named reviews)
review.reopen            review_reopen
results.settings         result_settings_update
results.reviewer_weight  publisher_weight_set (评榜: before the review window opens)
results.compute          ranking_compute
results.override         panel_override_set, panel_override_remove
results.publish          results_publish (first publication, or the corrected version)
results.correction_open  results_correction_open (only once results are published)
rubric.create            rubric_create
rubric.change            rubric_update (frozen once results are published or under correction)
assignment.change        assignment services (runs, manual assignment, swaps, removals)
promotion.apply          promotion and recommendation from the published results
awards.propose           awards proposed from the published snapshot
=======================  =====================================================================

Published results freeze the stage: no judge drafts or submits, no settings change, no
recompute, no override and no republication; the one way back is a correction.
"""

from __future__ import annotations

from django.utils import timezone

from judging.enums import SnapshotStatus, StagePhase
from judging.errors import error

P = StagePhase
_BEFORE_RESULTS = frozenset(
    {P.PREPARING, P.SUBMISSION_OPEN, P.SUBMISSION_CLOSED, P.REVIEW_OPEN, P.REVIEW_CLOSED}
)
_RESULTS_OPEN = _BEFORE_RESULTS | {P.UNDER_CORRECTION}

# action -> the phases in which it is allowed
ACTIONS: dict[str, frozenset[StagePhase]] = {
    "review.save": _RESULTS_OPEN - {P.REVIEW_CLOSED},
    "review.submit": _RESULTS_OPEN - {P.REVIEW_CLOSED},
    "review.reopen": _BEFORE_RESULTS,  # under a correction, the correction names the reviews
    "results.settings": _RESULTS_OPEN,
    # 评榜: the publisher's weight is fixed once scoring starts
    "results.reviewer_weight": frozenset({P.PREPARING, P.SUBMISSION_OPEN, P.SUBMISSION_CLOSED}),
    "results.compute": _RESULTS_OPEN,
    "results.override": _RESULTS_OPEN,
    "results.publish": _RESULTS_OPEN,
    "results.correction_open": frozenset({P.RESULTS_PUBLISHED}),
    "rubric.create": _BEFORE_RESULTS,
    "rubric.change": _BEFORE_RESULTS,
    "assignment.change": _BEFORE_RESULTS,
    "promotion.apply": frozenset({P.RESULTS_PUBLISHED}),
    "awards.propose": frozenset({P.RESULTS_PUBLISHED}),
}


def _newest_snapshot_status(stage) -> str | None:
    from judging.models import ResultSnapshot

    return (
        ResultSnapshot.objects.filter(stage_id=stage.pk)
        .order_by("-version")
        .values_list("status", flat=True)
        .first()
    )


def stage_phase(stage, *, now=None) -> StagePhase:
    """The stage's current phase (see the module docstring)."""
    status = _newest_snapshot_status(stage)
    if status == SnapshotStatus.WITHDRAWN:
        return P.UNDER_CORRECTION
    if status == SnapshotStatus.PUBLISHED:
        return P.RESULTS_PUBLISHED
    now = now or timezone.now()
    phase = P.PREPARING
    for boundary, reached in (
        (stage.submission_opens_at, P.SUBMISSION_OPEN),
        (stage.submission_closes_at, P.SUBMISSION_CLOSED),
        (stage.review_opens_at, P.REVIEW_OPEN),
        (stage.review_closes_at, P.REVIEW_CLOSED),
    ):
        if boundary is not None and now >= boundary:
            phase = reached
    return phase


def phase_allows(stage, action: str, *, phase: StagePhase | None = None) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown phase action: {action!r}")
    return (phase or stage_phase(stage)) in ACTIONS[action]


def phase_require(stage, action: str) -> StagePhase:
    """Raise unless `action` is allowed in the stage's current phase; return the phase.

    Codes: ``stage_results_published`` (published results are frozen: a change needs a
    correction), ``stage_under_correction`` (the action needs the corrected results published
    first), ``stage_phase_forbids`` (any other phase, named in the message)."""
    phase = stage_phase(stage)
    if phase_allows(stage, action, phase=phase):
        return phase
    details = {"phase": phase.value, "action": action}
    if phase == P.RESULTS_PUBLISHED:
        raise error("stage_results_published", details=details)
    if phase == P.UNDER_CORRECTION:
        raise error("stage_under_correction", details=details)
    raise error("stage_phase_forbids", phase=phase.label, details=details)
