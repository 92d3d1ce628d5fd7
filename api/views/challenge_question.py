import django_filters
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api.filters import StrictFilterSet
from api.permissions import RulePermission
from api.serializers.challenge_question import (
    ChallengeQuestionSerializer,
    QuestionAnswerSerializer,
    QuestionAskSerializer,
    QuestionHideSerializer,
)
from contest.models import ChallengeQuestion, TeamMember
from contest.selectors import challenges_visible, questions_visible, teams_visible
from contest.services import challenge_question as services


class ChallengeQuestionFilter(StrictFilterSet):
    answered = django_filters.BooleanFilter(
        field_name="answered_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ChallengeQuestion
        fields = ["challenge", "visibility"]


class ChallengeQuestionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Questions on challenges (答疑): public answers for everyone, a team's own questions for it,
    every question of a challenge for its publisher and the organisers."""

    permission_classes = [RulePermission]
    serializer_class = ChallengeQuestionSerializer
    filterset_class = ChallengeQuestionFilter
    ordering = ["created_at", "id"]
    rules = {
        "answer": "contest.answer_question",
        "hide": "contest.moderate_question",
        "unhide": "contest.moderate_question",
    }

    def get_queryset(self):
        return questions_visible(user=self.request.user)

    def rule_object(self, question):
        return question

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        context["my_team_ids"] = (
            set(TeamMember.objects.filter(user=user).values_list("team_id", flat=True))
            if user.is_authenticated
            else set()
        )
        return context

    def _detail(self, question):
        question = self.get_queryset().get(pk=question.pk)
        return ChallengeQuestionSerializer(question, context=self.get_serializer_context()).data

    @extend_schema(request=QuestionAskSerializer, responses={201: ChallengeQuestionSerializer})
    def create(self, request):
        """A team member asks about a published challenge; other teams never see who asked."""
        data = QuestionAskSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        challenge = challenges_visible(user=request.user).filter(pk=values["challenge"]).first()
        team = teams_visible(user=request.user).filter(pk=values["team"]).first()
        if challenge is None or team is None:
            raise Http404
        question = services.question_ask(
            actor=request.user, challenge=challenge, team=team, text=values["text"]
        )
        return Response(self._detail(question), status=201)

    def _step(self, request, pk, serializer_class, service):
        question = get_object_or_404(self.get_queryset(), pk=pk)
        self.check_object_permissions(request, question)
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        question = service(actor=request.user, question=question, **data.validated_data)
        return Response(self._detail(question))

    @extend_schema(request=QuestionAnswerSerializer, responses=ChallengeQuestionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Publisher: answer, publicly (teams that took the challenge are told) or privately."""
        return self._step(request, pk, QuestionAnswerSerializer, services.question_answer)

    @extend_schema(request=QuestionHideSerializer, responses=ChallengeQuestionSerializer)
    @action(detail=True, methods=["post"])
    def hide(self, request, pk=None):
        """Organiser: hide a question from teams and the public, with a reason (it is kept)."""
        return self._step(request, pk, QuestionHideSerializer, services.question_hide)

    @extend_schema(request=QuestionHideSerializer, responses=ChallengeQuestionSerializer)
    @action(detail=True, methods=["post"])
    def unhide(self, request, pk=None):
        """Organiser: show a hidden question again, with a reason (audited)."""
        return self._step(request, pk, QuestionHideSerializer, services.question_unhide)
