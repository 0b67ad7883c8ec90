from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from testgen import events

pytestmark = pytest.mark.django_db(transaction=True)


def _collect(group: str, publish, count: int) -> list[dict]:
    """Subscribe to `group`, run the synchronous `publish` in a thread, receive `count` events."""

    async def scenario() -> list[dict]:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        await asyncio.get_running_loop().run_in_executor(None, _in_thread, publish)
        received = [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(count)]
        await layer.group_discard(group, channel)
        return received

    return async_to_sync(scenario)()


def _in_thread(publish) -> None:
    from django.db import connections

    try:
        publish()
    finally:
        connections.close_all()  # the executor thread's connection would block test-DB teardown


def test_event_is_sent_only_after_commit(monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(events, "send_event", lambda event, owner_id=None: sent.append(event["type"]))
    with transaction.atomic():
        events.publish("scan.started", project_id=5, kind="scan", object_id=1)
        assert sent == []
    assert sent == ["scan.started"]


def test_event_of_a_rolled_back_transaction_is_never_sent(monkeypatch):
    sent: list[str] = []
    monkeypatch.setattr(events, "send_event", lambda event, owner_id=None: sent.append(event["type"]))
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish("scan.started", project_id=5, kind="scan", object_id=1)
        raise RuntimeError("job failed half-way")
    assert sent == []


def test_envelope_shape_and_increasing_sequence_through_the_channel_layer():
    def publish() -> None:
        events.publish("run.progress", project_id=9, kind="run", object_id="run_abcde", payload={"done": 1})
        events.publish("run.progress", project_id=9, kind="run", object_id="run_abcde", payload={"done": 2})

    first, second = (m["event"] for m in _collect(events.project_group(9), publish, 2))
    assert set(first) == {"type", "project_id", "object", "payload", "sequence", "ts"}
    assert first["object"] == {"kind": "run", "id": "run_abcde"}
    assert second["sequence"] == first["sequence"] + 1
    assert [first["payload"]["done"], second["payload"]["done"]] == [1, 2]


def test_outcomes_also_reach_the_owner_notifications_but_progress_does_not():
    def publish() -> None:
        events.publish("scan.progress", project_id=1, kind="scan", object_id=1, owner_id=3)
        events.publish("scan.completed", project_id=1, kind="scan", object_id=1, owner_id=3)

    (message,) = _collect(events.user_group(3), publish, 1)
    assert message["type"] == "project.event"
    assert message["event"]["type"] == "scan.completed"


def test_unknown_event_type_is_refused():
    with pytest.raises(ValueError):
        events.build_event("scan.exploded", project_id=1, kind="scan", object_id=1)
