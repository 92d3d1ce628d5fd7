"""Score aggregation and ranking for one stage: pure functions, no models, no database.

Another layer loads the stage's reviews, calls `results_compute` and stores what it returns
(derived numbers are stored, not recomputed on read). Judge-consistency statistics live in
`judging.consistency`, which shares the input parsing and rounding defined here.

Input
-----
Reviews are rows ``(entry_id, judge_id, total, scores)`` (a `ReviewRow` or any 4-tuple): the
judge's weighted rubric total, already in ``[0, max_total]``, and a dict criterion key -> score
(may be empty; only criteria named in a tie-break rule are read). A judge reviews an entry at
most once. Ids are any hashable values; ``entry_groups`` maps *every* entry of the stage to its
ranking group (track / group / challenge), so entries without reviews are known too.

Numbers and rounding
--------------------
Inputs may be int, float or Decimal. All arithmetic runs in float64 (numpy). Every returned score
is a `Decimal` rounded **half-up** (ROUND_HALF_UP, ties away from zero) to **4 decimals**
(`SCORE_PLACES`: the stored precision; rounding to 2 places is for display only).
Before rounding, binary noise below 1e-8 is removed (the scaled value is rounded to 6 decimals
first), so ``(84.1616 + 84.1617) / 2`` -- binary noise in float -- rounds to 84.1617, as it would
by hand. **Ranking and ties use the rounded values**: two entries that show the same final score
are tied on score; tie-break criterion means and each judge's totals (for first places) are
compared after the same rounding.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
from django.db import models

from contest.errors import DomainError
from judging.errors import error

# Places of every score returned (and stored): 61.6667, not 61.67.
SCORE_PLACES = 4
# A standard deviation below this is treated as zero (all totals equal up to float noise).
SD_EPSILON = 1e-9
_NO_VALUE = np.iinfo(np.int64).max  # sort key for "no value": after every real value


class AggregationMethod(models.TextChoices):
    MEAN = "mean", "平均分 Mean of all judges"
    TRIMMED_MEAN = "trimmed_mean", "去掉一个最高分和一个最低分 Trimmed mean"
    MEDIAN = "median", "中位数 Median"


class TieBreakKind(models.TextChoices):
    CRITERION = "criterion", "单项得分高者优先 Higher criterion mean"
    FIRST_PLACES = "first_places", "第一名票数多者优先 More first places"
    PANEL = "panel", "评审组裁定 Panel order"


class ReviewRow(NamedTuple):
    entry_id: Hashable
    judge_id: Hashable
    total: Any  # int | float | Decimal, weighted rubric total in [0, max_total]
    scores: Mapping[str, Any]  # criterion key -> score


# ("criterion", "<key>") | ("first_places", None) | ("panel", {entry_id: order})
TieBreakRule = tuple[str, Any]


@dataclass(frozen=True, slots=True)
class EntryAggregate:
    """One entry's result in a stage.

    raw: the method applied to the judges' totals as submitted. normalised: the method applied to
    z-normalised totals (None unless normalisation is on). final: the panel override if any, else
    normalised (when on) or raw. All three rounded half-up to SCORE_PLACES (4) decimals; None without reviews
    (final can still come from an override). rank: competition rank within the group (1, 2, 2, 4)
    on the rounded final score and the tie-break chain; None (unranked, listed last) when there
    is no final score. tied: shares its rank with another entry after the whole chain.
    decided_by: the tie-break rule that fixed the entry's place among entries with the same final
    score -- the deepest rule the chain had to consult -- None if no other entry had its score or
    if it is still tied. trimmed: one highest and one lowest total were dropped. trim_fallback:
    the trimmed mean was asked for but the entry had fewer reviews than needed, so the plain mean
    was used.
    """

    entry_id: Hashable
    group: Hashable
    review_count: int
    raw: Decimal | None
    normalised: Decimal | None
    final: Decimal | None
    rank: int | None
    tied: bool
    decided_by: TieBreakRule | None
    trimmed: bool
    trim_fallback: bool
    overridden: bool
    override_reason: str | None


@dataclass(frozen=True, slots=True)
class JudgeNormalisation:
    """A judge's parameters for z-normalisation, unrounded so the computation can be redone."""

    count: int
    mean: float
    sd: float  # population SD; 0 when the judge has one review or gave equal totals


@dataclass(frozen=True)
class StageResults:
    method: AggregationMethod
    normalised: bool
    entries: dict[Hashable, EntryAggregate]
    # group -> entry ids in ranking order (ranked by rank, then unranked), for listing
    order: dict[Hashable, list[Hashable]]
    # normalisation parameters, for the record (None / empty when normalisation is off)
    overall_mean: float | None = None
    overall_sd: float | None = None
    judges: dict[Hashable, JudgeNormalisation] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Shared helpers (also used by judging.consistency)


def round_half_up_units(values: Any, places: int = 2) -> np.ndarray:
    """Values -> int64 counts of 10**-places, rounded half-up (away from zero). NaN -> 0."""
    a = np.asarray(values, dtype=np.float64)
    scaled = np.round(np.nan_to_num(a) * 10.0**places, 6)  # drop binary noise first
    return (np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)).astype(np.int64)


class DecimalCache(dict):
    """Integer units -> Decimal with a fixed number of places; scores repeat a lot."""

    def __init__(self, places: int):
        super().__init__()
        self.places = places

    def __missing__(self, units: int) -> Decimal:
        value = self[units] = Decimal(units).scaleb(-self.places)
        return value


def to_decimal(value: float | None, places: int = 2) -> Decimal | None:
    """One value rounded half-up to `places` decimals as a Decimal; None and NaN stay None."""
    if value is None or value != value:
        return None
    return Decimal(int(round_half_up_units(value, places))).scaleb(-places)


@dataclass
class ParsedReviews:
    """Reviews as parallel numpy arrays of codes; ids are recovered through the lists."""

    entry_ids: list[Hashable]
    entry_groups: list[Hashable]
    judge_ids: list[Hashable]
    entry: np.ndarray  # int64 entry code per review
    judge: np.ndarray  # int64 judge code per review
    total: np.ndarray  # float64
    criteria: dict[str, np.ndarray]  # criterion key -> float64 per review, NaN when absent


def _invalid(code: str, **details: Any) -> DomainError:
    return error(f"aggregation.{code}", details=details)


def reviews_parse(
    *,
    reviews: Iterable[Sequence[Any]],
    max_total: float,
    entry_groups: Mapping[Hashable, Hashable] | None,
    criteria: Sequence[str] = (),
) -> ParsedReviews:
    """Check and convert review rows. With `entry_groups`, a review of an unknown entry is an
    error; without, entries are taken from the reviews and all sit in group None."""
    max_total = float(max_total)
    if not max_total > 0:
        raise _invalid("max_total")
    if entry_groups is None:
        entry_index: dict[Hashable, int] = {}
        groups: list[Hashable] = []
        fixed = False
    else:
        entry_index = {entry_id: i for i, entry_id in enumerate(entry_groups)}
        groups = list(entry_groups.values())
        fixed = True
    judge_index: dict[Hashable, int] = {}
    entries: list[int] = []
    judges: list[int] = []
    totals: list[Any] = []
    columns: list[list[float]] = [[] for _ in criteria]
    nan = float("nan")
    for entry_id, judge_id, total, scores in reviews:
        e = entry_index.get(entry_id)
        if e is None:
            if fixed:
                raise _invalid(
                    "unknown_entry",
                    entry_id=entry_id,
                )
            e = entry_index[entry_id] = len(groups)
            groups.append(None)
        j = judge_index.get(judge_id)
        if j is None:
            j = judge_index[judge_id] = len(judge_index)
        entries.append(e)
        judges.append(j)
        totals.append(total)
        for key, column in zip(criteria, columns, strict=True):
            value = scores.get(key) if scores else None
            column.append(nan if value is None else value)

    entry = np.array(entries, dtype=np.int64)
    judge = np.array(judges, dtype=np.int64)
    total = np.array(totals, dtype=np.float64)
    bad = ~np.isfinite(total) | (total < 0) | (np.round(total - max_total, 6) > 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise _invalid(
            "score_out_of_range",
            entry_id=list(entry_index)[entries[i]],
            total=str(totals[i]),
            max_total=max_total,
        )
    if len(entry):
        pair = entry * len(judge_index) + judge
        if np.unique(pair).size != pair.size:
            raise _invalid("duplicate_review")
    return ParsedReviews(
        entry_ids=list(entry_index),
        entry_groups=groups,
        judge_ids=list(judge_index),
        entry=entry,
        judge=judge,
        total=total,
        criteria={
            key: np.array(column, dtype=np.float64)
            for key, column in zip(criteria, columns, strict=True)
        },
    )


def entry_sums(entry: np.ndarray, values: np.ndarray, n_entries: int) -> tuple[np.ndarray, ...]:
    """Per entry: (count, sum) of the values."""
    counts = np.bincount(entry, minlength=n_entries)
    sums = np.bincount(entry, weights=values, minlength=n_entries)
    return counts, sums


# --------------------------------------------------------------------------------------------
# Aggregation


def _aggregate(
    entry: np.ndarray,
    values: np.ndarray,
    n_entries: int,
    method: AggregationMethod,
    trim_min_reviews: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per entry: (count, aggregate or NaN, trim applied, trim fell back to mean)."""
    counts = np.bincount(entry, minlength=n_entries)
    result = np.full(n_entries, np.nan)
    trimmed = np.zeros(n_entries, dtype=bool)
    fallback = np.zeros(n_entries, dtype=bool)
    has = counts > 0
    if not has.any():
        return counts, result, trimmed, fallback
    order = np.lexsort((values, entry))  # by entry, then value ascending
    ordered = values[order]
    starts = (np.cumsum(counts) - counts)[has]
    n = counts[has]
    if method == AggregationMethod.MEDIAN:
        result[has] = (ordered[starts + (n - 1) // 2] + ordered[starts + n // 2]) / 2
        return counts, result, trimmed, fallback
    sums = np.add.reduceat(ordered, starts)  # segments are exactly each entry's reviews
    if method == AggregationMethod.TRIMMED_MEAN:
        can = n >= trim_min_reviews
        lowest, highest = ordered[starts], ordered[starts + n - 1]
        trimmed_mean = (sums - lowest - highest) / np.maximum(n - 2, 1)
        result[has] = np.where(can, trimmed_mean, sums / n)
        trimmed[has] = can
        fallback[has] = ~can
    else:
        result[has] = sums / n
    return counts, result, trimmed, fallback


def _class_weights_check(
    reviewer_classes: Mapping[Hashable, str] | None, class_weights: Mapping[str, Any] | None
) -> list[tuple[str, float]]:
    """[(class, weight)], experts ("") first, from the named classes' weights. Refused
    (`aggregation.class_weight`) unless each named class has 0 < w and their sum is < 1."""
    if not class_weights:
        return [("", 1.0)]
    named = []
    for name, weight in class_weights.items():
        w = float(weight)
        if not (isinstance(name, str) and name and w > 0):
            raise _invalid("class_weight", reviewer_class=str(name), weight=str(weight))
        named.append((name, w))
    expert = 1.0 - sum(w for _, w in named)
    if not np.round(expert, 9) > 0:
        raise _invalid("class_weight", reviewer_class="", weight=str(expert))
    return [("", expert), *sorted(named)]


def _review_classes(
    parsed: ParsedReviews,
    reviewer_classes: Mapping[Hashable, str] | None,
    weights: list[tuple[str, float]],
) -> np.ndarray:
    """Per review: the index of its judge's class in `weights` (0: experts). A judge named
    with a class that has no weight counts as an expert."""
    code = {name: i for i, (name, _) in enumerate(weights)}
    if len(weights) == 1 or not reviewer_classes:
        return np.zeros(parsed.entry.size, dtype=np.int64)
    of_judge = np.array(
        [code.get(reviewer_classes.get(j, ""), 0) for j in parsed.judge_ids], dtype=np.int64
    )
    return of_judge[parsed.judge] if parsed.judge.size else np.zeros(0, dtype=np.int64)


def _by_class(
    entry: np.ndarray,
    values: np.ndarray,
    n_entries: int,
    method: AggregationMethod,
    trim_min_reviews: int,
    review_class: np.ndarray,
    weights: list[tuple[str, float]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_aggregate`, per reviewer class, combined with the classes' weights.

    The stage's method (mean, trimmed mean, median) is applied within each class on its own;
    an entry's score is then ``sum(w_c * a_c) / sum(w_c)`` over the classes that reviewed it.
    With both classes: ``w * publisher + (1 - w) * experts``; with only one class's reviews,
    that class's score alone (the weights are re-based on the classes present). Counts are of
    every review; the trim flags are the experts' (class 0)."""
    if len(weights) == 1:
        return _aggregate(entry, values, n_entries, method, trim_min_reviews)
    counts = np.bincount(entry, minlength=n_entries)
    weighted = np.zeros(n_entries)
    weight_present = np.zeros(n_entries)
    trimmed = fallback = None
    for c, (_, w) in enumerate(weights):
        mask = review_class == c
        _, aggregate, t, f = _aggregate(
            entry[mask], values[mask], n_entries, method, trim_min_reviews
        )
        if c == 0:
            trimmed, fallback = t, f
        present = ~np.isnan(aggregate)
        weighted[present] += w * aggregate[present]
        weight_present[present] += w
    result = np.full(n_entries, np.nan)
    has = weight_present > 0
    result[has] = weighted[has] / weight_present[has]
    return counts, result, trimmed, fallback


def _normalise(
    parsed: ParsedReviews, max_total: float
) -> tuple[np.ndarray, float, float, np.ndarray, np.ndarray, np.ndarray]:
    """Per-review normalised totals and the parameters used (see `reviews_normalise`)."""
    judge, x = parsed.judge, parsed.total
    n_judges = len(parsed.judge_ids)
    counts = np.bincount(judge, minlength=n_judges)
    means = np.bincount(judge, weights=x, minlength=n_judges) / np.maximum(counts, 1)
    deviation = x - means[judge]
    sds = np.sqrt(
        np.bincount(judge, weights=deviation * deviation, minlength=n_judges)
        / np.maximum(counts, 1)
    )
    sds[sds < SD_EPSILON] = 0.0
    sd_of_review = sds[judge]
    z = np.divide(deviation, sd_of_review, out=np.zeros_like(x), where=sd_of_review > 0)
    overall_mean = float(x.mean()) if x.size else 0.0
    overall_sd = float(x.std()) if x.size else 0.0
    normalised = np.clip(overall_mean + z * overall_sd, 0.0, float(max_total))
    return normalised, overall_mean, overall_sd, counts, means, sds


@dataclass(frozen=True)
class NormalisedReviews:
    """Per-review raw and normalised totals in input order, with the parameters used."""

    rows: list[tuple[Hashable, Hashable, Decimal, Decimal]]  # (entry, judge, raw, normalised)
    overall_mean: float
    overall_sd: float
    judges: dict[Hashable, JudgeNormalisation]


def reviews_normalise(*, reviews: Iterable[Sequence[Any]], max_total: float) -> NormalisedReviews:
    """Per-judge z-score normalisation of review totals, for display beside the raw totals.

    Over all reviews passed in (one stage): for judge j with totals x,
    ``z = (x - mean_j) / sd_j`` (population SD; ``z = 0`` when the judge has one review or
    ``sd_j = 0``), then ``normalised = clip(M + z * S, 0, max_total)`` where M and S are the mean
    and population SD of all totals in the stage. A judge's ordering of entries is kept; a
    lenient or harsh judge's level and a narrow or wide judge's spread are removed.
    """
    parsed = reviews_parse(reviews=reviews, max_total=max_total, entry_groups=None)
    normalised, overall_mean, overall_sd, counts, means, sds = _normalise(parsed, max_total)
    raw_units = round_half_up_units(parsed.total, SCORE_PLACES).tolist()
    norm_units = round_half_up_units(normalised, SCORE_PLACES).tolist()
    dec = DecimalCache(SCORE_PLACES)
    rows = [
        (parsed.entry_ids[e], parsed.judge_ids[j], dec[r], dec[n])
        for e, j, r, n in zip(
            parsed.entry.tolist(), parsed.judge.tolist(), raw_units, norm_units, strict=True
        )
    ]
    return NormalisedReviews(
        rows=rows,
        overall_mean=overall_mean,
        overall_sd=overall_sd,
        judges=_judge_parameters(parsed, counts, means, sds),
    )


def _judge_parameters(parsed, counts, means, sds) -> dict[Hashable, JudgeNormalisation]:
    return {
        judge_id: JudgeNormalisation(count=int(c), mean=float(m), sd=float(s))
        for judge_id, c, m, s in zip(parsed.judge_ids, counts, means, sds, strict=True)
    }


# --------------------------------------------------------------------------------------------
# Ranking


def _check_rules(tie_breaks: Sequence[TieBreakRule]) -> list[tuple[TieBreakKind, Any]]:
    rules = []
    for rule in tie_breaks:
        try:
            kind, argument = rule
            kind = TieBreakKind(kind)
        except (TypeError, ValueError):
            raise _invalid("tie_break", rule=repr(rule)) from None
        if kind == TieBreakKind.CRITERION and not (isinstance(argument, str) and argument):
            raise _invalid("tie_break")
        if kind == TieBreakKind.PANEL and not isinstance(argument, Mapping):
            raise _invalid("tie_break")
        rules.append((kind, argument))
    return rules


def _tie_break_keys(
    rules: list[tuple[TieBreakKind, Any]], parsed: ParsedReviews, group_code: np.ndarray
) -> list[np.ndarray]:
    """One ascending sort key per rule (smaller = better) over all entries."""
    n_entries = len(parsed.entry_ids)
    keys = []
    for kind, argument in rules:
        if kind == TieBreakKind.CRITERION:
            values = parsed.criteria[argument]
            present = ~np.isnan(values)
            counts, sums = entry_sums(parsed.entry[present], values[present], n_entries)
            means = np.divide(sums, counts, out=np.zeros(n_entries), where=counts > 0)
            keys.append(np.where(counts > 0, -round_half_up_units(means, SCORE_PLACES), _NO_VALUE))
        elif kind == TieBreakKind.FIRST_PLACES:
            keys.append(-_first_places(parsed, group_code))
        else:
            index = {entry_id: i for i, entry_id in enumerate(parsed.entry_ids)}
            key = np.full(n_entries, np.inf)
            for entry_id, position in argument.items():
                if entry_id in index:
                    key[index[entry_id]] = float(position)
            keys.append(key)
    return keys


def _first_places(parsed: ParsedReviews, group_code: np.ndarray) -> np.ndarray:
    """Per entry: how many judges gave it their highest total among the entries that judge
    reviewed in the entry's group. Totals are compared rounded to SCORE_PLACES; a judge whose top
    total is shared counts a first place for each of those entries."""
    n_groups = int(group_code.max()) + 1 if group_code.size else 1
    units = round_half_up_units(parsed.total, SCORE_PLACES)
    cell = parsed.judge * n_groups + group_code[parsed.entry]
    best = np.full(len(parsed.judge_ids) * n_groups, np.iinfo(np.int64).min)
    np.maximum.at(best, cell, units)
    first = units == best[cell]
    return np.bincount(parsed.entry[first], minlength=len(parsed.entry_ids))


def _rank(
    group_code: np.ndarray,
    final_units: np.ndarray,
    has_final: np.ndarray,
    keys: list[np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort order, rank (0 when unranked), tied flag and deciding rule index (-1: none)."""
    n = group_code.size
    depth_of_chain = len(keys)
    order = np.lexsort((*reversed(keys), -final_units, ~has_final, group_code))
    g, ok, f = group_code[order], has_final[order], final_units[order]
    same_score = (g[1:] == g[:-1]) & ok[1:] & ok[:-1] & (f[1:] == f[:-1])  # pair (i, i+1)
    if depth_of_chain:
        differs = np.stack([k[order][1:] != k[order][:-1] for k in keys])
        first_difference = np.where(differs.any(axis=0), differs.argmax(axis=0), depth_of_chain)
    else:
        first_difference = np.zeros(max(n - 1, 0), dtype=np.int64)
    full_tie = same_score & (first_difference == depth_of_chain)
    pair_depth = np.where(same_score, first_difference, -1)
    depth = np.full(n, -1)
    if n > 1:
        depth[1:] = np.maximum(depth[1:], pair_depth)
        depth[:-1] = np.maximum(depth[:-1], pair_depth)
    tied = np.zeros(n, dtype=bool)
    tied[1:] |= full_tie
    tied[:-1] |= full_tie
    decided = np.where(tied | (depth >= depth_of_chain), -1, depth)
    position = np.arange(n)
    new_group = np.ones(n, dtype=bool)
    new_group[1:] = g[1:] != g[:-1]
    new_run = new_group.copy()
    new_run[1:] |= ~full_tie
    group_start = np.maximum.accumulate(np.where(new_group, position, 0))
    run_start = np.maximum.accumulate(np.where(new_run, position, 0))
    rank = np.where(ok, run_start - group_start + 1, 0)
    # back from sorted positions to entry codes
    out_rank, out_tied, out_decided = (np.empty_like(a) for a in (rank, tied, decided))
    out_rank[order], out_tied[order], out_decided[order] = rank, tied, decided
    return order, out_rank, out_tied, out_decided


# --------------------------------------------------------------------------------------------
# The stage


def results_compute(
    *,
    reviews: Iterable[Sequence[Any]],
    entry_groups: Mapping[Hashable, Hashable],
    max_total: float,
    method: str = AggregationMethod.MEAN,
    trim_min_reviews: int = 5,
    normalise: bool = False,
    overrides: Mapping[Hashable, tuple[Any, str]] | None = None,
    tie_breaks: Sequence[TieBreakRule] = (),
    reviewer_classes: Mapping[Hashable, str] | None = None,
    class_weights: Mapping[str, Any] | None = None,
) -> StageResults:
    """Aggregate the stage's reviews per entry and rank the entries within their groups.

    Methods (`AggregationMethod`), applied to each entry's submitted reviews only (a missing
    review is left out and `review_count` says how many there were; with none, no score):
    - mean: the plain mean of the judges' totals.
    - trimmed_mean (去掉一个最高分和一个最低分): drop exactly one highest and one lowest total when
      the entry has at least `trim_min_reviews` (default 5, at least 3) reviews; with fewer, the
      plain mean, and `trim_fallback` is set.
    - median: the middle total, or the mean of the two middle ones for an even count.

    normalise: apply the method to per-judge z-normalised totals as well (formula in
    `reviews_normalise`; parameters come from all reviews passed in) and use that as the final
    score; the raw aggregate is always returned beside it.

    overrides (合议): entry_id -> (score, reason). The panel's score, within [0, max_total],
    replaces the computed final score; `overridden` and `override_reason` record it.

    Ranking, per group of `entry_groups`: higher rounded final score first; entries with equal
    rounded scores go through `tie_breaks` in order (see `TieBreakKind`):
    - ("criterion", key): higher mean of that criterion over the entry's submitted reviews
      (plain mean, neither trimmed nor normalised; rounded to 4 decimals; no value ranks last);
    - ("first_places", None): more judges whose highest total (raw, rounded) among the entries
      they reviewed in this group went to this entry;
    - ("panel", {entry_id: order}): smaller order first; entries not listed come after.
    Entries still equal share a rank (competition ranking 1, 2, 2, 4). Entries without a final
    score are unranked (rank None) and listed last.

    Reviewer classes (评榜 by publishers): `reviewer_classes` maps judge id -> class name (e.g.
    "publisher"); judges not named are experts (class ""). `class_weights` gives each named
    class a fraction of the score (0 < w < 1; the experts get 1 - the sum). See `_by_class`.
    """
    method = AggregationMethod(method)
    weights = _class_weights_check(reviewer_classes, class_weights)
    if trim_min_reviews < 3:
        raise _invalid("trim_min_reviews")
    max_total = float(max_total)
    rules = _check_rules(tie_breaks)
    criteria = sorted({arg for kind, arg in rules if kind == TieBreakKind.CRITERION})
    parsed = reviews_parse(
        reviews=reviews, max_total=max_total, entry_groups=entry_groups, criteria=criteria
    )
    n_entries = len(parsed.entry_ids)

    review_class = _review_classes(parsed, reviewer_classes, weights)
    counts, raw, trimmed, fallback = _by_class(
        parsed.entry, parsed.total, n_entries, method, trim_min_reviews, review_class, weights
    )
    normalised = None
    extra: dict[str, Any] = {}
    final = raw
    if normalise:
        values, overall_mean, overall_sd, j_counts, j_means, j_sds = _normalise(parsed, max_total)
        _, normalised, _, _ = _by_class(
            parsed.entry, values, n_entries, method, trim_min_reviews, review_class, weights
        )
        final = normalised
        extra = {
            "overall_mean": overall_mean,
            "overall_sd": overall_sd,
            "judges": _judge_parameters(parsed, j_counts, j_means, j_sds),
        }

    final = final.copy()
    override_reason: dict[int, str] = {}
    index = {entry_id: i for i, entry_id in enumerate(parsed.entry_ids)}
    for entry_id, (score, reason) in (overrides or {}).items():
        i = index.get(entry_id)
        if i is None:
            raise _invalid(
                "unknown_entry",
                entry_id=entry_id,
            )
        score = float(score)
        if not (score >= 0 and np.round(score - max_total, 6) <= 0):
            raise _invalid(
                "score_out_of_range",
                entry_id=entry_id,
            )
        if not (isinstance(reason, str) and reason.strip()):
            raise _invalid("override_reason", entry_id=entry_id)
        final[i] = score
        override_reason[i] = reason

    group_index: dict[Hashable, int] = {}
    group_code = np.array(
        [group_index.setdefault(g, len(group_index)) for g in parsed.entry_groups], dtype=np.int64
    )
    has_final = ~np.isnan(final)
    final_units = round_half_up_units(final, SCORE_PLACES)
    keys = _tie_break_keys(rules, parsed, group_code)
    order, rank, tied, decided = _rank(group_code, final_units, has_final, keys)

    dec = DecimalCache(SCORE_PLACES)
    raw_units = round_half_up_units(raw, SCORE_PLACES).tolist()
    norm_units = round_half_up_units(normalised, SCORE_PLACES).tolist() if normalise else None
    has_raw = counts > 0
    rule_values = [(str(kind), argument) for kind, argument in rules]
    entries: dict[Hashable, EntryAggregate] = {}
    for i, (entry_id, group, count, raw_u, ok_raw, fin_u, ok_fin, r, t, d, tr, fb) in enumerate(
        zip(
            parsed.entry_ids,
            parsed.entry_groups,
            counts.tolist(),
            raw_units,
            has_raw.tolist(),
            final_units.tolist(),
            has_final.tolist(),
            rank.tolist(),
            tied.tolist(),
            decided.tolist(),
            trimmed.tolist(),
            fallback.tolist(),
            strict=True,
        )
    ):
        entries[entry_id] = EntryAggregate(
            entry_id=entry_id,
            group=group,
            review_count=count,
            raw=dec[raw_u] if ok_raw else None,
            normalised=dec[norm_units[i]] if normalise and ok_raw else None,
            final=dec[fin_u] if ok_fin else None,
            rank=r if ok_fin else None,
            tied=t,
            decided_by=rule_values[d] if d >= 0 else None,
            trimmed=tr,
            trim_fallback=fb,
            overridden=i in override_reason,
            override_reason=override_reason.get(i),
        )
    listing: dict[Hashable, list[Hashable]] = {group: [] for group in group_index}
    for i in order.tolist():
        listing[parsed.entry_groups[i]].append(parsed.entry_ids[i])
    return StageResults(
        method=method, normalised=normalise, entries=entries, order=listing, **extra
    )


# --------------------------------------------------------------------------------------------
# Incremental update


def update_supported(
    *, normalise: bool, tie_breaks: Sequence[TieBreakRule], weighted: bool = False
) -> bool:
    """Whether `results_update` gives what `results_compute` gives: an entry's score must depend
    on its own reviews only (no per-judge z-score) and the tie-break chain on no other entry's
    reviews (the panel's order only; criterion means and first places need every review).
    `weighted` (a reviewer class has a weight, 评榜 by publishers): the incremental caller does
    not pass the judges' classes, so such a stage takes the full path."""
    return (
        not weighted and not normalise and all(kind == TieBreakKind.PANEL for kind, _ in tie_breaks)
    )


def results_update(
    *,
    previous: Mapping[Hashable, EntryAggregate],
    changed: Iterable[Hashable],
    reviews: Iterable[Sequence[Any]],
    entry_groups: Mapping[Hashable, Hashable],
    max_total: float,
    method: str = AggregationMethod.MEAN,
    trim_min_reviews: int = 5,
    overrides: Mapping[Hashable, tuple[Any, str]] | None = None,
    tie_breaks: Sequence[TieBreakRule] = (),
) -> StageResults:
    """`results_compute` for a stage of which only the `changed` entries' reviews moved.

    previous: the last results (the stored rows) per entry; reviews: every counted review of
    the changed entries (of no other); entry_groups: every entry of the stage now. Entries not
    in `previous` count as changed. The changed entries are aggregated afresh, the others keep
    their score, and every group is ranked again, so the result equals `results_compute` over
    all reviews whenever `update_supported` holds (a ValueError otherwise)."""
    if not update_supported(normalise=False, tie_breaks=tie_breaks):
        raise ValueError("results_update: only panel tie-breaks without normalisation")
    changed_set = {e for e in changed if e in entry_groups}
    changed_set |= {e for e in entry_groups if e not in previous}
    overrides = overrides or {}
    fresh = results_compute(
        reviews=reviews,
        entry_groups={e: entry_groups[e] for e in entry_groups if e in changed_set},
        max_total=max_total,
        method=method,
        trim_min_reviews=trim_min_reviews,
        overrides={e: o for e, o in overrides.items() if e in changed_set},
    ).entries
    ids = list(entry_groups)
    merged = [fresh[e] if e in changed_set else previous[e] for e in ids]
    group_index: dict[Hashable, int] = {}
    group_code = np.array(
        [group_index.setdefault(entry_groups[e], len(group_index)) for e in ids], dtype=np.int64
    )
    has_final = np.array([a.final is not None for a in merged], dtype=bool)
    final_units = np.array(
        [int(a.final.scaleb(SCORE_PLACES)) if a.final is not None else 0 for a in merged],
        dtype=np.int64,
    )
    rules = _check_rules(tie_breaks)
    keys = []
    for _, argument in rules:
        key = np.full(len(ids), np.inf)
        for i, entry_id in enumerate(ids):
            if entry_id in argument:
                key[i] = float(argument[entry_id])
        keys.append(key)
    order, rank, tied, decided = _rank(group_code, final_units, has_final, keys)
    rule_values = [(str(kind), argument) for kind, argument in rules]
    entries: dict[Hashable, EntryAggregate] = {}
    for i, (entry_id, a) in enumerate(zip(ids, merged, strict=True)):
        ok = bool(has_final[i])
        d = int(decided[i])
        entries[entry_id] = EntryAggregate(
            entry_id=entry_id,
            group=entry_groups[entry_id],
            review_count=a.review_count,
            raw=a.raw,
            normalised=None,
            final=a.final,
            rank=int(rank[i]) if ok else None,
            tied=bool(tied[i]),
            decided_by=rule_values[d] if d >= 0 else None,
            trimmed=a.trimmed,
            trim_fallback=a.trim_fallback,
            overridden=a.overridden,
            override_reason=a.override_reason,
        )
    listing: dict[Hashable, list[Hashable]] = {group: [] for group in group_index}
    for i in order.tolist():
        listing[entry_groups[ids[i]]].append(ids[i])
    return StageResults(
        method=AggregationMethod(method), normalised=False, entries=entries, order=listing
    )
