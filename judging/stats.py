"""Figures for the organiser's charts, judging side: score distributions, judges' leniency and
spread, scoring progress.

The reviews counted are those of the ranking and of the consistency report (`stage_scoring_data`:
submitted reviews of entries that are not withdrawn, minus those of a judge now in conflict), so
the charts agree with the results and the consistency table. Everything is loaded with
`.values_list()` and aggregated in Python over plain numbers: a constant number of queries.

Definitions:
- Score distribution: per track of the entry's team, the review totals in bins of `BIN_WIDTH`
  points from 0 to `Rubric.MAX_TOTAL`; a bin holds totals from its lower bound (included) to its
  upper bound (excluded), except the last, which includes the maximum.
- Leniency (offset) of a judge: the mean of the judge's totals minus the mean of all the stage's
  totals counted; positive = lenient, negative = harsh. Spread: the population standard
  deviation of the judge's totals. (The consistency report's `leniency` compares each review with
  the other judges of the same entry instead; both are returned.)
- Kendall's W and ICC(2,1) per ranking group come from `judging.consistency`, unchanged.
- Scoring progress: `judge_progress` per panel member, with the totals over all members.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from contest.models import Stage, Track, User
from judging.consistency import consistency_compute
from judging.models import Rubric
from judging.selectors.assignment import judge_progress
from judging.selectors.result import group_names, result_settings_for, stage_scoring_data

BIN_WIDTH = 10
TWO_PLACES = Decimal("0.01")


def _decimal(value: float | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(repr(float(value))).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _bins() -> list[tuple[int, int]]:
    top = int(Rubric.MAX_TOTAL)
    return [(low, min(low + BIN_WIDTH, top)) for low in range(0, top, BIN_WIDTH)]


def score_distribution(*, stage: Stage) -> dict:
    """Per track (in the organiser's order; entries of teams without a track last, as None):
    the number of reviews, their mean, and the count of totals in each bin."""
    settings = result_settings_for(stage=stage)
    data = stage_scoring_data(stage=stage, scope=settings.scope)
    entry_track = dict(
        stage.entries.filter(pk__in=list(data.entry_team)).values_list("pk", "team__track_id")
    )
    per_track: dict[int | None, list[float]] = defaultdict(list)
    for _, entry_id, _, total in data.reviews:
        per_track[entry_track.get(entry_id)].append(total)
    bins = _bins()
    edges = np.array([low for low, _ in bins[1:]], dtype=np.float64)
    tracks = list(
        Track.objects.filter(contest_id=stage.contest_id)
        .order_by("order", "id")
        .values_list("pk", "name")
    )
    keys: list[tuple[int | None, str]] = [(pk, name) for pk, name in tracks if pk in per_track]
    if None in per_track:
        keys.append((None, ""))
    out = []
    for key, name in keys:
        totals = np.array(per_track[key], dtype=np.float64)
        # bin i holds [edges[i-1], edges[i]); the maximum falls into the last bin
        counts = np.bincount(np.searchsorted(edges, totals, side="right"), minlength=len(bins))
        out.append(
            {
                "track": key,
                "name": name,
                "reviews": int(totals.size),
                "mean": _decimal(totals.mean()),
                "counts": [int(c) for c in counts[: len(bins)]],
            }
        )
    return {
        "bins": [{"low": low, "high": high} for low, high in bins],
        "tracks": out,
    }


def judge_statistics(*, stage: Stage) -> dict:
    """Each judge's mean, offset from the stage mean (leniency), spread and the consistency
    report's leniency; agreement per ranking group (Kendall's W, ICC); scoring progress per
    panel member with totals."""
    settings = result_settings_for(stage=stage)
    data = stage_scoring_data(stage=stage, scope=settings.scope)
    report = consistency_compute(
        reviews=data.review_rows(),
        max_total=float(Rubric.MAX_TOTAL),
        entry_groups=data.entry_groups,
        deviation_fraction=float(settings.outlier_threshold) / 100,
    )
    per_judge: dict[int, list[float]] = defaultdict(list)
    for _, _, judge_id, total in data.reviews:
        per_judge[judge_id].append(total)
    stage_mean = float(np.mean([r[3] for r in data.reviews])) if data.reviews else None
    names = dict(User.objects.filter(pk__in=list(per_judge)).values_list("pk", "real_name"))
    judges = []
    for judge_id, totals in per_judge.items():
        values = np.array(totals, dtype=np.float64)
        found = report.judges.get(judge_id)
        judges.append(
            {
                "judge": judge_id,
                "name": names.get(judge_id, ""),
                "reviews": int(values.size),
                "mean": _decimal(values.mean()),
                "offset": _decimal(values.mean() - stage_mean),
                "spread": _decimal(values.std()),
                "leniency": found.leniency if found else None,
                "outlier": bool(found.outlier) if found else False,
            }
        )
    judges.sort(key=lambda j: (j["name"], j["judge"]))
    group_label = group_names(stage=stage, scope=settings.scope)
    groups = [
        {
            "group_key": g.group,
            "group_name": group_label.get(g.group, g.group),
            "judges": g.judges,
            "entries_reviewed": g.entries_reviewed,
            "kendall_w": g.kendall_w,
            "icc": g.icc,
        }
        for g in sorted(report.groups.values(), key=lambda g: str(g.group))
    ]
    progress = judge_progress(stage=stage)
    totals = {
        field: sum(row[field] for row in progress) for field in ("assigned", "submitted", "drafts")
    }
    totals["remaining"] = totals["assigned"] - totals["submitted"]
    for row in progress:
        row["remaining"] = row["assigned"] - row["submitted"]
    return {
        "stage_mean": _decimal(stage_mean),
        "judges": judges,
        "groups": groups,
        "progress": progress,
        "progress_total": totals,
    }
