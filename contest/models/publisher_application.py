from django.conf import settings
from django.db import models
from django.db.models import Q

from contest.enums import OrganisationKind, PublisherApplicationStatus
from contest.validators import validate_uscc


class PublisherApplication(models.Model):
    """An organisation's application to publish challenges in a contest during its 征榜 window.

    Approving it creates (or matches by USCC) the Organisation and grants the applicant the
    publisher role for the contest."""

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="publisher_applications"
    )
    organisation_name = models.CharField("单位名称 Organisation", max_length=200)
    uscc = models.CharField("统一社会信用代码 USCC", max_length=18, validators=[validate_uscc])
    region = models.CharField("所在地区 Region", max_length=32)
    organisation_kind = models.CharField(
        "单位类型 Organisation type", max_length=32, choices=OrganisationKind.choices
    )
    contact_name = models.CharField("联系人 Contact", max_length=64)
    contact_phone = models.CharField("联系电话 Phone", max_length=32)
    contact_email = models.EmailField("联系邮箱 Email")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人 Applicant",
        on_delete=models.PROTECT,
        related_name="publisher_applications",
    )
    status = models.CharField(
        "状态 Status",
        max_length=16,
        choices=PublisherApplicationStatus.choices,
        default=PublisherApplicationStatus.SUBMITTED,
    )
    reason = models.TextField("审核意见 Reason", blank=True)
    organisation = models.ForeignKey(
        "contest.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publisher_applications",
        help_text="The organisation matched or created on approval.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "征榜申请 Publisher application"
        verbose_name_plural = "征榜申请 Publisher applications"
        ordering = ["contest", "-created_at", "-id"]
        constraints = [
            # One open application per organisation and contest; a declined one may be re-made.
            models.UniqueConstraint(
                fields=["contest", "uscc"],
                condition=~Q(status=PublisherApplicationStatus.DECLINED),
                name="uniq_open_publisher_application",
            ),
        ]
        indexes = [models.Index(fields=["contest", "status"])]

    def __str__(self):
        return f"{self.organisation_name} · {self.contest}"
