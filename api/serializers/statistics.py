"""The organiser's charts: registrations, entries per stage, score distributions, judges."""

from rest_framework import serializers

from api.serializers.assignment import JudgeProgressSerializer

SCORE = {"max_digits": 7, "decimal_places": 2, "allow_null": True}


class DayCountSerializer(serializers.Serializer):
    date = serializers.DateField()
    count = serializers.IntegerField()
    cumulative = serializers.IntegerField()


class CategoryCountSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="track id, province or kind; null: none")
    label = serializers.CharField(allow_blank=True)
    count = serializers.IntegerField()


class RegistrationStatisticsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    over_time = DayCountSerializer(many=True)
    by_track = CategoryCountSerializer(many=True)
    by_region = CategoryCountSerializer(many=True)
    by_organisation_kind = CategoryCountSerializer(many=True)


class StatusSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class StageEntryCountsSerializer(serializers.Serializer):
    stage = serializers.IntegerField()
    name = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="status -> count")
    total = serializers.IntegerField()


class EntryStatisticsSerializer(serializers.Serializer):
    statuses = StatusSerializer(many=True)
    stages = StageEntryCountsSerializer(many=True)


class BinSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()


class TrackDistributionSerializer(serializers.Serializer):
    track = serializers.IntegerField(allow_null=True)
    name = serializers.CharField(allow_blank=True)
    reviews = serializers.IntegerField()
    mean = serializers.DecimalField(**SCORE)
    counts = serializers.ListField(child=serializers.IntegerField(), help_text="one per bin")


class ScoreStatisticsSerializer(serializers.Serializer):
    bins = BinSerializer(many=True)
    tracks = TrackDistributionSerializer(many=True)


class JudgeFiguresSerializer(serializers.Serializer):
    judge = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    reviews = serializers.IntegerField()
    mean = serializers.DecimalField(**SCORE)
    offset = serializers.DecimalField(**SCORE, help_text="judge's mean minus the stage mean")
    spread = serializers.DecimalField(**SCORE, help_text="population SD of the judge's totals")
    leniency = serializers.DecimalField(
        **SCORE, help_text="mean deviation from the other judges of the same entries"
    )
    outlier = serializers.BooleanField()


class GroupAgreementFiguresSerializer(serializers.Serializer):
    group_key = serializers.CharField()
    group_name = serializers.CharField()
    judges = serializers.IntegerField()
    entries_reviewed = serializers.IntegerField()
    kendall_w = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)
    icc = serializers.DecimalField(max_digits=6, decimal_places=4, allow_null=True)


class ProgressRowSerializer(JudgeProgressSerializer):
    remaining = serializers.IntegerField()


class ProgressTotalSerializer(serializers.Serializer):
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    drafts = serializers.IntegerField()
    remaining = serializers.IntegerField()


class JudgeStatisticsSerializer(serializers.Serializer):
    stage_mean = serializers.DecimalField(**SCORE)
    judges = JudgeFiguresSerializer(many=True)
    groups = GroupAgreementFiguresSerializer(many=True)
    progress = ProgressRowSerializer(many=True)
    progress_total = ProgressTotalSerializer()
