"""Who may do what in the contest app: one predicate per rule, used by services and the API."""

from __future__ import annotations

from contest.enums import ContestRoleKind, MemberRole


def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


def can_create_contest(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.is_staff))


def is_organiser(user, contest) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    return contest.roles.filter(user=user, role=ContestRoleKind.ORGANISER).exists()


def publisher_organisation_ids(user, contest) -> set[int]:
    if not (user and user.is_authenticated):
        return set()
    return set(
        contest.roles.filter(user=user, role=ContestRoleKind.PUBLISHER).values_list(
            "organisation_id", flat=True
        )
    )


def is_publisher_for(user, contest, organisation_id: int) -> bool:
    return organisation_id in publisher_organisation_ids(user, contest)


def is_team_member(user, team) -> bool:
    if not (user and user.is_authenticated):
        return False
    return team.members.filter(user=user).exists()


def is_team_captain(user, team) -> bool:
    return bool(user and user.is_authenticated and team.captain_id == user.id)


def can_edit_entry(user, team) -> bool:
    """Captain and members edit entries; advisors only read."""
    if not (user and user.is_authenticated):
        return False
    return team.members.filter(user=user, role__in=[MemberRole.CAPTAIN, MemberRole.MEMBER]).exists()
