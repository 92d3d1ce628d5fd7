"""Judge consistency for one stage: leniency, spread, agreement and outlier flags. Pure module.

Works on whatever has been submitted so far, so it can run while scoring is still open: every
statistic uses only the reviews present and says how many it used, or is None when there is not
enough data. Input rows and validation are those of `judging.aggregation` (raw totals only;
normalisation plays no part here).

Definitions (population SDs throughout, i.e. divided by n):
- A review's deviation: its total minus the mean of the *other* judges' totals on the same entry
  (needs at least one other review of that entry).
- Leniency of a judge: the mean of the deviations of the judge's reviews; positive = lenient,
  negative = harsh. None when none of the judge's entries has another review yet.
- Spread: the SD of the judge's own totals (0 for a single review).
- Lenient/harsh outlier: |leniency - mean of all leniencies| > `leniency_sd_limit` (default 2) x
  the SD of all judges' leniencies (judges with a leniency only). With fewer than 6 judges no
  judge can lie beyond 2 SD, so small panels are never flagged.
- Review outlier: |deviation| > `deviation_fraction` (default 0.2) x max_total.
- Agreement per group: Kendall's W (with tie correction) and ICC(2,1) (Shrout & Fleiss 1979:
  two-way random effects, absolute agreement, single rater). Both need complete judge x entry
  data. Entries of the group are split into blocks by the exact set of judges who reviewed them;
  a block with at least 2 judges and 2 entries is complete by construction. Each such block is
  reported, and the group's headline W and ICC come from the block with the most entries (then
  the most judges). Entries outside it are left out, not imputed; with no such block W and ICC
  are None. So a panel that reviewed the whole track gives one block; a stage spread over many
  small panels gives one block per panel.

Rounding: leniency, spread, means and deviations are Decimals rounded half-up to 2 decimals, W and
ICC to 4 decimals. Flags are decided on the unrounded values (binary noise below 1e-6 ignored).
Kendall's W ranks each judge's totals after rounding them to 2 decimals, so equal displayed
totals are ties.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from scipy.stats import rankdata

from judging.aggregation import (
    SD_EPSILON,
    DecimalCache,
    ParsedReviews,
    entry_sums,
    reviews_parse,
    round_half_up_units,
    to_decimal,
)


@dataclass(frozen=True, slots=True)
class JudgeConsistency:
    judge_id: Hashable
    count: int  # reviews submitted
    compared: int  # of those, reviews of entries that another judge has also reviewed
    mean: Decimal
    spread: Decimal  # population SD of the judge's totals
    leniency: Decimal | None  # mean deviation from the other judges; None when compared == 0
    outlier: bool  # leniency beyond the limit (too lenient if leniency > 0, too harsh if < 0)


@dataclass(frozen=True, slots=True)
class ReviewDeviation:
    entry_id: Hashable
    judge_id: Hashable
    total: Decimal
    others_mean: Decimal
    deviation: Decimal  # total - others_mean


@dataclass(frozen=True, slots=True)
class BlockAgreement:
    judges: tuple[Hashable, ...]
    entries: tuple[Hashable, ...]
    kendall_w: Decimal | None  # None when every judge gave all entries the same total
    icc: Decimal | None  # ICC(2,1); None when all totals in the block are equal


@dataclass(frozen=True, slots=True)
class GroupAgreement:
    group: Hashable
    entries_reviewed: int
    judges: int
    kendall_w: Decimal | None  # of `block`
    icc: Decimal | None  # ICC(2,1) of `block`
    block: BlockAgreement | None  # the largest complete block, None if there is none
    blocks: tuple[BlockAgreement, ...]  # every complete block, largest first


@dataclass(frozen=True)
class ConsistencyReport:
    judges: dict[Hashable, JudgeConsistency]
    groups: dict[Hashable, GroupAgreement]
    review_outliers: list[ReviewDeviation]  # largest |deviation| first
    deviation_threshold: Decimal  # deviation_fraction x max_total
    leniency_mean: Decimal | None
    leniency_sd: Decimal | None


def kendall_w_batch(stack: np.ndarray) -> np.ndarray:
    """Kendall's W for a stack of blocks x entries x judges, with the tie correction:
    ``W = 12 S / (m^2 (n^3 - n) - m sum_j T_j)``. S is the sum of squared deviations of the
    entries' rank sums from their mean; ranks are average ranks within each judge;
    ``T_j = sum (t^3 - t)`` over the judge's groups of t tied entries, obtained from
    ``sum_i r_ij^2 = n (n + 1) (2n + 1) / 6 - T_j / 12``. NaN where the denominator is 0
    (every judge gave all entries the same total)."""
    _, n, m = stack.shape
    ranks = rankdata(stack, axis=1, method="average")
    rank_sums = ranks.sum(axis=2)
    s = ((rank_sums - rank_sums.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    ties = np.rint(12 * (n * (n + 1) * (2 * n + 1) / 6 - (ranks**2).sum(axis=1))).sum(axis=1)
    denominator = m * m * (n**3 - n) - m * ties
    return np.divide(12 * s, denominator, out=np.full(s.shape, np.nan), where=denominator > 0)


def icc_2_1_batch(stack: np.ndarray) -> np.ndarray:
    """ICC(2,1) for a stack of blocks x entries x judges: two-way ANOVA per block,
    ``(MSR - MSE) / (MSR + (k - 1) MSE + k (MSC - MSE) / n)`` with MSR the entries' (rows')
    mean square, MSC the judges' (columns') and MSE the residual one. NaN where the denominator
    is 0 (all totals of the block equal)."""
    _, n, k = stack.shape
    grand = stack.mean(axis=(1, 2))
    ss_rows = k * ((stack.mean(axis=2) - grand[:, None]) ** 2).sum(axis=1)
    ss_cols = n * ((stack.mean(axis=1) - grand[:, None]) ** 2).sum(axis=1)
    ss_error = ((stack - grand[:, None, None]) ** 2).sum(axis=(1, 2)) - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_cols = ss_cols / (k - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    denominator = ms_rows + (k - 1) * ms_error + k * (ms_cols - ms_error) / n
    out = np.full(grand.shape, np.nan)
    return np.divide(ms_rows - ms_error, denominator, out=out, where=denominator > SD_EPSILON)


def kendall_w(matrix: Any) -> float | None:
    """Kendall's W of one entries x judges matrix (see `kendall_w_batch`); None if undefined."""
    w = float(kendall_w_batch(np.asarray(matrix, dtype=np.float64)[None])[0])
    return None if np.isnan(w) else w


def icc_2_1(matrix: Any) -> float | None:
    """ICC(2,1) of one entries x judges matrix (see `icc_2_1_batch`); None if undefined."""
    icc = float(icc_2_1_batch(np.asarray(matrix, dtype=np.float64)[None])[0])
    return None if np.isnan(icc) else icc


def _to_decimals(values: np.ndarray, places: int, cache: DecimalCache) -> list[Decimal | None]:
    units = round_half_up_units(values, places).tolist()
    return [
        None if missing else cache[u] for u, missing in zip(units, np.isnan(values), strict=True)
    ]


def _blocks(parsed: ParsedReviews) -> dict[Hashable, tuple[int, int, list[BlockAgreement]]]:
    """Per group: (entries reviewed, judges, complete blocks largest first)."""
    order = np.lexsort((parsed.judge, parsed.entry))  # by entry, then judge code
    judges = parsed.judge[order].tolist()
    counts = np.bincount(parsed.entry, minlength=len(parsed.entry_ids))
    starts = np.cumsum(counts) - counts
    by_set: dict[tuple[Hashable, tuple[int, ...]], list[int]] = {}
    # every group is reported, also one whose entries have no review yet
    group_judges: dict[Hashable, set[int]] = {group: set() for group in parsed.entry_groups}
    group_entries: dict[Hashable, int] = dict.fromkeys(group_judges, 0)
    for e, (s, c, group) in enumerate(
        zip(starts.tolist(), counts.tolist(), parsed.entry_groups, strict=True)
    ):
        if c:
            judge_set = tuple(judges[s : s + c])
            by_set.setdefault((group, judge_set), []).append(e)
            group_judges[group].update(judge_set)
            group_entries[group] += 1

    # complete blocks of the same shape are computed together, as one 3-d array
    by_shape: dict[tuple[int, int], list[tuple[Hashable, tuple[int, ...], list[int]]]] = {}
    for (group, judge_set), block_entries in by_set.items():
        if len(judge_set) >= 2 and len(block_entries) >= 2:
            shape = (len(block_entries), len(judge_set))
            by_shape.setdefault(shape, []).append((group, judge_set, block_entries))
    totals = parsed.total[order]
    units = round_half_up_units(totals).astype(np.float64)  # W ranks the rounded totals
    dec4 = DecimalCache(4)
    blocks: dict[Hashable, list[BlockAgreement]] = {group: [] for group in group_entries}
    for (_, k), members in by_shape.items():
        first = starts[np.array([block_entries for _, _, block_entries in members])]
        cells = first[:, :, None] + np.arange(k)  # blocks x entries x judges -> review position
        w = _to_decimals(kendall_w_batch(units[cells]), 4, dec4)
        icc = _to_decimals(icc_2_1_batch(totals[cells]), 4, dec4)
        for b, (group, judge_set, block_entries) in enumerate(members):
            blocks[group].append(
                BlockAgreement(
                    judges=tuple(parsed.judge_ids[j] for j in judge_set),
                    entries=tuple(parsed.entry_ids[e] for e in block_entries),
                    kendall_w=w[b],
                    icc=icc[b],
                )
            )
    for group_blocks in blocks.values():
        group_blocks.sort(key=lambda b: (-len(b.entries), -len(b.judges)))
    return {
        group: (group_entries[group], len(group_judges[group]), blocks[group])
        for group in group_entries
    }


def consistency_compute(
    *,
    reviews: Iterable[Sequence[Any]],
    max_total: float,
    entry_groups: Mapping[Hashable, Hashable] | None = None,
    deviation_fraction: float = 0.2,
    leniency_sd_limit: float = 2.0,
) -> ConsistencyReport:
    """Judge statistics, per-group agreement and outlier flags for the reviews submitted so far.

    entry_groups: entry -> group for the agreement statistics; without it all entries form one
    group (None). Definitions are in the module docstring.
    """
    parsed = reviews_parse(reviews=reviews, max_total=max_total, entry_groups=entry_groups)
    n_entries, n_judges = len(parsed.entry_ids), len(parsed.judge_ids)
    e, j, x = parsed.entry, parsed.judge, parsed.total

    # deviation of each review from the mean of the other reviews of its entry
    counts, sums = entry_sums(e, x, n_entries)
    others = counts[e] - 1
    compared = others > 0
    others_mean = np.divide(sums[e] - x, others, out=np.zeros_like(x), where=compared)
    deviation = np.where(compared, x - others_mean, 0.0)

    judge_counts = np.bincount(j, minlength=n_judges)
    judge_means = np.bincount(j, weights=x, minlength=n_judges) / np.maximum(judge_counts, 1)
    spread = np.sqrt(
        np.bincount(j, weights=(x - judge_means[j]) ** 2, minlength=n_judges)
        / np.maximum(judge_counts, 1)
    )
    judge_compared = np.bincount(j[compared], minlength=n_judges)
    leniency = np.bincount(j[compared], weights=deviation[compared], minlength=n_judges)
    leniency = np.divide(leniency, judge_compared, out=np.zeros(n_judges), where=judge_compared > 0)

    with_leniency = judge_compared > 0
    outlier = np.zeros(n_judges, dtype=bool)
    leniency_mean = leniency_sd = None
    if with_leniency.any():
        values = leniency[with_leniency]
        leniency_mean, leniency_sd = float(values.mean()), float(values.std())
        if leniency_sd > SD_EPSILON:
            distance = np.round(np.abs(values - leniency_mean), 6)
            outlier[with_leniency] = distance > np.round(leniency_sd_limit * leniency_sd, 6)

    dec = DecimalCache(2)
    judges = {
        judge_id: JudgeConsistency(
            judge_id=judge_id,
            count=count,
            compared=n_compared,
            mean=dec[mean_u],
            spread=dec[spread_u],
            leniency=dec[len_u] if n_compared else None,
            outlier=flag,
        )
        for judge_id, count, n_compared, mean_u, spread_u, len_u, flag in zip(
            parsed.judge_ids,
            judge_counts.tolist(),
            judge_compared.tolist(),
            round_half_up_units(judge_means).tolist(),
            round_half_up_units(spread).tolist(),
            round_half_up_units(leniency).tolist(),
            outlier.tolist(),
            strict=True,
        )
    }

    threshold = float(deviation_fraction) * float(max_total)
    flagged = np.flatnonzero(compared & (np.round(np.abs(deviation), 6) > np.round(threshold, 6)))
    flagged = flagged[np.argsort(-np.abs(deviation[flagged]), kind="stable")]
    rounded = [round_half_up_units(a[flagged]).tolist() for a in (x, others_mean, deviation)]
    review_outliers = [
        ReviewDeviation(
            entry_id=parsed.entry_ids[e[i]],
            judge_id=parsed.judge_ids[j[i]],
            total=dec[total_u],
            others_mean=dec[others_u],
            deviation=dec[deviation_u],
        )
        for i, total_u, others_u, deviation_u in zip(flagged.tolist(), *rounded, strict=True)
    ]

    groups = {}
    for group, (n_reviewed, n_group_judges, blocks) in _blocks(parsed).items():
        head = blocks[0] if blocks else None
        groups[group] = GroupAgreement(
            group=group,
            entries_reviewed=n_reviewed,
            judges=n_group_judges,
            kendall_w=head.kendall_w if head else None,
            icc=head.icc if head else None,
            block=head,
            blocks=tuple(blocks),
        )
    return ConsistencyReport(
        judges=judges,
        groups=groups,
        review_outliers=review_outliers,
        deviation_threshold=to_decimal(threshold),
        leniency_mean=to_decimal(leniency_mean),
        leniency_sd=to_decimal(leniency_sd),
    )
