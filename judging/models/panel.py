from django.conf import settings
from django.db import models

from judging.enums import PanelStatus, ReviewerClass


class JudgeProfile(models.Model):
    """评审专家: organisation (for recusal by USCC), region, expertise tags, bio."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profile"
    )
    organisation = models.ForeignKey(
        "contest.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    province = models.CharField("省份 Province", max_length=32, blank=True)
    title = models.CharField("职称 Title", max_length=64, blank=True)
    expertise = models.JSONField("专业领域 Expertise tags", default=list, blank=True)
    bio = models.TextField("简介 Bio", blank=True)

    class Meta:
        verbose_name = "评审专家 Judge"
        verbose_name_plural = "评审专家 Judges"

    def __str__(self):
        return self.user.real_name


class PanelMembership(models.Model):
    """A judge on a stage's panel, for the whole stage (track empty) or one track.

    The judge sees no entry before accepting the no-conflict and confidentiality declaration.
    """

    stage = models.ForeignKey("contest.Stage", on_delete=models.CASCADE, related_name="panel")
    track = models.ForeignKey(
        "contest.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_memberships"
    )
    status = models.CharField(
        max_length=16, choices=PanelStatus.choices, default=PanelStatus.INVITED
    )
    reviewer_class = models.CharField(
        "评审类别 Reviewer class",
        max_length=16,
        choices=ReviewerClass.choices,
        default=ReviewerClass.EXPERT,
    )
    is_chair = models.BooleanField("评审组长 Chair", default=False)
    min_load = models.PositiveIntegerField("最少评审数 Min load", default=0)
    max_load = models.PositiveIntegerField("最多评审数 Max load", default=60)
    declaration_accepted_at = models.DateTimeField(null=True, blank=True)
    declaration_text = models.TextField(blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评审组成员 Panel member"
        verbose_name_plural = "评审组成员 Panel members"
        constraints = [
            models.UniqueConstraint(fields=["stage", "judge"], name="uniq_panel_judge"),
        ]

    def __str__(self):
        return f"{self.judge.real_name} @ {self.stage}"

    @property
    def can_review(self) -> bool:
        return self.status == PanelStatus.ACCEPTED and self.declaration_accepted_at is not None
