"""Award tiers, proposing awards from a stage's published ranking, and the organiser's adjustments.

Proposing (`awards_propose`) reads only the stage's latest `ResultSnapshot` — never live results —
so the list can be traced to a frozen, hashed ranking. Per ranking group (the snapshot's
`group_key`), ranked tiers are filled in `order`, by rank:

* A tier's quota is a count, or a percentage of the group's ranked entries rounded up
  (ceil(10% of 25) = 3).
* Ties stay together. When a tie straddles a quota boundary, every tied entry gets the higher tier,
  so that tier may exceed its quota. The next tier still gets its full quota, counted from the
  first entry after the tie: a tie above never costs anyone below an award.
  Example: quota 1/2, ranks 1, 2, 2, 4, 5 → 一等奖 {1}; 二等奖 {2, 2} (the tie at the boundary);
  with quotas 2/2 → 一等奖 {1, 2, 2}; 二等奖 {4, 5}.
* Which tiers fill a group: those specific to the group's track or challenge (when every team in
  the group shares that track or challenge) — otherwise the contest-wide tiers. Specific tiers
  replace the contest-wide ones for that group rather than adding to them.
* Entries without a rank (no valid reviews) get nothing.

Special awards (技术创新奖) and organiser awards (优秀组织奖, to an organisation) are added by hand
with `award_add`. Every change is recorded in the audit chain with a reason.
Names the certificate font cannot print are flagged on each award (`glyph_issues`) when proposed
or changed, so they are fixed before certificates are issued.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from awards.enums import ACTIVE_AWARD_STATUSES, AwardStatus, AwardTierKind
from awards.errors import error
from awards.models import Award, AwardTier
from awards.selectors import RankedRow, snapshot_rows
from awards.services.award_quota import award_quota_check, team_group_key, tier_quota
from awards.validators import reason_check
from contest.models import Contest, Organisation, Stage, Team, TeamMember
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.models import ResultSnapshot
from judging.phases import phase_require
from judging.selectors import snapshot_latest
from judging.services.audit import audit_record
from judging.services.result import snapshot_verify

# --------------------------------------------------------------------------------------------
# Tiers

_TIER_FIELDS = ("name", "kind", "track", "challenge", "quota_count", "quota_percent", "order")


def _tier_check(tier: AwardTier) -> None:
    if tier.track_id and tier.track.contest_id != tier.contest_id:
        raise error("track_not_in_contest")
    if tier.challenge_id and tier.challenge.contest_id != tier.contest_id:
        raise error("challenge_not_in_contest")
    if tier.track_id and tier.challenge_id:
        raise error("tier_track_and_challenge")
    has_count, has_percent = tier.quota_count is not None, tier.quota_percent is not None
    if tier.kind == AwardTierKind.RANKED and has_count == has_percent:
        raise error("quota_required", fields={"quota_count": ["quota_required"]})
    if has_percent and not (Decimal(0) < Decimal(tier.quota_percent) <= Decimal(100)):
        raise error("quota_percent_range", fields={"quota_percent": ["quota_percent_range"]})


@transaction.atomic
def award_tier_create(*, actor, contest: Contest, name: str, **values) -> AwardTier:
    permission_require(actor, "awards.set_award_tier", contest)
    tier = AwardTier(
        contest=contest, name=name, **{k: values[k] for k in values if k in _TIER_FIELDS}
    )
    _tier_check(tier)
    full_clean_or_raise(tier)
    tier.save()
    audit_record(
        contest=contest, actor=actor, action="award_tier.create", obj=tier, data=_tier_data(tier)
    )
    return tier


@transaction.atomic
def award_tier_update(*, actor, tier: AwardTier, **values) -> AwardTier:
    permission_require(actor, "awards.set_award_tier", tier.contest)
    for key, value in values.items():
        if key in _TIER_FIELDS:
            setattr(tier, key, value)
    _tier_check(tier)
    full_clean_or_raise(tier)
    tier.save()
    audit_record(
        contest=tier.contest_id,
        actor=actor,
        action="award_tier.update",
        obj=tier,
        data=_tier_data(tier),
    )
    return tier


@transaction.atomic
def award_tier_delete(*, actor, tier: AwardTier) -> None:
    permission_require(actor, "awards.set_award_tier", tier.contest)
    if tier.awards.exists():
        raise error("tier_in_use")
    audit_record(
        contest=tier.contest_id,
        actor=actor,
        action="award_tier.delete",
        obj=tier,
        data=_tier_data(tier),
    )
    tier.delete()


def _tier_data(tier: AwardTier) -> dict:
    return {
        "name": tier.name,
        "kind": tier.kind,
        "track": tier.track_id,
        "challenge": tier.challenge_id,
        "quota_count": tier.quota_count,
        "quota_percent": str(tier.quota_percent) if tier.quota_percent is not None else None,
        "order": tier.order,
    }


# --------------------------------------------------------------------------------------------
# Filling quotas (pure)


def quotas_fill(ranks: list[int], quotas: list[int]) -> list[tuple[int, int]]:
    """Assign positions of `ranks` (sorted ascending; equal ranks are a tie) to tiers in order.

    Returns (start, end) slices of `ranks`, one per quota. Tied entries at a boundary all go to the
    higher tier; the next tier's quota counts from after them (see the module docstring)."""
    slices: list[tuple[int, int]] = []
    pos = 0
    n = len(ranks)
    for quota in quotas:
        if quota <= 0 or pos >= n:
            slices.append((pos, pos))
            continue
        end = min(pos + quota, n)
        while end < n and ranks[end] == ranks[end - 1]:
            end += 1
        slices.append((pos, end))
        pos = end
    return slices


# --------------------------------------------------------------------------------------------
# Glyph check


def names_missing_glyphs(names: list[tuple[str, str]]) -> list[dict]:
    """[(role, name)] → [{"role", "name", "missing"}] for names the certificate font lacks."""
    from awards.certificates.fonts import missing_glyphs  # the renderer loads lazily

    issues = []
    for role, name in names:
        missing = missing_glyphs(name or "")
        if missing:
            issues.append({"role": role, "name": name, "missing": missing})
    return issues


def _award_names(award: Award) -> list[tuple[str, str]]:
    if award.organisation_id:
        return [("organisation", award.organisation.name)]
    names = [("team", award.team.name)]
    for member in award.team.members.all():
        names.append(("advisor" if member.role == "advisor" else "member", member.user.real_name))
    return names


def award_glyph_issues(award: Award) -> list[dict]:
    return names_missing_glyphs(_award_names(award))


def _members_prefetch() -> Prefetch:
    return Prefetch(
        "team__members", queryset=TeamMember.objects.select_related("user").order_by("order", "id")
    )


def awards_glyph_refresh(*, awards: QuerySet[Award]) -> int:
    """Recompute `glyph_issues` (after a name was fixed); returns how many awards still have any."""
    flagged = 0
    for award in awards.select_related("team", "organisation").prefetch_related(
        _members_prefetch()
    ):
        issues = award_glyph_issues(award)
        if issues != award.glyph_issues:
            award.glyph_issues = issues
            award.save(update_fields=["glyph_issues", "updated_at"])
        flagged += bool(issues)
    return flagged


# --------------------------------------------------------------------------------------------
# Proposing


def _applicable_tiers(
    tiers: list[AwardTier], track_id: int | None, challenge_id: int | None
) -> list[AwardTier]:
    specific = [
        t
        for t in tiers
        if (t.track_id and t.track_id == track_id)
        or (t.challenge_id and t.challenge_id == challenge_id)
    ]
    if specific:
        return specific
    return [t for t in tiers if not t.track_id and not t.challenge_id]


def _common(values: set) -> int | None:
    return next(iter(values)) if len(values) == 1 else None


@transaction.atomic
def awards_propose(*, actor, stage: Stage, snapshot: ResultSnapshot | None = None) -> list[Award]:
    """Propose the stage's ranked awards from its latest published snapshot.

    Replaces the stage's earlier *proposed* awards (never published, so nothing is lost; the
    replacement is audited). Refuses once any of the stage's awards is in a notice or final.
    After a correction (stale awards, see `awards.services.correction`), unchanged awards are
    kept with their certificates, changed and removed ones are removed with their certificates
    revoked, and the changed part goes to a new notice.
    Returns the new awards; each carries `glyph_issues` for names the certificate font lacks."""
    contest = stage.contest
    permission_require(actor, "awards.propose_awards", contest)
    snapshot = snapshot or snapshot_latest(stage)
    if snapshot is None or snapshot.stage_id != stage.pk:
        raise error("no_published_results")
    if not snapshot_verify(snapshot):
        raise error("snapshot_tampered")
    phase_require(stage, "awards.propose")
    published = Award.objects.filter(stage=stage, tier__kind=AwardTierKind.RANKED).exclude(
        status__in=[AwardStatus.PROPOSED, AwardStatus.REMOVED, AwardStatus.STALE]
    )
    if published.exists():
        raise error("awards_already_published")
    tiers = list(
        AwardTier.objects.filter(contest=contest, kind=AwardTierKind.RANKED).order_by("order", "id")
    )
    if not tiers:
        raise error("no_award_tiers")
    previous = Award.objects.filter(
        stage=stage, status=AwardStatus.PROPOSED, tier__kind=AwardTierKind.RANKED
    )
    replaced = list(previous.values_list("pk", flat=True))
    previous.delete()

    rows = [r for r in snapshot_rows(snapshot) if r.rank is not None]
    teams = {
        t.pk: t for t in Team.objects.filter(pk__in={r.team_id for r in rows}, contest=contest)
    }
    groups: dict[str, list[RankedRow]] = defaultdict(list)
    for row in rows:
        if row.team_id in teams:
            groups[row.group_key].append(row)

    created: list[Award] = []
    for group_key in sorted(groups):
        group = sorted(groups[group_key], key=lambda r: (r.rank, teams[r.team_id].code))
        group_tiers = _applicable_tiers(
            tiers,
            _common({teams[r.team_id].track_id for r in group}),
            _common({teams[r.team_id].challenge_id for r in group}),
        )
        quotas = [tier_quota(t, len(group)) for t in group_tiers]
        slices = quotas_fill([r.rank for r in group], quotas)
        for tier, (start, end) in zip(group_tiers, slices, strict=True):
            for row in group[start:end]:
                created.append(
                    Award(
                        contest=contest,
                        tier=tier,
                        stage=stage,
                        snapshot=snapshot,
                        team=teams[row.team_id],
                        entry_id=row.entry_id,
                        group_key=row.group_key,
                        group_name=row.group_name,
                        rank=row.rank,
                        tied=row.tied,
                        final_score=row.final_score,
                        status=AwardStatus.PROPOSED,
                        created_by=actor,
                    )
                )
    outcome = None
    if Award.objects.filter(stage=stage, status=AwardStatus.STALE).exists():
        from awards.services.correction import stale_awards_reconcile  # it revokes certificates

        outcome = stale_awards_reconcile(actor=actor, stage=stage, snapshot=snapshot, new=created)
        created = outcome.to_create
    Award.objects.bulk_create(created)
    kept = outcome.kept if outcome else []
    awards = list(
        Award.objects.filter(pk__in=[a.pk for a in created] + kept)
        .select_related("team", "tier")
        .prefetch_related(_members_prefetch())
    )
    for award in awards:
        award.glyph_issues = award_glyph_issues(award)
    Award.objects.bulk_update(awards, ["glyph_issues"])
    audit_record(
        contest=contest,
        actor=actor,
        action="awards.propose",
        obj=stage,
        data={
            "snapshot": snapshot.pk,
            "snapshot_version": snapshot.version,
            "snapshot_sha256": snapshot.sha256,
            "replaced": replaced,
            "awards": [
                {"id": a.pk, "tier": a.tier_id, "team": a.team_id, "rank": a.rank} for a in awards
            ],
            "glyph_issues": [a.pk for a in awards if a.glyph_issues],
            "correction": outcome.summary() if outcome else None,
        },
    )
    if outcome is not None:
        outcome.notice_changed_part(actor=actor, awards=awards)
    return awards


# --------------------------------------------------------------------------------------------
# Quotas on every route that adds an award


def _certificates_revoke(*, actor, award: Award, reason: str) -> list[str]:
    """Revoke the award's issued certificates with the reason of its change."""
    from awards.enums import CertificateStatus
    from awards.services.certificate import certificate_revoke  # the renderer loads lazily

    revoked = []
    for certificate in award.certificates.filter(status=CertificateStatus.ISSUED):
        certificate_revoke(actor=actor, certificate=certificate, reason=reason)
        revoked.append(certificate.serial)
    return revoked


# --------------------------------------------------------------------------------------------
# Adjusting


def _award_data(award: Award) -> dict:
    return {
        "tier": award.tier_id,
        "tier_name": award.tier.name,
        "team": award.team_id,
        "organisation": award.organisation_id,
        "status": award.status,
        "quota_override_reason": award.quota_override_reason,
    }


def _editable_check(award: Award, objection) -> None:
    if award.status == AwardStatus.FINAL:
        raise error("award_final")
    if award.status == AwardStatus.REMOVED:
        raise error("award_removed")
    if award.status == AwardStatus.STALE:
        raise error("award_stale")
    if award.status == AwardStatus.IN_NOTICE and objection is None:
        raise error("award_in_notice")


def _tier_in_contest(tier: AwardTier | None, contest_id: int) -> AwardTier:
    if tier is None or tier.contest_id != contest_id:
        raise error("tier_not_in_contest", fields={"tier": ["tier_not_in_contest"]})
    return tier


def _award_saved(*, actor, award: Award, action: str, reason: str, before, objection) -> Award:
    """Reload the award, refresh its glyph issues (unless removed) and audit the change."""
    award = (
        Award.objects.select_related("tier", "team", "organisation")
        .prefetch_related(_members_prefetch())
        .get(pk=award.pk)
    )
    if award.status != AwardStatus.REMOVED:
        award.glyph_issues = award_glyph_issues(award)
        award.save(update_fields=["glyph_issues", "updated_at"])
    audit_record(
        contest=award.contest_id,
        actor=actor,
        action=f"award.{action}",
        obj=award,
        reason=reason,
        data={
            "before": before,
            "after": _award_data(award),
            "objection": objection.pk if objection is not None else None,
        },
    )
    return award


def _award_locked(award: Award, objection) -> Award:
    award = Award.objects.select_for_update().select_related("tier").get(pk=award.pk)
    _editable_check(award, objection)
    return award


@transaction.atomic
def award_add(
    *,
    actor,
    contest: Contest,
    tier: AwardTier | None,
    reason: str,
    team: Team | None = None,
    organisation: Organisation | None = None,
    objection=None,
    quota_override_reason: str = "",
) -> Award:
    """Add an award by hand (a special award to a team, an organiser award to an organisation,
    or a correction), with a reason.

    Before a notice opens, with a reason; during the notice, only as the outcome of an upheld
    `objection` (the award joins that notice; see `awards.services.notice.objection_resolve`);
    never once the contest's list is final. Within the tier's quota, or beyond it with
    `quota_override_reason` (kept on the award, shown on the list). Audited as `award.add`."""
    reason = reason_check(reason)
    permission_require(actor, "awards.adjust_awards", contest)
    notice = objection.notice if objection is not None else None
    tier = _tier_in_contest(tier, contest.pk)
    if (team is None) == (organisation is None):
        raise error("recipient_required", fields={"team": ["recipient_required"]})
    if team is not None and team.contest_id != contest.pk:
        raise error("team_not_in_contest")
    if organisation is not None and tier.kind != AwardTierKind.ORGANISER:
        raise error("organisation_needs_organiser_tier")
    if team is not None and tier.kind == AwardTierKind.ORGANISER:
        raise error("organiser_tier_needs_organisation")
    if notice is None and contest.awards.filter(status=AwardStatus.FINAL).exists():
        raise error("award_final")
    duplicate = Award.objects.filter(tier=tier, status__in=ACTIVE_AWARD_STATUSES)
    duplicate = duplicate.filter(team=team) if team else duplicate.filter(organisation=organisation)
    if duplicate.exists():
        raise error("award_exists")
    group_key = team_group_key(contest.pk, team)
    override = award_quota_check(
        tier=tier, group_key=group_key, override_reason=quota_override_reason
    )
    award = Award(
        contest=contest,
        tier=tier,
        team=team,
        organisation=organisation,
        group_key=group_key,
        status=AwardStatus.IN_NOTICE if notice else AwardStatus.PROPOSED,
        notice=notice,
        reason=reason,
        quota_override_reason=override,
        created_by=actor,
    )
    # The duplicate was checked above; a concurrent add that commits after that check fails on
    # `uniq_active_award_team` at the database, which the API answers 409 `award_exists`.
    full_clean_or_raise(award, exclude=["glyph_issues"], validate_constraints=False)
    award.save()
    return _award_saved(
        actor=actor, award=award, action="add", reason=reason, before=None, objection=objection
    )


@transaction.atomic
def award_tier_change(
    *,
    actor,
    award: Award,
    tier: AwardTier | None,
    reason: str,
    objection=None,
    quota_override_reason: str = "",
) -> Award:
    """Move an award to another tier of its contest (of the same kind: organiser tiers for
    organisations, other tiers for teams), with a reason. When it may change: see `award_add`.
    Audited as `award.change_tier` with the before and after."""
    reason = reason_check(reason)
    permission_require(actor, "awards.adjust_awards", award.contest)
    award = _award_locked(award, objection)
    before = _award_data(award)
    tier = _tier_in_contest(tier, award.contest_id)
    if tier.pk == award.tier_id:
        raise error("tier_unchanged")
    if (tier.kind == AwardTierKind.ORGANISER) != bool(award.organisation_id):
        raise error("tier_kind_mismatch")
    clash = Award.objects.filter(
        tier=tier,
        team_id=award.team_id,
        organisation_id=award.organisation_id,
        status__in=ACTIVE_AWARD_STATUSES,
    )
    if clash.exists():
        raise error("award_exists")
    override = award_quota_check(
        tier=tier,
        group_key=award.group_key,
        override_reason=quota_override_reason,
        exclude=award.pk,
    )
    award.tier = tier
    award.reason = reason
    award.quota_override_reason = override
    award.save()
    _certificates_revoke(actor=actor, award=award, reason=reason)
    return _award_saved(
        actor=actor,
        award=award,
        action="change_tier",
        reason=reason,
        before=before,
        objection=objection,
    )


@transaction.atomic
def award_remove(*, actor, award: Award, reason: str, objection=None) -> Award:
    """Remove an award from the list, with a reason; the row stays, marked removed. When it may
    change: see `award_add`. Audited as `award.remove` with the before and after."""
    reason = reason_check(reason)
    permission_require(actor, "awards.adjust_awards", award.contest)
    award = _award_locked(award, objection)
    before = _award_data(award)
    award.status = AwardStatus.REMOVED
    award.reason = reason
    award.save()
    _certificates_revoke(actor=actor, award=award, reason=reason)
    return _award_saved(
        actor=actor,
        award=award,
        action="remove",
        reason=reason,
        before=before,
        objection=objection,
    )
