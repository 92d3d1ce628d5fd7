from django.conf import settings
from django.db import models

from contest.enums import EntryFileKind, EntryStatus


def entry_file_upload_to(instance, filename: str) -> str:
    from contest.files import hashed_upload_path

    entry = instance.entry
    return hashed_upload_path(
        entry.team.contest.code, "entries", entry.team.code, instance, filename
    )


class Entry(models.Model):
    """A team's 作品/申报材料 for one stage."""

    team = models.ForeignKey("contest.Team", on_delete=models.CASCADE, related_name="entries")
    stage = models.ForeignKey("contest.Stage", on_delete=models.PROTECT, related_name="entries")
    title = models.CharField("作品名称 Title", max_length=200)
    summary = models.TextField("简介 Summary", blank=True)
    tags = models.JSONField("关键词 Tags", default=list, blank=True)
    status = models.CharField(
        "状态 Status", max_length=16, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # An entry carried across from a sub-contest's recommendation (docs/developer/federation.md)
    carried_from = models.ForeignKey(
        "self",
        verbose_name="来自下级赛事作品 Carried from",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
    )
    carried_confirmed_at = models.DateTimeField(
        "团队确认 Confirmed by the team", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "作品 Entry"
        verbose_name_plural = "作品 Entries"
        ordering = ["stage", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "stage"], name="uniq_entry_per_stage"),
        ]
        indexes = [models.Index(fields=["stage", "status"])]

    def __str__(self):
        return f"{self.team.code} · {self.title}"


class EntryFile(models.Model):
    """One version of one kind of file of an entry. Uploading the same kind again adds a version."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类型 Kind", max_length=32, choices=EntryFileKind.choices)
    version = models.PositiveIntegerField("版本 Version")
    is_current = models.BooleanField(default=True)
    file = models.FileField(upload_to=entry_file_upload_to, max_length=300)
    original_name = models.CharField("原文件名 Original name", max_length=255)
    file_type = models.CharField("检测类型 Detected type", max_length=16)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField("大小 Size")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "作品文件 Entry file"
        verbose_name_plural = "作品文件 Entry files"
        ordering = ["entry", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "kind", "version"], name="uniq_entry_file_version"
            ),
        ]

    def __str__(self):
        return f"{self.original_name} v{self.version}"
