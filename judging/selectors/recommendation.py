"""Reads of the national contest's inbox: the recommendations it received, and the dashboard of
which sub-contests have recommended how many, per track, against their quotas."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from contest.models import Contest, EntryFile
from contest.selectors import contests_organised
from judging.enums import RECOMMENDATION_ACTIVE, RecommendationStatus
from judging.models import Recommendation, RecommendationQuota


def track_quotas(parent: Contest, sub_contest_ids: list[int]) -> dict[tuple[int, int], int]:
    """{(sub-contest id, track id): quota}: a sub-contest's own quota overrides the general one."""
    rows = list(RecommendationQuota.objects.filter(parent=parent))
    general = {q.track_id: q.quota for q in rows if q.from_contest_id is None}
    quotas = {(s, t): quota for s in sub_contest_ids for t, quota in general.items()}
    for q in rows:
        if q.from_contest_id is not None:
            quotas[(q.from_contest_id, q.track_id)] = q.quota
    return quotas


def recommendations_received(*, user, parent: Contest) -> QuerySet[Recommendation]:
    """What `parent` received, for its organisers (nobody else sees any), with what the inbox
    shows: sub-contest, track, team and organisations, the entry's current files."""
    if not contests_organised(user=user).filter(pk=parent.pk).exists():
        return Recommendation.objects.none()
    current_files = EntryFile.objects.filter(is_current=True).order_by("kind")
    return (
        Recommendation.objects.filter(to_contest=parent)
        .select_related(
            "from_contest",
            "track",
            "entry__team__lead_organisation",
            "entry__team__captain",
            "national_entry",
        )
        .prefetch_related(
            "entry__team__co_applicants",
            Prefetch("entry__files", queryset=current_files, to_attr="current_files"),
        )
        .order_by("from_contest__code", "track__order", "rank", "pk")
    )


def recommendation_by_organiser(*, user, pk: int) -> Recommendation | None:
    """One recommendation, for the organisers of the contest it was sent to."""
    return (
        Recommendation.objects.filter(
            pk=pk, to_contest__in=contests_organised(user=user).values("pk")
        )
        .select_related("to_contest")
        .first()
    )


def recommendation_dashboard(*, parent: Contest) -> dict:
    """Per sub-contest: recommended/accepted/returned counts, the quota and what is missing, in
    total and per track; the deadline and the seconds left. Four queries whatever the size."""
    subs = list(parent.children.order_by("code").values("pk", "code", "name", "region"))
    tracks = list(parent.tracks.order_by("order", "pk").values("pk", "code", "name"))
    quotas = track_quotas(parent, [s["pk"] for s in subs])
    counts: dict[tuple, int] = {}
    for sub_id, track_id, status, n in (
        Recommendation.objects.filter(to_contest=parent)
        .values_list("from_contest_id", "track_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts[(sub_id, track_id, status)] = n

    def count(sub_id, statuses, track_id=...):
        return sum(
            n
            for (s, t, status), n in counts.items()
            if s == sub_id and status in statuses and (track_id is ... or t == track_id)
        )

    rows = []
    for sub in subs:
        by_track = []
        for track in tracks:
            quota = quotas.get((sub["pk"], track["pk"]))
            submitted = count(sub["pk"], RECOMMENDATION_ACTIVE, track["pk"])
            by_track.append(
                {
                    "track": track["pk"],
                    "track_code": track["code"],
                    "track_name": track["name"],
                    "quota": quota,
                    "submitted": submitted,
                    "missing": None if quota is None else max(quota - submitted, 0),
                }
            )
        submitted = count(sub["pk"], RECOMMENDATION_ACTIVE)
        quota = parent.promotion_quota
        track_quota = [t["quota"] for t in by_track if t["quota"] is not None]
        if quota is None and track_quota:
            quota = sum(track_quota)
        rows.append(
            {
                "contest": sub["pk"],
                "code": sub["code"],
                "name": sub["name"],
                "region": sub["region"],
                "submitted": submitted,
                "pending": count(sub["pk"], (RecommendationStatus.RECOMMENDED,)),
                "accepted": count(sub["pk"], (RecommendationStatus.ACCEPTED,)),
                "returned": count(sub["pk"], (RecommendationStatus.RETURNED,)),
                "quota": quota,
                "missing": None if quota is None else max(quota - submitted, 0),
                "tracks": by_track,
            }
        )
    deadline = parent.recommendation_deadline
    left = None if deadline is None else max(int((deadline - timezone.now()).total_seconds()), 0)
    return {
        "contest": parent.pk,
        "deadline": deadline,
        "seconds_left": left,
        "sub_contests": rows,
        "not_submitted": [r["contest"] for r in rows if r["submitted"] == 0],
        "totals": {
            "sub_contests": len(rows),
            "submitted": sum(r["submitted"] for r in rows),
            "pending": sum(r["pending"] for r in rows),
            "accepted": sum(r["accepted"] for r in rows),
            "returned": sum(r["returned"] for r in rows),
            "missing": sum(r["missing"] or 0 for r in rows),
        },
    }
