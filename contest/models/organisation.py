from django.db import models

from contest.enums import OrganisationKind
from contest.validators import validate_uscc


class Organisation(models.Model):
    """An enterprise, institute, university or government body, identified by its USCC."""

    name = models.CharField("名称 Name", max_length=200)
    kind = models.CharField("类型 Type", max_length=32, choices=OrganisationKind.choices)
    uscc = models.CharField(
        "统一社会信用代码 USCC", max_length=18, unique=True, validators=[validate_uscc]
    )
    province = models.CharField("省份 Province", max_length=32)
    city = models.CharField("城市 City", max_length=32, blank=True)
    registered_on = models.DateField("成立日期 Registered on", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位 Organisation"
        verbose_name_plural = "单位 Organisations"
        ordering = ["name"]

    def __str__(self):
        return self.name
