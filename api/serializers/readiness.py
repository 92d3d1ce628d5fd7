"""The contest workspace's readiness (awards.readiness.contest_readiness): keys and numbers only;
the SPA holds the words (frontend/src/i18n/*/workspace.ts)."""

from rest_framework import serializers

from contest.enums import ContestKind, ContestStatus, StageKind
from judging.enums import StagePhase


class ReadinessItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="the checklist line, e.g. formal_pending")
    done = serializers.BooleanField()
    count = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField(allow_null=True, help_text="of how many, where it applies")
    required = serializers.BooleanField(help_text="the phase is done only once this line is")
    blocking = serializers.BooleanField(help_text="required and not done: fix it to go on")
    link = serializers.CharField(allow_null=True, help_text="the SPA route where it is fixed")
    status = serializers.ChoiceField(
        choices=ContestStatus.choices,
        allow_null=True,
        help_text="for a status line: the contest status it stands for",
    )
    endpoint = serializers.CharField(
        allow_null=True, help_text="the API call (POST) that does it, where the phase allows it"
    )
    to_stage = serializers.IntegerField(
        allow_null=True, help_text="for a promotion: the stage the entries go to"
    )


class ReadinessPhaseSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text="collect, vet, publish, take, registration, stage-<id>, notice or certificates"
    )
    progress = serializers.ChoiceField(choices=["done", "current", "upcoming"], source="state")
    stage = serializers.IntegerField(allow_null=True)
    stage_name = serializers.CharField(allow_blank=True)
    stage_kind = serializers.ChoiceField(choices=[*StageKind.values, ""], allow_blank=True)
    stage_phase = serializers.ChoiceField(choices=[*StagePhase.values, ""], allow_blank=True)
    blocking = serializers.IntegerField(help_text="how many lines block the next step")
    items = ReadinessItemSerializer(many=True)


class NextActionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="transition, stage_add or the checklist line to fix")
    kind = serializers.ChoiceField(choices=["transition", "call", "link"])
    status = serializers.ChoiceField(choices=ContestStatus.choices, required=False)
    http_method = serializers.ChoiceField(choices=["POST"], required=False, source="method")
    endpoint = serializers.CharField(required=False)
    stage = serializers.IntegerField(required=False, allow_null=True)
    to_stage = serializers.IntegerField(required=False, allow_null=True)
    link = serializers.CharField(required=False)


class ReadinessSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ContestKind.choices)
    status = serializers.ChoiceField(choices=ContestStatus.choices)
    next_status = serializers.ChoiceField(choices=ContestStatus.choices, allow_null=True)
    current = serializers.CharField(help_text="the key of the current phase")
    current_stage = serializers.IntegerField(
        allow_null=True, help_text="the stage every stage picker starts on"
    )
    phases = ReadinessPhaseSerializer(many=True)
    next_action = NextActionSerializer(allow_null=True)
