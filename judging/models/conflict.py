from django.conf import settings
from django.db import models

from contest.identity import validate_id_number
from judging.enums import ConflictSource, RelationKind


class Conflict(models.Model):
    """回避: a judge may not review a team's entries in a contest. Detected or declared."""

    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    team = models.ForeignKey(
        "contest.Team", on_delete=models.CASCADE, related_name="judge_conflicts"
    )
    source = models.CharField(max_length=32, choices=ConflictSource.choices)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "回避 Conflict of interest"
        verbose_name_plural = "回避 Conflicts of interest"
        constraints = [
            models.UniqueConstraint(fields=["judge", "team", "source"], name="uniq_conflict"),
        ]
        indexes = [models.Index(fields=["contest", "judge"])]


class DeclaredRelation(models.Model):
    """A relative or student a judge names in the panel declaration (by name and 居民身份证号码).

    Stored with the declaration it was signed in; a team of the contest with a member or advisor
    of that ID number (or, where the person has no ID number on record, of that real name)
    conflicts with the judge, live, like every other rule."""

    membership = models.ForeignKey(
        "judging.PanelMembership", on_delete=models.CASCADE, related_name="declared_relations"
    )
    contest = models.ForeignKey("contest.Contest", on_delete=models.CASCADE, related_name="+")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_relations"
    )
    name = models.CharField("姓名 Name", max_length=64)
    id_number = models.CharField(
        "居民身份证号码 Citizen ID number",
        max_length=18,
        blank=True,
        validators=[validate_id_number],
    )
    relation = models.CharField("关系 Relation", max_length=16, choices=RelationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申报的亲属或学生 Declared relative or student"
        verbose_name_plural = "申报的亲属或学生 Declared relatives and students"
        indexes = [models.Index(fields=["contest", "judge"])]

    def __str__(self):
        return f"{self.name} ({self.get_relation_display()})"
