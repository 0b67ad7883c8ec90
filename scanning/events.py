"""Scan progress events on the channel layer, for the project's live view.

Events leave only after the surrounding transaction commits, so a listener never hears of a
state the database then rolls back. A broken channel layer never fails a scan: events are
best-effort, the job row is the truth.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from testgen import events
from testgen.events import project_group

if TYPE_CHECKING:
    from scanning.models import ScanJob

SCAN_STARTED = "scan.started"
SCAN_PROGRESS = "scan.progress"
SCAN_COMPLETED = "scan.completed"
SCAN_FAILED = "scan.failed"
SCAN_EVENT_TYPES = (SCAN_STARTED, SCAN_PROGRESS, SCAN_COMPLETED, SCAN_FAILED)

__all__ = ["SCAN_EVENT_TYPES", "project_group", "publish_scan_event", "scan_payload"]


def scan_payload(job: ScanJob, event_type: str) -> dict[str, Any]:
    """The event payload: a snapshot of the job taken now, not when the message is sent."""
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
    return payload


def publish_scan_event(job: ScanJob, event_type: str) -> None:
    """Publish `event_type` for `job` (project group, and the owner's for outcomes) after commit."""
    events.publish(
        event_type, project_id=job.project_id, kind="scan", object_id=job.pk,
        payload=scan_payload(job, event_type),
    )
