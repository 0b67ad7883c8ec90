"""Generation progress events on the channel layer, for the project's live view.

Events leave only after the surrounding transaction commits, so a listener never hears of a
state the database then rolls back. A broken channel layer never fails a job: events are
best-effort, the job row is the truth.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from testgen import events
from testgen.events import project_group

if TYPE_CHECKING:
    from generation.models import GenerationJob

GENERATION_STARTED = "generation.started"
GENERATION_PROGRESS = "generation.progress"
GENERATION_COMPLETED = "generation.completed"
GENERATION_FAILED = "generation.failed"
GENERATION_EVENT_TYPES = (GENERATION_STARTED, GENERATION_PROGRESS, GENERATION_COMPLETED, GENERATION_FAILED)

__all__ = ["GENERATION_EVENT_TYPES", "generation_payload", "project_group", "publish_generation_event"]


def generation_payload(job: GenerationJob, event_type: str) -> dict[str, Any]:
    """The event payload: a snapshot of the job taken now, not when the message is sent."""
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
    return payload


def publish_generation_event(job: GenerationJob, event_type: str) -> None:
    """Publish `event_type` for `job` (project group, and the owner's for outcomes) after commit."""
    events.publish(
        event_type, project_id=job.project_id, kind="generation", object_id=job.pk,
        payload=generation_payload(job, event_type),
    )
