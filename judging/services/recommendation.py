"""推荐 to the national contest: a sub-contest recommends entries under the parent's quotas (per
sub-contest and per track) before its deadline; the national organiser accepts each (the entry is
carried across into the national stage) or returns it with a reason. See
docs/developer/federation.md."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contest.editions import edition_rule_check
from contest.errors import text_by_language
from contest.models import Contest, Entry, Track
from contest.permissions import permission_require
from contest.services.carry import entry_carry_create
from judging.enums import RECOMMENDATION_ACTIVE, RecommendationStatus
from judging.errors import error
from judging.models import Recommendation, RecommendationQuota
from judging.selectors import snapshot_latest, track_quotas
from judging.services.audit import audit_record
from judging.services.promotion import _eligible_require, _invalid, _results_published_require
from judging.signals import entry_recommended, recommendation_decided

UNSET = object()


def _deadline_check(parent: Contest) -> None:
    deadline = parent.recommendation_deadline
    if deadline is not None and timezone.now() >= deadline:
        raise error(
            "recommendation_deadline_passed",
            parent_name=parent.name,
            deadline=timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M"),
        )


def parent_track_of(entry: Entry, parent_tracks: dict[str, Track]) -> Track | None:
    """The parent's track an entry counts against: the one whose code is its team's track's."""
    track = entry.team.track
    return None if track is None else parent_tracks.get(track.code)


def _ranks(entries: list[Entry]) -> dict[int, tuple]:
    """(rank, final score, snapshot version) of each entry in its stage's latest published results."""
    out: dict[int, tuple] = {}
    for stage in {e.stage_id: e.stage for e in entries}.values():
        snapshot = snapshot_latest(stage)
        if snapshot is None:
            continue
        for row in snapshot.data.get("rows", []):
            out[row["entry"]] = (row.get("rank"), row.get("final"), snapshot.version)
    return out


def _track_quota_check(*, contest, parent, chosen: dict[int, Track | None], new: list[int]) -> None:
    quotas = track_quotas(parent, [contest.pk])
    asked: dict[int, int] = {}
    for entry_id in new:
        if chosen[entry_id] is not None:
            asked[chosen[entry_id].pk] = asked.get(chosen[entry_id].pk, 0) + 1
    used = dict(
        Recommendation.objects.filter(
            from_contest=contest, to_contest=parent, status__in=RECOMMENDATION_ACTIVE
        )
        .values_list("track_id")
        .annotate(n=Count("pk"))
    )
    tracks = {t.pk: t for t in chosen.values() if t is not None}
    for track_id in sorted(asked):
        quota = quotas.get((contest.pk, track_id))
        active = used.get(track_id, 0)
        if quota is not None and active + asked[track_id] > quota:
            track = tracks[track_id]
            raise error(
                "track_quota_exceeded",
                contest_name=contest.name,
                track=track.name,
                quota=quota,
                active=active,
                new=asked[track_id],
                details={
                    "track": track.pk,
                    "track_code": track.code,
                    "quota": quota,
                    "used": active,
                    "requested": asked[track_id],
                    "available": max(quota - active, 0),
                },
            )


@transaction.atomic
def recommendation_create(
    *, actor, contest: Contest, entry_ids: list[int], reason: str = ""
) -> list[Recommendation]:
    """推荐: the sub-contest's organisers recommend entries to `contest.parent`.

    Quotas: the parent's `promotion_quota` caps the active (recommended or accepted)
    recommendations of each sub-contest (`quota_exceeded`), and its `RecommendationQuota` rows
    cap them per track (`track_quota_exceeded`, with the track, quota, used and asked in details);
    the parent's row is locked, so two organisers recommending at once cannot both take the last
    place. Entries already active are not counted twice; a withdrawn or returned one comes back
    and counts again. Refused after the parent's `recommendation_deadline`, for entries not
    submitted or of stages without published results, and for entries whose lead organisation or
    co-applicant the rule across editions excludes (`contest.editions`). Rank and score are
    copied from the published results; nothing is recorded when anything is refused.
    """
    permission_require(actor, "judging.recommend_entries", contest)
    if contest.parent_id is None:
        raise error("no_parent_contest")
    parent = Contest.objects.select_for_update().get(pk=contest.parent_id)  # serialise quota use
    wanted = list(dict.fromkeys(entry_ids))
    if not wanted:
        raise _invalid("entry_ids_required", "entry_ids", action=_("recommend"))
    _deadline_check(parent)
    found = {
        e.pk: e
        for e in Entry.objects.filter(pk__in=wanted, team__contest=contest).select_related(
            "stage", "team__track", "team__lead_organisation"
        )
    }
    missing = [e for e in wanted if e not in found]
    if missing:
        raise _invalid("entry_not_in_contest", "entry_ids", entry_ids=missing)
    for stage in {found[e].stage_id: found[e].stage for e in wanted}.values():
        _results_published_require(stage)
    _eligible_require([found[e] for e in wanted], action=_("recommend"))
    parent_tracks = {t.code: t for t in parent.tracks.all()}
    chosen = {e: parent_track_of(found[e], parent_tracks) for e in wanted}
    unmatched = [found[e] for e in wanted if parent_tracks and chosen[e] is None]
    if unmatched:
        raise error(
            "recommendation_track_unmatched",
            parent_name=parent.name,
            entries="、".join(e.title for e in unmatched),
            fields={"entry_ids": ["recommendation_track_unmatched"]},
            details={"entry_ids": [e.pk for e in unmatched]},
        )
    current = {
        r.entry_id: r for r in Recommendation.objects.filter(to_contest=parent, entry_id__in=wanted)
    }
    active = Recommendation.objects.filter(
        from_contest=contest, to_contest=parent, status__in=RECOMMENDATION_ACTIVE
    ).count()
    new = [e for e in wanted if e not in current or current[e].status not in RECOMMENDATION_ACTIVE]
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
    _track_quota_check(contest=contest, parent=parent, chosen=chosen, new=new)
    for entry_id in new:
        team = found[entry_id].team
        edition_rule_check(
            contest=parent, organisations=[team.lead_organisation, *team.co_applicants.all()]
        )
    ranks = _ranks([found[e] for e in new])
    for entry_id in new:
        rank, final, version = ranks.get(entry_id, (None, None, None))
        final = None if final is None else Decimal(str(final))
        values = {
            "status": RecommendationStatus.RECOMMENDED,
            "reason": reason,
            "created_by": actor,
            "track": chosen[entry_id],
            "rank": rank,
            "final_score": final,
            "snapshot_version": version,
            "decided_by": None,
            "decided_at": None,
            "return_reason": "",
        }
        if entry_id in current:
            recommendation = current[entry_id]
            for key, value in values.items():
                setattr(recommendation, key, value)
            recommendation.save(update_fields=list(values))
        else:
            current[entry_id] = Recommendation.objects.create(
                from_contest=contest, to_contest=parent, entry_id=entry_id, **values
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
        for entry_id in new:
            entry_recommended.send(sender=Recommendation, recommendation=current[entry_id])
    return [current[e] for e in wanted]


def _locked(recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("to_contest", "from_contest", "entry__team__contest", "track")
        .get(pk=recommendation.pk)
    )


def _pending_require(rec: Recommendation) -> None:
    if rec.status != RecommendationStatus.RECOMMENDED:
        raise error(
            "recommendation_not_pending",
            status=text_by_language(zh=rec.get_status_display().split()[0], en=str(rec.status)),
        )


@transaction.atomic
def recommendation_accept(*, actor, recommendation: Recommendation) -> Recommendation:
    """The national organiser accepts a recommendation: carried across into the parent's first
    stage as exactly one team and one draft entry (`contest.services.carry`). Idempotent: an
    accepted recommendation is returned as it is, nothing made twice. Audited; the team is told."""
    rec = _locked(recommendation)
    permission_require(actor, "judging.decide_recommendations", rec.to_contest)
    if rec.status == RecommendationStatus.ACCEPTED:
        return rec
    _pending_require(rec)
    stage = rec.to_contest.stages.order_by("order").first()
    if stage is None:
        raise error("national_stage_missing", contest_name=rec.to_contest.name)
    entry = entry_carry_create(source=rec.entry, stage=stage, track=rec.track)
    rec.status = RecommendationStatus.ACCEPTED
    rec.decided_by = actor
    rec.decided_at = timezone.now()
    rec.national_entry = entry
    rec.save(update_fields=["status", "decided_by", "decided_at", "national_entry"])
    audit_record(
        contest=rec.to_contest,
        actor=actor,
        action="recommendation.accept",
        obj=rec,
        data={
            "from_contest": rec.from_contest_id,
            "entry": rec.entry_id,
            "national_entry": entry.pk,
            "national_team": entry.team_id,
            "files": list(entry.files.values_list("sha256", flat=True)),
        },
    )
    recommendation_decided.send(sender=Recommendation, recommendation=rec)
    return rec


@transaction.atomic
def recommendation_return(*, actor, recommendation: Recommendation, reason: str) -> Recommendation:
    """The national organiser returns a recommendation with a reason (the sub-contest's
    organisers are told); its place under the quotas is free again and the sub-contest may
    recommend the entry again or another one. Only one awaiting a decision can be returned."""
    rec = _locked(recommendation)
    permission_require(actor, "judging.decide_recommendations", rec.to_contest)
    _pending_require(rec)
    reason = (reason or "").strip()
    if not reason:
        raise error("reason_required", fields={"reason": ["reason_required"]})
    rec.status = RecommendationStatus.RETURNED
    rec.decided_by = actor
    rec.decided_at = timezone.now()
    rec.return_reason = reason
    rec.save(update_fields=["status", "decided_by", "decided_at", "return_reason"])
    audit_record(
        contest=rec.to_contest,
        actor=actor,
        action="recommendation.return",
        obj=rec,
        reason=reason,
        data={"from_contest": rec.from_contest_id, "entry": rec.entry_id},
    )
    recommendation_decided.send(sender=Recommendation, recommendation=rec)
    return rec


@transaction.atomic
def recommendation_quotas_set(
    *,
    actor,
    parent: Contest,
    quotas: list[dict],
    promotion_quota=UNSET,
    deadline: datetime | None | object = UNSET,
) -> list[RecommendationQuota]:
    """Replace the parent's quotas per track (`[{"track", "from_contest" or None, "quota"}]`),
    and set, when given, its quota per sub-contest and its recommendation deadline. Audited."""
    parent = Contest.objects.select_for_update().get(pk=parent.pk)
    permission_require(actor, "judging.set_recommendation_quotas", parent)
    tracks = {t.pk: t for t in parent.tracks.all()}
    children = set(parent.children.values_list("pk", flat=True))
    rows = []
    seen = set()
    for item in quotas:
        track_id, sub_id, quota = item["track"], item.get("from_contest"), item["quota"]
        if track_id not in tracks:
            raise error("quota_track_invalid", fields={"quotas": ["quota_track_invalid"]})
        if sub_id is not None and sub_id not in children:
            raise error(
                "quota_sub_contest_invalid", fields={"quotas": ["quota_sub_contest_invalid"]}
            )
        if not isinstance(quota, int) or isinstance(quota, bool) or quota < 0:
            raise error("quota_invalid", fields={"quotas": ["quota_invalid"]})
        if (track_id, sub_id) in seen:
            raise error("quota_invalid", fields={"quotas": ["quota_invalid"]})
        seen.add((track_id, sub_id))
        rows.append(
            RecommendationQuota(
                parent=parent, track_id=track_id, from_contest_id=sub_id, quota=quota
            )
        )
    RecommendationQuota.objects.filter(parent=parent).delete()
    made = RecommendationQuota.objects.bulk_create(rows)
    changed = []
    if promotion_quota is not UNSET:
        parent.promotion_quota = promotion_quota
        changed.append("promotion_quota")
    if deadline is not UNSET:
        parent.recommendation_deadline = deadline
        changed.append("recommendation_deadline")
    if changed:
        parent.save(update_fields=changed)
    audit_record(
        contest=parent,
        actor=actor,
        action="recommendation.quotas",
        obj=parent,
        data={
            "quotas": [[r.track_id, r.from_contest_id, r.quota] for r in rows],
            "promotion_quota": parent.promotion_quota,
            "deadline": parent.recommendation_deadline,
        },
    )
    return made
