from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from contest.enums import ContestKind, ContestRoleKind, ContestStatus, StageKind
from contest.validators import validate_contest_parent


def guide_upload_to(instance, filename: str) -> str:
    from contest.files import hashed_upload_path

    return hashed_upload_path(instance.contest.code, "guides", instance.code, instance, filename)


class Contest(models.Model):
    """A contest edition (大赛/赛事). A provincial 分赛 or a city 初赛 points to its `parent`."""

    code = models.SlugField("代码 Code", max_length=40, unique=True)
    name = models.CharField("名称 Name", max_length=200)
    kind = models.CharField("类型 Kind", max_length=32, choices=ContestKind.choices)
    edition = models.CharField("届次 Edition", max_length=32, help_text="2025 或 第十三届")
    year = models.PositiveIntegerField("年份 Year")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级赛事 Parent contest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    status = models.CharField(
        "状态 Status", max_length=32, choices=ContestStatus.choices, default=ContestStatus.DRAFT
    )
    description = models.TextField("简介 Description", blank=True)
    region = models.CharField("地区 Region", max_length=32, blank=True)
    registration_opens_at = models.DateTimeField(
        "报名开始 Registration opens", null=True, blank=True
    )
    registration_closes_at = models.DateTimeField(
        "报名截止 Registration closes", null=True, blank=True
    )
    # 征榜: the window in which organisations apply to publish challenges (challenge lists).
    call_opens_at = models.DateTimeField(
        "征榜开始 Call for challenges opens", null=True, blank=True
    )
    call_closes_at = models.DateTimeField(
        "征榜截止 Call for challenges closes", null=True, blank=True
    )

    # Rules
    team_size_min = models.PositiveSmallIntegerField("团队最少人数 Min team size", default=1)
    team_size_max = models.PositiveSmallIntegerField("团队最多人数 Max team size", default=10)
    advisors_max = models.PositiveSmallIntegerField("指导老师上限 Max advisors", default=3)
    entrant_kinds = models.JSONField(
        "参赛主体 Who may enter",
        default=list,
        help_text="EntrantKind values, e.g. ['person'] or ['enterprise', 'university']",
    )
    one_team_per_person = models.BooleanField("每人限报一队 One team per person", default=True)
    joint_entries_allowed = models.BooleanField("允许联合申报 Joint entries", default=False)
    co_applicants_max = models.PositiveSmallIntegerField(
        "联合申报单位上限 Max co-applicants", default=4
    )
    requires_challenge = models.BooleanField("须选择榜题 Team must take a challenge", default=False)
    requires_track = models.BooleanField("须选择赛道 Team must pick a track", default=False)
    conflict_same_province = models.BooleanField("同省回避 Same-province recusal", default=False)
    promotion_quota = models.PositiveIntegerField(
        "下级推荐名额 Quota per sub-contest",
        null=True,
        blank=True,
        help_text="How many entries each sub-contest may recommend to this contest.",
    )
    # The national contest's inbox and the rule across editions (docs/developer/federation.md)
    recommendation_deadline = models.DateTimeField(
        "推荐截止 Recommendation deadline",
        null=True,
        blank=True,
        help_text="Sub-contests recommend to this contest until then.",
    )
    series = models.SlugField(
        "赛事系列 Series",
        max_length=40,
        blank=True,
        help_text="The same key on every edition of one contest, e.g. 'data-elements'.",
    )
    wins_max = models.PositiveSmallIntegerField(
        "单位获奖次数上限 Max wins per organisation",
        null=True,
        blank=True,
        default=2,
        help_text="How many national awards one organisation (by USCC) may win across editions.",
    )
    past_winners_excluded = models.BooleanField(
        "往届国赛获奖单位不得参赛 Past national winners excluded", default=False
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "赛事 Contest"
        verbose_name_plural = "赛事 Contests"
        ordering = ["-year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team_size_min__lte=models.F("team_size_max")),
                name="contest_team_size_range",
            ),
            models.CheckConstraint(
                condition=Q(call_opens_at__isnull=True)
                | Q(call_closes_at__isnull=True)
                | Q(call_opens_at__lt=models.F("call_closes_at")),
                name="contest_call_window_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        validate_contest_parent(self)


class ContestRole(models.Model):
    """A contest-scoped role: an organiser (组委会/秘书处) or a publisher's staff (发榜方)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_roles"
    )
    role = models.CharField(max_length=16, choices=ContestRoleKind.choices)
    organisation = models.ForeignKey(
        "contest.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contest_roles",
        help_text="The publisher organisation a publisher acts for.",
    )

    class Meta:
        verbose_name = "赛事角色 Contest role"
        verbose_name_plural = "赛事角色 Contest roles"
        constraints = [
            models.UniqueConstraint(fields=["contest", "user", "role"], name="uniq_contest_role"),
            models.CheckConstraint(
                condition=~Q(role=ContestRoleKind.PUBLISHER) | Q(organisation__isnull=False),
                name="publisher_role_has_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.contest}"


class Track(models.Model):
    """A 赛道, with its challenge guide (赛题指南)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="tracks")
    code = models.SlugField("代码 Code", max_length=40)
    name = models.CharField("名称 Name", max_length=100)
    order = models.PositiveSmallIntegerField("顺序 Order", default=0)
    guide_text = models.TextField("赛题指南 Challenge guide", blank=True)
    guide_file = models.FileField(
        "指南文件 Guide file", upload_to=guide_upload_to, blank=True, max_length=300
    )

    class Meta:
        verbose_name = "赛道 Track"
        verbose_name_plural = "赛道 Tracks"
        ordering = ["contest", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="uniq_track_code"),
        ]

    def __str__(self):
        return self.name


class Group(models.Model):
    """A 组别 such as 初创组/成长组, with an eligibility rule on the lead organisation's age."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField("代码 Code", max_length=40)
    name = models.CharField("名称 Name", max_length=100)
    order = models.PositiveSmallIntegerField("顺序 Order", default=0)
    eligibility = models.TextField("参赛条件 Eligibility", blank=True)
    registered_on_or_after = models.DateField(
        "成立不早于 Registered on or after", null=True, blank=True
    )
    registered_before = models.DateField("成立早于 Registered before", null=True, blank=True)

    class Meta:
        verbose_name = "组别 Group"
        verbose_name_plural = "组别 Groups"
        ordering = ["contest", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "code"], name="uniq_group_code"),
        ]

    def __str__(self):
        return self.name


class Stage(models.Model):
    """An ordered stage (形式审查, 初赛 online review, 决赛 roadshow) with its windows."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField("名称 Name", max_length=100)
    kind = models.CharField("类型 Kind", max_length=32, choices=StageKind.choices)
    order = models.PositiveSmallIntegerField("顺序 Order")
    submission_opens_at = models.DateTimeField("提交开始 Submission opens", null=True, blank=True)
    submission_closes_at = models.DateTimeField("提交截止 Submission closes", null=True, blank=True)
    review_opens_at = models.DateTimeField("评审开始 Review opens", null=True, blank=True)
    review_closes_at = models.DateTimeField("评审截止 Review closes", null=True, blank=True)
    blind = models.BooleanField("匿名评审 Blind review", default=False)
    # The stage's own rule for the assignment run's k (the run form defaults to it).
    judges_per_entry = models.PositiveSmallIntegerField(
        "每件作品评委数 Judges per entry",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    class Meta:
        verbose_name = "阶段 Stage"
        verbose_name_plural = "阶段 Stages"
        ordering = ["contest", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "order"], name="uniq_stage_order"),
        ]

    def __str__(self):
        return f"{self.contest} · {self.name}"
