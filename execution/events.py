"""Run events for WebSocket subscribers: run.started, run.progress, run.result, run.completed.

Published after the surrounding transaction commits, through the shared envelope in
``testgen.events`` (group ``project_<id>``, message type ``project.event``).
"""
from __future__ import annotations

from typing import Any

from testgen import events

KIND = "run"


def _publish(event_type: str, *, run: Any, payload: dict[str, Any]) -> None:
    events.publish(
        event_type,
        project_id=run.project_id,
        kind=KIND,
        object_id=run.public_id,
        payload=payload,
        owner_id=getattr(run.project, "owner_id", None) if event_type == "run.completed" else None,
    )


def run_started(*, run: Any) -> None:
    _publish("run.started", run=run, payload={"status": run.status, "total": run.total})


def run_progress(*, run: Any, done: int) -> None:
    _publish("run.progress", run=run, payload={"done": done, "total": run.total})


def run_result(*, run: Any, result: Any) -> None:
    _publish("run.result", run=run, payload={
        "test_case_id": result.test_case_public_id,
        "status": result.status,
        "duration_ms": result.duration_ms,
    })


def run_completed(*, run: Any) -> None:
    _publish("run.completed", run=run, payload={
        "status": run.status,
        "total": run.total,
        "passed": run.passed,
        "failed": run.failed,
        "errored": run.errored,
        "skipped": run.skipped,
        "pass_rate": run.pass_rate,
        "duration_ms": run.duration_ms,
    })
