"""Reads, filtered by who is asking: an object a user may not see is simply not in the queryset."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet

from contest.enums import (
    ChallengeStatus,
    ContestRoleKind,
    ContestStatus,
    EntryStatus,
    MemberRole,
    QuestionVisibility,
)
from contest.models import (
    Challenge,
    ChallengeQuestion,
    Contest,
    ContestRole,
    Entry,
    EntryFile,
    Invitation,
    Organisation,
    PublisherApplication,
    Stage,
    Team,
    TeamMember,
)


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


def organiser_contest_ids(user) -> QuerySet:
    return ContestRole.objects.filter(user=user, role=ContestRoleKind.ORGANISER).values(
        "contest_id"
    )


def contests_visible(*, user) -> QuerySet[Contest]:
    """Public contests for everyone; drafts only for their organisers and platform admins."""
    qs = Contest.objects.select_related("parent")
    if _authenticated(user) and user.is_superuser:
        return qs
    public = ~Q(status=ContestStatus.DRAFT)
    if _authenticated(user):
        return qs.filter(public | Q(pk__in=organiser_contest_ids(user)))
    return qs.filter(public)


def contests_organised(*, user) -> QuerySet[Contest]:
    if not _authenticated(user):
        return Contest.objects.none()
    if user.is_superuser:
        return Contest.objects.all()
    return Contest.objects.filter(pk__in=organiser_contest_ids(user))


def challenges_visible(*, user) -> QuerySet[Challenge]:
    """Published and closed challenges of public contests for everyone; all of a contest for its
    organisers; their own organisation's challenges, in any status, for publishers."""
    qs = Challenge.objects.select_related("contest", "publisher", "track")
    public = Q(status__in=[ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED]) & ~Q(
        contest__status=ContestStatus.DRAFT
    )
    if not _authenticated(user):
        return qs.filter(public)
    if user.is_superuser:
        return qs
    publisher_roles = ContestRole.objects.filter(
        user=user,
        role=ContestRoleKind.PUBLISHER,
        contest_id=OuterRef("contest_id"),
        organisation_id=OuterRef("publisher_id"),
    )
    return qs.filter(
        public | Q(contest_id__in=organiser_contest_ids(user)) | Q(Exists(publisher_roles))
    )


def teams_visible(*, user) -> QuerySet[Team]:
    """Teams the user is on, and every team of the contests the user organises.

    Members come prefetched; add `co_applicants` where they are shown (the detail)."""
    if not _authenticated(user):
        return Team.objects.none()
    qs = (
        Team.objects.select_related("lead_organisation", "track", "group", "challenge", "captain")
        .only(
            *[f.attname for f in Team._meta.concrete_fields],
            "lead_organisation__name",
            "track__name",
            "group__name",
            "challenge__code",
            "captain__real_name",
        )
        .prefetch_related(
            Prefetch(
                "members",
                queryset=TeamMember.objects.select_related("user")
                .only("id", "team_id", "user_id", "role", "order", "title", "user__real_name")
                .order_by("order", "id"),
            ),
        )
    )
    if user.is_superuser:
        return qs
    # Two plain IN lists, not an OR over a correlated EXISTS: the planner keeps to the indexes and
    # COUNT(*) stays cheap at 20,000 teams (bench/api_lists.py).
    mine = TeamMember.objects.filter(user=user).values("team_id")
    return qs.filter(Q(contest_id__in=organiser_contest_ids(user)) | Q(pk__in=mine))


TEAM_ROW_FIELDS = (
    "id",
    "contest_id",
    "code",
    "name",
    "lead_organisation_id",
    "lead_organisation__name",
    "track_id",
    "track__name",
    "group_id",
    "group__name",
    "challenge_id",
    "challenge__code",
    "captain_id",
    "captain__real_name",
    "roster_locked",
    "created_at",
)
TEAM_MEMBER_ROW_FIELDS = ("id", "team_id", "user_id", "user__real_name", "role", "order", "title")


def team_rows(*, teams: QuerySet[Team], ids: list[int]) -> list[dict]:
    """The rows of a page of the team list as plain values, in the order of `ids`: two queries
    (the teams joined with their organisation, track, group, challenge and captain; the members
    joined with their users, under `"members"`), no model instances.

    `teams` is the caller's visible queryset (`teams_visible`), so an id the user may not see
    yields no row. At 100 rows a page this is most of what the list costs in Python
    (bench/api_lists.py): building ~1,300 model instances and a related manager per team is not."""
    rows = {
        row["id"]: row
        for row in teams.filter(pk__in=ids)
        .order_by()
        .prefetch_related(None)
        .values(*TEAM_ROW_FIELDS)
    }
    for row in rows.values():
        row["members"] = []
    members = (
        TeamMember.objects.filter(team_id__in=list(rows))
        .order_by("team_id", "order", "id")
        .values(*TEAM_MEMBER_ROW_FIELDS)
    )
    for member in members:
        rows[member["team_id"]]["members"].append(member)
    return [rows[pk] for pk in ids if pk in rows]


def entries_visible(*, user) -> QuerySet[Entry]:
    """Entries of the user's own teams and of contests the user organises (judges: see judging)."""
    if not _authenticated(user):
        return Entry.objects.none()
    qs = Entry.objects.select_related("team", "team__contest", "stage").prefetch_related(
        Prefetch("files", queryset=EntryFile.objects.filter(is_current=True).order_by("kind"))
    )
    if user.is_superuser:
        return qs
    mine = TeamMember.objects.filter(user=user, team_id=OuterRef("team_id"))
    return qs.filter(Q(Exists(mine)) | Q(team__contest_id__in=organiser_contest_ids(user)))


def invitations_visible(*, user) -> QuerySet[Invitation]:
    if not _authenticated(user):
        return Invitation.objects.none()
    return Invitation.objects.select_related("team").filter(
        Q(team__captain=user) | Q(team__contest_id__in=organiser_contest_ids(user))
    )


def organisations_all() -> QuerySet[Organisation]:
    return Organisation.objects.all()


def registration_stats(*, contest: Contest) -> dict:
    """Counts for an organiser: teams per track and group, entries per stage and status."""
    teams = Team.objects.filter(contest=contest)
    # In the organiser's order of tracks and groups, teams without one last, on every database.
    by_track = list(
        teams.values("track_id", "track__name")
        .annotate(teams=Count("id"))
        .order_by(F("track__order").asc(nulls_last=True), F("track_id").asc(nulls_last=True))
    )
    by_group = list(
        teams.values("group_id", "group__name")
        .annotate(teams=Count("id"))
        .order_by(F("group__order").asc(nulls_last=True), F("group_id").asc(nulls_last=True))
    )
    entries = list(
        Entry.objects.filter(team__contest=contest)
        .values("stage_id", "stage__name", "status")
        .annotate(count=Count("id"))
        .order_by("stage_id", "status")
    )
    return {
        "teams": teams.count(),
        "people": TeamMember.objects.filter(contest=contest).values("user_id").distinct().count(),
        "by_track": [
            {"track": r["track_id"], "name": r["track__name"] or "—", "teams": r["teams"]}
            for r in by_track
        ],
        "by_group": [
            {"group": r["group_id"], "name": r["group__name"] or "—", "teams": r["teams"]}
            for r in by_group
        ],
        "entries": [
            {
                "stage": r["stage_id"],
                "name": r["stage__name"],
                "status": r["status"],
                "count": r["count"],
            }
            for r in entries
        ],
        "submitted": sum(r["count"] for r in entries if r["status"] == EntryStatus.SUBMITTED),
    }


def team_roster_check(*, team: Team) -> list[str]:
    """What keeps a roster from meeting the contest's size rules (empty when it does)."""
    contest = team.contest
    members = team.members.exclude(role=MemberRole.ADVISOR).count()
    problems = []
    if members < contest.team_size_min:
        problems.append(f"team_size_below_min:{members}<{contest.team_size_min}")
    return problems


# 征榜 applications, challenge questions, who took a challenge --------------------------------


def publisher_applications_visible(*, user) -> QuerySet[PublisherApplication]:
    """Applicants see their own applications; organisers every application of their contests."""
    if not _authenticated(user):
        return PublisherApplication.objects.none()
    qs = PublisherApplication.objects.select_related("contest", "applicant", "decided_by")
    if user.is_superuser:
        return qs
    return qs.filter(Q(applicant=user) | Q(contest_id__in=organiser_contest_ids(user)))


def questions_visible(*, user) -> QuerySet[ChallengeQuestion]:
    """Answered public questions of public challenges for everyone; a team's own questions for
    its members; every question of a challenge for its publisher and the contest's organisers
    (hidden ones included). Hidden questions are gone for everyone else."""
    qs = ChallengeQuestion.objects.select_related(
        "challenge", "challenge__contest", "asker_team", "answered_by"
    )
    public = (
        Q(
            visibility=QuestionVisibility.PUBLIC,
            answered_at__isnull=False,
            hidden_by_moderator=False,
        )
        & Q(challenge__status__in=[ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED])
        & ~Q(challenge__contest__status=ContestStatus.DRAFT)
    )
    if not _authenticated(user):
        return qs.filter(public)
    if user.is_superuser:
        return qs
    publisher_roles = ContestRole.objects.filter(
        user=user,
        role=ContestRoleKind.PUBLISHER,
        contest_id=OuterRef("challenge__contest_id"),
        organisation_id=OuterRef("challenge__publisher_id"),
    )
    my_teams = TeamMember.objects.filter(user=user).values("team_id")
    return qs.filter(
        public
        | Q(asker_team_id__in=my_teams, hidden_by_moderator=False)
        | Q(challenge__contest_id__in=organiser_contest_ids(user))
        | Q(Exists(publisher_roles))
    )


def challenge_takers(*, challenge: Challenge) -> dict:
    """How many teams took `challenge`, and which, unless a stage of the contest is blind (then
    the publisher, a reviewer of its own challenge, must not learn who they are)."""
    teams = Team.objects.filter(challenge=challenge).order_by("code")
    blind = Stage.objects.filter(contest_id=challenge.contest_id, blind=True).exists()
    return {
        "challenge": challenge.pk,
        "deadline": challenge.deadline,
        "count": teams.count(),
        "blind": blind,
        "teams": [] if blind else list(teams.values("id", "code", "name")),
    }
