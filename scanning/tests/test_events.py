from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from scanning import events, services
from scanning.models import ScanJob
from scanning.tests.factories import ScanJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return get_channel_layer()


def listen(layer, project_id: int) -> str:
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(events.project_group(project_id), channel)
    return channel




def receive_all(layer, channel: str) -> list[dict]:
    received = []
    queue = layer.channels.get(channel)
    while queue is not None and not queue.empty():
        received.append(async_to_sync(layer.receive)(channel))
    return received


def test_a_scan_publishes_started_progress_and_completed_in_order(
    layer, toy_project, git_repo, settings, django_capture_on_commit_callbacks
):
    settings.TESTGEN_SCAN_PROGRESS_INTERVAL = 0
    git_repo.write({f"r{i}.routes": f"GET /r{i} h\n" for i in range(3)})
    project = toy_project()
    channel = listen(layer, project.pk)
    job = ScanJobFactory(project=project)
    with django_capture_on_commit_callbacks(execute=True):
        services.scan_job_run(job_id=job.pk)

    messages = receive_all(layer, channel)
    types = [m["event"]["type"] for m in messages]
    assert types[0] == "scan.started" and types[-1] == "scan.completed"
    assert set(types[1:-1]) == {"scan.progress"}
    progress = [m["event"]["payload"]["progress"] for m in messages]
    assert progress == sorted(progress) and progress[-1] == 100
    last = messages[-1]
    assert last["type"] == "project.event"
    assert last["event"]["object"] == {"kind": "scan", "id": job.pk}
    assert last["event"]["project_id"] == project.pk
    assert last["event"]["payload"]["endpoints_added"] == 3


def test_a_failed_scan_publishes_the_failure_with_its_message(
    layer, toy_only, django_capture_on_commit_callbacks, tmp_path
):
    job = ScanJobFactory(project__repository_url=str(tmp_path / "missing"))
    channel = listen(layer, job.project_id)
    with django_capture_on_commit_callbacks(execute=True):
        services.scan_job_run(job_id=job.pk)
    last = receive_all(layer, channel)[-1]["event"]
    assert last["type"] == "scan.failed"
    assert last["payload"]["error_message"]


def test_nothing_is_published_before_commit(layer, django_capture_on_commit_callbacks):
    job = ScanJobFactory(status=ScanJob.Status.RUNNING)
    channel = listen(layer, job.project_id)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.publish_scan_event(job, events.SCAN_PROGRESS)
    assert receive_all(layer, channel) == []
    callbacks[0]()
    assert receive_all(layer, channel)[0]["event"]["type"] == "scan.progress"


def test_another_projects_group_hears_nothing(layer, django_capture_on_commit_callbacks):
    job = ScanJobFactory()
    other = ScanJobFactory()
    channel = listen(layer, other.project_id)
    with django_capture_on_commit_callbacks(execute=True):
        events.publish_scan_event(job, events.SCAN_STARTED)
    assert receive_all(layer, channel) == []


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValueError):
        events.scan_payload(ScanJob(project_id=1), "scan.exploded")
