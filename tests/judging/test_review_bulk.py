"""`reviews_submit_bulk` gives exactly what `review_submit` gives one by one, audit chain included."""

import pytest
from django.db import transaction

from contest.errors import DomainError
from contest.models import Entry
from contest.services.user import user_organisation_set
from judging.enums import AssignmentSource
from judging.models import Assignment, AuditLog, Review
from judging.services.audit import audit_verify
from judging.services.panel import judge_invite, judge_profile_upsert, panel_accept
from judging.services.review import (
    ReviewSubmission,
    review_save,
    review_submit,
    reviews_submit_bulk,
)
from tests.factories.contest import TeamFactory, UserFactory
from tests.factories.judging import FULL_SCORES, build_world

pytestmark = pytest.mark.django_db

SCORES = [
    FULL_SCORES,
    {"impact": "6", "novelty": "9.5", "data_value": "12"},
    {"impact": "10", "novelty": "0", "data_value": "20"},
    {"impact": "7.5", "novelty": "7.5", "data_value": "17"},
]


class _Rollback(Exception):
    pass


def _setup():
    """Two judges on the panel, two entries, four assignments; one already has a draft."""
    world = build_world()
    second_judge = UserFactory(real_name="王评委")
    judge_profile_upsert(user=second_judge, organisation=None, province="浙江", expertise=["工业"])
    user_organisation_set(user=second_judge, none=True)
    membership = judge_invite(actor=world.organiser, stage=world.stage, judge=second_judge)
    panel_accept(actor=second_judge, membership=membership, declaration_accepted=True)
    other = Entry.objects.create(
        team=TeamFactory(contest=world.contest, name="云帆数据队"),
        stage=world.stage,
        title="港口集装箱调度优化",
        status="submitted",
    )
    assignments = [world.assignment]
    for judge, entry, code in (
        (world.judge, other, "A-8M2P"),
        (second_judge, world.entry, "A-7K3Q"),
        (second_judge, other, "A-8M2P"),
    ):
        assignments.append(
            Assignment.objects.create(
                stage=world.stage,
                entry=entry,
                judge=judge,
                source=AssignmentSource.MANUAL,
                anonymous_code=code,
            )
        )
    review_save(actor=second_judge, assignment=assignments[3], scores={"impact": "3"})
    return world, assignments


def _outcome(world, assignments) -> dict:
    """What the submissions left behind, keyed by assignment (ids of new rows left out)."""
    position = {a.pk: i for i, a in enumerate(assignments)}
    review_of = {r.pk: r for r in Review.objects.filter(assignment__in=assignments)}
    reviews = {
        position[r.assignment_id]: (
            r.status,
            r.total,
            r.comment,
            {s.criterion.key: s.value for s in r.scores.select_related("criterion")},
        )
        for r in review_of.values()
    }
    audit = [
        (
            row.seq,
            row.actor_id,
            row.action,
            row.object_type,
            position[review_of[int(row.object_id)].assignment_id],
            row.reason,
            row.data,
        )
        for row in AuditLog.objects.filter(contest=world.contest, action="review.submit").order_by(
            "seq"
        )
    ]
    return {"reviews": reviews, "audit": audit, "verify": audit_verify(contest=world.contest).ok}


def test_reviews_submit_bulk_equals_one_by_one():
    world, assignments = _setup()
    comments = ["数据融合场景清晰。", "", "创新性较强。", "建议补充安全说明。"]

    try:
        with transaction.atomic():
            for a, scores, comment in zip(assignments, SCORES, comments, strict=True):
                review_submit(actor=a.judge, assignment=a, scores=scores, comment=comment)
            one_by_one = _outcome(world, assignments)
            raise _Rollback
    except _Rollback:
        pass

    reviews = reviews_submit_bulk(
        submissions=[
            ReviewSubmission(actor=a.judge, assignment=a, scores=scores, comment=comment)
            for a, scores, comment in zip(assignments, SCORES, comments, strict=True)
        ]
    )

    assert len(reviews) == 4
    assert _outcome(world, assignments) == one_by_one
    assert one_by_one["verify"] is True
    assert len(one_by_one["audit"]) == 4


def test_reviews_submit_bulk_someone_elses_assignment_refused_like_review_submit():
    world, assignments = _setup()

    with pytest.raises(DomainError) as one:
        review_submit(actor=world.judge, assignment=assignments[2], scores=FULL_SCORES)
    with pytest.raises(DomainError) as bulk:
        reviews_submit_bulk(
            submissions=[
                ReviewSubmission(actor=world.judge, assignment=assignments[1], scores=SCORES[1]),
                ReviewSubmission(actor=world.judge, assignment=assignments[2], scores=FULL_SCORES),
            ]
        )

    assert bulk.value.code == one.value.code
    assert Review.objects.filter(status="submitted").count() == 0


def test_reviews_submit_bulk_incomplete_scores_refused():
    world, assignments = _setup()

    with pytest.raises(DomainError) as bulk:
        reviews_submit_bulk(
            submissions=[
                ReviewSubmission(
                    actor=world.judge, assignment=assignments[0], scores={"impact": "8"}
                )
            ]
        )

    assert bulk.value.code == "scores_incomplete"
    assert AuditLog.objects.filter(action="review.submit").count() == 0
