from django.urls import path

from api.views.assignment import (
    AssignmentDetailView,
    AssignmentSwapView,
    FeasibilityView,
    JudgeProgressView,
    RoadshowAllView,
    RunCreateView,
    RunDetailView,
    StageAssignmentsView,
)

urlpatterns = [
    path(
        "stages/<int:stage_id>/assignment/feasibility/",
        FeasibilityView.as_view(),
        name="stage-assignment-feasibility",
    ),
    path(
        "stages/<int:stage_id>/assignment/runs/",
        RunCreateView.as_view(),
        name="stage-assignment-runs",
    ),
    path(
        "stages/<int:stage_id>/assignment/roadshow/",
        RoadshowAllView.as_view(),
        name="stage-assignment-roadshow",
    ),
    path(
        "stages/<int:stage_id>/assignments/",
        StageAssignmentsView.as_view(),
        name="stage-assignments",
    ),
    path(
        "stages/<int:stage_id>/judge-progress/",
        JudgeProgressView.as_view(),
        name="stage-judge-progress",
    ),
    path("assignment-runs/<int:pk>/", RunDetailView.as_view(), name="assignment-run-detail"),
    path("assignments/<int:pk>/", AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/swap/", AssignmentSwapView.as_view(), name="assignment-swap"),
]
