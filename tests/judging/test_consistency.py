"""Judge consistency on hand-computed and textbook cases; the arithmetic is in the comments."""

from decimal import Decimal

from judging.consistency import consistency_compute, icc_2_1, kendall_w


def rows(scores: dict[str, dict[str, float]]) -> list[tuple]:
    """{entry: {judge: total}} -> review rows."""
    return [
        (entry, judge, total, {})
        for entry, by_judge in scores.items()
        for judge, total in by_judge.items()
    ]


def matrix_rows(matrix: list[list[float]], judges: list[str]) -> list[tuple]:
    """Entries x judges matrix -> review rows, entries named E1, E2, ..."""
    return [
        (f"E{i + 1}", judge, total, {})
        for i, row in enumerate(matrix)
        for judge, total in zip(judges, row, strict=True)
    ]


# Shrout & Fleiss (1979), "Intraclass correlations: uses in assessing rater reliability",
# Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Four raters ranking strawberries from eight farms (1 = best), worked example at
# https://influentialpoints.com/Training/coefficient_of_concordance.htm: W = 500 / 672 = 0.744
STRAWBERRIES = [  # rows: raters A-D; columns: farms 1-8
    [8, 4, 2, 3, 5, 1, 6, 7],
    [7, 3, 1, 4, 5, 2, 6, 8],
    [8, 2, 5, 6, 7, 1, 4, 3],
    [8, 3, 4, 2, 5, 1, 6, 7],
]


def test_consistency_leniency_of_lenient_and_harsh_judge():
    scores = {"E1": {"L": 90, "M": 80, "H": 70}, "E2": {"L": 80, "M": 70, "H": 60}}
    judges = consistency_compute(reviews=rows(scores), max_total=100).judges
    # L: E1 90 - (80 + 70) / 2 = 15, E2 80 - (70 + 60) / 2 = 15 -> +15
    # M: 80 - 80 = 0, 70 - 70 = 0 -> 0;  H: 70 - 85 = -15, 60 - 75 = -15 -> -15
    assert [judges[j].leniency for j in "LMH"] == [
        Decimal("15.00"),
        Decimal("0.00"),
        Decimal("-15.00"),
    ]
    # spread of L: totals 90, 80 -> sd sqrt((25 + 25) / 2) = 5; mean 85
    assert (judges["L"].spread, judges["L"].mean, judges["L"].count) == (
        Decimal("5.00"),
        Decimal("85.00"),
        2,
    )
    # three judges can never lie beyond 2 SD (max |z| = sqrt(2))
    assert [judges[j].outlier for j in "LMH"] == [False, False, False]


def test_consistency_leniency_with_partial_data():
    # scoring still open: E2 has only L's review, E3 none of them yet
    scores = {"E1": {"L": 90, "H": 70}, "E2": {"L": 85}}
    report = consistency_compute(
        reviews=rows(scores), max_total=100, entry_groups={"E1": "t", "E2": "t", "E3": "t"}
    )
    lenient = report.judges["L"]
    # only E1 is compared: 90 - 70 = 20
    assert (lenient.count, lenient.compared, lenient.leniency) == (2, 1, Decimal("20.00"))
    assert report.groups["t"].entries_reviewed == 2


def test_consistency_leniency_is_none_without_other_judges():
    report = consistency_compute(reviews=rows({"E1": {"J1": 70}}), max_total=100)
    judge = report.judges["J1"]
    assert (judge.compared, judge.leniency, judge.spread, judge.outlier) == (
        0,
        None,
        Decimal("0.00"),
        False,
    )
    assert (report.leniency_mean, report.leniency_sd) == (None, None)


def test_consistency_lenient_judge_beyond_two_sd_is_flagged():
    scores = {"E1": {"J1": 70, "J2": 70, "J3": 70, "J4": 70, "J5": 70, "J6": 82}}
    report = consistency_compute(reviews=rows(scores), max_total=100)
    # J6: 82 - 70 = 12; J1..J5: 70 - (4 * 70 + 82) / 5 = 70 - 72.4 = -2.4
    # mean (5 * -2.4 + 12) / 6 = 0; sd sqrt((5 * 2.4^2 + 12^2) / 6) = sqrt(28.8) = 5.3666
    # J6: |12 - 0| = 12 > 2 * 5.3666 = 10.733 -> flagged; J1: 2.4 -> not
    assert report.judges["J6"].leniency == Decimal("12.00")
    assert report.judges["J1"].leniency == Decimal("-2.40")
    assert [report.judges[f"J{i}"].outlier for i in range(1, 7)] == [False] * 5 + [True]
    assert (report.leniency_mean, report.leniency_sd) == (Decimal("0.00"), Decimal("5.37"))
    # 12 is within 20% of 100, so the review itself is not flagged
    assert report.review_outliers == []


def test_consistency_review_deviating_beyond_threshold_is_flagged():
    scores = {"E1": {"J1": 80, "J2": 82, "J3": 78, "J4": 50}}
    report = consistency_compute(reviews=rows(scores), max_total=100)
    # threshold 20% of 100 = 20. J4: 50 - (80 + 82 + 78) / 3 = 50 - 80 = -30 -> flagged
    # J1: 80 - 70 = 10; J2: 82 - 208 / 3 = 12.67; J3: 78 - 212 / 3 = 7.33 -> not flagged
    assert report.deviation_threshold == Decimal("20.00")
    assert [(r.judge_id, r.total, r.others_mean, r.deviation) for r in report.review_outliers] == [
        ("J4", Decimal("50.00"), Decimal("80.00"), Decimal("-30.00")),
    ]


def test_consistency_review_threshold_is_configurable_and_strict():
    scores = {"E1": {"J1": 80, "J2": 82, "J3": 78, "J4": 50}}
    report = consistency_compute(reviews=rows(scores), max_total=100, deviation_fraction=0.1)
    # threshold 10: J4 (-30) and J2 (+12.67) exceed it; J1 (exactly 10) does not; largest first
    assert [(r.judge_id, r.deviation) for r in report.review_outliers] == [
        ("J4", Decimal("-30.00")),
        ("J2", Decimal("12.67")),
    ]


def test_kendall_w_perfect_agreement_is_one():
    # three judges, different levels, same order of the four entries
    matrix = [[90, 85, 95], [80, 75, 85], [70, 65, 75], [60, 55, 65]]
    report = consistency_compute(reviews=matrix_rows(matrix, ["J1", "J2", "J3"]), max_total=100)
    assert report.groups[None].kendall_w == Decimal("1.0000")


def test_kendall_w_textbook_example():
    # rank sums 31, 12, 12, 15, 22, 5, 22, 25 (mean 18); S = 500
    # W = 12 * 500 / (4^2 * (8^3 - 8)) = 6000 / 8064 = 500 / 672 = 0.74405
    farms_by_raters = [list(column) for column in zip(*STRAWBERRIES, strict=True)]
    assert kendall_w(farms_by_raters) == 500 / 672
    report = consistency_compute(reviews=matrix_rows(farms_by_raters, list("ABCD")), max_total=10)
    assert report.groups[None].kendall_w == Decimal("0.7440")


def test_kendall_w_with_ties():
    # ascending average ranks per judge (entries A, B, C, D):
    #   J1 90, 80, 80, 70 -> 4, 2.5, 2.5, 1   T1 = 2^3 - 2 = 6
    #   J2 85, 85, 75, 60 -> 3.5, 3.5, 2, 1   T2 = 6
    #   J3 88, 70, 78, 65 -> 4, 2, 3, 1       T3 = 0
    # rank sums 11.5, 8, 7.5, 3 (mean 7.5): S = 16 + 0.25 + 0 + 20.25 = 36.5
    # W = 12 * 36.5 / (3^2 * (4^3 - 4) - 3 * 12) = 438 / 504 = 0.86905
    matrix = [[90, 85, 88], [80, 85, 70], [80, 75, 78], [70, 60, 65]]
    report = consistency_compute(reviews=matrix_rows(matrix, ["J1", "J2", "J3"]), max_total=100)
    assert report.groups[None].kendall_w == Decimal("0.8690")


def test_kendall_w_all_totals_equal_is_none():
    matrix = [[80, 80], [80, 80], [80, 80]]
    assert kendall_w(matrix) is None
    report = consistency_compute(reviews=matrix_rows(matrix, ["J1", "J2"]), max_total=100)
    assert (report.groups[None].kendall_w, report.groups[None].icc) == (None, None)


def test_icc_shrout_fleiss_example():
    # grand mean 127 / 24; SS rows 1349 / 24, SS judges 2339 / 24, SS total 4055 / 24,
    # SS error 367 / 24. MSR = 1349 / 120 = 11.24, MSC = 2339 / 72 = 32.49, MSE = 367 / 360 = 1.02
    # ICC(2,1) = (MSR - MSE) / (MSR + 3 MSE + 4 (MSC - MSE) / 6) = 184 / 635 = 0.28976
    # (the paper reports .29)
    report = consistency_compute(
        reviews=matrix_rows(SHROUT_FLEISS, ["J1", "J2", "J3", "J4"]), max_total=10
    )
    assert report.groups[None].icc == Decimal("0.2898")
    assert round(icc_2_1(SHROUT_FLEISS), 4) == 0.2898


def test_consistency_agreement_uses_largest_complete_block():
    scores = {
        "E1": {"J1": 90, "J2": 85, "J3": 95},
        "E2": {"J1": 80, "J2": 75, "J3": 85},
        "E3": {"J1": 70, "J2": 65, "J3": 75},
        "E4": {"J1": 60, "J2": 55},  # J3 has not submitted yet: left out of the block
        "E5": {"J4": 50, "J5": 40},
        "E6": {"J4": 40, "J5": 50},
    }
    groups = {"E1": "t", "E2": "t", "E3": "t", "E4": "t", "E5": "t", "E6": "t", "E7": "u"}
    report = consistency_compute(reviews=rows(scores), max_total=100, entry_groups=groups)
    agreement = report.groups["t"]
    assert (agreement.entries_reviewed, agreement.judges) == (6, 5)
    assert agreement.block.judges == ("J1", "J2", "J3")
    assert agreement.block.entries == ("E1", "E2", "E3")
    assert agreement.kendall_w == Decimal("1.0000")
    # the second block: J4 and J5 disagree completely on E5, E6
    # ranks J4: 2, 1; J5: 1, 2 -> rank sums 3, 3 -> S = 0 -> W = 0
    assert [(b.entries, b.kendall_w) for b in agreement.blocks[1:]] == [
        (("E5", "E6"), Decimal("0.0000")),
    ]
    # a group with no review yet is reported with nothing to compute
    assert (report.groups["u"].entries_reviewed, report.groups["u"].kendall_w) == (0, None)


def test_consistency_agreement_without_complete_block_is_none():
    # every entry reviewed by a different pair of judges
    scores = {"E1": {"J1": 80, "J2": 70}, "E2": {"J2": 60, "J3": 65}, "E3": {"J1": 75, "J3": 70}}
    agreement = consistency_compute(reviews=rows(scores), max_total=100).groups[None]
    assert (agreement.kendall_w, agreement.icc, agreement.block, agreement.blocks) == (
        None,
        None,
        None,
        (),
    )
