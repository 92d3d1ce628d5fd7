"""A published snapshot rebuilt from its frozen inputs: pure functions, no models, no database.

`judging.services.result.results_publish` freezes what the ranking was computed from — the
stage's counted reviews (entry, judge, total, the tie-break criteria's scores), its settings, its
合议 overrides and the entries' names and groups — as `ResultSnapshot.inputs`, and builds the
snapshot's `data` with `snapshot_data_from_inputs`. Anyone holding the inputs (a notary, an
objector's expert) recomputes the same ranking and, through `snapshot_canonical`, the same bytes
and sha256:

    snapshot_canonical(snapshot_data_from_inputs(snapshot.inputs)) == snapshot_canonical(snapshot.data)

Inputs (JSON): ``stage``, ``contest``, ``version``, ``max_total`` (string), ``computed_at``
(ISO time of the stored results), ``settings`` (method, trim_min_reviews, normalise, scope,
tie_break, outlier_threshold), ``entries`` ([entry, group_key, group_name, title, team, team_code,
team_name] per ranked entry), ``reviews`` ([entry, judge, total, {criterion key: score}]; numbers
as JSON floats, which round-trip exactly), ``overrides`` ([entry, score string or null,
panel_order or null, reason]). With a publisher weight (评榜): ``settings.publisher_weight``
(percentage string) and ``publisher_judges`` (the judge ids reviewing as publishers).
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

from judging.aggregation import TieBreakKind, results_compute


def snapshot_canonical(data: dict) -> bytes:
    """The bytes a snapshot's sha256 covers: keys sorted, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def snapshot_sha256(data: dict) -> str:
    return hashlib.sha256(snapshot_canonical(data)).hexdigest()


def _number(value) -> str | None:
    return None if value is None else str(value)


def _tie_breaks(tie_break: list[dict], panel_order: dict) -> list[tuple]:
    rules = []
    for item in tie_break:
        rule = item["rule"]
        if rule == TieBreakKind.CRITERION:
            rules.append((rule, item["key"]))
        elif rule == TieBreakKind.PANEL:
            rules.append((rule, panel_order))
        else:
            rules.append((rule, None))
    return rules


def _weighting(inputs: dict) -> dict:
    """评榜 by publishers: ``settings.publisher_weight`` (a percentage string) and
    ``publisher_judges`` (judge ids) are in the inputs only when the weight is set."""
    weight = Decimal(inputs["settings"].get("publisher_weight") or 0)
    if weight <= 0:
        return {}
    return {
        "reviewer_classes": dict.fromkeys(inputs.get("publisher_judges", []), "publisher"),
        "class_weights": {"publisher": weight / 100},
    }


def snapshot_rows_from_inputs(inputs: dict) -> list[dict]:
    """The published rows: the ranking recomputed from the inputs, in ranking order (group key,
    rank, unranked last, entry id)."""
    settings = inputs["settings"]
    entries = {e[0]: e for e in inputs["entries"]}
    entry_groups = {entry: e[1] for entry, e in entries.items()}
    overrides: dict[int, tuple[Decimal, str]] = {}
    panel_order: dict[int, int] = {}
    for entry, score, order, reason in inputs["overrides"]:
        if entry not in entry_groups:
            continue
        if score is not None:
            overrides[entry] = (Decimal(score), reason)
        if order is not None:
            panel_order[entry] = order
    computed = results_compute(
        reviews=[(e, j, t, s) for e, j, t, s in inputs["reviews"]],
        entry_groups=entry_groups,
        max_total=float(Decimal(inputs["max_total"])),
        method=settings["method"],
        trim_min_reviews=settings["trim_min_reviews"],
        normalise=settings["normalise"],
        overrides=overrides,
        tie_breaks=_tie_breaks(settings["tie_break"], panel_order),
        **_weighting(inputs),
    )
    rows = []
    for r in computed.entries.values():
        _, group_key, group_name, title, team, team_code, team_name = entries[r.entry_id]
        rows.append(
            {
                "entry": r.entry_id,
                "title": title,
                "team": team,
                "team_code": team_code,
                "team_name": team_name,
                "group_key": group_key,
                "group_name": group_name,
                "raw": _number(r.raw),
                "normalised": _number(r.normalised),
                "final": _number(r.final),
                "rank": r.rank,
                "tied": r.tied,
                "overridden": r.overridden,
                "review_count": r.review_count,
            }
        )
    rows.sort(
        key=lambda row: (row["group_key"], row["rank"] is None, row["rank"] or 0, row["entry"])
    )
    return rows


def snapshot_data_from_inputs(inputs: dict) -> dict:
    """The snapshot's `data` (what its sha256 covers), rebuilt from its frozen inputs."""
    return {
        "stage": inputs["stage"],
        "contest": inputs["contest"],
        "version": inputs["version"],
        "settings": inputs["settings"],
        "computed_at": inputs["computed_at"],
        "rows": snapshot_rows_from_inputs(inputs),
    }
