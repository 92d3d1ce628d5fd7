"""Promotion (晋级) from one stage to the next, and recommendation (推荐) to the parent contest."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from contest.enums import EntryStatus
from contest.models import Contest, Entry, Stage
from contest.permissions import permission_require
from judging.enums import PromotionRule, RecommendationStatus
from judging.errors import error
from judging.models import Promotion, Recommendation, Rubric
from judging.selectors import snapshot_latest
from judging.services.audit import audit_record


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
    - hand_picked: exactly `entry_ids` (entries of from_stage that are not withdrawn).
    The first three read the latest *published* snapshot of from_stage (what was announced and
    can be verified), never the live results; without one they refuse. **Ties at the cut are
    kept together**: the cut is on competition rank (1, 2, 2, 4), so with n = 2 and ranks
    1, 2, 2 all three go through — a rule may promote more than n entries, never fewer.

    For each promoted entry a `Promotion` row is created and, unless the team already has one,
    a draft `Entry` in to_stage with the title, summary and tags copied, so the team can submit.
    Idempotent: entries promoted before are reported in `already` and left unchanged; a repeat
    call creates nothing. Audit-recorded when anything was created.
    """
    permission_require(actor, "judging.promote_entries", from_stage.contest)
    if to_stage.contest_id != from_stage.contest_id or to_stage.order <= from_stage.order:
        raise _invalid("promotion_stage_invalid", "to_stage")
    if rule not in PromotionRule.values:
        raise _invalid("rule_invalid", "rule")

    snapshot = None
    if rule == PromotionRule.HAND_PICKED:
        wanted = list(dict.fromkeys(entry_ids or []))
        if not wanted:
            raise _invalid("entry_ids_required", "entry_ids", action=_("promote"))
        found = set(
            from_stage.entries.exclude(status=EntryStatus.WITHDRAWN)
            .filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        missing = [e for e in wanted if e not in found]
        if missing:
            raise _invalid("entry_not_in_stage", "entry_ids", entry_ids=missing)
        selected = wanted
    else:
        snapshot = snapshot_latest(from_stage)
        if snapshot is None:
            raise error("results_not_published")
        selected = _selected_from_ranking(
            snapshot.data["rows"], rule=rule, n=n, percent=percent, threshold=threshold
        )

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
    drafts = [
        Entry(team_id=team_id, stage=to_stage, title=title, summary=summary, tags=tags)
        for _, team_id, title, summary, tags in sources
        if team_id not in has_entry
    ]
    Entry.objects.bulk_create(drafts)
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
            },
        )
    return PromotionOutcome(
        promoted=sorted(new),
        already=sorted(existing),
        entries_created=len(drafts),
        snapshot_version=snapshot.version if snapshot else None,
    )


@transaction.atomic
def recommendation_create(
    *, actor, contest: Contest, entry_ids: list[int], reason: str = ""
) -> list[Recommendation]:
    """推荐: the sub-contest's organisers recommend entries to `contest.parent`.

    The parent's `promotion_quota` caps how many active recommendations each sub-contest may
    hold (no quota set: no cap). Entries already recommended are not counted twice; a withdrawn
    recommendation is reactivated and counts again. Over the quota nothing is recorded and the
    error `quota_exceeded` gives the quota, how many are used and how many were asked for.
    """
    permission_require(actor, "judging.recommend_entries", contest)
    if contest.parent_id is None:
        raise error("no_parent_contest")
    parent = Contest.objects.select_for_update().get(pk=contest.parent_id)  # serialise quota use
    wanted = list(dict.fromkeys(entry_ids))
    if not wanted:
        raise _invalid("entry_ids_required", "entry_ids", action=_("recommend"))
    found = set(
        Entry.objects.filter(pk__in=wanted, team__contest=contest)
        .exclude(status=EntryStatus.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    missing = [e for e in wanted if e not in found]
    if missing:
        raise _invalid("entry_not_in_contest", "entry_ids", entry_ids=missing)
    current = {
        r.entry_id: r for r in Recommendation.objects.filter(to_contest=parent, entry_id__in=wanted)
    }
    active = Recommendation.objects.filter(
        from_contest=contest, to_contest=parent, status=RecommendationStatus.RECOMMENDED
    ).count()
    new = [
        e
        for e in wanted
        if e not in current or current[e].status != RecommendationStatus.RECOMMENDED
    ]
    quota = parent.promotion_quota
    if quota is not None and active + len(new) > quota:
        raise error(
            "quota_exceeded",
            parent_name=parent.name,
            quota=quota,
            active=active,
            new=len(new),
            details={
                "quota": quota,
                "used": active,
                "requested": len(new),
                "available": max(quota - active, 0),
            },
        )
    for entry_id in new:
        if entry_id in current:
            recommendation = current[entry_id]
            recommendation.status = RecommendationStatus.RECOMMENDED
            recommendation.reason = reason
            recommendation.created_by = actor
            recommendation.save(update_fields=["status", "reason", "created_by"])
        else:
            current[entry_id] = Recommendation.objects.create(
                from_contest=contest,
                to_contest=parent,
                entry_id=entry_id,
                reason=reason,
                created_by=actor,
            )
    if new:
        audit_record(
            contest=contest,
            actor=actor,
            action="promotion.recommend",
            obj=contest,
            reason=reason,
            data={"to_contest": parent.pk, "entries": new, "quota": quota, "used_before": active},
        )
    return [current[e] for e in wanted]
