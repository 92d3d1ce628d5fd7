"""A challenge's result (winners with prizes, or 流榜 with reasons) and putting it on notice.

Shapes only; writes go through `awards.services.challenge_result`."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from awards.enums import ChallengeOutcome, NoticeStatus
from awards.models import ChallengeResult, ChallengeWinner
from awards.services.notice import notice_phase
from contest.models import Challenge, Team


class ChallengeWinnerSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    agreement = serializers.SerializerMethodField()

    class Meta:
        model = ChallengeWinner
        fields = ["id", "team", "team_name", "award", "prize_amount", "agreement"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_agreement(self, winner) -> int | None:
        agreement = getattr(winner, "agreement", None)
        return agreement.pk if agreement is not None else None


class ChallengeResultSerializer(serializers.ModelSerializer):
    challenge_code = serializers.CharField(source="challenge.code", read_only=True)
    challenge_title = serializers.CharField(source="challenge.title", read_only=True)
    publisher_name = serializers.CharField(source="challenge.publisher.name", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    notice_phase = serializers.SerializerMethodField()
    notice_closes_at = serializers.DateTimeField(
        source="notice.closes_at", read_only=True, default=None
    )
    is_final = serializers.SerializerMethodField()
    winners = ChallengeWinnerSerializer(many=True, read_only=True)

    class Meta:
        model = ChallengeResult
        fields = [
            "id",
            "contest",
            "challenge",
            "challenge_code",
            "challenge_title",
            "publisher_name",
            "outcome",
            "outcome_label",
            "reasons",
            "notice",
            "notice_phase",
            "notice_closes_at",
            "is_final",
            "decided_at",
            "winners",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_notice_phase(self, result) -> str | None:
        return notice_phase(result.notice) if result.notice_id else None

    def get_is_final(self, result) -> bool:
        return bool(result.notice_id and result.notice.status == NoticeStatus.FINAL)


class WinnerWriteSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    prize_amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class ChallengeResultWriteSerializer(serializers.Serializer):
    challenge = serializers.PrimaryKeyRelatedField(queryset=Challenge.objects.all())
    outcome = serializers.ChoiceField(choices=ChallengeOutcome.choices)
    winners = WinnerWriteSerializer(many=True, required=False, default=list)
    reasons = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ChallengeResultNoticeSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=60)
    working_days = serializers.BooleanField(default=True)
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
