from django.conf import settings
from django.db import models


class Announcement(models.Model):
    """An organiser's message to every team of a contest, or of one track or one stage; each
    person on those teams gets it through the outbox like any other event."""

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="announcements"
    )
    track = models.ForeignKey(
        "contest.Track", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    stage = models.ForeignKey(
        "contest.Stage", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField("标题 Subject", max_length=200)
    body = models.TextField("正文 Body")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField("收件人数 Recipients", default=0)

    class Meta:
        verbose_name = "公告 Announcement"
        verbose_name_plural = "公告 Announcements"
        ordering = ["-created_at"]
