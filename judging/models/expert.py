"""The expert pool (专家库) of a contest and its reproducible draws (专家抽取).

An expert need not have an account: their organisation is kept by name and 统一社会信用代码 (the
conflict rules compare USCCs), with province, fields, title and contact. A draw records its seed
and the candidate keys it drew from (also on the audit chain), so anyone can redo it; each drawn
expert has one pick row, picked or reserve, with the state of their invitation."""

import secrets

from django.conf import settings
from django.db import models

from contest.validators import validate_mobile, validate_uscc
from judging.enums import ExpertPickRole, ExpertPickStatus


class Expert(models.Model):
    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="+")
    name = models.CharField("姓名 Name", max_length=64)
    organisation_name = models.CharField("工作单位 Organisation", max_length=200, blank=True)
    organisation_uscc = models.CharField(
        "单位统一社会信用代码 Organisation USCC",
        max_length=18,
        blank=True,
        validators=[validate_uscc],
    )
    province = models.CharField("省份 Province", max_length=32, blank=True)
    fields = models.JSONField("专业领域 Fields", default=list, blank=True)
    title = models.CharField("职称 Title", max_length=64, blank=True)
    mobile = models.CharField(
        "手机 Mobile", max_length=20, blank=True, validators=[validate_mobile]
    )
    email = models.EmailField("邮箱 Email", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_records",
    )
    active = models.BooleanField("在库可用 Active", default=True)
    unavailable_dates = models.JSONField("不可参加日期 Unavailable dates", default=list, blank=True)
    # Relatives and students the expert declared: [{name, id_number, relation}]
    declared_relations = models.JSONField(
        "申报的亲属或学生 Declared relatives and students", default=list, blank=True
    )
    note = models.TextField("备注 Note", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "库内专家 Pool expert"
        verbose_name_plural = "专家库 Expert pool"
        ordering = ["contest", "pk"]
        indexes = [models.Index(fields=["contest", "active"])]

    def __str__(self):
        return self.name

    @property
    def key(self) -> str:
        """The expert's key in a draw (what the audit row lists)."""
        return str(self.pk)


class ExpertDraw(models.Model):
    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="+")
    track = models.ForeignKey(
        "contest.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveSmallIntegerField("抽取人数 Experts to draw")
    reserves = models.PositiveSmallIntegerField("候补人数 Reserves", default=0)
    fields_wanted = models.JSONField("所需领域 Fields wanted", default=list, blank=True)
    event_date = models.DateField("评审日期 Date of the event", null=True, blank=True)
    response_hours = models.PositiveSmallIntegerField("答复时限(小时) Hours to answer", default=48)
    seed = models.CharField("随机种子 Seed", max_length=64)
    candidates = models.JSONField("候选专家 Candidate keys", default=list)
    excluded = models.JSONField("排除的专家 Excluded keys with reasons", default=dict)
    audit_seq = models.PositiveIntegerField("审计序号 Audit row", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "专家抽取 Expert draw"
        verbose_name_plural = "专家抽取 Expert draws"
        ordering = ["-pk"]

    def __str__(self):
        return f"{self.stage} · {self.count}+{self.reserves}"


def _token() -> str:
    return secrets.token_urlsafe(24)


class ExpertDrawPick(models.Model):
    draw = models.ForeignKey(ExpertDraw, on_delete=models.CASCADE, related_name="picks")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="picks")
    position = models.PositiveSmallIntegerField("抽取顺位 Position")
    role = models.CharField(max_length=16, choices=ExpertPickRole.choices)
    status = models.CharField(max_length=16, choices=ExpertPickStatus.choices)
    token = models.CharField(max_length=64, unique=True, default=_token)
    invited_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    membership = models.ForeignKey(
        "judging.PanelMembership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "抽中专家 Drawn expert"
        verbose_name_plural = "抽中专家 Drawn experts"
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="uniq_pick_position"),
            models.UniqueConstraint(fields=["draw", "expert"], name="uniq_pick_expert"),
        ]

    def __str__(self):
        return f"{self.expert} #{self.position}"
