"""A judge's submit does only the judge's work, in a fixed number of queries whatever the number
of criteria (issue 16: 1,500 judges submitting at once). The statements, in order (the
test runs inside a transaction, so the service's BEGIN and COMMIT appear as a savepoint):

 1 SAVEPOINT (BEGIN)
 2 the assignment with its stage, entry, team and contest, and whether the judge's panel
   membership is accepted with the declaration signed
 3-6 the conflict rules' inputs: the judge's profile (with its organisation and province), own
     organisation, the organisations they publish for (评榜 by publishers), declared relations
     (`judging.selectors.conflict.conflict_filter`)
 7 whether a rule matches the team
 8 the stage's newest result snapshot (its phase)
 9 the review, locked, with its rubric
10 the entry's rubrics (no review yet)      | the rubric's criteria (a draft exists)
11 the new draft review (insert)            | the stored draft scores
12 the rubric's criteria                    | the changed scores, one update
13 the scores, one insert                   | the new scores, one insert
14 the review: total, status, time
15-17 the audit row: the contest's chain lock, its last row, the insert (no savepoint of its
      own: a submit whose audit row fails is rolled back whole)
18-19 the stage's freshness mark: lock, update (no recompute: that runs later)
20 RELEASE SAVEPOINT (COMMIT)
The answer is built from what was written: the scores are not read back.
"""

from decimal import Decimal

import pytest

from judging.enums import ReviewStatus
from judging.models import Criterion, ResultState, Review, ReviewScore
from tests.factories.judging import build_world

pytestmark = pytest.mark.django_db

SUBMIT_QUERIES = 20  # a first submit: no draft
SUBMIT_AFTER_DRAFT_QUERIES = 20  # the draft's scores are read, the review is not inserted


def _criteria(rubric, n: int) -> dict[str, str]:
    """Replace the rubric's criteria by `n` criteria of equal weight; return full scores."""
    ResultState.objects.get_or_create(stage_id=rubric.stage_id)  # as after the first recompute
    Criterion.objects.filter(rubric=rubric).delete()
    weights = [(Decimal(100) / n).quantize(Decimal("0.01"))] * n
    weights[-1] = Decimal(100) - sum(weights[:-1])
    for i, weight in enumerate(weights):
        Criterion.objects.create(
            rubric=rubric,
            key=f"c{i}",
            name=f"指标{i} Criterion {i}",
            weight=weight,
            max_score=Decimal(10),
            step=Decimal("0.5"),
            order=i,
        )
    return {f"c{i}": "7.5" for i in range(n)}


@pytest.mark.parametrize("n", [1, 6])
def test_submit_queries_do_not_grow_with_criteria(client_for, django_assert_num_queries, n):
    w = build_world()
    scores = _criteria(w.stage.rubrics.get(), n)
    client = client_for(w.judge)
    with django_assert_num_queries(SUBMIT_QUERIES):
        response = client.post(
            f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": scores}, format="json"
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "submitted"
    assert body["scores"] == {k: "7.50" for k in scores}
    assert body["total"] == "75.0000"
    review = Review.objects.get()
    assert (review.status, str(review.total)) == (ReviewStatus.SUBMITTED, "75.000")
    assert ReviewScore.objects.filter(review=review).count() == n


@pytest.mark.parametrize("n", [2, 6])  # the draft scored one criterion: one update, one insert
def test_submit_after_draft_queries_do_not_grow(client_for, django_assert_num_queries, n):
    w = build_world()
    scores = _criteria(w.stage.rubrics.get(), n)
    client = client_for(w.judge)
    draft = client.put(
        f"/api/judge/assignments/{w.assignment.pk}/review/", {"scores": {"c0": "5"}}, format="json"
    )
    assert draft.status_code == 200, draft.json()
    with django_assert_num_queries(SUBMIT_AFTER_DRAFT_QUERIES):
        response = client.post(
            f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": scores}, format="json"
        )
    assert response.status_code == 200, response.json()
    assert response.json()["scores"] == {k: "7.50" for k in scores}
    assert (
        sorted(
            ReviewScore.objects.filter(review__assignment=w.assignment).values_list(
                "value", flat=True
            )
        )
        == [Decimal("7.50")] * n
    )
