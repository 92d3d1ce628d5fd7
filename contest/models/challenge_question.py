from django.conf import settings
from django.db import models
from django.db.models import Q

from contest.enums import QuestionVisibility


class ChallengeQuestion(models.Model):
    """A team's question about a published challenge, and the publisher's dated answer.

    Other teams never learn who asked. A public answer is shown under the challenge; a private
    one only to the asking team. The organiser may hide a question (with a reason); it is kept."""

    challenge = models.ForeignKey(
        "contest.Challenge", on_delete=models.CASCADE, related_name="questions"
    )
    asker_team = models.ForeignKey(
        "contest.Team", on_delete=models.CASCADE, related_name="challenge_questions"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenge_questions"
    )
    text = models.TextField("问题 Question", max_length=2000)
    visibility = models.CharField(
        "公开范围 Visibility",
        max_length=16,
        choices=QuestionVisibility.choices,
        default=QuestionVisibility.PUBLIC,
        help_text="Set by the publisher when answering: public shows it under the challenge.",
    )
    answer = models.TextField("答复 Answer", max_length=4000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField("答复时间 Answered at", null=True, blank=True)
    hidden_by_moderator = models.BooleanField("已屏蔽 Hidden by the organiser", default=False)
    hidden_reason = models.TextField("屏蔽原因 Reason for hiding", blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提问时间 Asked at", auto_now_add=True)

    class Meta:
        verbose_name = "榜题答疑 Challenge question"
        verbose_name_plural = "榜题答疑 Challenge questions"
        ordering = ["challenge", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(answer=""),
                name="question_answered_has_answer",
            ),
        ]
        indexes = [models.Index(fields=["challenge", "created_at"])]

    def __str__(self):
        return f"{self.challenge.code} · {self.text[:30]}"
