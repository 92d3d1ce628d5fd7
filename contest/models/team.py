import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from contest.enums import InvitationStatus, MemberRole


class Team(models.Model):
    """A 参赛团队: a captain, members and advisors, a lead organisation and co-applicants."""

    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="teams")
    code = models.CharField("团队编号 Code", max_length=20)
    name = models.CharField("团队名称 Name", max_length=120)
    lead_organisation = models.ForeignKey(
        "contest.Organisation",
        verbose_name="申报单位 Lead organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_teams",
    )
    co_applicants = models.ManyToManyField(
        "contest.Organisation",
        verbose_name="联合申报单位 Co-applicants",
        blank=True,
        related_name="co_applied_teams",
    )
    track = models.ForeignKey(
        "contest.Track", null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    group = models.ForeignKey(
        "contest.Group", null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    challenge = models.ForeignKey(
        "contest.Challenge", null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    captain = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="captained_teams"
    )
    roster_locked = models.BooleanField("名单锁定 Roster locked", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参赛团队 Team"
        verbose_name_plural = "参赛团队 Teams"
        ordering = ["contest", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="uniq_team_code"),
            models.UniqueConstraint(fields=["contest", "name"], name="uniq_team_name"),
        ]
        indexes = [models.Index(fields=["contest", "track"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def is_roster_locked(self) -> bool:
        """Locked by the organiser, or automatically once the registration deadline has passed."""
        closes = self.contest.registration_closes_at
        return self.roster_locked or (closes is not None and timezone.now() >= closes)


class TeamMember(models.Model):
    """A person on a team. `contest` is copied from the team so one-team-per-person is one query."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships"
    )
    role = models.CharField("角色 Role", max_length=16, choices=MemberRole.choices)
    order = models.PositiveSmallIntegerField("排序 Order", default=0)
    title = models.CharField("职务/职称 Title", max_length=64, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "团队成员 Team member"
        verbose_name_plural = "团队成员 Team members"
        ordering = ["team", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="uniq_team_member"),
        ]
        indexes = [models.Index(fields=["contest", "user"])]

    def __str__(self):
        return f"{self.user.real_name} ({self.get_role_display()})"


def _invitation_code() -> str:
    return secrets.token_urlsafe(16)


class Invitation(models.Model):
    """An invitation to join a team, accepted by link or by code."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=16, choices=MemberRole.choices, default=MemberRole.MEMBER)
    code = models.CharField(max_length=40, unique=True, default=_invitation_code)
    invitee_name = models.CharField("被邀请人 Invitee", max_length=64, blank=True)
    invitee_contact = models.CharField("邮箱或手机 Email or mobile", max_length=120, blank=True)
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.SENT
    )
    expires_at = models.DateTimeField()
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "团队邀请 Invitation"
        verbose_name_plural = "团队邀请 Invitations"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.team} ← {self.invitee_name or self.code}"
