"""Public notice (公示) of an award list, objections (异议) and the working-day calendar."""

from django.conf import settings
from django.db import models

from awards.enums import CalendarDayKind, NoticeStatus, ObjectionStatus


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week in mainland China: a public holiday on a weekday, or
    a weekend day that is a working day (调休). Platform-wide; see `awards.workdays`."""

    date = models.DateField("日期 Date", unique=True)
    kind = models.CharField("类型 Kind", max_length=16, choices=CalendarDayKind.choices)
    name = models.CharField("名称 Name", max_length=64, blank=True, help_text="春节, 国庆节 …")

    class Meta:
        db_table = "judging_calendarday"  # created by the judging app; kept when awards split out
        verbose_name = "节假日与调休 Calendar day"
        verbose_name_plural = "节假日与调休 Calendar days"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Notice(models.Model):
    """A 公示 of an award list for `days` calendar or working days, from `opens_at` to `closes_at`
    (computed once by `awards.workdays.notice_window_end` and stored)."""

    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="notices")
    stage = models.ForeignKey(
        "contest.Stage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("标题 Title", max_length=200)
    days = models.PositiveSmallIntegerField("公示天数 Days")
    working_days = models.BooleanField("按工作日 Working days", default=True)
    opens_at = models.DateTimeField("公示开始 Opens at")
    closes_at = models.DateTimeField("公示截止 Closes at")
    status = models.CharField(
        max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    follows = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
        help_text="The notice whose list changed (upheld objection, correction): this one "
        "covers only the changed part",
    )
    changes = models.JSONField(
        default=list,
        blank=True,
        help_text='The changes this notice publishes: [{"action", "award", "team_name", '
        '"tier_name", "before_tier_name", "reason"}]',
    )
    stale_reason = models.TextField(blank=True, help_text="The correction that closed it")
    chain_head = models.CharField(
        max_length=64, blank=True, help_text="The audit chain's head when the list became final"
    )
    chain_rows = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        db_table = "judging_notice"  # created by the judging app; kept when awards split out
        verbose_name = "公示 Public notice"
        verbose_name_plural = "公示 Public notices"
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="notice_window_order"
            ),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="notice_days_positive"),
        ]

    def __str__(self):
        return self.title


def objection_file_upload_to(instance, filename: str) -> str:
    from contest.files import hashed_upload_path

    notice = instance.objection.notice
    return hashed_upload_path(
        notice.contest.code, "objections", str(instance.objection_id), instance, filename
    )


class Objection(models.Model):
    """An 异议 during a notice, under a real name (and optionally for an organisation, whose sealed
    letter is then one of the evidence files). The objector's identity is for organisers only."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    award = models.ForeignKey(
        "awards.Award", null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    objector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections"
    )
    objector_name = models.CharField("实名 Real name", max_length=64)
    on_behalf_of = models.CharField("代表单位 On behalf of", max_length=200, blank=True)
    contact = models.CharField("联系方式 Contact", max_length=120)
    reason = models.TextField("异议理由 Reason")
    status = models.CharField(
        max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    resolution = models.TextField("处理意见 Resolution", blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "judging_objection"  # created by the judging app; kept when awards split out
        verbose_name = "异议 Objection"
        verbose_name_plural = "异议 Objections"
        ordering = ["notice", "created_at", "id"]
        indexes = [models.Index(fields=["notice", "status"])]

    def __str__(self):
        return f"异议 #{self.pk} ({self.get_status_display()})"


class ObjectionFile(models.Model):
    """Evidence for an objection (PDF, PNG or JPEG, checked by content)."""

    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=objection_file_upload_to, max_length=300)
    original_name = models.CharField(max_length=255)
    file_type = models.CharField(max_length=16)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "judging_objectionfile"  # created by the judging app; kept when awards split out
        verbose_name = "异议材料 Objection evidence"
        verbose_name_plural = "异议材料 Objection evidence"
        ordering = ["objection", "id"]
