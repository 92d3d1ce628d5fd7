"""The live final (路演 / 擂台赛) on stage: one session per final stage, a slot per entry in the
drawn presentation order, and the numbered events that the big screen and judges' phones follow.

Scores are not stored here: a judge's live score is their Review of the stage's rubric, submitted
through `judging.services.review` — one truth for results.
"""

from django.db import models


class LiveSessionState(models.TextChoices):
    DRAFT = "draft", "未抽签 Not drawn"
    READY = "ready", "已抽签 Drawn"
    RUNNING = "running", "进行中 Running"
    FINISHED = "finished", "已结束 Finished"


class LiveSlotStatus(models.TextChoices):
    WAITING = "waiting", "候场 Waiting"
    ON_STAGE = "on_stage", "路演中 On stage"
    DONE = "done", "已结束 Done"


class LiveSession(models.Model):
    stage = models.OneToOneField(
        "contest.Stage", on_delete=models.CASCADE, related_name="live_session"
    )
    state = models.CharField(
        "状态 State",
        max_length=16,
        choices=LiveSessionState.choices,
        default=LiveSessionState.DRAFT,
    )
    order_seed = models.CharField("抽签种子 Draw seed", max_length=64, blank=True)
    current_slot = models.ForeignKey(
        "judging.LiveSlot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pitch_seconds = models.PositiveIntegerField("陈述时长 Pitch seconds", default=8 * 60)
    questions_seconds = models.PositiveIntegerField("问答时长 Questions seconds", default=7 * 60)
    # One timer for a team: pitch for `pitch_seconds`, then questions; paused when not running.
    timer_running = models.BooleanField(default=False)
    timer_started_at = models.DateTimeField(null=True, blank=True)
    timer_elapsed_ms = models.PositiveBigIntegerField(default=0, help_text="before the last start")
    event_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "现场路演 Live session"
        verbose_name_plural = "现场路演 Live sessions"

    def __str__(self):
        return f"live @ {self.stage}"


class LiveSlot(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="slots")
    entry = models.ForeignKey("contest.Entry", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField("出场顺序 Position")
    status = models.CharField(
        max_length=16, choices=LiveSlotStatus.choices, default=LiveSlotStatus.WAITING
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "出场 Live slot"
        verbose_name_plural = "出场 Live slots"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "entry"], name="uniq_live_slot_entry"),
            models.UniqueConstraint(fields=["session", "position"], name="uniq_live_slot_position"),
        ]


class LiveEvent(models.Model):
    """What happened, numbered per session: a screen that reconnects asks for what follows N."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "现场事件 Live event"
        verbose_name_plural = "现场事件 Live events"
        constraints = [
            models.UniqueConstraint(fields=["session", "seq"], name="uniq_live_event_seq"),
        ]
