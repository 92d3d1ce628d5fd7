"""Team registration, invitations and the roster rules of a contest."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contest.editions import edition_rule_check
from contest.enums import (
    ChallengeStatus,
    ContestStatus,
    EntrantKind,
    InvitationStatus,
    MemberRole,
)
from contest.errors import error, text_by_language
from contest.models import Contest, Invitation, Team, TeamMember
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from contest.signals import invitation_answered, invitation_sent, team_registered

INVITATION_LIFETIME = timedelta(days=7)
# The error for an invitation that can no longer be used, by its status.
_INVITATION_USED = {
    InvitationStatus.ACCEPTED: "invitation_accepted",
    InvitationStatus.DECLINED: "invitation_declined",
    InvitationStatus.EXPIRED: "invitation_expired",
}


def _registration_open_check(contest: Contest) -> None:
    now = timezone.now()
    if contest.status != ContestStatus.REGISTRATION_OPEN or (
        contest.registration_opens_at and now < contest.registration_opens_at
    ):
        raise error("registration_not_open")
    if contest.registration_closes_at and now >= contest.registration_closes_at:
        raise error("registration_closed")


def _roster_unlocked_check(team: Team) -> None:
    if team.is_roster_locked:
        raise error("roster_locked")


def _one_team_check(contest: Contest, user, *, role: str) -> None:
    """One team per person, where the contest says so. Advisors may advise several teams."""
    if not contest.one_team_per_person or role == MemberRole.ADVISOR:
        return
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if (
        TeamMember.objects.filter(contest=contest, user=user)
        .exclude(role=MemberRole.ADVISOR)
        .exists()
    ):
        raise error("already_in_team")


def _team_fields_check(contest: Contest, team: Team, co_applicants: list) -> None:
    kinds = set(contest.entrant_kinds or [EntrantKind.PERSON])
    lead = team.lead_organisation
    if lead is None and EntrantKind.PERSON not in kinds:
        raise error(
            "lead_organisation_required",
            fields={"lead_organisation": ["lead_organisation_required"]},
        )
    if lead is not None and lead.kind not in kinds:
        raise error(
            "organisation_kind_not_eligible",
            fields={"lead_organisation": ["organisation_kind_not_eligible"]},
        )
    if co_applicants:
        if not contest.joint_entries_allowed:
            raise error(
                "joint_entries_not_allowed", fields={"co_applicants": ["joint_entries_not_allowed"]}
            )
        ids = [o.pk for o in co_applicants]
        if len(set(ids)) != len(ids) or (lead is not None and lead.pk in ids):
            raise error(
                "co_applicants_duplicate", fields={"co_applicants": ["co_applicants_duplicate"]}
            )
        if len(ids) > contest.co_applicants_max:
            raise error(
                "too_many_co_applicants",
                co_applicants_max=contest.co_applicants_max,
                fields={"co_applicants": ["too_many_co_applicants"]},
            )
    if team.track_id and team.track.contest_id != contest.pk:
        raise error("track_not_in_contest", fields={"track": ["track_not_in_contest"]})
    if contest.requires_track and not team.track_id:
        raise error("track_required", fields={"track": ["track_required"]})
    if team.challenge_id:
        challenge = team.challenge
        if challenge.contest_id != contest.pk or challenge.status != ChallengeStatus.PUBLISHED:
            raise error("challenge_not_open", fields={"challenge": ["challenge_not_open"]})
        if challenge.deadline and timezone.now() >= challenge.deadline:
            raise error("challenge_deadline_passed")
    elif contest.requires_challenge:
        raise error("challenge_required", fields={"challenge": ["challenge_required"]})
    if team.group_id:
        group = team.group
        if group.contest_id != contest.pk:
            raise error("group_not_in_contest", fields={"group": ["group_not_in_contest"]})
        if group.registered_on_or_after or group.registered_before:
            founded = lead.registered_on if lead else None
            if founded is None or (
                (group.registered_on_or_after and founded < group.registered_on_or_after)
                or (group.registered_before and founded >= group.registered_before)
            ):
                raise error(
                    "group_not_eligible",
                    group=text_by_language(zh=group.name, en=group.code),
                    fields={"group": ["group_not_eligible"]},
                )


def _next_team_code(contest: Contest) -> str:
    Contest.objects.select_for_update().filter(pk=contest.pk).first()
    count = Team.objects.filter(contest=contest).count()
    code = f"T{count + 1:05d}"
    while Team.objects.filter(contest=contest, code=code).exists():
        count += 1
        code = f"T{count + 1:05d}"
    return code


@transaction.atomic
def team_create(
    *,
    actor,
    contest: Contest,
    name: str,
    lead_organisation=None,
    co_applicants: list | None = None,
    track=None,
    group=None,
    challenge=None,
) -> Team:
    """Register a team; the actor becomes its captain. Checks every registration rule of the contest."""
    permission_require(actor, "contest.register_team")
    _registration_open_check(contest)
    co_applicants = list(co_applicants or [])
    team = Team(
        contest=contest,
        name=name.strip(),
        lead_organisation=lead_organisation,
        track=track,
        group=group,
        challenge=challenge,
        captain=actor,
        code="pending",
    )
    _team_fields_check(contest, team, co_applicants)
    edition_rule_check(contest=contest, organisations=[lead_organisation, *co_applicants])
    if Team.objects.filter(contest=contest, name=team.name).exists():
        raise error("team_name_taken", fields={"name": ["team_name_taken"]})
    _one_team_check(contest, actor, role=MemberRole.CAPTAIN)
    team.code = _next_team_code(contest)
    full_clean_or_raise(team)
    team.save()
    if co_applicants:
        team.co_applicants.set(co_applicants)
    TeamMember.objects.create(
        team=team, contest=contest, user=actor, role=MemberRole.CAPTAIN, order=0
    )
    team_registered.send(sender=Team, team=team)
    return team


@transaction.atomic
def team_update(*, actor, team: Team, co_applicants: list | None = None, **fields) -> Team:
    team = Team.objects.select_for_update().select_related("contest").get(pk=team.pk)
    permission_require(actor, "contest.edit_team", team)
    _roster_unlocked_check(team)
    allowed = {"name", "lead_organisation", "track", "group", "challenge"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown team fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(team, key, value)
    current_co = list(team.co_applicants.all()) if co_applicants is None else list(co_applicants)
    _team_fields_check(team.contest, team, current_co)
    if "lead_organisation" in fields or co_applicants is not None:
        edition_rule_check(
            contest=team.contest, organisations=[team.lead_organisation, *current_co]
        )
    if (
        "name" in fields
        and Team.objects.filter(contest=team.contest, name=team.name).exclude(pk=team.pk).exists()
    ):
        raise error("team_name_taken", fields={"name": ["team_name_taken"]})
    full_clean_or_raise(team)
    team.save()
    if co_applicants is not None:
        team.co_applicants.set(co_applicants)
    return team


@transaction.atomic
def invitation_create(
    *,
    actor,
    team: Team,
    role: str = MemberRole.MEMBER,
    invitee_name: str = "",
    invitee_contact: str = "",
) -> Invitation:
    permission_require(actor, "contest.invite_member", team)
    _roster_unlocked_check(team)
    if role not in (MemberRole.MEMBER, MemberRole.ADVISOR):
        raise error("invalid_role", fields={"role": ["invalid_role"]})
    expires_at = timezone.now() + INVITATION_LIFETIME
    closes = team.contest.registration_closes_at
    if closes and closes < expires_at:
        expires_at = closes
    invitation = Invitation.objects.create(
        team=team,
        role=role,
        invitee_name=invitee_name,
        invitee_contact=invitee_contact,
        expires_at=expires_at,
        invited_by=actor,
    )
    invitation_sent.send(sender=Invitation, invitation=invitation)
    return invitation


def _invitation_open(code: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("team", "team__contest")
        .filter(code=code)
        .first()
    )
    if invitation is None:
        raise error("invitation_not_found", fields={"code": ["invitation_not_found"]})
    if invitation.status == InvitationStatus.SENT and invitation.expires_at <= timezone.now():
        invitation.status = InvitationStatus.EXPIRED
        invitation.save(update_fields=["status"])
    if invitation.status != InvitationStatus.SENT:
        raise error(
            _INVITATION_USED[invitation.status],
            status=text_by_language(
                zh=invitation.get_status_display().split()[0], en=str(invitation.status)
            ),
        )
    return invitation


@transaction.atomic
def invitation_accept(*, actor, code: str) -> TeamMember:
    """Join a team by an invitation's link or code, within the contest's roster limits."""
    permission_require(actor, "contest.join_team")
    invitation = _invitation_open(code)
    team = Team.objects.select_for_update().select_related("contest").get(pk=invitation.team_id)
    contest = team.contest
    _roster_unlocked_check(team)
    if team.members.filter(user=actor).exists():
        raise error("already_member")
    if invitation.role == MemberRole.ADVISOR:
        if team.members.filter(role=MemberRole.ADVISOR).count() >= contest.advisors_max:
            raise error("advisors_full", advisors_max=contest.advisors_max)
    elif team.members.exclude(role=MemberRole.ADVISOR).count() >= contest.team_size_max:
        raise error("team_full", team_size_max=contest.team_size_max)
    _one_team_check(contest, actor, role=invitation.role)
    order = team.members.count()
    member = TeamMember.objects.create(
        team=team, contest=contest, user=actor, role=invitation.role, order=order
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_by = actor
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_by", "responded_at"])
    invitation_answered.send(sender=Invitation, invitation=invitation)
    return member


@transaction.atomic
def invitation_decline(*, actor, code: str) -> Invitation:
    invitation = _invitation_open(code)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_by = actor if actor and actor.is_authenticated else None
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_by", "responded_at"])
    invitation_answered.send(sender=Invitation, invitation=invitation)
    return invitation


def invitations_expire() -> int:
    """Mark sent invitations past their expiry as expired (run hourly by Celery beat)."""
    return Invitation.objects.filter(
        status=InvitationStatus.SENT, expires_at__lte=timezone.now()
    ).update(status=InvitationStatus.EXPIRED)


@transaction.atomic
def member_remove(*, actor, member: TeamMember) -> None:
    """The captain removes a member, or a member leaves. The captain cannot leave."""
    team = Team.objects.select_for_update().select_related("contest").get(pk=member.team_id)
    permission_require(actor, "contest.remove_member", member)
    _roster_unlocked_check(team)
    if member.role == MemberRole.CAPTAIN:
        raise error("captain_cannot_leave")
    member.delete()
