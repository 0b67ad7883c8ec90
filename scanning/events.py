"""Scan progress events on the channel layer, for the project's live view.

Events leave only after the surrounding transaction commits, so a listener never hears of a
state the database then rolls back. A broken channel layer never fails a scan: events are
best-effort, the job row is the truth.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from scanning.models import ScanJob

logger = logging.getLogger(__name__)

SCAN_STARTED = "scan.started"
SCAN_PROGRESS = "scan.progress"
SCAN_COMPLETED = "scan.completed"
SCAN_FAILED = "scan.failed"
SCAN_EVENT_TYPES = (SCAN_STARTED, SCAN_PROGRESS, SCAN_COMPLETED, SCAN_FAILED)


def project_group(project_id: int) -> str:
    return f"project_{project_id}"


def scan_event(job: ScanJob, event_type: str) -> dict[str, Any]:
    """The event body: a snapshot of the job taken now, not when the message is sent."""
    if event_type not in SCAN_EVENT_TYPES:
        raise ValueError(f"unknown scan event type {event_type!r}")
    payload: dict[str, Any] = {
        "status": job.status,
        "progress": job.progress,
        "files_scanned": job.files_scanned,
        "files_parsed": job.files_parsed,
        "endpoints_found": job.endpoints_found,
        "endpoints_added": job.endpoints_added,
        "endpoints_changed": job.endpoints_changed,
        "endpoints_removed": job.endpoints_removed,
        "endpoints_restored": job.endpoints_restored,
    }
    if event_type == SCAN_FAILED:
        payload["error_message"] = job.error_message
    return {
        "type": event_type,
        "project_id": job.project_id,
        "object": {"kind": "scan", "id": job.pk},
        "payload": payload,
        "ts": timezone.now().isoformat(),
    }


def publish_scan_event(job: ScanJob, event_type: str) -> None:
    """Send `event_type` for `job` to group ``project_{id}`` once the transaction commits."""
    message = {"type": "project.event", "event": scan_event(job, event_type)}
    group = project_group(job.project_id)

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:  # noqa: BLE001 - see module docstring
            logger.warning("Could not publish %s for scan %s", event_type, job.pk, exc_info=True)

    transaction.on_commit(send)
