"""Reads of rubrics for organisers."""

from __future__ import annotations

from django.db.models import QuerySet

from contest.selectors import contests_organised
from judging.models import Rubric


def rubrics_organised(*, user) -> QuerySet[Rubric]:
    return Rubric.objects.filter(stage__contest__in=contests_organised(user=user)).prefetch_related(
        "criteria"
    )
