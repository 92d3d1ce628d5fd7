"""The organiser's report to government: its figures (`awards.reports.contest_report_data`)."""

from rest_framework import serializers

SCOPES = (("contest", "本赛事 This contest"), ("national", "全国赛 Whole national contest"))


class ReportQuerySerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=SCOPES,
        default="contest",
        help_text="contest: this contest (a national contest with all its sub-contests); "
        "national: the national contest this sub-contest belongs to",
    )


class ReportContestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    edition = serializers.CharField()
    year = serializers.IntegerField()


class ReportTotalsSerializer(serializers.Serializer):
    registrations = serializers.IntegerField()
    entrants = serializers.IntegerField()
    people = serializers.IntegerField()
    members = serializers.IntegerField()
    advisors = serializers.IntegerField()
    sub_contests = serializers.IntegerField()
    awards = serializers.IntegerField()
    awards_final = serializers.IntegerField()
    judges = serializers.IntegerField()
    recommended = serializers.IntegerField()


class ReportDimensionRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="null: not given")
    label = serializers.CharField()
    registrations = serializers.IntegerField()
    entrants = serializers.IntegerField()
    people = serializers.IntegerField()


class ReportCityRowSerializer(ReportDimensionRowSerializer):
    province = serializers.CharField(allow_null=True)


class ReportRegistrationsSerializer(serializers.Serializer):
    by_province = ReportDimensionRowSerializer(many=True)
    by_city = ReportCityRowSerializer(many=True)
    by_track = ReportDimensionRowSerializer(many=True)
    by_organisation_kind = ReportDimensionRowSerializer(many=True)


class ReportStageSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField(
        help_text="contest: a sub-contest's (or the contest's) stage; national: the national contest's own"
    )
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    stages = serializers.IntegerField(help_text="how many stages of this name were added up")
    reached = serializers.IntegerField()
    submitted = serializers.IntegerField()
    passed = serializers.IntegerField()


class ReportAwardRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    count = serializers.IntegerField()
    final = serializers.IntegerField()


class ReportAwardsSerializer(serializers.Serializer):
    by_tier = ReportAwardRowSerializer(many=True)
    by_province = ReportAwardRowSerializer(many=True)


class ReportCountRowSerializer(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    count = serializers.IntegerField()


class ReportJudgesSerializer(serializers.Serializer):
    by_field = ReportCountRowSerializer(many=True)
    by_region = ReportCountRowSerializer(many=True)


class ReportSubContestSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    level = serializers.CharField(help_text="national or sub_contest")
    registrations = serializers.IntegerField()
    entrants = serializers.IntegerField()
    people = serializers.IntegerField()
    judges = serializers.IntegerField()
    awards = serializers.IntegerField()
    recommended = serializers.IntegerField()


class ContestReportSerializer(serializers.Serializer):
    contest = ReportContestSerializer()
    scope = serializers.CharField(help_text="contest or national")
    has_national = serializers.BooleanField(
        help_text="whether the national scope is offered: the contest is a sub-contest whose "
        "national contest the user organises"
    )
    generated_at = serializers.DateTimeField()
    totals = ReportTotalsSerializer()
    registrations = ReportRegistrationsSerializer()
    stages = ReportStageSerializer(many=True)
    awards = ReportAwardsSerializer()
    judges = ReportJudgesSerializer()
    sub_contests = ReportSubContestSerializer(many=True)
