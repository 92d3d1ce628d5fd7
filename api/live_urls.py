"""Routes of the live final (路演): the organisers' console, judges' phones, the public state
the big screens read, and the paper for the notary. Included by `api.urls` before its catch-all;
the screens' WebSocket route is in `config/routing.py`."""

from django.urls import path

from api.views.live import (
    LiveJudgeSheetView,
    LiveJudgeView,
    LiveOrderDrawView,
    LiveResultSheetView,
    LiveScoreReopenView,
    LiveScoreSubmitView,
    LiveSessionStartView,
    LiveStageSessionView,
    LiveStateView,
    LiveTeamNextView,
    LiveTeamPreviousView,
    LiveTimerView,
)

urlpatterns = [
    path("stages/<int:stage_id>/live/", LiveStageSessionView.as_view(), name="live-session"),
    path("live/<int:pk>/draw/", LiveOrderDrawView.as_view(), name="live-draw"),
    path("live/<int:pk>/start/", LiveSessionStartView.as_view(), name="live-start"),
    path("live/<int:pk>/next/", LiveTeamNextView.as_view(), name="live-next"),
    path("live/<int:pk>/previous/", LiveTeamPreviousView.as_view(), name="live-previous"),
    path("live/<int:pk>/timer/", LiveTimerView.as_view(), name="live-timer"),
    path("live/<int:pk>/state/", LiveStateView.as_view(), name="live-state"),
    path("live/<int:pk>/judge/", LiveJudgeView.as_view(), name="live-judge"),
    path("live/<int:pk>/scores/", LiveScoreSubmitView.as_view(), name="live-score-submit"),
    path("live/<int:pk>/reopen/", LiveScoreReopenView.as_view(), name="live-score-reopen"),
    path("live/<int:pk>/paper/result/", LiveResultSheetView.as_view(), name="live-result-sheet"),
    path(
        "live/<int:pk>/paper/judges/<int:judge_no>/",
        LiveJudgeSheetView.as_view(),
        name="live-judge-sheet",
    ),
]
