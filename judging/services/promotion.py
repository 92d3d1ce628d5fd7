"""Promotion (晋级) from one stage to the next, and recommendation (推荐) to the parent contest."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from contest.enums import EntryStatus, StageKind
from contest.models import Contest, Entry, Stage
from contest.permissions import permission_require
from contest.services.entry import entry_files_carry
from judging.enums import PromotionRule
from judging.errors import error
from judging.models import Promotion, ResultSnapshot, Rubric
from judging.phases import phase_require
from judging.selectors import snapshot_latest
from judging.selectors.formal_check import formal_passed_entry_ids
from judging.services.audit import audit_record
from judging.signals import entries_promoted


@dataclass(frozen=True)
class PromotionOutcome:
    promoted: list[int]  # entry ids of from_stage newly promoted by this call
    already: list[int]  # selected entries that had been promoted before (left as they were)
    entries_created: int  # draft entries created in to_stage
    snapshot_version: int | None  # the published ranking the rule was applied to


def _invalid(code: str, field: str, **params):
    """The catalogue's error for `code`, flagged on `field`; an `entry_ids` param goes to details."""
    details = {k: params.pop(k) for k in ("entry_ids",) if k in params}
    return error(code, fields={field: [code]}, details=details, **params)


# Statuses of an entry that was submitted and not refused: a draft never submitted, a withdrawn
# entry (and any refusal — late, rejected at the formal check — recorded as its own status) is
# not promotable or recommendable.
ELIGIBLE_STATUSES = frozenset({EntryStatus.SUBMITTED})


def _results_published_require(stage: Stage) -> None:
    """Promotion and recommendation act on what was announced: the stage's published results
    (`judging.phases`: not before publication, not while a correction is open). A stage never
    published gets the specific `results_not_published`."""
    if not ResultSnapshot.objects.filter(stage_id=stage.pk).exists():
        raise error("results_not_published")
    phase_require(stage, "promotion.apply")


def _eligible_require(entries: list[Entry], *, action) -> None:
    """Refuse, listing them in details, entries that were not submitted or were refused."""
    bad = [e for e in entries if e.status not in ELIGIBLE_STATUSES]
    if bad:
        raise error(
            "entries_not_eligible",
            action=action,
            entries="、".join(f"{e.title}（{e.get_status_display()}）" for e in bad),
            fields={"entry_ids": ["entries_not_eligible"]},
            details={
                "entry_ids": [e.pk for e in bad],
                "entries": [{"id": e.pk, "title": e.title, "status": e.status} for e in bad],
            },
        )


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise _invalid("number_invalid", field)
    return number


def _selected_from_ranking(rows: list[dict], *, rule: str, n, percent, threshold) -> list[int]:
    """Entry ids the rule selects from a snapshot's rows. Ranks are competition ranks, so
    `rank <= cut` keeps every entry tied at the cut."""
    if rule == PromotionRule.THRESHOLD:
        line = _decimal(threshold, "threshold")
        if not (0 <= line <= Rubric.MAX_TOTAL):
            raise _invalid("threshold_invalid", "threshold", max_total=Rubric.MAX_TOTAL)
        return [r["entry"] for r in rows if r["final"] is not None and Decimal(r["final"]) >= line]
    ranked: dict[str, list[dict]] = {}
    for r in rows:
        if r["rank"] is not None:
            ranked.setdefault(r["group_key"], []).append(r)
    if rule == PromotionRule.TOP_N:
        if not (isinstance(n, int) and n >= 1):
            raise _invalid("n_invalid", "n")
        cuts = dict.fromkeys(ranked, n)
    else:
        share = _decimal(percent, "percent")
        if not (0 < share <= 100):
            raise _invalid("percent_invalid", "percent")
        # per group, ceil(ranked entries × percent / 100), computed exactly in Decimal
        cuts = {g: math.ceil(len(members) * share / 100) for g, members in ranked.items()}
    return [r["entry"] for g, members in ranked.items() for r in members if r["rank"] <= cuts[g]]


@transaction.atomic
def promotion_apply(
    *,
    actor,
    from_stage: Stage,
    to_stage: Stage,
    rule: str,
    n: int | None = None,
    percent=None,
    threshold=None,
    entry_ids: list[int] | None = None,
) -> PromotionOutcome:
    """Promote entries of `from_stage` to the later `to_stage` of the same contest (organisers).

    Rules (`PromotionRule`):
    - top_n: the first `n` of each ranking group;
    - top_percent: the first ceil(ranked entries of the group × `percent` / 100) of each group;
    - threshold: every entry whose final score is at least `threshold`;
    - hand_picked: exactly `entry_ids` (entries of from_stage);
    - formal_passed: from a formal-check stage, and the only rule allowed there, exactly the
      entries whose latest formal-check decision is a pass (no ranking, no published results).
    Every other rule needs the stage's results published and reads the latest published snapshot (what
    was announced and can be verified), never the live results. Every rule takes only entries
    that were submitted and not refused (`ELIGIBLE_STATUSES`): a selection holding a draft, a
    withdrawn or a refused entry is refused whole (`entries_not_eligible`, the entries listed in
    details), nothing promoted.

    **Ties at the cut are kept together**: the cut is on competition rank (1, 2, 2, 4), so with n = 2 and ranks
    1, 2, 2 all three go through — a rule may promote more than n entries, never fewer.

    For each promoted entry a `Promotion` row is created and, unless the team already has one,
    a draft `Entry` in to_stage with the title, summary and tags copied and the current files
    carried over as version 1 (same stored content and sha256; the team may replace them).
    Idempotent: entries promoted before are reported in `already` and left unchanged; a repeat
    call creates nothing. Audit-recorded when anything was created.
    """
    permission_require(actor, "judging.promote_entries", from_stage.contest)
    if to_stage.contest_id != from_stage.contest_id or to_stage.order <= from_stage.order:
        raise _invalid("promotion_stage_invalid", "to_stage")
    if rule not in PromotionRule.values:
        raise _invalid("rule_invalid", "rule")

    formal = from_stage.kind == StageKind.FORMAL_CHECK
    if formal != (rule == PromotionRule.FORMAL_PASSED):
        code = "promotion_rule_formal_only" if formal else "promotion_rule_needs_formal_stage"
        raise _invalid(code, "rule")

    snapshot = None
    if formal:
        # a formal check has no ranking: exactly the entries whose latest decision is a pass
        selected = formal_passed_entry_ids(from_stage)
    elif rule == PromotionRule.HAND_PICKED:
        _results_published_require(from_stage)
        snapshot = snapshot_latest(from_stage)
        selected = list(dict.fromkeys(entry_ids or []))
        if not selected:
            raise _invalid("entry_ids_required", "entry_ids", action=_("promote"))
    else:
        _results_published_require(from_stage)
        snapshot = snapshot_latest(from_stage)
        if snapshot is None:
            raise error("results_not_published")
        selected = _selected_from_ranking(
            snapshot.data["rows"], rule=rule, n=n, percent=percent, threshold=threshold
        )
    chosen = {e.pk: e for e in from_stage.entries.filter(pk__in=selected)}
    missing = [e for e in selected if e not in chosen]
    if missing:
        raise _invalid("entry_not_in_stage", "entry_ids", entry_ids=missing)
    _eligible_require([chosen[e] for e in selected], action=_("promote"))

    existing = set(
        Promotion.objects.select_for_update()
        .filter(from_stage=from_stage, entry_id__in=selected)
        .values_list("entry_id", flat=True)
    )
    new = [e for e in selected if e not in existing]
    Promotion.objects.bulk_create(
        [
            Promotion(
                from_stage=from_stage, to_stage=to_stage, entry_id=e, rule=rule, created_by=actor
            )
            for e in new
        ]
    )
    sources = list(
        Entry.objects.filter(pk__in=new).values_list("pk", "team_id", "title", "summary", "tags")
    )
    has_entry = set(
        to_stage.entries.filter(team_id__in=[s[1] for s in sources]).values_list(
            "team_id", flat=True
        )
    )
    carried_from = [s[0] for s in sources if s[1] not in has_entry]
    drafts = [
        Entry(team_id=team_id, stage=to_stage, title=title, summary=summary, tags=tags)
        for _, team_id, title, summary, tags in sources
        if team_id not in has_entry
    ]
    Entry.objects.bulk_create(drafts)
    files_carried = 0
    for source_id, draft in zip(carried_from, drafts, strict=True):
        files_carried += len(entry_files_carry(source=chosen[source_id], target=draft))
    if new:
        audit_record(
            contest=from_stage.contest_id,
            actor=actor,
            action="promotion.apply",
            obj=from_stage,
            data={
                "to_stage": to_stage.pk,
                "rule": rule,
                "n": n,
                "percent": None if percent is None else str(percent),
                "threshold": None if threshold is None else str(threshold),
                "snapshot_version": snapshot.version if snapshot else None,
                "snapshot_sha256": snapshot.sha256 if snapshot else None,
                "promoted": sorted(new),
                "files_carried": files_carried,
            },
        )
        entries_promoted.send(
            sender=Stage, from_stage=from_stage, to_stage=to_stage, entry_ids=sorted(new)
        )
    return PromotionOutcome(
        promoted=sorted(new),
        already=sorted(existing),
        entries_created=len(drafts),
        snapshot_version=snapshot.version if snapshot else None,
    )


def recommendation_create(*, actor, contest: Contest, entry_ids: list[int], reason: str = ""):
    """Kept for callers of this module: recommendation lives in `judging.services.recommendation`."""
    from judging.services.recommendation import recommendation_create as create

    return create(actor=actor, contest=contest, entry_ids=entry_ids, reason=reason)
