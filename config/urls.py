from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from config.health import healthz
from config.views import spa_index

admin.site.site_header = "赛务 Saiwu 管理后台"
admin.site.site_title = "赛务 Saiwu"
admin.site.index_title = "赛事后台 Back office"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Everything else is the SPA: its router handles the path.
urlpatterns += [re_path(r"^(?!api/|admin/|static/|media/|healthz).*$", spa_index, name="spa")]
