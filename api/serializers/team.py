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
