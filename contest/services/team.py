"""Team registration, invitations and the roster rules of a contest."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contest import permissions
from contest.enums import (
    ChallengeStatus,
    ContestStatus,
    EntrantKind,
    InvitationState,
    MemberRole,
)
from contest.errors import StateConflict, ValidationFailed
from contest.models import Contest, Invitation, Team, TeamMember
from contest.services.common import full_clean_or_raise, not_permitted

INVITATION_LIFETIME = timedelta(days=7)


def _registration_open_check(contest: Contest) -> None:
    now = timezone.now()
    if contest.status != ContestStatus.REGISTRATION_OPEN or (
        contest.registration_opens_at and now < contest.registration_opens_at
    ):
        raise StateConflict(
            "registration_not_open",
            "该赛事当前不在报名期。",
            "Registration for this contest is not open.",
        )
    if contest.registration_closes_at and now >= contest.registration_closes_at:
        raise StateConflict("registration_closed", "报名已截止。", "Registration has closed.")


def _roster_unlocked_check(team: Team) -> None:
    if team.is_roster_locked:
        raise StateConflict(
            "roster_locked",
            "报名截止后团队名单已锁定，不能再变更成员。",
            "The roster is locked after the registration deadline; members cannot change.",
        )


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
        raise StateConflict(
            "already_in_team",
            "本赛事每人只能参加一个团队，你已在其他团队中。",
            "In this contest a person may be on one team only, and you already are.",
        )


def _team_fields_check(contest: Contest, team: Team, co_applicants: list) -> None:
    kinds = set(contest.entrant_kinds or [EntrantKind.PERSON])
    lead = team.lead_organisation
    if lead is None and EntrantKind.PERSON not in kinds:
        raise ValidationFailed(
            "lead_organisation_required",
            "本赛事须以单位名义申报，请填写申报单位。",
            "This contest is entered by organisations: name the lead organisation.",
            fields={"lead_organisation": ["lead_organisation_required"]},
        )
    if lead is not None and lead.kind not in kinds:
        raise ValidationFailed(
            "organisation_kind_not_eligible",
            "该类型单位不能参加本赛事。",
            "Organisations of this type may not enter this contest.",
            fields={"lead_organisation": ["organisation_kind_not_eligible"]},
        )
    if co_applicants:
        if not contest.joint_entries_allowed:
            raise ValidationFailed(
                "joint_entries_not_allowed",
                "本赛事不接受联合申报。",
                "This contest does not accept joint entries.",
                fields={"co_applicants": ["joint_entries_not_allowed"]},
            )
        ids = [o.pk for o in co_applicants]
        if len(set(ids)) != len(ids) or (lead is not None and lead.pk in ids):
            raise ValidationFailed(
                "co_applicants_duplicate",
                "联合申报单位重复或与申报单位相同。",
                "Co-applicants repeat or include the lead organisation.",
                fields={"co_applicants": ["co_applicants_duplicate"]},
            )
        if len(ids) > contest.co_applicants_max:
            raise ValidationFailed(
                "too_many_co_applicants",
                f"联合申报单位最多 {contest.co_applicants_max} 家。",
                f"At most {contest.co_applicants_max} co-applicants.",
                fields={"co_applicants": ["too_many_co_applicants"]},
            )
    if team.track_id and team.track.contest_id != contest.pk:
        raise ValidationFailed(
            "track_not_in_contest",
            "赛道不属于该赛事。",
            "The track belongs to another contest.",
            fields={"track": ["track_not_in_contest"]},
        )
    if contest.requires_track and not team.track_id:
        raise ValidationFailed(
            "track_required", "请选择赛道。", "Pick a track.", fields={"track": ["track_required"]}
        )
    if team.challenge_id:
        challenge = team.challenge
        if challenge.contest_id != contest.pk or challenge.status != ChallengeStatus.PUBLISHED:
            raise ValidationFailed(
                "challenge_not_open",
                "所选榜题未发布或不属于该赛事。",
                "The challenge is not published in this contest.",
                fields={"challenge": ["challenge_not_open"]},
            )
        if challenge.deadline and timezone.now() >= challenge.deadline:
            raise StateConflict(
                "challenge_deadline_passed",
                "该榜题的揭榜截止时间已过。",
                "The deadline to take this challenge has passed.",
            )
    elif contest.requires_challenge:
        raise ValidationFailed(
            "challenge_required",
            "请选择要揭榜的榜题。",
            "Pick a challenge to take.",
            fields={"challenge": ["challenge_required"]},
        )
    if team.group_id:
        group = team.group
        if group.contest_id != contest.pk:
            raise ValidationFailed(
                "group_not_in_contest",
                "组别不属于该赛事。",
                "The group belongs to another contest.",
                fields={"group": ["group_not_in_contest"]},
            )
        if group.registered_on_or_after or group.registered_before:
            founded = lead.registered_on if lead else None
            if founded is None or (
                (group.registered_on_or_after and founded < group.registered_on_or_after)
                or (group.registered_before and founded >= group.registered_before)
            ):
                raise ValidationFailed(
                    "group_not_eligible",
                    f"申报单位不符合“{group.name}”的成立时间要求。",
                    f"The lead organisation does not meet the founding-date rule of group '{group.code}'.",
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
    if not (actor and actor.is_authenticated):
        raise not_permitted("报名", "register")
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
    if Team.objects.filter(contest=contest, name=team.name).exists():
        raise StateConflict(
            "team_name_taken",
            "该团队名称已被使用。",
            "That team name is taken.",
            fields={"name": ["team_name_taken"]},
        )
    _one_team_check(contest, actor, role=MemberRole.CAPTAIN)
    team.code = _next_team_code(contest)
    full_clean_or_raise(team)
    team.save()
    if co_applicants:
        team.co_applicants.set(co_applicants)
    TeamMember.objects.create(
        team=team, contest=contest, user=actor, role=MemberRole.CAPTAIN, order=0
    )
    return team


@transaction.atomic
def team_update(*, actor, team: Team, co_applicants: list | None = None, **fields) -> Team:
    team = Team.objects.select_for_update().select_related("contest").get(pk=team.pk)
    if not permissions.is_team_captain(actor, team):
        raise not_permitted("修改该团队", "edit this team")
    _roster_unlocked_check(team)
    allowed = {"name", "lead_organisation", "track", "group", "challenge"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown team fields: {sorted(unknown)}")
    for key, value in fields.items():
        setattr(team, key, value)
    current_co = list(team.co_applicants.all()) if co_applicants is None else list(co_applicants)
    _team_fields_check(team.contest, team, current_co)
    if (
        "name" in fields
        and Team.objects.filter(contest=team.contest, name=team.name).exclude(pk=team.pk).exists()
    ):
        raise StateConflict(
            "team_name_taken",
            "该团队名称已被使用。",
            "That team name is taken.",
            fields={"name": ["team_name_taken"]},
        )
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
    if not permissions.is_team_captain(actor, team):
        raise not_permitted("邀请成员", "invite members")
    _roster_unlocked_check(team)
    if role not in (MemberRole.MEMBER, MemberRole.ADVISOR):
        raise ValidationFailed(
            "invalid_role",
            "只能邀请成员或指导老师。",
            "Only members or advisors can be invited.",
            fields={"role": ["invalid_role"]},
        )
    expires_at = timezone.now() + INVITATION_LIFETIME
    closes = team.contest.registration_closes_at
    if closes and closes < expires_at:
        expires_at = closes
    return Invitation.objects.create(
        team=team,
        role=role,
        invitee_name=invitee_name,
        invitee_contact=invitee_contact,
        expires_at=expires_at,
        invited_by=actor,
    )


def _invitation_open(code: str) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("team", "team__contest")
        .filter(code=code)
        .first()
    )
    if invitation is None:
        raise ValidationFailed(
            "invitation_not_found",
            "邀请码无效。",
            "No invitation has this code.",
            fields={"code": ["invitation_not_found"]},
        )
    if invitation.state == InvitationState.SENT and invitation.expires_at <= timezone.now():
        invitation.state = InvitationState.EXPIRED
        invitation.save(update_fields=["state"])
    if invitation.state != InvitationState.SENT:
        raise StateConflict(
            f"invitation_{invitation.state}",
            f"该邀请{invitation.get_state_display().split()[0]}，不能再使用。",
            f"This invitation is {invitation.state} and can no longer be used.",
        )
    return invitation


@transaction.atomic
def invitation_accept(*, actor, code: str) -> TeamMember:
    """Join a team by an invitation's link or code, within the contest's roster limits."""
    if not (actor and actor.is_authenticated):
        raise not_permitted("加入团队", "join a team")
    invitation = _invitation_open(code)
    team = Team.objects.select_for_update().select_related("contest").get(pk=invitation.team_id)
    contest = team.contest
    _roster_unlocked_check(team)
    if team.members.filter(user=actor).exists():
        raise StateConflict("already_member", "你已是该团队成员。", "You are already on this team.")
    if invitation.role == MemberRole.ADVISOR:
        if team.members.filter(role=MemberRole.ADVISOR).count() >= contest.advisors_max:
            raise StateConflict(
                "advisors_full",
                f"指导老师已满（最多 {contest.advisors_max} 人）。",
                f"The team already has the maximum of {contest.advisors_max} advisors.",
            )
    elif team.members.exclude(role=MemberRole.ADVISOR).count() >= contest.team_size_max:
        raise StateConflict(
            "team_full",
            f"团队人数已满（最多 {contest.team_size_max} 人）。",
            f"The team already has the maximum of {contest.team_size_max} members.",
        )
    _one_team_check(contest, actor, role=invitation.role)
    order = team.members.count()
    member = TeamMember.objects.create(
        team=team, contest=contest, user=actor, role=invitation.role, order=order
    )
    invitation.state = InvitationState.ACCEPTED
    invitation.responded_by = actor
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_by", "responded_at"])
    return member


@transaction.atomic
def invitation_decline(*, actor, code: str) -> Invitation:
    invitation = _invitation_open(code)
    invitation.state = InvitationState.DECLINED
    invitation.responded_by = actor if actor and actor.is_authenticated else None
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["state", "responded_by", "responded_at"])
    return invitation


def invitations_expire() -> int:
    """Mark sent invitations past their expiry as expired (run hourly by Celery beat)."""
    return Invitation.objects.filter(
        state=InvitationState.SENT, expires_at__lte=timezone.now()
    ).update(state=InvitationState.EXPIRED)


@transaction.atomic
def member_remove(*, actor, member: TeamMember) -> None:
    """The captain removes a member, or a member leaves. The captain cannot leave."""
    team = Team.objects.select_for_update().select_related("contest").get(pk=member.team_id)
    if not (permissions.is_team_captain(actor, team) or member.user_id == actor.id):
        raise not_permitted("移除该成员", "remove this member")
    _roster_unlocked_check(team)
    if member.role == MemberRole.CAPTAIN:
        raise StateConflict(
            "captain_cannot_leave", "队长不能离队。", "The captain cannot leave the team."
        )
    member.delete()


def team_roster_problems(team: Team) -> list[str]:
    """What keeps a roster from meeting the contest's size rules (empty when it does)."""
    contest = team.contest
    members = team.members.exclude(role=MemberRole.ADVISOR).count()
    problems = []
    if members < contest.team_size_min:
        problems.append(f"team_size_below_min:{members}<{contest.team_size_min}")
    return problems
