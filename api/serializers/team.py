from rest_framework import serializers

from contest.enums import MemberRole
from contest.models import Invitation, Team, TeamMember


class TeamMemberSerializer(serializers.ModelSerializer):
    real_name = serializers.CharField(source="user.real_name", read_only=True)

    class Meta:
        model = TeamMember
        fields = ["id", "user", "real_name", "role", "order", "title"]


class TeamListSerializer(serializers.ModelSerializer):
    lead_organisation_name = serializers.CharField(
        source="lead_organisation.name", read_only=True, default=None
    )
    track_name = serializers.CharField(source="track.name", read_only=True, default=None)
    group_name = serializers.CharField(source="group.name", read_only=True, default=None)
    challenge_code = serializers.CharField(source="challenge.code", read_only=True, default=None)
    captain_name = serializers.CharField(source="captain.real_name", read_only=True)
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "contest",
            "code",
            "name",
            "lead_organisation",
            "lead_organisation_name",
            "track",
            "track_name",
            "group",
            "group_name",
            "challenge",
            "challenge_code",
            "captain",
            "captain_name",
            "members",
            "roster_locked",
            "created_at",
        ]


_created_at = serializers.DateTimeField()


def team_list_data(rows: list[dict]) -> list[dict]:
    """The list representation of `contest.selectors.team_rows`: what TeamListSerializer writes
    for the same teams, key for key and value for value (tests/api/test_team.py compares them),
    without a serializer and a field call per value. The list's schema stays TeamListSerializer's.
    """
    return [
        {
            "id": row["id"],
            "contest": row["contest_id"],
            "code": row["code"],
            "name": row["name"],
            "lead_organisation": row["lead_organisation_id"],
            "lead_organisation_name": row["lead_organisation__name"],
            "track": row["track_id"],
            "track_name": row["track__name"],
            "group": row["group_id"],
            "group_name": row["group__name"],
            "challenge": row["challenge_id"],
            "challenge_code": row["challenge__code"],
            "captain": row["captain_id"],
            "captain_name": row["captain__real_name"],
            "members": [
                {
                    "id": member["id"],
                    "user": member["user_id"],
                    "real_name": member["user__real_name"],
                    "role": member["role"],
                    "order": member["order"],
                    "title": member["title"],
                }
                for member in row["members"]
            ],
            "roster_locked": row["roster_locked"],
            "created_at": _created_at.to_representation(row["created_at"]),
        }
        for row in rows
    ]


class TeamDetailSerializer(TeamListSerializer):
    co_applicants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    is_roster_locked = serializers.BooleanField(read_only=True)

    class Meta(TeamListSerializer.Meta):
        fields = TeamListSerializer.Meta.fields + ["co_applicants", "is_roster_locked"]


class TeamWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = [
            "contest",
            "name",
            "lead_organisation",
            "co_applicants",
            "track",
            "group",
            "challenge",
        ]
        validators = []
        extra_kwargs = {"co_applicants": {"required": False}}


class TeamUpdateSerializer(TeamWriteSerializer):
    class Meta(TeamWriteSerializer.Meta):
        fields = ["name", "lead_organisation", "co_applicants", "track", "group", "challenge"]


class InvitationSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    link = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "team",
            "team_name",
            "role",
            "code",
            "link",
            "invitee_name",
            "invitee_contact",
            "status",
            "expires_at",
            "created_at",
            "responded_at",
        ]

    def get_link(self, invitation) -> str:
        return f"/join/{invitation.code}"


class InvitationPreviewSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    contest_name = serializers.CharField(source="team.contest.name", read_only=True)

    class Meta:
        model = Invitation
        fields = ["team", "team_name", "contest_name", "role", "status", "expires_at"]


class InvitationCreateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=[
            (MemberRole.MEMBER.value, MemberRole.MEMBER.label),
            (MemberRole.ADVISOR.value, MemberRole.ADVISOR.label),
        ],
        default=MemberRole.MEMBER,
    )
    invitee_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    invitee_contact = serializers.CharField(max_length=120, required=False, allow_blank=True)


class InvitationCodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
