"""Finding people by name for organisers (a judge to invite, say): never a public directory.

Only users who organise at least one contest, or platform admins, may search; everyone else gets a
403. Contact details come back masked, enough to tell two 张伟 apart and no more."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from api.permissions import RulePermission
from contest.models import User

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

    def get_email(self, user) -> str:
        return mask_email(user.email)

    def get_mobile(self, user) -> str:
        return mask_mobile(user.mobile)

    def get_organisation_name(self, user) -> str | None:
        return user.organisation.name if user.organisation_id else None


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
            )
        ],
        responses=UserSearchResultSerializer(many=True),
    )
    def get(self, request):
        """Active users whose real name contains `q` (or whose email / mobile is `q`): at most 20, masked
        contacts. Organisers of a contest and platform admins only."""
        q = (request.query_params.get("q") or "").strip()
        if not q:
            return Response([])
        match = Q(real_name__icontains=q)
        if len(q) >= 3:
            match |= Q(email__iexact=q) | Q(mobile=q)
        users = (
            User.objects.filter(match, is_active=True)
            .select_related("organisation")
            .order_by("real_name", "pk")[:SEARCH_LIMIT]
        )
        return Response(UserSearchResultSerializer(users, many=True).data)
