"""Reads of judge panels: a judge's own memberships, the organiser's panels."""

from __future__ import annotations

from django.db.models import QuerySet

from contest.selectors import contests_organised
from judging.models import PanelMembership


def panels_of_judge(*, user) -> QuerySet[PanelMembership]:
    if not user.is_authenticated:
        return PanelMembership.objects.none()
    return PanelMembership.objects.filter(judge=user).select_related(
        "stage__contest", "track", "judge"
    )


def panel_organised(*, user) -> QuerySet[PanelMembership]:
    return PanelMembership.objects.filter(
        stage__contest__in=contests_organised(user=user)
    ).select_related("judge", "track", "stage")
