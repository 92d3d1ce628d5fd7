from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

SESSION_META = '<meta name="saiwu-session" content="1">'


@ensure_csrf_cookie
def spa_index(request):
    """Serve the built SPA's index.html; its assets come from whitenoise under /static/.

    A logged-in browser session gets `<meta name="saiwu-session">` in the page, so the SPA asks
    `/api/auth/me/` only when there is someone to ask about: an anonymous visitor's page makes no
    request that must fail with a 401 (a red console error on every public page). Reading the
    session adds `Vary: Cookie`, so no cache shares one visitor's page with another."""
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(
            "<h1>赛务 Saiwu</h1><p>前端尚未构建：运行 <code>make frontend</code>。"
            " The SPA is not built: run <code>make frontend</code>. API: <a href='/api/docs/'>/api/docs/</a></p>",
            status=503,
        )
    html = index.read_text(encoding="utf-8")
    if request.user.is_authenticated:
        html = html.replace("<head>", f"<head>\n    {SESSION_META}", 1)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-cache"
    return response
