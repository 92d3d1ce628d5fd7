from rest_framework import serializers

from contest.models import Challenge
from contest.permissions import is_challenge_organiser, is_challenge_publisher
from contest.services.challenge import EDITABLE_FIELDS


class ChallengeListSerializer(serializers.ModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    track_name = serializers.CharField(source="track.name", read_only=True, default=None)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "contest",
            "code",
            "title",
            "publisher",
            "publisher_name",
            "track",
            "track_name",
            "prize_amount",
            "prize_negotiable",
            "prize_payer",
            "deadline",
            "status",
            "published_at",
        ]


class ChallengeDetailSerializer(ChallengeListSerializer):
    """A challenge in full. `review_note` (the organiser's internal reason for returning it) is
    shown only to the contest's organisers and the challenge's own publisher: null for anyone
    else, the public and other publishers included. Pass the request in the context."""

    review_note = serializers.SerializerMethodField()

    class Meta(ChallengeListSerializer.Meta):
        fields = ChallengeListSerializer.Meta.fields + [
            "background",
            "targets",
            "acceptance_indicators",
            "eligibility",
            "contact_name",
            "contact_phone",
            "contact_email",
            "review_note",
            "created_at",
            "updated_at",
        ]

    def get_review_note(self, challenge) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if is_challenge_organiser(user, challenge) or is_challenge_publisher(user, challenge):
            return challenge.review_note
        return None


class PublisherChallengeSerializer(ChallengeDetailSerializer):
    """A challenge in the publisher's workspace: its contest and the questions left to answer."""

    contest_name = serializers.CharField(source="contest.name", read_only=True)
    questions_open = serializers.IntegerField(read_only=True)

    class Meta(ChallengeDetailSerializer.Meta):
        fields = ChallengeDetailSerializer.Meta.fields + ["contest_name", "questions_open"]


class TakerTeamSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ChallengeTakersSerializer(serializers.Serializer):
    challenge = serializers.IntegerField()
    deadline = serializers.DateTimeField(allow_null=True)
    count = serializers.IntegerField()
    blind = serializers.BooleanField(help_text="A stage is blind: the teams are not named.")
    teams = TakerTeamSerializer(many=True)


class ChallengeWriteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Challenge
        fields = ["contest", "publisher", *EDITABLE_FIELDS]
        validators = []


class ChallengeUpdateSerializer(ChallengeWriteSerializer):
    class Meta(ChallengeWriteSerializer.Meta):
        fields = [
            f for f in ChallengeWriteSerializer.Meta.fields if f not in {"contest", "publisher"}
        ]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    errors = ImportRowErrorSerializer(many=True)
