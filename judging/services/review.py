"""Online scoring: drafts, submission that locks, and reopening that needs a reason.

Every submit, reopen and change is recorded in the hash-chained audit log. A judge can score an
entry only when assigned, on an accepted panel with the declaration signed, within the stage's
review window, and never when in conflict with the team — whatever route the request takes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, localcontext

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.transaction import TransactionManagementError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from contest.permissions import permission_require
from judging.enums import PanelStatus, ReviewStatus, StagePhase
from judging.errors import error
from judging.models import Assignment, PanelMembership, Review, ReviewScore, Rubric
from judging.phases import phase_allows, phase_require, stage_phase
from judging.selectors.conflict import conflict_exists, conflicted_teams
from judging.services.audit import AuditEntry, audit_record, audit_record_bulk
from judging.services.correction import correction_review_ids
from judging.services.recompute import results_mark_dirty
from judging.services.rubric import review_total, rubric_for_entry
from judging.signals import review_reopened

# The refusals of `judge_access_check`: the API answers them 404, as it does for an assignment
# outside the judge's worklist (`judging.selectors.assignments_of_judge`).
ACCESS_REFUSALS = frozenset({"not_permitted", "declaration_not_signed", "judge_recused"})


def judge_access_check(*, judge, assignment: Assignment) -> None:
    """The checks every judge route runs: own assignment, accepted panel + declaration, no conflict."""
    permission_require(judge, "judging.review_entry", assignment)
    if getattr(assignment, "review_access_judge_id", None) == judge.pk:
        can_review = assignment.judge_can_review  # read with the assignment
    else:
        membership = (
            PanelMembership.objects.filter(stage_id=assignment.stage_id, judge_id=judge.pk)
            .only("status", "declaration_accepted_at")
            .first()
        )
        can_review = membership is not None and membership.can_review
    if not can_review:
        raise error("declaration_not_signed")
    if conflict_exists(judge=judge, team=assignment.entry.team):
        raise error("judge_recused")


def _review_window_check(stage) -> None:
    now = timezone.now()
    if stage.review_opens_at and now < stage.review_opens_at:
        raise error("review_not_open")
    if stage.review_closes_at and now >= stage.review_closes_at:
        raise error("review_closed")


def _scoring_phase_check(stage, action: str) -> StagePhase:
    """The stage's phase allows scoring (`judging.phases`): published results are frozen; under
    a correction the review window is over and only the reviews it names may change (the
    caller checks them with `_correction_check`); otherwise the review window applies."""
    phase = stage_phase(stage)
    if phase not in (StagePhase.RESULTS_PUBLISHED, StagePhase.UNDER_CORRECTION):
        _review_window_check(stage)
    if not phase_allows(stage, action, phase=phase):
        phase_require(stage, action)  # raises the refusal naming the phase
    return phase


def _correction_check(assignment: Assignment) -> None:
    named = correction_review_ids(assignment.stage) or set()
    review_id = Review.objects.filter(assignment=assignment).values_list("pk", flat=True).first()
    if review_id is None or review_id not in named:
        raise error("review_not_in_correction")


# A score is a plain decimal in ASCII digits: no sign, exponent, underscore, thousands mark or
# other script's digits ("1_0", "٥", "５", "1e-999999999" are refused, where Decimal() takes
# them), and short enough that no column or context rounds it.
PLAIN_DECIMAL = re.compile(r"\A-?[0-9]{1,6}(?:\.[0-9]{1,12})?\Z", re.ASCII)


def _score_plain(raw) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        text = repr(raw)
    elif isinstance(raw, (int, Decimal, str)):
        text = str(raw)
    else:
        return None
    return Decimal(text) if PLAIN_DECIMAL.match(text) else None


def _score_on_step(value: Decimal, step: Decimal) -> bool:
    """Exactly a whole number of steps (so within the step's precision): 4.999…9 is not 5."""
    with localcontext() as context:
        context.prec = 40  # 6 + 12 digits of a plain score and a step: every quotient is exact
        return (value / step) % 1 == 0


def _parse_scores(rubric: Rubric, scores: dict, *, complete: bool) -> dict[str, Decimal]:
    criteria = {c.key: c for c in rubric.criteria.all()}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise error(
            "criterion_unknown",
            unknown="、".join(sorted(unknown)),
            fields={k: ["criterion_unknown"] for k in unknown},
        )
    parsed: dict[str, Decimal] = {}
    fields: dict[str, list[str]] = {}
    first_error = None
    for key, raw in scores.items():
        if raw is None or raw == "":
            continue
        criterion = criteria[key]
        value = _score_plain(raw)
        if value is None:
            fields[key] = ["score_not_a_number"]
            first_error = first_error or ("score_not_a_number", criterion, value)
            continue
        if value < 0 or value > criterion.max_score:
            fields[key] = ["score_out_of_range"]
            first_error = first_error or ("score_out_of_range", criterion, value)
            continue
        if not _score_on_step(value, criterion.step):
            fields[key] = ["score_step_invalid"]
            first_error = first_error or ("score_step_invalid", criterion, value)
            continue
        parsed[key] = value
    if first_error:
        code, criterion, value = first_error
        if code == "score_not_a_number":
            raise error(code, name=criterion.name, fields=fields)
        if code == "score_out_of_range":
            raise error(
                code,
                score=format_lazy(_("'{name}'"), name=criterion.name),
                max_score=criterion.max_score,
                fields=fields,
            )
        raise error("score_step_invalid", name=criterion.name, step=criterion.step, fields=fields)
    if complete:
        missing = [k for k in criteria if k not in parsed]
        if missing:
            raise error("scores_incomplete", fields={k: ["required"] for k in missing})
    return parsed


def _review_for(assignment: Assignment) -> Review:
    """The assignment's review, locked, with its rubric and the rubric's criteria loaded (two
    queries), or a new draft of the entry's rubric (rubric, criteria, insert)."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("rubric")
        .filter(assignment_id=assignment.pk)
        .first()
    )
    if review is None:
        rubric = rubric_for_entry(entry=assignment.entry)
        if rubric is None:
            raise error("rubric_missing")
        review = Review(
            assignment=assignment,
            stage_id=assignment.stage_id,
            entry_id=assignment.entry_id,
            judge_id=assignment.judge_id,
            rubric=rubric,
        )
        review.save(force_insert=True)
        _related_keep(review, "scores", ReviewScore.objects.filter(review=review), [])
    _criteria_load(review.rubric)
    return review


def _related_keep(instance, name: str, queryset, rows: list) -> None:
    """Keep `rows` as what `instance.<name>.all()` returns, as `prefetch_related` would."""
    queryset._result_cache, queryset._prefetch_done = list(rows), True
    cache = getattr(instance, "_prefetched_objects_cache", None) or {}
    instance._prefetched_objects_cache = {**cache, name: queryset}


def _criteria_load(rubric: Rubric) -> list:
    """The rubric's criteria in one query, kept on the rubric (`rubric.criteria.all()` reads them)."""
    if "criteria" not in (getattr(rubric, "_prefetched_objects_cache", None) or {}):
        criteria = list(rubric.criteria.all())
        _related_keep(rubric, "criteria", rubric.criteria.all(), criteria)
    return list(rubric.criteria.all())


_SCORE_QUANTUM = Decimal(1).scaleb(-ReviewScore._meta.get_field("value").decimal_places)


def _write_scores(review: Review, values: dict[str, Decimal]) -> dict[str, Decimal]:
    """Store the draft's scores with at most one read, one update and one insert, and return
    every stored score by criterion key as the database holds it (quantized to the column).
    The review's `scores` then read from memory (the API answers without reading them back)."""
    criteria = {c.key: c for c in _criteria_load(review.rubric)}
    by_id = {c.pk: c for c in criteria.values()}
    existing = {s.criterion_id: s for s in review.scores.all()}
    changed, new = [], []
    for key, value in values.items():
        criterion = criteria[key]
        value = value.quantize(_SCORE_QUANTUM)
        score = existing.get(criterion.pk)
        if score is None:
            score = ReviewScore(review=review, criterion=criterion, value=value)
            existing[criterion.pk] = score
            new.append(score)
        elif score.value != value:
            score.value = value
            changed.append(score)
    if changed:
        ReviewScore.objects.bulk_update(changed, ["value"])
    if new:
        ReviewScore.objects.bulk_create(new)
    scores = []
    for criterion_id, score in existing.items():
        if criterion_id in by_id:
            score.criterion = by_id[criterion_id]
        scores.append(score)
    _related_keep(review, "scores", ReviewScore.objects.filter(review=review), scores)
    return {s.criterion.key: s.value for s in scores if s.criterion_id in by_id}


def assignments_for_review(*, judge) -> QuerySet[Assignment]:
    """Assignments with what every scoring rule reads (stage, entry, team, contest) and whether
    `judge` is on the stage's panel (`judge_on_panel`) with the declaration signed
    (`judge_can_review`, which `judge_access_check` reads): one query for any filter on it. A
    judge has one membership per stage (`uniq_panel_judge`). Mark a loaded one with
    `review_access_judge_id` (as `_assignment_for_review` does) for the services to use it as is."""
    membership = PanelMembership.objects.filter(stage_id=OuterRef("stage_id"), judge_id=judge.pk)
    accepted = membership.filter(status=PanelStatus.ACCEPTED, declaration_accepted_at__isnull=False)
    return Assignment.objects.select_related("stage", "entry__team__contest").annotate(
        judge_on_panel=Exists(membership), judge_can_review=Exists(accepted)
    )


def _assignment_for_review(assignment: Assignment, judge) -> Assignment:
    """The assignment loaded by `assignments_for_review` (one query), unless it already is."""
    if getattr(assignment, "review_access_judge_id", None) == judge.pk:
        return assignment
    loaded = assignments_for_review(judge=judge).get(pk=assignment.pk)
    loaded.review_access_judge_id = judge.pk
    return loaded


@transaction.atomic
def review_save(*, actor, assignment: Assignment, scores: dict, comment: str = "") -> Review:
    """Save a draft; partial scores are allowed, each checked for range and step."""
    assignment = _assignment_for_review(assignment, actor)
    judge_access_check(judge=actor, assignment=assignment)
    if _scoring_phase_check(assignment.stage, "review.save") == StagePhase.UNDER_CORRECTION:
        _correction_check(assignment)
    review = _review_for(assignment)
    if review.status == ReviewStatus.SUBMITTED:
        raise error("review_submitted")
    values = _parse_scores(review.rubric, scores, complete=False)
    _write_scores(review, values)
    review.comment = comment
    review.save(update_fields=["comment", "updated_at"])
    return review


@transaction.atomic
def review_submit(
    *, actor, assignment: Assignment, scores: dict | None = None, comment: str | None = None
) -> Review:
    """Submit a complete review: the weighted total is stored and the review locks. In a
    transaction of its own, or a savepoint of the caller's (a failed submit leaves the rest of
    the caller's work, e.g. the other reviews of a batch)."""
    return review_submit_in_transaction(
        actor=actor, assignment=assignment, scores=scores, comment=comment
    )


def review_submit_in_transaction(
    *, actor, assignment: Assignment, scores: dict | None = None, comment: str | None = None
) -> Review:
    """`review_submit` for a caller whose own transaction is the unit (the live submit, which
    numbers its event after it): no savepoint, so a refusal here rolls back the caller's whole
    transaction. Raises `TransactionManagementError` outside one.

    Only the judge's work, in a fixed number of queries whatever the number of criteria
    (tests/judging/test_review_submit_queries.py): the assignment with its stage, entry, team
    and contest; the judge's panel membership and conflict checks; the phase; the review (locked)
    with its rubric, the criteria, the stored draft scores; the writes in bulk; the audit row;
    the stage's freshness mark. The recompute runs later (`judging.services.recompute`)."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError("review_submit_in_transaction needs a transaction")
    assignment = _assignment_for_review(assignment, actor)
    judge_access_check(judge=actor, assignment=assignment)
    if _scoring_phase_check(assignment.stage, "review.submit") == StagePhase.UNDER_CORRECTION:
        _correction_check(assignment)
    review = _review_for(assignment)
    if review.status == ReviewStatus.SUBMITTED:
        raise error("review_submitted")
    parsed = _parse_scores(review.rubric, scores, complete=False) if scores is not None else {}
    stored = _write_scores(review, parsed)
    values = _parse_scores(review.rubric, {k: str(v) for k, v in stored.items()}, complete=True)
    previous_total = review.total
    review.total = review_total(rubric=review.rubric, values=values)
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()
    if comment is not None:
        review.comment = comment
    review.save(update_fields=["total", "status", "submitted_at", "comment", "updated_at"])
    audit_record(
        contest=assignment.entry.team.contest_id,
        actor=actor,
        action="review.submit",
        obj=review,
        data={
            "entry": review.entry_id,
            "judge": review.judge_id,
            "total": str(review.total),
            "previous_total": str(previous_total) if previous_total is not None else None,
            "scores": {k: str(v) for k, v in sorted(values.items())},
            "rubric_version": review.rubric.version,
        },
    )
    # the last write of the submit: the stage's freshness row is locked only until the commit
    results_mark_dirty(stage_id=review.stage_id, entry_ids=[review.entry_id])
    return review


@transaction.atomic
def review_reopen(*, actor, review: Review, reason: str) -> Review:
    """An organiser reopens a submitted review; the reason is required and recorded."""
    review = Review.objects.select_for_update().select_related("stage__contest").get(pk=review.pk)
    contest = review.stage.contest
    permission_require(actor, "judging.reopen_review", contest)
    phase_require(review.stage, "review.reopen")
    if not reason.strip():
        raise error(
            "reason_required",
            fields={"reason": ["reason_required"]},
        )
    if review.status != ReviewStatus.SUBMITTED:
        raise error("review_not_submitted")
    review.status = ReviewStatus.DRAFT
    review.reopened_count += 1
    review.save(update_fields=["status", "reopened_count", "updated_at"])
    audit_record(
        contest=contest,
        actor=actor,
        action="review.reopen",
        obj=review,
        reason=reason,
        data={"entry": review.entry_id, "judge": review.judge_id, "total": str(review.total)},
    )
    results_mark_dirty(stage_id=review.stage_id, entry_ids=[review.entry_id])
    review_reopened.send(sender=Review, review=review, reason=reason)
    return review


# --------------------------------------------------------------------------------------------
# Bulk submission


@dataclass(frozen=True)
class ReviewSubmission:
    """One complete review for `reviews_submit_bulk`: the judge (actor), the assignment, every
    criterion's score; `submitted_at` defaults to now (a data import may carry the original)."""

    actor: object
    assignment: Assignment
    scores: dict
    comment: str = ""
    submitted_at: datetime.datetime | None = None


@transaction.atomic
def reviews_submit_bulk(*, submissions: list[ReviewSubmission]) -> list[Review]:
    """Submit many complete reviews at once, with the result `review_submit` gives one by one.

    The same checks (own assignment, accepted panel and signed declaration, no conflict, review
    window, complete and valid scores), the same stored total and scores, and one `review.submit`
    row each in the audit chain, in the order given (through `audit_record_bulk`). Assignments that
    already have a review (a draft) go through `review_submit` itself, in their place in the order.
    Results are recomputed once per stage after the commit."""
    if not submissions:
        return []
    assignment_ids = [s.assignment.pk for s in submissions]
    assignments = Assignment.objects.select_related("stage", "entry__team__contest").in_bulk(
        assignment_ids
    )
    reviewed = set(
        Review.objects.filter(assignment_id__in=assignment_ids).values_list(
            "assignment_id", flat=True
        )
    )
    stages = {a.stage_id: a.stage for a in assignments.values()}
    phases = {pk: _scoring_phase_check(stage, "review.submit") for pk, stage in stages.items()}
    can_review = {
        (m.stage_id, m.judge_id): m.can_review
        for m in PanelMembership.objects.filter(stage_id__in=list(stages))
    }
    conflicted: dict[tuple[int, int], set[int]] = {}
    rubrics: dict[tuple, Rubric | None] = {}
    decimals = ReviewScore._meta.get_field("value").decimal_places
    quantum = Decimal(1).scaleb(-decimals)

    reviews: list[Review] = []
    one_by_one: set[int] = set()
    pending: list[tuple[Review, ReviewSubmission, dict[str, Decimal]]] = []

    def flush() -> None:
        if not pending:
            return
        Review.objects.bulk_create([r for r, _, _ in pending], batch_size=1000)
        ReviewScore.objects.bulk_create(
            [
                ReviewScore(review=review, criterion=criterion, value=values[criterion.key])
                for review, _, values in pending
                for criterion in review.rubric.criteria.all()
                if criterion.key in values
            ],
            batch_size=2000,
        )
        by_contest: dict[int, list[AuditEntry]] = {}
        for review, submission, values in pending:
            contest_id = assignments[submission.assignment.pk].entry.team.contest_id
            by_contest.setdefault(contest_id, []).append(
                AuditEntry(
                    actor=submission.actor,
                    action="review.submit",
                    obj=review,
                    data={
                        "entry": review.entry_id,
                        "judge": review.judge_id,
                        "total": str(review.total),
                        "previous_total": None,
                        "scores": {k: str(v) for k, v in sorted(values.items())},
                        "rubric_version": review.rubric.version,
                    },
                )
            )
        for contest_id, entries in by_contest.items():
            audit_record_bulk(contest=contest_id, entries=entries)
        pending.clear()

    for submission in submissions:
        assignment = assignments[submission.assignment.pk]
        judge = submission.actor
        if assignment.pk in reviewed:  # a draft exists: the one-by-one path, in its place
            flush()
            review = review_submit(
                actor=judge,
                assignment=assignment,
                scores=submission.scores,
                comment=submission.comment,
            )
            if submission.submitted_at is not None:
                Review.objects.filter(pk=review.pk).update(submitted_at=submission.submitted_at)
                review.submitted_at = submission.submitted_at
            reviews.append(review)
            one_by_one.add(review.pk)  # already marked by review_submit
            continue
        if phases[assignment.stage_id] == StagePhase.UNDER_CORRECTION:
            raise error("review_not_in_correction")  # a new review is never a named one
        team = assignment.entry.team
        key = (team.contest_id, judge.pk)
        if key not in conflicted:
            conflicted[key] = set(
                conflicted_teams(judge=judge, contest=team.contest).values_list("pk", flat=True)
            )
        if (
            assignment.judge_id != judge.pk
            or not can_review.get((assignment.stage_id, judge.pk), False)
            or team.pk in conflicted[key]
        ):
            judge_access_check(judge=judge, assignment=assignment)  # raises the refusal
        rubric_key = (assignment.stage_id, team.track_id, team.group_id)
        if rubric_key not in rubrics:
            rubric = rubric_for_entry(entry=assignment.entry)
            if rubric is not None:
                rubric = Rubric.objects.prefetch_related("criteria").get(pk=rubric.pk)
            rubrics[rubric_key] = rubric
        rubric = rubrics[rubric_key]
        if rubric is None:
            _review_for(assignment)  # raises: the stage has no rubric
        values = {
            k: v.quantize(quantum)
            for k, v in _parse_scores(rubric, submission.scores, complete=True).items()
        }
        review = Review(
            assignment=assignment,
            stage_id=assignment.stage_id,
            entry_id=assignment.entry_id,
            judge_id=assignment.judge_id,
            rubric=rubric,
            status=ReviewStatus.SUBMITTED,
            total=review_total(rubric=rubric, values=values),
            comment=submission.comment,
            submitted_at=submission.submitted_at or timezone.now(),
        )
        pending.append((review, submission, values))
        reviews.append(review)
    flush()
    for stage_id in stages:
        changed = [r.entry_id for r in reviews if r.stage_id == stage_id and r.pk not in one_by_one]
        results_mark_dirty(stage_id=stage_id, entry_ids=changed, submits=len(changed))
    return reviews
