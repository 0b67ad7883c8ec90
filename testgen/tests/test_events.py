from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from testgen import events

pytestmark = pytest.mark.django_db(transaction=True)


def _receive(channel: str) -> dict:
    return async_to_sync(get_channel_layer().receive)(channel)


def _subscribe(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def test_event_is_sent_only_after_commit():
    from django.db import transaction

    channel = _subscribe(events.project_group(5))
    with transaction.atomic():
        events.publish("scan.started", project_id=5, kind="scan", object_id=1)
        with pytest.raises(TimeoutError):  # nothing is sent before the commit
            async_to_sync(_receive_with_timeout)(channel, 0.05)
    message = _receive(channel)
    assert message["type"] == "project.event"
    assert message["event"]["type"] == "scan.started"


async def _receive_with_timeout(channel: str, timeout: float) -> dict:
    import asyncio

    return await asyncio.wait_for(get_channel_layer().receive(channel), timeout)


def test_envelope_shape_and_increasing_sequence():
    channel = _subscribe(events.project_group(9))
    events.publish("run.progress", project_id=9, kind="run", object_id="run_abcde", payload={"done": 1})
    events.publish("run.progress", project_id=9, kind="run", object_id="run_abcde", payload={"done": 2})
    first, second = _receive(channel)["event"], _receive(channel)["event"]
    assert set(first) == {"type", "project_id", "object", "payload", "sequence", "ts"}
    assert first["object"] == {"kind": "run", "id": "run_abcde"}
    assert second["sequence"] == first["sequence"] + 1
    assert [first["payload"]["done"], second["payload"]["done"]] == [1, 2]


def test_outcomes_also_reach_the_owner_notifications_but_progress_does_not():
    channel = _subscribe(events.user_group(3))
    events.publish("scan.progress", project_id=1, kind="scan", object_id=1, owner_id=3)
    events.publish("scan.completed", project_id=1, kind="scan", object_id=1, owner_id=3)
    assert _receive(channel)["event"]["type"] == "scan.completed"


def test_unknown_event_type_is_refused():
    with pytest.raises(ValueError):
        events.build_event("scan.exploded", project_id=1, kind="scan", object_id=1)
