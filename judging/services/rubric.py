"""Rubrics (评分细则): criteria with weights summing to 100, max scores and steps."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from contest.models import Entry, Stage
from contest.permissions import permission_require
from judging.errors import error
from judging.models import Criterion, Review, ReviewScore, Rubric
from judging.phases import phase_require
from judging.services.audit import audit_record

WEIGHT_TOTAL = Decimal("100")


def _criteria_check(criteria: list[dict]) -> None:
    if not criteria:
        raise error("rubric_empty")
    keys = [c["key"] for c in criteria]
    if len(set(keys)) != len(keys):
        raise error("criterion_key_duplicate")
    total = sum(Decimal(str(c["weight"])) for c in criteria)
    if total != WEIGHT_TOTAL:
        raise error(
            "rubric_weights_invalid", total=total, fields={"criteria": ["rubric_weights_invalid"]}
        )
    for c in criteria:
        max_score, step = Decimal(str(c["max_score"])), Decimal(str(c.get("step", 1)))
        if max_score <= 0 or step <= 0 or (max_score / step) % 1 != 0:
            raise error("criterion_step_invalid", name=c["name"])


def _criteria_write(rubric: Rubric, criteria: list[dict]) -> None:
    existing = {c.key: c for c in rubric.criteria.all()}
    for order, c in enumerate(criteria):
        values = {
            "name": c["name"],
            "description": c.get("description", ""),
            "weight": Decimal(str(c["weight"])),
            "max_score": Decimal(str(c["max_score"])),
            "step": Decimal(str(c.get("step", 1))),
            "order": order,
        }
        if c["key"] in existing:
            Criterion.objects.filter(pk=existing[c["key"]].pk).update(**values)
        else:
            Criterion.objects.create(rubric=rubric, key=c["key"], **values)
    stale = set(existing) - {c["key"] for c in criteria}
    rubric.criteria.filter(key__in=stale).delete()


@transaction.atomic
def rubric_create(
    *, actor, stage: Stage, name: str, criteria: list[dict], track=None, group=None
) -> Rubric:
    permission_require(actor, "judging.set_rubric", stage.contest)
    phase_require(stage, "rubric.create")
    _criteria_check(criteria)
    if Rubric.objects.filter(stage=stage, track=track, group=group).exists():
        raise error("rubric_exists")
    rubric = Rubric.objects.create(stage=stage, track=track, group=group, name=name)
    _criteria_write(rubric, criteria)
    return rubric


@transaction.atomic
def rubric_update(
    *, actor, rubric: Rubric, name: str, criteria: list[dict], reason: str = ""
) -> Rubric:
    """Change a rubric. Once scores exist it cannot change silently: a reason is required, the
    criteria keys and ranges must still hold every recorded score, totals are recomputed and the
    change is recorded in the audit log with the old and new criteria."""
    rubric = Rubric.objects.select_for_update().select_related("stage__contest").get(pk=rubric.pk)
    contest = rubric.stage.contest
    permission_require(actor, "judging.change_rubric", contest)
    phase_require(rubric.stage, "rubric.change")
    _criteria_check(criteria)
    scored = ReviewScore.objects.filter(review__rubric=rubric).exists()
    before = [
        {"key": c.key, "weight": str(c.weight), "max_score": str(c.max_score), "step": str(c.step)}
        for c in rubric.criteria.all()
    ]
    if scored:
        if not reason.strip():
            raise error("rubric_has_scores")
        if {c["key"] for c in criteria} != {b["key"] for b in before}:
            raise error("rubric_criteria_locked")
        for c in criteria:
            if ReviewScore.objects.filter(
                review__rubric=rubric,
                criterion__key=c["key"],
                value__gt=Decimal(str(c["max_score"])),
            ).exists():
                raise error("criterion_scores_above_max", name=c["name"])
    rubric.name = name
    rubric.version += 1
    rubric.save()
    _criteria_write(rubric, criteria)
    if scored:
        for review in Review.objects.filter(rubric=rubric).exclude(total__isnull=True):
            review.total = review_total(rubric=rubric, values=_review_values(review))
            review.save(update_fields=["total", "updated_at"])
        audit_record(
            contest=contest,
            actor=actor,
            action="rubric.change",
            obj=rubric,
            reason=reason,
            data={"before": before, "after": criteria, "version": rubric.version},
        )
    return rubric


def _review_values(review: Review) -> dict[str, Decimal]:
    return {s.criterion.key: s.value for s in review.scores.select_related("criterion")}


def review_total(*, rubric: Rubric, values: dict[str, Decimal]) -> Decimal:
    """Weighted total on 0–100: Σ value / max_score × weight over the rubric's criteria."""
    total = Decimal("0")
    for criterion in rubric.criteria.all():
        total += values[criterion.key] / criterion.max_score * criterion.weight
    return total.quantize(Decimal("0.001"))


def rubric_for_entry(*, entry: Entry) -> Rubric | None:
    """The most specific rubric of the entry's stage: track and group, track, group, whole stage."""
    team = entry.team
    candidates = list(Rubric.objects.filter(stage_id=entry.stage_id))

    def score(r: Rubric) -> int:
        if r.track_id not in (None, team.track_id) or r.group_id not in (None, team.group_id):
            return -1
        return (2 if r.track_id else 0) + (1 if r.group_id else 0)

    ranked = sorted((r for r in candidates if score(r) >= 0), key=score, reverse=True)
    return ranked[0] if ranked else None
