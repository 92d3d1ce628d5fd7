"""Finding people by name for organisers (a judge to invite, say): never a public directory.

Only users who organise at least one contest, or platform admins, may search; everyone else gets a
403. Contact details come back masked; what tells two 张伟 apart is their organisation, region and
title (from the judge profile where there is one). With `?contest=` (a contest the searcher
organises) each person says whether they are on a team of that contest, so a contestant is not
invited to judge it by mistake."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, OuterRef, Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.params import query_int
from api.permissions import RulePermission
from contest.models import TeamMember, User
from contest.permissions import permission_error
from contest.selectors import contests_organised

SEARCH_LIMIT = 20


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:2]}***@{domain}"


def mask_mobile(mobile: str | None) -> str:
    if not mobile:
        return ""
    if len(mobile) <= 7:
        return mobile[:2] + "***"
    return f"{mobile[:3]}****{mobile[-4:]}"


class UserSearchResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = serializers.CharField()
    email = serializers.SerializerMethodField(help_text="masked: zh***@example.com")
    mobile = serializers.SerializerMethodField(help_text="masked: 138****0000")
    organisation_name = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField(help_text="the judge profile's, else the user's")
    title = serializers.SerializerMethodField(help_text="职称 from the judge profile")
    on_team_in_contest = serializers.SerializerMethodField(
        help_text="on a team of the `contest` asked about; null when none was asked"
    )

    def get_email(self, user) -> str:
        return mask_email(user.email)

    def get_mobile(self, user) -> str:
        return mask_mobile(user.mobile)

    def get_organisation_name(self, user) -> str | None:
        profile = _profile(user)
        if profile is not None and profile.organisation_id:
            return profile.organisation.name
        return user.organisation.name if user.organisation_id else None

    def get_province(self, user) -> str:
        profile = _profile(user)
        return (profile.province if profile is not None else "") or user.province or ""

    def get_title(self, user) -> str:
        profile = _profile(user)
        return profile.title if profile is not None else ""

    def get_on_team_in_contest(self, user) -> bool | None:
        return getattr(user, "on_team_in_contest", None)


def _profile(user):
    try:
        return user.judge_profile
    except ObjectDoesNotExist:
        return None


class UserSearchView(APIView):
    permission_classes = [RulePermission]
    rules = {"get": "contest.search_users"}

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                required=False,
                description="part of a real name, or a whole email / mobile",
            ),
            OpenApiParameter(
                "contest",
                int,
                required=False,
                description="a contest you organise: flag the people on its teams",
            ),
        ],
        responses=UserSearchResultSerializer(many=True),
    )
    def get(self, request):
        """Active users whose real name contains `q` (or whose email / mobile is `q`): at most 20, masked
        contacts. Organisers of a contest and platform admins only."""
        q = (request.query_params.get("q") or "").strip()
        contest_id = query_int(request, "contest")
        if contest_id is not None and not (
            contests_organised(user=request.user).filter(pk=contest_id).exists()
        ):
            raise permission_error("contest.manage_contest")
        if not q:
            return Response([])
        match = Q(real_name__icontains=q)
        if len(q) >= 3:
            match |= Q(email__iexact=q) | Q(mobile=q)
        users = User.objects.filter(match, is_active=True).select_related(
            "organisation", "judge_profile", "judge_profile__organisation"
        )
        if contest_id is not None:
            users = users.annotate(
                on_team_in_contest=Exists(
                    TeamMember.objects.filter(user=OuterRef("pk"), contest_id=contest_id)
                )
            )
        users = users.order_by("real_name", "pk")[:SEARCH_LIMIT]
        return Response(UserSearchResultSerializer(users, many=True).data)
