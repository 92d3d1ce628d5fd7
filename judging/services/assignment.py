"""Judge assignment (评审分配): the automatic run, roadshow all-panel, and manual changes.

Rules that every route here keeps:

* Conflicts of interest (回避) are a hard constraint. The automatic run passes them to the solver
  as forbidden pairs (the arc is absent, no cost can buy it); every manual add or swap is checked
  with ``conflict_exists`` and refused with ``judge_conflict`` and the reasons.
* Only ACCEPTED panel members are judges. A judge on a track's panel reviews that track's entries;
  a judge on the whole-stage panel (track empty) reviews the entries whose track has no panel of
  its own (the solver's convention: an entry's panel is its team's track if any judge sits on
  that track's panel, else the whole stage).
* A judge's load on the stage stays within the membership's ``[min_load, max_load]`` (the run
  enforces both; a manual change enforces the maximum).
* An assignment with a review stays: a full run replaces only automatic assignments with no
  review; manual ones and reviewed ones are kept and count as fixed pre-assignments. A top-up run
  (``mode=top_up``) keeps every assignment and assigns only entries below ``k``.
* Balanced by default: within each panel every judge's load (existing assignments included)
  stays within 1 of every other's wherever the conflicts allow, and among such assignments the
  expertise cost is minimal (the solver's ``balance``).
* Nothing fails silently: a run with nothing to assign is refused (``no_submitted_entries``,
  ``all_entries_assigned``) rather than reported "done, 0 assigned".
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from contest.enums import EntryStatus, StageKind
from contest.models import Entry, Stage
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.assignment_solver import (
    AssignmentInfeasible,
    assignment_check,
    assignment_solve,
)
from judging.enums import AssignmentMode, AssignmentSource, PanelStatus, ReviewStatus, RunStatus
from judging.errors import error
from judging.models import Assignment, AssignmentRun, PanelMembership, Review
from judging.phases import phase_require
from judging.selectors.conflict import conflict_exists, conflict_reasons
from judging.services.assignment_feasibility import (
    accepted_panel,
    assignment_need_check,
    feasibility_report_as_dict,
    forbidden_pairs,
    k_check,
    stage_problem_build,
    submitted_entries,
)
from judging.services.audit import audit_record
from judging.signals import assignments_ready
from judging.tasks import assignment_run_task

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a roadshow


# --------------------------------------------------------------------------------------------
# The automatic run
# --------------------------------------------------------------------------------------------


def assignment_start(
    *, actor, stage: Stage, k: int | None = None, mode: str = AssignmentMode.FULL
) -> AssignmentRun:
    """Queue an automatic assignment run; the task starts once this transaction commits.

    ``k`` defaults to the stage's own rule (``Stage.judges_per_entry``). Refused when there is
    nothing to assign: no submitted entry, or every one already has ``k`` judges the run would
    keep (``mode=top_up``: any assignment; a full run: manual or reviewed).
    """

    permission_require(actor, "judging.assign_judges", stage.contest)
    if k is None:
        k = stage.judges_per_entry

    phase_require(stage, "assignment.change")
    k_check(k)
    if mode not in AssignmentMode.values:
        raise error("assignment_mode_invalid", modes=", ".join(AssignmentMode.values))
    with transaction.atomic():
        need = assignment_need_check(stage=stage, k=k, mode=mode)
        run = AssignmentRun(stage=stage, k=k, mode=mode, created_by=actor)
        full_clean_or_raise(run)
        run.save()
        audit_record(
            contest=stage.contest,
            actor=actor,
            action="assignment.queue",
            obj=run,
            data={"stage": stage.pk, "k": k, "mode": mode, **need},
        )
        transaction.on_commit(lambda: assignment_run_task.delay(run.pk))
    return run


@transaction.atomic
def assignment_rule_set(*, actor, stage: Stage, judges_per_entry: int) -> Stage:
    """Set the stage's own rule for judges per entry (the default k of its runs); audited."""
    permission_require(actor, "judging.assign_judges", stage.contest)
    k_check(judges_per_entry)
    before = stage.judges_per_entry
    stage.judges_per_entry = judges_per_entry
    full_clean_or_raise(stage)
    stage.save(update_fields=["judges_per_entry"])
    audit_record(
        contest=stage.contest,
        actor=actor,
        action="assignment.rule",
        obj=stage,
        data={"judges_per_entry": judges_per_entry, "before": before},
    )
    return stage


def assignments_top_up(*, actor, stage: Stage, k: int | None = None) -> AssignmentRun:
    """补充分配: judges only for the entries below ``k`` (default: the stage's rule); every
    existing assignment, conflict and load cap is kept. Queued and audited like any run."""
    return assignment_start(actor=actor, stage=stage, k=k, mode=AssignmentMode.TOP_UP)


def _codes_for_stage(stage: Stage) -> dict[int, str]:
    """Each entry's anonymous code in the stage (all its assignments share one)."""
    return dict(
        Assignment.objects.filter(stage=stage)
        .exclude(anonymous_code="")
        .values_list("entry_id", "anonymous_code")
        .distinct()
    )


def _new_code(used: set[str]) -> str:
    while True:
        code = "A-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if code not in used:
            used.add(code)
            return code


def _code_for(entry_id: int, codes: dict[int, str]) -> str:
    if entry_id not in codes:
        codes[entry_id] = _new_code(set(codes.values()))
    return codes[entry_id]


def _run_finish(run: AssignmentRun, status: str, **fields) -> None:
    run.status = status
    run.finished_at = timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    audit_record(
        contest=run.stage.contest_id,
        actor=run.created_by,
        action="assignment.run",
        obj=run,
        data={
            "stage": run.stage_id,
            "k": run.k,
            "mode": run.mode,
            "outcome": (run.report or {}).get("outcome"),
            "status": status,
            "assigned": run.assigned,
            "cost": run.cost,
        },
    )


def assignment_run_execute(*, run: AssignmentRun) -> AssignmentRun:
    """Check, solve and store one run (called by the task).

    Infeasible: the report (zh/en messages, entries and judges by name) goes on the run and nothing
    else changes. Feasible: in one transaction the stage's automatic assignments without a review
    are replaced by the optimal assignment; manual and reviewed ones are kept as fixed pairs.
    """
    if run.status != RunStatus.QUEUED:
        return run
    stage = run.stage
    run.status = RunStatus.RUNNING
    run.progress = 5
    run.save(update_fields=["status", "progress"])
    try:
        built = stage_problem_build(stage=stage, k=run.k, mode=run.mode)
        report = assignment_check(built.problem)
        if not report.ok:
            _run_finish(
                run,
                RunStatus.INFEASIBLE,
                report={**feasibility_report_as_dict(report, k=run.k), "outcome": "infeasible"},
                progress=100,
            )
            return run
        if not report.summary.get("reviews_needed"):
            # Entries assigned between the start and the run: say so, change nothing.
            _run_finish(
                run,
                RunStatus.DONE,
                report={
                    **feasibility_report_as_dict(report, k=run.k),
                    "outcome": "nothing_to_assign",
                },
                progress=100,
            )
            return run
        AssignmentRun.objects.filter(pk=run.pk).update(progress=10)

        def progress(done: int, total: int) -> None:
            run.progress = 10 + (80 * done) // max(total, 1)
            AssignmentRun.objects.filter(pk=run.pk).update(progress=run.progress)

        try:
            result = assignment_solve(built.problem, progress=progress)
        except AssignmentInfeasible as exc:
            _run_finish(
                run,
                RunStatus.INFEASIBLE,
                report={**feasibility_report_as_dict(exc.report, k=run.k), "outcome": "infeasible"},
                progress=100,
            )
            return run

        with transaction.atomic():
            Stage.objects.select_for_update().filter(pk=stage.pk).first()  # one writer per stage
            if run.mode != AssignmentMode.TOP_UP:
                Assignment.objects.filter(
                    stage=stage, source=AssignmentSource.AUTO, review__isnull=True
                ).delete()
            existing = set(
                Assignment.objects.filter(stage=stage).values_list("judge_id", "entry_id")
            )
            codes = _codes_for_stage(stage)
            new = [
                Assignment(
                    stage=stage,
                    entry_id=entry_id,
                    judge_id=judge_id,
                    source=AssignmentSource.AUTO,
                    anonymous_code=_code_for(entry_id, codes),
                    created_by=run.created_by,
                )
                for judge_id, entry_id in result.pairs
                if (judge_id, entry_id) not in existing
            ]
            Assignment.objects.bulk_create(new, batch_size=2000)
            assignments_ready.send(
                sender=Stage,
                stage=stage,
                judge_ids=sorted({a.judge_id for a in new}),
                occurrence=f"run:{run.pk}",
            )
            _run_finish(
                run,
                RunStatus.DONE,
                report={
                    **feasibility_report_as_dict(report, k=run.k),
                    "outcome": "assigned",
                    "loads": {
                        str(j.id): result.loads[j.id] + j.base_load for j in built.problem.judges
                    },
                },
                cost=result.cost,
                assigned=len(new),
                progress=100,
            )
    except Exception as exc:
        run.refresh_from_db()
        run.status = RunStatus.FAILED
        run.finished_at = timezone.now()
        run.report = {**(run.report or {}), "error": f"{type(exc).__name__}: {exc}"}
        run.save()
        raise
    return run


# --------------------------------------------------------------------------------------------
# Roadshow: the whole panel scores every finalist
# --------------------------------------------------------------------------------------------


@transaction.atomic
def assignment_roadshow_all(*, actor, stage: Stage) -> dict:
    """At a roadshow (路演答辩) every accepted panel member, whatever their track, scores every
    submitted entry, except where they are in conflict. Adds the missing pairs; returns counts."""
    permission_require(actor, "judging.assign_judges", stage.contest)
    phase_require(stage, "assignment.change")
    if stage.kind != StageKind.ROADSHOW:
        raise error("stage_not_roadshow")
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    memberships = accepted_panel(stage)
    entries = submitted_entries(stage)
    forbidden = forbidden_pairs(stage, memberships, entries)
    existing = set(Assignment.objects.filter(stage=stage).values_list("judge_id", "entry_id"))
    codes = _codes_for_stage(stage)
    new = [
        Assignment(
            stage=stage,
            entry_id=e.pk,
            judge_id=m.judge_id,
            source=AssignmentSource.AUTO,
            anonymous_code=_code_for(e.pk, codes),
            created_by=actor,
        )
        for e in entries
        for m in memberships
        if (m.judge_id, e.pk) not in forbidden and (m.judge_id, e.pk) not in existing
    ]
    Assignment.objects.bulk_create(new)
    summary = {"created": len(new), "conflicts_skipped": len(forbidden)}
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="assignment.roadshow_all",
        obj=stage,
        data={**summary, "judges": len(memberships), "entries": len(entries)},
    )
    return summary


# --------------------------------------------------------------------------------------------
# Manual changes
# --------------------------------------------------------------------------------------------


def _check_pair(*, stage: Stage, entry: Entry, judge, load_extra: int = 1) -> PanelMembership:
    """Refuse a (judge, entry) pair that breaks a hard rule: conflict, panel, max load."""
    if entry.stage_id != stage.pk:
        raise error("entry_not_in_stage", fields={"entry": ["entry_not_in_stage"]})
    if entry.status != EntryStatus.SUBMITTED:
        raise error("entry_not_submitted")
    membership = (
        PanelMembership.objects.filter(stage=stage, judge=judge, status=PanelStatus.ACCEPTED)
        .select_related("track")
        .first()
    )
    if membership is None:
        raise error("judge_not_on_panel", fields={"judge": ["judge_not_on_panel"]})
    from judging.services.publisher_review import publisher_pair_check  # imports this module

    publisher_pair_check(membership=membership, entry=entry)
    team = entry.team
    if conflict_exists(judge=judge, team=team):
        reasons = [str(r) for r in conflict_reasons(judge=judge, team=team)]
        raise error(
            "judge_conflict",
            judge_name=judge.real_name,
            reasons="、".join(reasons),
            details={"reasons": reasons},
        )
    if stage.kind != StageKind.ROADSHOW and membership.reviewer_class != "publisher":
        has_track_panel = (
            team.track_id is not None
            and PanelMembership.objects.filter(
                stage=stage, track_id=team.track_id, status=PanelStatus.ACCEPTED
            ).exists()
        )
        panel = team.track_id if has_track_panel else None
        if membership.track_id != panel:
            raise error("judge_not_on_entry_panel", fields={"judge": ["judge_not_on_entry_panel"]})
    load = Assignment.objects.filter(stage=stage, judge=judge).count()
    if load + load_extra > membership.max_load:
        raise error(
            "judge_max_load",
            judge_name=judge.real_name,
            max_load=membership.max_load,
            details={"load": load, "max_load": membership.max_load},
        )
    if Assignment.objects.filter(entry=entry, judge=judge).exists():
        raise error("already_assigned")
    return membership


def _review_of(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).first()


def _refuse_if_submitted(review: Review | None) -> None:
    if review is not None and review.status == ReviewStatus.SUBMITTED:
        raise error("review_submitted")


def _drop_draft(review: Review | None) -> None:
    if review is not None:
        review.scores.all().delete()
        review.delete()


@transaction.atomic
def assignment_add(*, actor, stage: Stage, entry: Entry, judge) -> Assignment:
    """Assign a judge by hand (a fixed pre-assignment for later runs)."""
    permission_require(actor, "judging.assign_judges", stage.contest)
    phase_require(stage, "assignment.change")
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    _check_pair(stage=stage, entry=entry, judge=judge)
    assignment = Assignment(
        stage=stage,
        entry=entry,
        judge=judge,
        source=AssignmentSource.MANUAL,
        anonymous_code=_code_for(entry.pk, _codes_for_stage(stage)),
        created_by=actor,
    )
    full_clean_or_raise(assignment)
    assignment.save()
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="assignment.add",
        obj=assignment,
        data={"stage": stage.pk, "entry": entry.pk, "judge": judge.pk},
    )
    assignments_ready.send(
        sender=Stage, stage=stage, judge_ids=[judge.pk], occurrence=f"assignment:{assignment.pk}"
    )
    return assignment


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment) -> None:
    """Remove an assignment; refused once its review is submitted. A draft goes with it."""
    stage = assignment.stage
    permission_require(actor, "judging.remove_assignment", stage.contest)
    phase_require(stage, "assignment.change")
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    review = _review_of(assignment)
    _refuse_if_submitted(review)
    data = {
        "stage": stage.pk,
        "entry": assignment.entry_id,
        "judge": assignment.judge_id,
        "had_draft": review is not None,
    }
    pk = assignment.pk
    _drop_draft(review)
    assignment.delete()
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="assignment.remove",
        obj=("Assignment", pk),
        data=data,
    )


@transaction.atomic
def assignment_swap(*, actor, assignment: Assignment, judge) -> Assignment:
    """Give the assignment to another judge (same entry, same code); becomes manual."""
    stage = assignment.stage
    permission_require(actor, "judging.swap_judge", stage.contest)
    phase_require(stage, "assignment.change")
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    review = _review_of(assignment)
    _refuse_if_submitted(review)
    _check_pair(stage=stage, entry=assignment.entry, judge=judge)
    previous = assignment.judge_id
    _drop_draft(review)
    assignment.judge = judge
    assignment.source = AssignmentSource.MANUAL
    assignment.created_by = actor
    full_clean_or_raise(assignment)
    assignment.save()
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="assignment.swap",
        obj=assignment,
        data={
            "stage": stage.pk,
            "entry": assignment.entry_id,
            "from_judge": previous,
            "to_judge": judge.pk,
            "dropped_draft": review is not None,
        },
    )
    assignments_ready.send(
        sender=Stage,
        stage=stage,
        judge_ids=[judge.pk],
        occurrence=f"swap:{assignment.pk}:{judge.pk}",
    )
    return assignment
