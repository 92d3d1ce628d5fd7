from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from api.filters import ChallengeFilter
from api.permissions import ReadOpenWriteAuthenticated
from api.serializers.challenge import (
    ChallengeDetailSerializer,
    ChallengeListSerializer,
    ChallengeTakersSerializer,
    ChallengeUpdateSerializer,
    ChallengeWriteSerializer,
    PublisherChallengeSerializer,
    ReasonSerializer,
)
from contest.enums import ContestRoleKind
from contest.errors import error
from contest.models import ContestRole
from contest.selectors import challenge_takers, challenges_visible, contests_visible
from contest.services import challenge as services


class ChallengeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The challenge list (榜单): search by keyword, filter by contest, track, status and prize."""

    permission_classes = [ReadOpenWriteAuthenticated]
    filterset_class = ChallengeFilter
    search_fields = ["code", "title", "background", "targets", "publisher__name"]
    ordering_fields = ["code", "prize_amount", "deadline", "published_at"]
    ordering = ["contest_id", "code"]  # the unique index; "contest" would sort by Contest.Meta
    rules = {"takers": "contest.view_challenge_takers"}

    def rule_object(self, challenge):
        return challenge

    def get_queryset(self):
        return challenges_visible(user=self.request.user)

    def get_serializer_class(self):
        return ChallengeDetailSerializer if self.action != "list" else ChallengeListSerializer

    @extend_schema(request=ChallengeWriteSerializer, responses={201: ChallengeDetailSerializer})
    def create(self, request):
        data = ChallengeWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contest = values.pop("contest")
        if not contests_visible(user=request.user).filter(pk=contest.pk).exists():
            raise Http404
        challenge = services.challenge_create(
            actor=request.user, contest=contest, publisher=values.pop("publisher"), **values
        )
        return Response(self._detail(challenge), status=201)

    @extend_schema(request=ChallengeUpdateSerializer, responses=ChallengeDetailSerializer)
    def partial_update(self, request, pk=None):
        challenge = get_object_or_404(self.get_queryset(), pk=pk)
        data = ChallengeUpdateSerializer(challenge, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        challenge = services.challenge_update(
            actor=request.user, challenge=challenge, **data.validated_data
        )
        return Response(self._detail(challenge))

    def _detail(self, challenge) -> dict:
        """The detail as the requester may see it (review_note for organisers and publisher)."""
        challenge = self.get_queryset().get(pk=challenge.pk)
        return ChallengeDetailSerializer(challenge, context=self.get_serializer_context()).data

    def _step(self, request, pk, service, **kwargs):
        challenge = get_object_or_404(self.get_queryset(), pk=pk)
        challenge = service(actor=request.user, challenge=challenge, **kwargs)
        return Response(self._detail(challenge))

    @extend_schema(request=None, responses=ChallengeDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Publisher: submit a draft for the organiser's review."""
        return self._step(request, pk, services.challenge_submit)

    @extend_schema(request=None, responses=ChallengeDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Organiser: approve a submitted challenge."""
        return self._step(request, pk, services.challenge_approve)

    @extend_schema(request=ReasonSerializer, responses=ChallengeDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        """Organiser: send a challenge back to its publisher, with a reason."""
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._step(
            request, pk, services.challenge_return, reason=data.validated_data["reason"]
        )

    @extend_schema(request=None, responses=ChallengeDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Organiser: publish an approved challenge on the list."""
        return self._step(request, pk, services.challenge_publish)

    @extend_schema(request=None, responses=ChallengeDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Organiser: close a published challenge."""
        return self._step(request, pk, services.challenge_close)

    @extend_schema(responses=PublisherChallengeSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def mine(self, request):
        """Publisher: the challenges of the organisations I publish for, in every status, with
        the organiser's return reason and the number of questions still to answer."""
        if not request.user.is_authenticated:
            raise NotAuthenticated
        challenges = challenges_visible(user=request.user).filter(
            Exists(
                ContestRole.objects.filter(
                    user=request.user.pk,
                    role=ContestRoleKind.PUBLISHER,
                    contest_id=OuterRef("contest_id"),
                    organisation_id=OuterRef("publisher_id"),
                )
            )
        )
        challenges = challenges.annotate(
            questions_open=Count(
                "questions",
                filter=Q(questions__answered_at__isnull=True, questions__hidden_by_moderator=False),
            )
        ).order_by("contest_id", "code")
        context = self.get_serializer_context()
        return Response(PublisherChallengeSerializer(challenges, many=True, context=context).data)

    @extend_schema(responses=ChallengeTakersSerializer)
    @action(detail=True, methods=["get"], filterset_class=None)
    def takers(self, request, pk=None):
        """Publisher and organisers, after the taking deadline: how many teams took the
        challenge, and which ones unless a stage of the contest is blind."""
        challenge = self.get_object()
        if challenge.deadline is None or challenge.deadline > timezone.now():
            deadline = (
                timezone.localtime(challenge.deadline).strftime("%Y-%m-%d %H:%M")
                if challenge.deadline
                else "—"
            )
            raise error("takers_before_deadline", deadline=deadline)
        return Response(ChallengeTakersSerializer(challenge_takers(challenge=challenge)).data)
