"""Reads of the awards app: querysets filtered by role (what a user may not see is a 404) and
the rows of a published ranking as awards read them. Nothing here changes a row."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from awards.enums import AwardStatus, CertificateRole, ObjectionStatus
from awards.models import Award, AwardTier, Certificate, CertificateBatch, Notice, Objection
from contest.models import TeamMember
from contest.selectors import contests_organised, contests_visible
from judging.models import ResultSnapshot

# --------------------------------------------------------------------------------------------
# Award tiers and awards


def award_tiers_organised(*, user) -> QuerySet[AwardTier]:
    return AwardTier.objects.filter(contest__in=contests_organised(user=user)).select_related(
        "track", "challenge"
    )


def awards_organised(*, user) -> QuerySet[Award]:
    return Award.objects.filter(contest__in=contests_organised(user=user)).select_related(
        "tier", "team", "organisation", "stage"
    )


# --------------------------------------------------------------------------------------------
# A published ranking, as awards read it


@dataclass(frozen=True)
class RankedRow:
    """One row of a published ranking, whatever spelling the snapshot used for its keys."""

    entry_id: int | None
    team_id: int
    group_key: str
    group_name: str
    rank: int | None
    tied: bool
    final_score: Decimal | None


def _first(row: dict, *keys, default=None):
    for key in keys:
        if key in row and row[key] is not None:
            return row[key]
    return default


def snapshot_rows(snapshot: ResultSnapshot) -> list[RankedRow]:
    """The snapshot's rows. Accepts `{"rows": [...]}` or a bare list; a row names its team as
    `team_id` or `team` (an id or `{"id", "code", "name"}`), its entry as `entry_id` or `entry`,
    and its score as `final_score` or `final`."""
    data = snapshot.data
    raw_rows = data.get("rows", []) if isinstance(data, dict) else (data or [])
    rows: list[RankedRow] = []
    for raw in raw_rows:
        team = _first(raw, "team_id", "team")
        team_id = team.get("id") if isinstance(team, dict) else team
        entry = _first(raw, "entry_id", "entry")
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        group = raw.get("group")
        group_key = str(_first(raw, "group_key", default="") or "")
        group_name = _first(raw, "group_name", default="") or (
            group.get("name", "") if isinstance(group, dict) else ""
        )
        score = _first(raw, "final_score", "final")
        rank = raw.get("rank")
        if team_id is None:
            continue
        rows.append(
            RankedRow(
                entry_id=int(entry_id) if entry_id is not None else None,
                team_id=int(team_id),
                group_key=group_key,
                group_name=str(group_name or group_key),
                rank=int(rank) if rank is not None else None,
                tied=bool(raw.get("tied", False)),
                final_score=Decimal(str(score)) if score is not None else None,
            )
        )
    return rows


# --------------------------------------------------------------------------------------------
# Notices and objections


def notices_public(*, user) -> QuerySet[Notice]:
    """Notices of contests the user may see, with objection counts (never who objected). A notice
    scheduled to open later is visible to the contest's organisers only, until it opens."""
    started = Q(opens_at__lte=timezone.now()) | Q(contest__in=contests_organised(user=user))
    return (
        Notice.objects.filter(contest__in=contests_visible(user=user))
        .filter(started)
        .select_related("contest", "stage")
        .annotate(
            objections_total=Count("objections", distinct=True),
            objections_open=Count(
                "objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True
            ),
            objections_upheld=Count(
                "objections", filter=Q(objections__status=ObjectionStatus.UPHELD), distinct=True
            ),
            objections_rejected=Count(
                "objections", filter=Q(objections__status=ObjectionStatus.REJECTED), distinct=True
            ),
        )
    )


def notice_awards_public(*, notice: Notice) -> QuerySet[Award]:
    """The list as published now: awards in the notice that have not been removed."""
    return (
        notice.awards.exclude(status=AwardStatus.REMOVED)
        .select_related("tier", "team__lead_organisation", "organisation", "entry")
        .annotate(
            objections_total=Count("objections", distinct=True),
            objections_open=Count(
                "objections", filter=Q(objections__status=ObjectionStatus.OPEN), distinct=True
            ),
        )
        .order_by("tier__order", "group_key", "rank", "team__code", "id")
    )


def objections_organised(*, user) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(notice__contest__in=contests_organised(user=user))
        .select_related("notice", "award__tier", "award__team", "objector", "resolved_by")
        .prefetch_related("files")
    )


def objections_visible(*, user) -> QuerySet[Objection]:
    """Organisers see their contests' objections; an objector sees their own."""
    if not (user and user.is_authenticated):
        return Objection.objects.none()
    return (
        Objection.objects.filter(
            Q(notice__contest__in=contests_organised(user=user)) | Q(objector=user)
        )
        .select_related("notice", "award__tier", "award__team", "objector", "resolved_by")
        .prefetch_related("files")
    )


# --------------------------------------------------------------------------------------------
# Certificates


def _certificate_qs() -> QuerySet[Certificate]:
    return Certificate.objects.select_related("contest", "award__tier", "replaces", "replaced_by")


def certificates_mine(*, user) -> QuerySet[Certificate]:
    """The user's own certificates and their teams' team certificates."""
    if not (user and user.is_authenticated):
        return Certificate.objects.none()
    team_ids = TeamMember.objects.filter(user=user).values("team_id")
    return _certificate_qs().filter(
        Q(user=user) | Q(recipient_role=CertificateRole.TEAM, team_id__in=team_ids)
    )


def certificates_visible(*, user) -> QuerySet[Certificate]:
    """Downloadable by the user: their own and their team's, or all of contests they organise."""
    if not (user and user.is_authenticated):
        return Certificate.objects.none()
    team_ids = TeamMember.objects.filter(user=user).values("team_id")
    return _certificate_qs().filter(
        Q(user=user)
        | Q(recipient_role=CertificateRole.TEAM, team_id__in=team_ids)
        | Q(contest__in=contests_organised(user=user))
    )


def certificates_organised(*, user) -> QuerySet[Certificate]:
    return _certificate_qs().filter(contest__in=contests_organised(user=user))


def certificate_batches_organised(*, user) -> QuerySet[CertificateBatch]:
    return CertificateBatch.objects.filter(contest__in=contests_organised(user=user))


# --------------------------------------------------------------------------------------------
# 揭榜挂帅 after the win: challenge results and agreements, by role


def _publisher_roles(user):
    from contest.models import ContestRole

    return ContestRole.objects.filter(user=user, role="publisher")


def challenge_results_visible(*, user):
    """Organisers: every result of their contests; publishers: their challenges' results; everyone
    else: the results whose 公示 has opened (流榜 with its reasons, winners with their prizes)."""
    from awards.models import ChallengeResult

    qs = ChallengeResult.objects.select_related(
        "challenge__publisher", "contest", "notice"
    ).prefetch_related("winners__team")
    public = Q(notice__opens_at__lte=timezone.now()) & ~Q(notice__status="stale")
    public &= Q(contest__in=contests_visible(user=user))
    if not (user and user.is_authenticated):
        return qs.filter(public)
    if user.is_superuser:
        return qs
    roles = _publisher_roles(user)
    mine = Q(contest__in=contests_organised(user=user))
    mine |= Q(
        contest_id__in=roles.values("contest_id"),
        challenge__publisher_id__in=roles.values("organisation_id"),
    )
    return qs.filter(public | mine)


def agreements_visible(*, user):
    """Organisers: their contests' agreements; publishers: their organisation's; the winning
    team (captain, members, advisors): its own; experts: the agreements whose 验收 entry they are
    assigned to. Nobody else, and no anonymous reader."""
    from awards.models import Agreement
    from judging.models import Assignment

    if not (user and user.is_authenticated):
        return Agreement.objects.none()
    qs = Agreement.objects.select_related("contest", "challenge", "team", "publisher")
    if user.is_superuser:
        return qs
    roles = _publisher_roles(user)
    members = TeamMember.objects.filter(user=user).values("team_id")
    assigned = Assignment.objects.filter(judge=user).values("entry_id")
    return qs.filter(
        Q(contest__in=contests_organised(user=user))
        | Q(
            contest_id__in=roles.values("contest_id"),
            publisher_id__in=roles.values("organisation_id"),
        )
        | Q(team_id__in=members)
        | Q(team__captain=user)
        | Q(acceptance_reviews__entry_id__in=assigned)
    ).distinct()


def agreement_detail_prefetch(qs):
    from django.db.models import Prefetch

    from awards.models import AcceptanceReview, Milestone

    return qs.prefetch_related(
        Prefetch(
            "milestones",
            queryset=Milestone.objects.order_by("order").prefetch_related("files", "payments"),
        ),
        Prefetch(
            "acceptance_reviews",
            queryset=AcceptanceReview.objects.select_related("stage").order_by("id"),
        ),
    )
