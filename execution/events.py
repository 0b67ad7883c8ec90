"""Run events for WebSocket subscribers: run.started, run.progress, run.result, run.completed.

Published after the surrounding transaction commits, through the shared envelope in
``testgen.events`` (group ``project_<id>``, message type ``project.event``). The results
of a chunk are sent together: one event per result, but one trip to the channel layer.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from testgen import events

logger = logging.getLogger("testgen.events")

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


def result_payload(result: Any) -> dict[str, Any]:
    return {"test_case_id": result.test_case_public_id, "status": result.status, "duration_ms": result.duration_ms}


def run_results(*, run: Any, results: Sequence[Any]) -> None:
    """A `run.result` event per stored result, all sent in one channel-layer round after commit.

    One `async_to_sync` hop per event cost more than running the tests themselves.
    """
    if not results:
        return
    project_id, public_id = run.project_id, run.public_id
    payloads = [result_payload(result) for result in results]

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        group = events.project_group(project_id)
        messages = [
            {"type": events.CHANNEL_MESSAGE_TYPE,
             "event": events.build_event("run.result", project_id=project_id, kind=KIND, object_id=public_id,
                                         payload=payload)}
            for payload in payloads
        ]

        async def send_all() -> None:
            for message in messages:
                await layer.group_send(group, message)

        try:
            async_to_sync(send_all)()
        except Exception:  # noqa: BLE001 — a run must not fail because nobody could be told
            logger.warning("Could not publish run.result for project %s", project_id, exc_info=True)

    transaction.on_commit(send)


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
