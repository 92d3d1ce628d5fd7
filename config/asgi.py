"""The ASGI application: Django for HTTP, Channels for the live final's WebSockets (/ws/…).

Served by gunicorn's own asyncio worker (`worker_class = "asgi"`, config/gunicorn.conf.py), which
speaks HTTP/1.1 and WebSocket itself: no second server and no extra package. The screens are
public and read-only, so the WebSocket route needs no session; the origin is checked against
ALLOWED_HOSTS.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_asgi_application()  # sets Django up before the routes import models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(URLRouter(websocket_urlpatterns)),
    }
)
