"""The ASGI application: Django for HTTP, Channels for the live final's WebSockets (/ws/…).

Served by gunicorn's own asyncio worker (`worker_class = "asgi"`, config/gunicorn.conf.py), which
speaks HTTP/1.1 and WebSocket itself: no second server and no extra package. The screens are
public and read-only (what GET /api/live/<id>/state/ answers to anyone), so the WebSocket route
reads no cookie or token and needs no origin check: a foreign page that opens it learns nothing
it could not fetch.
"""

import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()  # sets Django up before the routes import models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from config.serving import serving_start  # noqa: E402
from judging.live_stream import loop_bind  # noqa: E402

serving_start()

router = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": URLRouter(websocket_urlpatterns),
    }
)


async def application(scope, receive, send):
    # the loop the live final's screens run on: the in-memory channel layer is sent to from it
    loop_bind(asyncio.get_running_loop())
    return await router(scope, receive, send)
