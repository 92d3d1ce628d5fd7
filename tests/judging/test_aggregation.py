"""Aggregation and ranking on hand-computed cases; the arithmetic is in the comments."""

from decimal import Decimal

import pytest

from contest.errors import ValidationFailed
from judging.aggregation import (
    AggregationMethod,
    JudgeNormalisation,
    ReviewRow,
    TieBreakKind,
    results_compute,
    reviews_normalise,
)


def rows(scores: dict[str, dict[str, float]], criteria=None) -> list[ReviewRow]:
    """{entry: {judge: total}} -> review rows; criteria: {entry: {judge: {key: score}}}."""
    criteria = criteria or {}
    return [
        ReviewRow(entry, judge, total, criteria.get(entry, {}).get(judge, {}))
        for entry, by_judge in scores.items()
        for judge, total in by_judge.items()
    ]


def compute(scores, groups=None, criteria=None, **options):
    groups = groups or dict.fromkeys(scores, "track")
    return results_compute(
        reviews=rows(scores, criteria), entry_groups=groups, max_total=100, **options
    ).entries


FIVE = {"J1": 90, "J2": 85, "J3": 80, "J4": 70, "J5": 60}


def test_results_mean_of_judges():
    result = compute({"A": {"J1": 80, "J2": 85, "J3": 91}})["A"]
    # (80 + 85 + 91) / 3 = 256 / 3 = 85.333...
    assert result.raw == Decimal("85.3333")  # full stored precision, 4 places
    assert result.final == Decimal("85.3333")
    assert result.normalised is None
    assert result.review_count == 3
    assert (result.trimmed, result.trim_fallback, result.overridden) == (False, False, False)


def test_results_mean_rounds_half_up():
    results = compute({"A": {"J1": 84.161, "J2": 84.17}, "B": {"J1": 85.833, "J2": 85.84}})
    # (84.161 + 84.17) / 2 = 84.1655 -> 84.1655 exactly at 4 places, no binary noise kept
    assert results["A"].final == Decimal("84.1655")
    # (84.1611 + 84.1616) / 2 = 84.16135 -> 84.1614 (half-up; half-even would give 84.1614 too)
    c = compute({"C": {"J1": 84.1611, "J2": 84.1616}, "D": {"J1": 84.1613, "J2": 84.1616}})
    assert c["C"].final == Decimal("84.1614")
    # (84.1613 + 84.1616) / 2 = 84.16145 -> 84.1615 (half-up; half-even would be 84.1614)
    assert c["D"].final == Decimal("84.1615")
    assert results["B"].final == Decimal("85.8365")


def test_results_trimmed_mean_with_five_judges():
    result = compute({"A": FIVE}, method=AggregationMethod.TRIMMED_MEAN)["A"]
    # drop 90 and 60: (85 + 80 + 70) / 3 = 235 / 3 = 78.333...
    assert result.raw == Decimal("78.3333")
    assert (result.trimmed, result.trim_fallback) == (True, False)
    assert result.review_count == 5


def test_results_trimmed_mean_with_fewer_reviews_falls_back_to_mean():
    four = {"J1": 90, "J2": 85, "J3": 80, "J4": 70}
    result = compute({"A": four}, method="trimmed_mean")["A"]
    # 4 < 5 reviews: plain mean (90 + 85 + 80 + 70) / 4 = 325 / 4 = 81.25
    assert result.raw == Decimal("81.25")
    assert (result.trimmed, result.trim_fallback) == (False, True)


def test_results_trimmed_mean_with_configured_minimum():
    four = {"J1": 90, "J2": 85, "J3": 80, "J4": 70}
    result = compute({"A": four}, method="trimmed_mean", trim_min_reviews=4)["A"]
    # drop 90 and 70: (85 + 80) / 2 = 82.50
    assert result.raw == Decimal("82.50")
    assert result.trimmed is True


def test_results_trimmed_mean_with_minimum_below_three_is_refused():
    with pytest.raises(ValidationFailed):
        compute({"A": FIVE}, method="trimmed_mean", trim_min_reviews=2)


def test_results_median_with_even_count():
    result = compute({"A": {"J1": 70, "J2": 90, "J3": 80, "J4": 85}}, method="median")["A"]
    # sorted 70, 80, 85, 90: (80 + 85) / 2 = 82.50
    assert result.raw == Decimal("82.50")


def test_results_median_with_odd_count():
    result = compute({"A": {"J1": 95, "J2": 60, "J3": 80}}, method="median")["A"]
    # sorted 60, 80, 95: 80
    assert result.raw == Decimal("80.00")


def test_results_missing_review_uses_submitted_ones():
    # J3 has not submitted for B yet
    results = compute({"A": {"J1": 80, "J2": 70, "J3": 90}, "B": {"J1": 85, "J2": 76}})
    # B: (85 + 76) / 2 = 80.50; A: (80 + 70 + 90) / 3 = 80.00
    assert results["B"].raw == Decimal("80.50")
    assert results["B"].review_count == 2
    assert (results["B"].rank, results["A"].rank) == (1, 2)


def test_results_zero_reviews_is_unranked_and_listed_last():
    stage = results_compute(
        reviews=rows({"A": {"J1": 60}, "C": {"J1": 70}}),
        entry_groups={"A": "t", "B": "t", "C": "t"},
        max_total=100,
    )
    b = stage.entries["B"]
    assert (b.review_count, b.raw, b.final, b.rank, b.tied) == (0, None, None, None, False)
    assert stage.order == {"t": ["C", "A", "B"]}


def test_results_zscore_normalisation_lenient_and_harsh_judge():
    # lenient L reviews A, B; harsh H reviews C, D
    scores = {"A": {"L": 77}, "B": {"L": 71}, "C": {"H": 69}, "D": {"H": 63}}
    stage = results_compute(
        reviews=rows(scores),
        entry_groups=dict.fromkeys(scores, "t"),
        max_total=100,
        normalise=True,
    )
    # L: mean 74, sd sqrt((3^2 + 3^2) / 2) = 3 -> z(A) = +1, z(B) = -1
    # H: mean 66, sd 3 -> z(C) = +1, z(D) = -1
    # all totals: mean (77 + 71 + 69 + 63) / 4 = 70, sd sqrt((49 + 1 + 1 + 49) / 4) = 5
    # normalised = 70 + z * 5: A = C = 75, B = D = 65
    assert (stage.overall_mean, stage.overall_sd) == (70.0, 5.0)
    assert stage.judges["L"] == JudgeNormalisation(count=2, mean=74.0, sd=3.0)
    e = stage.entries
    assert [e[x].raw for x in "ABCD"] == [Decimal(v) for v in ("77.00", "71.00", "69.00", "63.00")]
    assert [e[x].normalised for x in "ABCD"] == [Decimal(v) for v in ("75.00", "65.00") * 2]
    assert [e[x].final for x in "ABCD"] == [e[x].normalised for x in "ABCD"]
    # the harsh judge's best entry rises from 3rd (raw) to a shared 1st
    assert [(e[x].rank, e[x].tied) for x in "ABCD"] == [(1, True), (3, True), (1, True), (3, True)]


def test_results_zscore_judge_with_one_review_gets_overall_mean():
    scores = {"A": {"J1": 80}, "B": {"J2": 60}, "C": {"J2": 40}}
    e = compute(scores, normalise=True)
    # all: mean (80 + 60 + 40) / 3 = 60, sd sqrt((400 + 0 + 400) / 3) = 16.3299...
    # J1 has one review: z = 0 -> 60.00
    # J2: mean 50, sd 10 -> z(B) = +1 -> 76.3299..., z(C) = -1 -> 43.6700...
    assert (e["A"].normalised, e["B"].normalised, e["C"].normalised) == (
        Decimal("60.0000"),
        Decimal("76.3299"),
        Decimal("43.6701"),
    )


def test_results_zscore_is_clipped_to_rubric_range():
    scores = {"A": {"J1": 10}, "B": {"J1": 0}, "C": {"J1": 0}, "D": {"J1": 0}}
    scores |= {x: {"J2": 90} for x in "EFGH"}
    e = compute(scores, normalise=True)
    # J1: mean 2.5, sd sqrt((7.5^2 + 3 * 2.5^2) / 4) = 4.330 -> z(A) = 7.5 / 4.330 = 1.732
    # all: mean 370 / 8 = 46.25, sd 43.86 -> A = 46.25 + 1.732 * 43.86 = 122.2 -> clipped to 100
    # J2 gave all 90 (sd 0): z = 0 -> 46.25
    assert e["A"].normalised == Decimal("100.00")
    assert e["E"].normalised == Decimal("46.25")


def test_reviews_normalise_returns_raw_beside_normalised():
    scores = {"A": {"L": 77}, "B": {"L": 71}, "C": {"H": 69}, "D": {"H": 63}}
    result = reviews_normalise(reviews=rows(scores), max_total=100)
    # same case as the lenient/harsh test: 70 + z * 5
    assert result.rows == [
        ("A", "L", Decimal("77.00"), Decimal("75.00")),
        ("B", "L", Decimal("71.00"), Decimal("65.00")),
        ("C", "H", Decimal("69.00"), Decimal("75.00")),
        ("D", "H", Decimal("63.00"), Decimal("65.00")),
    ]


def test_results_panel_override_replaces_final_score():
    reason = "合议：现场答辩表现突出"
    e = compute(
        {"A": {"J1": 80, "J2": 80}, "B": {"J1": 85, "J2": 85}}, overrides={"A": (88, reason)}
    )
    assert (e["A"].raw, e["A"].final, e["A"].overridden) == (
        Decimal("80.00"),
        Decimal("88.00"),
        True,
    )
    assert e["A"].override_reason == reason
    assert (e["A"].rank, e["B"].rank) == (1, 2)
    assert (e["B"].overridden, e["B"].override_reason) == (False, None)


def test_results_panel_override_without_reason_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        compute({"A": {"J1": 80}}, overrides={"A": (88, " ")})
    assert raised.value.code == "aggregation.override_reason"


def test_results_panel_override_out_of_range_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        compute({"A": {"J1": 80}}, overrides={"A": (100.01, "合议")})
    assert raised.value.code == "aggregation.score_out_of_range"


def test_results_ties_share_rank_competition_style():
    e = compute({"A": {"J1": 90}, "B": {"J1": 80}, "C": {"J1": 80}, "D": {"J1": 70}})
    assert [e[x].rank for x in "ABCD"] == [1, 2, 2, 4]
    assert [e[x].tied for x in "ABCD"] == [False, True, True, False]
    assert [e[x].decided_by for x in "ABCD"] == [None, None, None, None]


def test_results_ties_judged_on_rounded_score():
    # 80.00004 and 80.00001 both are 80.0000 at the stored precision, so they are tied
    e = compute({"A": {"J1": 80.00004}, "B": {"J1": 80.00001}})
    assert (e["A"].rank, e["B"].rank, e["A"].tied) == (1, 1, True)
    # 80.004 and 80.001 differ at the stored precision (they only look equal rounded to 2)
    e = compute({"A": {"J1": 80.004}, "B": {"J1": 80.001}})
    assert (e["A"].rank, e["B"].rank, e["A"].tied) == (1, 2, False)


def test_results_ranks_restart_in_each_group():
    stage = results_compute(
        reviews=rows({"A": {"J1": 90}, "B": {"J1": 80}, "C": {"J2": 70}, "D": {"J2": 75}}),
        entry_groups={"A": "工业制造", "B": "工业制造", "C": "现代农业", "D": "现代农业"},
        max_total=100,
    )
    assert [stage.entries[x].rank for x in "ABCD"] == [1, 2, 2, 1]
    assert stage.order == {"工业制造": ["A", "B"], "现代农业": ["D", "C"]}


def test_results_tie_break_by_criterion():
    scores = {"A": {"J1": 80, "J2": 80}, "B": {"J1": 78, "J2": 82}}
    criteria = {
        "A": {"J1": {"innovation": 30}, "J2": {"innovation": 28}},
        "B": {"J1": {"innovation": 27}, "J2": {"innovation": 28}},
    }
    rule = (TieBreakKind.CRITERION, "innovation")
    e = compute(scores, criteria=criteria, tie_breaks=[rule])
    # both 80.00; innovation A (30 + 28) / 2 = 29.00 > B (27 + 28) / 2 = 27.50
    assert (e["A"].rank, e["B"].rank) == (1, 2)
    assert e["A"].decided_by == e["B"].decided_by == ("criterion", "innovation")
    assert (e["A"].tied, e["B"].tied) == (False, False)


def test_results_tie_break_by_first_places():
    scores = {
        "A": {"J1": 90, "J2": 90, "J3": 60},  # mean 80
        "B": {"J1": 80, "J2": 80, "J3": 80},  # mean 80
        "C": {"J1": 70, "J2": 70, "J3": 70},  # mean 70
        "X": {"J1": 100},  # another group: not part of J1's ranking of the track
    }
    groups = {"A": "t", "B": "t", "C": "t", "X": "other"}
    e = compute(scores, groups=groups, tie_breaks=[("first_places", None)])
    # first places in t: J1 -> A (90), J2 -> A (90), J3 -> B (80); A 2 > B 1
    assert (e["A"].rank, e["B"].rank, e["C"].rank) == (1, 2, 3)
    assert e["A"].decided_by == e["B"].decided_by == ("first_places", None)
    assert e["C"].decided_by is None


def test_results_tie_break_by_panel_order():
    panel = {"B": 1, "A": 2}
    e = compute({"A": {"J1": 80}, "B": {"J1": 80}}, tie_breaks=[("panel", panel)])
    assert (e["B"].rank, e["A"].rank) == (1, 2)
    assert e["A"].decided_by == ("panel", panel)


def test_results_tie_break_chain_uses_next_rule_and_leaves_rest_tied():
    scores = {x: {"J1": 80} for x in "ABCD"}
    criteria = {x: {"J1": {"innovation": 20}} for x in "ABCD"}
    criteria["D"] = {"J1": {"innovation": 19}}
    panel = {"A": 2, "B": 1}  # C and D are not in the panel's list
    chain = [("criterion", "innovation"), ("panel", panel)]
    e = compute(scores, criteria=criteria, tie_breaks=chain)
    # innovation: A = B = C = 20 > D = 19; panel: B (1) before A (2) before C (unlisted)
    assert [e[x].rank for x in "BACD"] == [1, 2, 3, 4]
    assert [e[x].decided_by for x in "BACD"] == [chain[1], chain[1], chain[1], chain[0]]


def test_results_still_tied_after_chain_share_rank():
    scores = {"A": {"J1": 80}, "B": {"J1": 80}, "C": {"J1": 80}}
    e = compute(scores, tie_breaks=[("panel", {"A": 1})])
    # A first by the panel; B and C unlisted and equal on everything
    assert [e[x].rank for x in "ABC"] == [1, 2, 2]
    assert [e[x].tied for x in "ABC"] == [False, True, True]
    assert [e[x].decided_by for x in "ABC"] == [("panel", {"A": 1}), None, None]


def test_results_unknown_tie_break_is_refused():
    with pytest.raises(ValidationFailed):
        compute({"A": {"J1": 80}}, tie_breaks=[("coin_toss", None)])


def test_results_review_of_unknown_entry_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        results_compute(reviews=rows({"Z": {"J1": 80}}), entry_groups={"A": "t"}, max_total=100)
    assert raised.value.code == "aggregation.unknown_entry"


def test_results_duplicate_review_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        results_compute(
            reviews=[("A", "J1", 80, {}), ("A", "J1", 70, {})],
            entry_groups={"A": "t"},
            max_total=100,
        )
    assert raised.value.code == "aggregation.duplicate_review"


def test_results_total_above_max_is_refused():
    with pytest.raises(ValidationFailed) as raised:
        compute({"A": {"J1": 100.5}})
    assert raised.value.code == "aggregation.score_out_of_range"
