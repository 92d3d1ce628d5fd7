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


def publisher_judge_ids(*, stage) -> list[int]:
    """The stage's panel members who review as the challenge's publisher (评榜), any status: a
    review only exists for an accepted member, and its class never changes."""
    from judging.enums import ReviewerClass

    return sorted(
        PanelMembership.objects.filter(
            stage=stage, reviewer_class=ReviewerClass.PUBLISHER
        ).values_list("judge_id", flat=True)
    )
