"""Quotas hold for every route that adds an award (hand add, upheld objection, tier change;
proposing fills them by construction, ties at a boundary kept together as
`awards.services.award` describes): one more award beyond a tier's quota in its ranking group
needs an explicit override with a reason, kept on the award and shown on the list."""

from __future__ import annotations

import math
from decimal import Decimal

from awards.enums import ACTIVE_AWARD_STATUSES, AwardStatus
from awards.errors import error
from awards.models import Award, AwardTier
from awards.selectors import snapshot_rows
from contest.models import Team


def tier_quota(tier: AwardTier, group_size: int) -> int:
    """A tier's quota in a group of `group_size` ranked entries; percentages round up."""
    if tier.quota_count is not None:
        return int(tier.quota_count)
    if tier.quota_percent is None or group_size == 0:
        return 0
    return math.ceil(Decimal(tier.quota_percent) * group_size / Decimal(100))


def _group_size(tier: AwardTier, group_key: str) -> int:
    """Ranked entries of the group in the snapshot the tier's awards were proposed from."""
    award = (
        Award.objects.filter(tier=tier, group_key=group_key, snapshot__isnull=False)
        .select_related("snapshot")
        .order_by("-id")
        .first()
    )
    if award is None:
        return 0
    return sum(
        1 for r in snapshot_rows(award.snapshot) if r.group_key == group_key and r.rank is not None
    )


def award_quota_check(
    *, tier: AwardTier, group_key: str, override_reason: str = "", exclude: int | None = None
) -> str:
    """Refuse one more award of `tier` in `group_key` beyond its quota (award_quota_exceeded),
    unless an override with a reason is given; returns the override reason kept on the award
    (empty when within the quota). Tiers without a quota are not limited."""
    if tier.quota_count is None and tier.quota_percent is None:
        return ""
    quota = tier_quota(tier, _group_size(tier, group_key))
    given = Award.objects.filter(
        tier=tier, group_key=group_key, status__in=ACTIVE_AWARD_STATUSES
    ).exclude(pk=exclude)
    count = given.count()
    if count + 1 <= quota:
        return ""
    override_reason = (override_reason or "").strip()
    if not override_reason:
        raise error(
            "award_quota_exceeded",
            tier=tier.name,
            quota=quota,
            count=count,
            fields={"quota_override_reason": ["award_quota_exceeded"]},
            details={"tier": tier.pk, "quota": quota, "count": count},
        )
    return override_reason


def team_group_key(contest_id: int, team: Team | None) -> str:
    if team is None:
        return ""
    ranked = (
        Award.objects.filter(contest_id=contest_id, team=team, snapshot__isnull=False)
        .exclude(status__in=[AwardStatus.REMOVED, AwardStatus.STALE])
        .values_list("group_key", flat=True)
        .first()
    )
    return ranked or ""
