from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.views.auth import ClientConfigView, CsrfView, LoginView, LogoutView, MeView, RegisterView
from api.views.challenge import ChallengeViewSet
from api.views.contest import ContestViewSet, GroupViewSet, StageViewSet, TrackViewSet
from api.views.entry import EntryFileDownloadView, EntryViewSet
from api.views.organisation import OrganisationViewSet
from api.views.team import InvitationViewSet, TeamViewSet
from api.views.user import UserSearchView

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("contests", ContestViewSet, basename="contest")
router.register("tracks", TrackViewSet, basename="track")
router.register("groups", GroupViewSet, basename="group")
router.register("stages", StageViewSet, basename="stage")
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register("teams", TeamViewSet, basename="team")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("entries", EntryViewSet, basename="entry")

urlpatterns = [
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("auth/csrf/", CsrfView.as_view(), name="auth-csrf"),
    path("config/", ClientConfigView.as_view(), name="client-config"),
    path("users/search/", UserSearchView.as_view(), name="user-search"),
    path(
        "entry-files/<int:pk>/download/",
        EntryFileDownloadView.as_view(),
        name="entry-file-download",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("api.urls_judging")),
    path("", include("api.urls_results")),
    path("", include("api.urls_assignment")),
    path("", include("api.urls_awards")),
    path("", include(router.urls)),
]
