"""WebSocket routes of every app, gathered in one list for the ASGI router."""
from __future__ import annotations

from django.urls import path

from accounts.consumers import NotificationsConsumer
from projects.consumers import ProjectEventsConsumer

websocket_urlpatterns = [
    path("ws/projects/<int:project_id>/", ProjectEventsConsumer.as_asgi()),
    path("ws/notifications/", NotificationsConsumer.as_asgi()),
]
