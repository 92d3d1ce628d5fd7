from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.filters import TeamFilter
from api.permissions import Authenticated
from api.serializers.team import (
    InvitationCodeSerializer,
    InvitationCreateSerializer,
    InvitationPreviewSerializer,
    InvitationSerializer,
    TeamDetailSerializer,
    TeamListSerializer,
    TeamMemberSerializer,
    TeamUpdateSerializer,
    TeamWriteSerializer,
    team_list_data,
)
from contest.models import Invitation
from contest.selectors import contests_visible, invitations_visible, team_rows, teams_visible
from contest.services import team as services


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Teams: members see their own; organisers see every team of their contests."""

    permission_classes = [Authenticated]
    filterset_class = TeamFilter
    search_fields = ["code", "name", "lead_organisation__name"]
    ordering_fields = ["code", "name", "created_at"]
    # By the (contest_id, code) unique index: ordering by "contest" would join and sort by the
    # contest's own Meta.ordering over every row.
    ordering = ["contest_id", "code"]

    def get_queryset(self):
        qs = teams_visible(user=self.request.user)
        if self.action == "list":
            return qs
        return qs.select_related("contest").defer(None).prefetch_related("co_applicants")

    def get_serializer_class(self):
        return TeamListSerializer if self.action == "list" else TeamDetailSerializer

    def list(self, request, *args, **kwargs):
        """The page's team ids by the index (count, ids), then their rows as plain values (teams
        joined with their names, members with their users): four queries, as before, and no
        model instance or serializer per row (100 a page for organisers; bench/api_lists.py)."""
        queryset = self.filter_queryset(self.get_queryset())
        ids = queryset.values_list("pk", flat=True)
        page = self.paginator.paginate_queryset(ids, request, view=self)
        data = team_list_data(team_rows(teams=queryset, ids=list(ids if page is None else page)))
        return Response(data) if page is None else self.get_paginated_response(data)

    def _detail(self, team):
        return TeamDetailSerializer(self.get_queryset().get(pk=team.pk)).data

    @extend_schema(request=TeamWriteSerializer, responses={201: TeamDetailSerializer})
    def create(self, request):
        """Register a team (报名); you become its captain."""
        data = TeamWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contest = values.pop("contest")
        if not contests_visible(user=request.user).filter(pk=contest.pk).exists():
            raise Http404
        team = services.team_create(actor=request.user, contest=contest, **values)
        return Response(self._detail(team), status=201)

    @extend_schema(request=TeamUpdateSerializer, responses=TeamDetailSerializer)
    def partial_update(self, request, pk=None):
        team = get_object_or_404(self.get_queryset(), pk=pk)
        data = TeamUpdateSerializer(team, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        team = services.team_update(actor=request.user, team=team, **data.validated_data)
        return Response(self._detail(team))

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def invitations(self, request, pk=None):
        """Captain: invite a member or advisor; share the returned link or code."""
        team = get_object_or_404(self.get_queryset(), pk=pk)
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_create(
            actor=request.user, team=team, **data.validated_data
        )
        return Response(InvitationSerializer(invitation).data, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"members/(?P<member_id>[0-9]+)")
    def remove_member(self, request, pk=None, member_id=None):
        """Captain removes a member, or a member leaves."""
        team = get_object_or_404(self.get_queryset(), pk=pk)
        member = get_object_or_404(team.members.all(), pk=member_id)
        services.member_remove(actor=request.user, member=member)
        return Response(status=204)


class InvitationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Invitations: captains list theirs; anyone with the code previews, accepts or declines."""

    permission_classes = [Authenticated]
    serializer_class = InvitationSerializer
    filterset_fields = ["team", "status"]
    lookup_field = "code"

    def get_queryset(self):
        return invitations_visible(user=self.request.user)

    @extend_schema(responses=InvitationPreviewSerializer)
    def retrieve(self, request, code=None):
        invitation = get_object_or_404(
            Invitation.objects.select_related("team__contest"), code=code
        )
        return Response(InvitationPreviewSerializer(invitation).data)

    @extend_schema(request=InvitationCodeSerializer, responses=TeamMemberSerializer)
    @action(detail=False, methods=["post"])
    def accept(self, request):
        data = InvitationCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.invitation_accept(actor=request.user, code=data.validated_data["code"])
        return Response(TeamMemberSerializer(member).data, status=201)

    @extend_schema(request=InvitationCodeSerializer, responses=InvitationPreviewSerializer)
    @action(detail=False, methods=["post"])
    def decline(self, request):
        data = InvitationCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = services.invitation_decline(
            actor=request.user, code=data.validated_data["code"]
        )
        return Response(InvitationPreviewSerializer(invitation).data)
