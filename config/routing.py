"""WebSocket routes (Django Channels); HTTP stays with Django's own URLconf (config/urls.py)."""

from django.urls import path

from api.consumers import LiveScreenConsumer

websocket_urlpatterns = [
    path("ws/live/<int:session_id>/", LiveScreenConsumer.as_asgi()),
]
