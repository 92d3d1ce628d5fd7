"""Reads of reviews for organisers."""

from __future__ import annotations

from django.db.models import QuerySet

from contest.selectors import contests_organised
from judging.models import Review


def reviews_organised(*, user) -> QuerySet[Review]:
    return Review.objects.filter(stage__contest__in=contests_organised(user=user)).select_related(
        "judge", "entry__team", "assignment"
    )
