"""评榜 by publishers: the stage's publisher weight, publisher reviewers and their assignments."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from judging.models import PanelMembership


class PublisherWeightSerializer(serializers.Serializer):
    weight = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        coerce_to_string=True,
        help_text="The share of the score the publishers' reviews carry, in percent (0: none).",
    )
    locked = serializers.BooleanField(
        read_only=True, help_text="Scoring has started: the weight can no longer change."
    )


class PublisherReviewerInviteSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all())


class PublisherReviewerSerializer(serializers.ModelSerializer):
    judge_name = serializers.CharField(source="judge.real_name", read_only=True)

    class Meta:
        model = PanelMembership
        fields = [
            "id",
            "stage",
            "judge",
            "judge_name",
            "reviewer_class",
            "status",
            "declaration_accepted_at",
        ]
        read_only_fields = fields


class PublisherAssignmentSummarySerializer(serializers.Serializer):
    reviewers = serializers.IntegerField()
    created = serializers.IntegerField()
    conflicts = serializers.IntegerField(
        help_text="Pairs left out: the publisher conflicts (回避)."
    )


class PublisherCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    real_name = serializers.CharField()
    organisation_name = serializers.CharField()


class PublisherReviewersSerializer(serializers.Serializer):
    reviewers = PublisherReviewerSerializer(many=True)
    candidates = PublisherCandidateSerializer(
        many=True, help_text="Publishers of the contest not on this stage's panel yet."
    )
