"""Generation progress events on the channel layer, for the project's live view.

Events leave only after the surrounding transaction commits, so a listener never hears of a
state the database then rolls back. A broken channel layer never fails a job: events are
best-effort, the job row is the truth. (A later issue unifies the apps' event modules.)
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from generation.models import GenerationJob

logger = logging.getLogger(__name__)

GENERATION_STARTED = "generation.started"
GENERATION_PROGRESS = "generation.progress"
GENERATION_COMPLETED = "generation.completed"
GENERATION_FAILED = "generation.failed"
GENERATION_EVENT_TYPES = (GENERATION_STARTED, GENERATION_PROGRESS, GENERATION_COMPLETED, GENERATION_FAILED)


def project_group(project_id: int) -> str:
    return f"project_{project_id}"


def generation_event(job: GenerationJob, event_type: str) -> dict[str, Any]:
    """The event body: a snapshot of the job taken now, not when the message is sent."""
    if event_type not in GENERATION_EVENT_TYPES:
        raise ValueError(f"unknown generation event type {event_type!r}")
    payload: dict[str, Any] = {
        "status": job.status,
        "progress": job.progress,
        "endpoints_total": job.endpoints_total,
        "endpoints_done": job.endpoints_done,
        "tests_created": job.tests_created,
        "duplicates_skipped": job.duplicates_skipped,
        "counts_by_type": dict(job.counts_by_type or {}),
        "errors": len(job.errors or []),
    }
    if event_type == GENERATION_FAILED:
        payload["error_message"] = job.error_message
    return {
        "type": event_type,
        "project_id": job.project_id,
        "object": {"kind": "generation", "id": job.pk},
        "payload": payload,
        "ts": timezone.now().isoformat(),
    }


def publish_generation_event(job: GenerationJob, event_type: str) -> None:
    """Send `event_type` for `job` to group ``project_{id}`` once the transaction commits."""
    message = {"type": "project.event", "event": generation_event(job, event_type)}
    group = project_group(job.project_id)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # noqa: BLE001 - see module docstring
            logger.warning("Could not publish %s for generation job %s", event_type, job.pk, exc_info=True)

    transaction.on_commit(send)
