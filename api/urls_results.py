from django.urls import path

from api.views.result import (
    ConsistencyView,
    OverrideView,
    PromotionView,
    PublishView,
    RecommendationView,
    ResultListView,
    ResultsComputeView,
    ResultSettingsView,
    ScoresExportView,
    SnapshotListView,
)

urlpatterns = [
    path("stages/<int:pk>/result-settings/", ResultSettingsView.as_view(), name="result-settings"),
    path("stages/<int:pk>/results/compute/", ResultsComputeView.as_view(), name="results-compute"),
    path("stages/<int:pk>/results/publish/", PublishView.as_view(), name="results-publish"),
    path("stages/<int:pk>/results/", ResultListView.as_view(), name="results-list"),
    path("stages/<int:pk>/consistency/", ConsistencyView.as_view(), name="results-consistency"),
    path("stages/<int:pk>/overrides/", OverrideView.as_view(), name="results-overrides"),
    path("stages/<int:pk>/snapshots/", SnapshotListView.as_view(), name="results-snapshots"),
    path("stages/<int:pk>/promotions/", PromotionView.as_view(), name="results-promotions"),
    path("stages/<int:pk>/scores-export/", ScoresExportView.as_view(), name="scores-export"),
    path(
        "contests/<int:pk>/recommendations/",
        RecommendationView.as_view(),
        name="contest-recommendations",
    ),
]
