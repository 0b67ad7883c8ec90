from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from execution import events
from execution.tests.factories import TestResultFactory, TestRunFactory
from testgen.events import project_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 1000}}}
    return get_channel_layer()


def received(layer, run) -> list[dict]:
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(project_group(run.project_id), channel)
    return channel


def drain(layer, channel) -> list[dict]:
    queue = layer.channels.get(channel)
    out = []
    while queue is not None and not queue.empty():
        out.append(async_to_sync(layer.receive)(channel)["event"])
    return out


def test_results_beyond_the_per_second_budget_are_folded_into_the_next_progress(
    layer, settings, django_capture_on_commit_callbacks
):
    settings.TESTGEN_WS_MAX_RESULTS_PER_SECOND = 5
    run = TestRunFactory(total=12)
    results = [TestResultFactory(run=run) for _ in range(12)]
    channel = received(layer, run)
    with django_capture_on_commit_callbacks(execute=True):
        events.run_results(run=run, results=results)
        events.run_progress(run=run, done=12)
    sent = drain(layer, channel)
    assert [e["type"] for e in sent] == ["run.result"] * 5 + ["run.progress"]
    assert sent[-1]["payload"] == {"done": 12, "total": 12, "folded_results": 7}


def test_results_within_the_budget_are_all_sent_and_nothing_is_folded(
    layer, settings, django_capture_on_commit_callbacks
):
    settings.TESTGEN_WS_MAX_RESULTS_PER_SECOND = 50
    run = TestRunFactory(total=3)
    results = [TestResultFactory(run=run) for _ in range(3)]
    channel = received(layer, run)
    with django_capture_on_commit_callbacks(execute=True):
        events.run_results(run=run, results=results)
        events.run_progress(run=run, done=3)
    sent = drain(layer, channel)
    assert [e["type"] for e in sent] == ["run.result"] * 3 + ["run.progress"]
    assert "folded_results" not in sent[-1]["payload"]
    assert {e["payload"]["test_case_id"] for e in sent[:3]} == {r.test_case_public_id for r in results}
