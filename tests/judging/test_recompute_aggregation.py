"""`results_update` (only the changed entries aggregated again, every rank re-derived) gives
exactly what `results_compute` gives over all reviews: mean, trimmed mean and median, with ties,
合议 overrides, the panel's tie-break order, entries without reviews and entries that leave."""

import random
from decimal import Decimal

import pytest

from judging.aggregation import (
    AggregationMethod,
    results_compute,
    results_update,
    update_supported,
)

METHODS = [AggregationMethod.MEAN, AggregationMethod.TRIMMED_MEAN, AggregationMethod.MEDIAN]


def _stage(rng: random.Random, n_entries: int, n_judges: int):
    groups = {e: f"t{e % 3}" for e in range(n_entries)}
    reviews = {}
    for e in range(n_entries):
        if e % 11 == 0:
            continue  # no reviews: unranked
        for j in rng.sample(range(n_judges), rng.randint(1, 7)):
            # coarse steps so that equal finals (ties) are common
            reviews[(e, j)] = Decimal(rng.randint(120, 190)) / 2
    return groups, reviews


def _rows(reviews, only=None):
    return [(e, j, t, {}) for (e, j), t in sorted(reviews.items()) if only is None or e in only]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", range(6))
def test_incremental_update_equals_full_recompute(method, seed):
    rng = random.Random(seed)
    groups, reviews = _stage(rng, 90, 12)
    overrides = {5: (Decimal("88.5"), "合议"), 17: (Decimal("60"), "合议")}
    panel = {e: rng.randint(1, 5) for e in rng.sample(sorted(groups), 30)}
    tie_breaks = [("panel", panel)] if seed % 2 else []
    options = dict(
        max_total=100.0,
        method=method,
        trim_min_reviews=3 + seed % 3,
        overrides=overrides,
        tie_breaks=tie_breaks,
    )
    before = results_compute(reviews=_rows(reviews), entry_groups=groups, **options).entries

    # a burst: new reviews, changed totals (a reopen and resubmit), a review withdrawn by a
    # reopen, an entry that has its first review, and an entry that leaves the stage
    changed = set()
    for _ in range(25):
        e, j = rng.randrange(90), rng.randrange(12)
        if (e, j) in reviews and rng.random() < 0.3:
            del reviews[(e, j)]
        else:
            reviews[(e, j)] = Decimal(rng.randint(120, 190)) / 2
        changed.add(e)
    reviews[(0, 0)] = Decimal("91")
    changed.add(0)
    del groups[3]
    reviews = {k: v for k, v in reviews.items() if k[0] != 3}
    changed.add(3)

    full = results_compute(reviews=_rows(reviews), entry_groups=groups, **options)
    update = results_update(
        previous=before,
        changed=changed,
        reviews=_rows(reviews, only=changed),
        entry_groups=groups,
        **options,
    )
    fields = ("group", "review_count", "raw", "final", "rank", "tied", "decided_by", "trimmed")
    assert set(update.entries) == set(full.entries)
    for entry_id, expected in full.entries.items():
        got = update.entries[entry_id]
        assert [getattr(got, f) for f in fields] == [getattr(expected, f) for f in fields], entry_id
        assert got.overridden == expected.overridden
    assert update.order == full.order
    assert any(a.tied for a in full.entries.values())  # the data does exercise ties


def test_update_refuses_what_it_cannot_reproduce():
    assert update_supported(normalise=False, tie_breaks=[("panel", {})])
    assert not update_supported(normalise=True, tie_breaks=[])
    assert not update_supported(normalise=False, tie_breaks=[("first_places", None)])
    assert not update_supported(normalise=False, tie_breaks=[("criterion", "innovation")])
    with pytest.raises(ValueError):
        results_update(
            previous={},
            changed=[],
            reviews=[],
            entry_groups={},
            max_total=100.0,
            tie_breaks=[("first_places", None)],
        )
