"""Run events for WebSocket subscribers: run.started, run.progress, run.result, run.completed.

Published after the surrounding transaction commits, through the shared envelope in
``testgen.events`` (group ``project_<id>``, message type ``project.event``). The results
of a chunk are sent together: one event per result, but one trip to the channel layer, and
no more per second than clients can use (the rest are counted into the next run.progress).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
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
    project_id, public_id, total = run.project_id, run.public_id, run.total

    def send() -> None:
        # Built at send time, after the chunk's run.result sends (registered earlier) have
        # counted what they folded.
        payload: dict[str, Any] = {"done": done, "total": total}
        folded = _take_folded(public_id)
        if folded:
            payload["folded_results"] = folded
        events.send_event(
            events.build_event("run.progress", project_id=project_id, kind=KIND, object_id=public_id, payload=payload)
        )

    transaction.on_commit(send)


# run.result is rate limited at the source too: every group_send fans out to every connected
# client on every web instance, so 1,000 results x 200 clients would flood the channel layer
# long before the per-connection limit in testgen.realtime could drop anything. Per run and
# second, at most TESTGEN_WS_MAX_RESULTS_PER_SECOND results are sent; the others are counted
# and reported in the next run.progress (`folded_results`); clients read totals from there.
def _results_budget(public_id: str, wanted: int) -> int:
    cap = int(getattr(settings, "TESTGEN_WS_MAX_RESULTS_PER_SECOND", 20))
    key = f"events:run-results:{public_id}:{int(time.time())}"
    cache.add(key, 0, timeout=10)
    try:
        used = cache.incr(key, wanted)
    except ValueError:  # the key expired between add and incr: a new second has begun
        cache.add(key, wanted, timeout=10)
        used = wanted
    return max(0, min(wanted, cap - (used - wanted)))


def _fold(public_id: str, count: int) -> None:
    key = f"events:run-folded:{public_id}"
    cache.add(key, 0, timeout=24 * 3600)
    try:
        cache.incr(key, count)
    except ValueError:
        cache.set(key, count, timeout=24 * 3600)


def _take_folded(public_id: str) -> int:
    key = f"events:run-folded:{public_id}"
    folded = cache.get(key) or 0
    if folded:
        cache.delete(key)
    return int(folded)


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
        allowed = _results_budget(public_id, len(payloads))
        if allowed < len(payloads):
            _fold(public_id, len(payloads) - allowed)
        group = events.project_group(project_id)
        messages = [
            {"type": events.CHANNEL_MESSAGE_TYPE,
             "event": events.build_event("run.result", project_id=project_id, kind=KIND, object_id=public_id,
                                         payload=payload)}
            for payload in payloads[:allowed]
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
