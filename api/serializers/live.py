"""The live final: console actions, a judge's score, and the public state (what screens show)."""

from rest_framework import serializers


class LiveSessionCreateSerializer(serializers.Serializer):
    pitch_seconds = serializers.IntegerField(min_value=1, max_value=7200, default=480)
    questions_seconds = serializers.IntegerField(min_value=1, max_value=7200, default=420)


class LiveTimerSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["start", "pause", "reset"])


class LiveScoreSubmitSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    scores = serializers.DictField(child=serializers.CharField(max_length=32, allow_blank=True))
    comment = serializers.CharField(max_length=2000, allow_blank=True, default="")


class LiveScoreReopenSerializer(serializers.Serializer):
    entry = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    judge_no = serializers.IntegerField(min_value=1, max_value=1000)
    reason = serializers.CharField(max_length=1000, allow_blank=True)


class LiveScoreSerializer(serializers.Serializer):
    judge_no = serializers.IntegerField()
    total = serializers.CharField()
    struck = serializers.ChoiceField(choices=["high", "low"], allow_null=True)


class LiveSlotRowSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    entry = serializers.IntegerField()
    team = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    final = serializers.CharField(
        allow_null=True,
        help_text="null until the team's final stands: every judge has scored, or the team "
        "has left the stage (as in the ranking)",
    )


class LiveBoardSerializer(LiveSlotRowSerializer):
    final = serializers.CharField(
        allow_null=True, help_text="the trimmed mean of the scores submitted so far"
    )
    scores = LiveScoreSerializer(many=True)
    submitted = serializers.IntegerField()
    expected = serializers.IntegerField()
    complete = serializers.BooleanField()


class LiveRankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    position = serializers.IntegerField()
    entry = serializers.IntegerField()
    team = serializers.CharField()
    title = serializers.CharField()
    final = serializers.CharField()


class LiveTimerStateSerializer(serializers.Serializer):
    running = serializers.BooleanField()
    elapsed_ms = serializers.IntegerField()
    pitch_seconds = serializers.IntegerField()
    questions_seconds = serializers.IntegerField()
    server_now = serializers.DateTimeField()


class LiveStateSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    seq = serializers.IntegerField(help_text="the last event's number: reconnect with ?since=seq")
    state = serializers.CharField(help_text="draft, ready (drawn), running or finished")
    contest = serializers.CharField()
    stage = serializers.CharField()
    judges = serializers.IntegerField()
    timer = LiveTimerStateSerializer()
    current = LiveBoardSerializer(allow_null=True)
    previous = LiveBoardSerializer(allow_null=True)
    slots = LiveSlotRowSerializer(many=True)
    ranking = LiveRankingRowSerializer(many=True)


class LiveCriterionSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.CharField()
    max_score = serializers.CharField()
    step = serializers.CharField()


class LiveMyScoreSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    entry = serializers.IntegerField()
    team = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    total = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = serializers.DictField(child=serializers.CharField())


class LiveJudgeViewSerializer(serializers.Serializer):
    judge_no = serializers.IntegerField()
    is_chair = serializers.BooleanField()
    criteria = LiveCriterionSerializer(many=True)
    mine = LiveMyScoreSerializer(many=True)
    live = LiveStateSerializer()


class LiveSubmitResultSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    entry = serializers.IntegerField()
    total = serializers.CharField()
    submitted_at = serializers.DateTimeField()
