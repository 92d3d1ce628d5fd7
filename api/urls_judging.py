from django.urls import path
from rest_framework.routers import SimpleRouter

from api.views.judging import (
    AuditLogViewSet,
    AuditVerifyView,
    JudgeAssignmentViewSet,
    JudgePanelViewSet,
    PanelMembershipViewSet,
    ReviewViewSet,
    RubricViewSet,
)

router = SimpleRouter()
router.register("judge/panels", JudgePanelViewSet, basename="judge-panel")
router.register("judge/assignments", JudgeAssignmentViewSet, basename="judge-assignment")
router.register("rubrics", RubricViewSet, basename="rubric")
router.register("panel-memberships", PanelMembershipViewSet, basename="panel-membership")
router.register("reviews", ReviewViewSet, basename="review")
router.register("audit-log", AuditLogViewSet, basename="audit-log")

urlpatterns = [
    path("contests/<int:pk>/audit-verify/", AuditVerifyView.as_view(), name="audit-verify"),
    *router.urls,
]
