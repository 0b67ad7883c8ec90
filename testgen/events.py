"""Progress and result events, published to WebSocket subscribers through the channel layer.

Every event has one envelope::

    {"type": "scan.progress", "project_id": 7, "object": {"kind": "scan", "id": 12},
     "payload": {...}, "sequence": 42, "ts": "2026-11-26T10:00:00.000000+00:00"}

Events go to the project's group (``project_<id>``, watched by ``ws/projects/<id>/``) and,
for the kinds a user wants to hear about anywhere (jobs finished, runs failed, tests to
review), to the owner's group (``user_<id>``, watched by ``ws/notifications/``).

They are sent after the surrounding transaction commits, so a subscriber never hears of
a state it cannot read yet, and from any process (web or worker): with Redis the channel
layer reaches every instance. ``sequence`` increases per project (an atomic cache INCR, so
Redis makes it global), letting clients order events and spot gaps.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("testgen.events")

EVENT_TYPES = frozenset(
    {
        "scan.started", "scan.progress", "scan.completed", "scan.failed",
        "generation.started", "generation.progress", "generation.completed", "generation.failed",
        "run.started", "run.progress", "run.result", "run.completed",
        "healing.started", "healing.completed", "healing.failed", "healing.needs_review",
    }
)
# What also reaches ws/notifications/: outcomes, not progress.
NOTIFY_TYPES = frozenset(
    {
        "scan.completed", "scan.failed", "generation.completed", "generation.failed",
        "run.completed", "healing.completed", "healing.failed", "healing.needs_review",
    }
)
CHANNEL_MESSAGE_TYPE = "project.event"  # routed to ProjectConsumer.project_event / NotificationConsumer


def project_group(project_id: int) -> str:
    return f"project_{project_id}"


def user_group(user_id: int) -> str:
    return f"user_{user_id}"


def next_sequence(project_id: int) -> int:
    key = f"events:seq:{project_id}"
    try:
        return cache.incr(key)
    except ValueError:
        # First event for this project (or the key expired): start the counter. add() is
        # atomic, so of two racing publishers one creates it and both incr afterwards.
        cache.add(key, 0, timeout=None)
        return cache.incr(key)


def build_event(
    event_type: str, *, project_id: int, kind: str, object_id: Any, payload: dict[str, Any] | None = None
) -> dict[str, Any]:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return {
        "type": event_type,
        "project_id": project_id,
        "object": {"kind": kind, "id": object_id},
        "payload": payload or {},
        "sequence": next_sequence(project_id),
        "ts": datetime.now(timezone.utc).isoformat(),
    }


def send_event(event: dict[str, Any], *, owner_id: int | None = None) -> None:
    """Send an already-built event now (no transaction wait). Failures are logged, never raised:
    a job must not fail because nobody could be told about it."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": CHANNEL_MESSAGE_TYPE, "event": event}
    try:
        async_to_sync(layer.group_send)(project_group(event["project_id"]), message)
        if owner_id is not None and event["type"] in NOTIFY_TYPES:
            async_to_sync(layer.group_send)(user_group(owner_id), message)
    except Exception:
        logger.warning("Could not publish %s for project %s", event["type"], event["project_id"], exc_info=True)


def publish(
    event_type: str,
    *,
    project_id: int,
    kind: str,
    object_id: Any,
    payload: dict[str, Any] | None = None,
    owner_id: int | None = None,
) -> None:
    """Publish an event once the current transaction commits (at once outside one).

    Outcome events (`NOTIFY_TYPES`) also go to the project owner's notifications group;
    pass `owner_id` when at hand, else it is looked up when the event is sent.
    """

    def _send() -> None:
        event = build_event(event_type, project_id=project_id, kind=kind, object_id=object_id, payload=payload)
        owner = owner_id
        if owner is None and event_type in NOTIFY_TYPES:
            from projects.models import Project

            owner = Project.objects.filter(pk=project_id).values_list("owner_id", flat=True).first()
        send_event(event, owner_id=owner)

    transaction.on_commit(_send)
