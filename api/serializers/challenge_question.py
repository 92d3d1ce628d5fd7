from rest_framework import serializers

from contest.enums import QuestionVisibility
from contest.models import ChallengeQuestion
from contest.permissions import is_challenge_organiser, is_challenge_publisher


class ChallengeQuestionSerializer(serializers.ModelSerializer):
    """A question and its answer. Which team asked is shown to the contest's organisers only;
    the asking team sees `mine: true`. Pass the request and `my_team_ids` in the context."""

    mine = serializers.SerializerMethodField()
    asker_team_name = serializers.SerializerMethodField()
    hidden_reason = serializers.SerializerMethodField()
    answered_by_name = serializers.CharField(
        source="answered_by.real_name", read_only=True, default=None
    )

    class Meta:
        model = ChallengeQuestion
        fields = [
            "id",
            "challenge",
            "text",
            "visibility",
            "answer",
            "answered_at",
            "answered_by_name",
            "created_at",
            "mine",
            "asker_team_name",
            "hidden_by_moderator",
            "hidden_reason",
        ]
        read_only_fields = fields

    def _user(self):
        request = self.context.get("request")
        return getattr(request, "user", None)

    def get_mine(self, question) -> bool:
        return question.asker_team_id in self.context.get("my_team_ids", set())

    def get_asker_team_name(self, question) -> str | None:
        if is_challenge_organiser(self._user(), question.challenge):
            return question.asker_team.name
        return None

    def get_hidden_reason(self, question) -> str | None:
        user = self._user()
        challenge = question.challenge
        if is_challenge_organiser(user, challenge) or is_challenge_publisher(user, challenge):
            return question.hidden_reason
        return None


class QuestionAskSerializer(serializers.Serializer):
    challenge = serializers.IntegerField()
    team = serializers.IntegerField(help_text="The asking team (you must be on it).")
    text = serializers.CharField(max_length=2000, allow_blank=True)


class QuestionAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000, allow_blank=True)
    visibility = serializers.ChoiceField(choices=QuestionVisibility.choices)


class QuestionHideSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)
