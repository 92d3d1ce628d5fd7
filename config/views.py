from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def spa_index(request):
    """Serve the built SPA's index.html; its assets come from whitenoise under /static/."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(
            "<h1>赛务 Saiwu</h1><p>前端尚未构建：运行 <code>make frontend</code>。"
            " The SPA is not built: run <code>make frontend</code>. API: <a href='/api/docs/'>/api/docs/</a></p>",
            status=503,
        )
    return HttpResponse(index.read_text(encoding="utf-8"))
