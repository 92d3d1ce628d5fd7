"""`/healthz` for container healthchecks: cheap, unauthenticated, and it touches the database.

The OpenAPI schema view would do as a liveness probe but builds the whole schema on each call;
this answers in one `SELECT 1` and says 503 when the database is unreachable, so docker-compose
does not start dependants (or route traffic) before the app can serve requests.
"""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database error means "not ready"
        return JsonResponse({"status": "error", "database": type(exc).__name__}, status=503)
    return JsonResponse({"status": "ok"})
