from rest_framework import serializers

from contest.models import PublisherApplication
from contest.services.publisher_application import APPLICATION_FIELDS


class PublisherApplicationSerializer(serializers.ModelSerializer):
    contest_name = serializers.CharField(source="contest.name", read_only=True)
    applicant_name = serializers.CharField(source="applicant.real_name", read_only=True)
    decided_by_name = serializers.CharField(
        source="decided_by.real_name", read_only=True, default=None
    )

    class Meta:
        model = PublisherApplication
        fields = [
            "id",
            "contest",
            "contest_name",
            *APPLICATION_FIELDS,
            "applicant",
            "applicant_name",
            "status",
            "reason",
            "organisation",
            "decided_by_name",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class PublisherApplicationWriteSerializer(serializers.ModelSerializer):
    """The 征榜 form. The USCC's check character is verified by the service (GB 32100-2015)."""

    class Meta:
        model = PublisherApplication
        fields = ["contest", *APPLICATION_FIELDS]
        # The service checks the USCC (once, with its stable code) and the open-application rule.
        extra_kwargs = {"uscc": {"validators": []}}
        validators = []


class DecisionReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
