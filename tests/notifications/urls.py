"""The project's URLs, with the notification routes in front until api/urls.py has them
(requested from the owner of api/urls.py; once there, this module is config.urls unchanged)."""

from django.urls import NoReverseMatch, include, path, reverse

from config import urls as project_urls

try:
    reverse("notification-preferences", urlconf=project_urls)
    urlpatterns = list(project_urls.urlpatterns)
except NoReverseMatch:
    from rest_framework.routers import SimpleRouter

    from api.views import notification as v

    router = SimpleRouter()
    router.register("notifications", v.NotificationViewSet, basename="notification")
    routes = [
        path(
            "notifications/preferences/",
            v.PreferencesView.as_view(),
            name="notification-preferences",
        ),
        path(
            "notifications/unsubscribe/",
            v.UnsubscribeView.as_view(),
            name="notification-unsubscribe",
        ),
        path(
            "contests/<int:pk>/notification-stats/",
            v.DeliveryStatsView.as_view(),
            name="notification-stats",
        ),
        path(
            "contests/<int:pk>/notifications/resend/",
            v.ResendView.as_view(),
            name="notification-resend",
        ),
        path(
            "contests/<int:pk>/announcements/",
            v.AnnouncementView.as_view(),
            name="contest-announcements",
        ),
        path(
            "contests/<int:pk>/notification-templates/",
            v.TemplateListView.as_view(),
            name="notification-templates",
        ),
        path(
            "contests/<int:pk>/notification-templates/<str:event>/<str:language>/",
            v.TemplateDetailView.as_view(),
            name="notification-template",
        ),
        path(
            "contests/<int:pk>/notification-templates/<str:event>/<str:language>/preview/",
            v.TemplatePreviewView.as_view(),
            name="notification-template-preview",
        ),
        path("", include(router.urls)),
    ]
    urlpatterns = [path("api/", include(routes)), *project_urls.urlpatterns]
