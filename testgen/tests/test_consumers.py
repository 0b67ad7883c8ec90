"""WebSocket consumers: authentication methods, close codes, event order, revocation, sync."""
from __future__ import annotations


import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.services import access_token_revoke, api_key_create
from accounts.tests.factories import UserFactory
from projects.tests.factories import ProjectFactory
from testgen import events
from testgen.asgi import application
from testgen.realtime import CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner():
    return UserFactory(email="ws-owner@example.com")


@pytest.fixture
def outsider():
    return UserFactory(email="ws-outsider@example.com")


@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner)


@pytest.fixture
def owner_access(owner) -> str:
    return str(RefreshToken.for_user(owner).access_token)


@pytest.fixture
def outsider_access(outsider) -> str:
    return str(RefreshToken.for_user(outsider).access_token)


OPEN: list[WebsocketCommunicator] = []


async def open_socket(path: str, **kwargs) -> tuple[WebsocketCommunicator, dict]:
    communicator = WebsocketCommunicator(application, path, **kwargs)
    OPEN.append(communicator)
    connected, _ = await communicator.connect()
    assert connected
    return communicator, await communicator.receive_output(timeout=15)


def publish_now(event_type: str, project_id: int, **payload) -> None:
    events.publish(event_type, project_id=project_id, kind=event_type.split(".")[0], object_id=1, payload=payload)


def in_worker_thread(function):
    """Run a synchronous publisher the way a worker would: in another thread, whose database
    connection (opened by transaction.on_commit) is closed afterwards so the test database
    can be dropped."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    return sync_to_async(run, thread_sensitive=False)


async def publish(event_type: str, project_id: int, **payload) -> None:
    await in_worker_thread(publish_now)(event_type, project_id, **payload)


@pytest.fixture(autouse=True)
async def _close_consumer_connections():
    yield
    # Even a socket the server closed keeps its application task (and its channel-layer
    # receive) alive until the client side disconnects.
    while OPEN:
        await OPEN.pop().disconnect()
    # Consumers read through database_sync_to_async's shared thread; close what it opened.
    await sync_to_async(connections.close_all)()


async def expect_close(communicator: WebsocketCommunicator, code: int) -> None:
    message = await communicator.receive_output(timeout=15)
    assert message == {"type": "websocket.close", "code": code}


async def test_jwt_in_query_string_is_accepted(owner, project, owner_access):
    communicator, first = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    assert first["type"] == "websocket.send" and '"connected"' in first["text"]
    await communicator.disconnect()


async def test_jwt_in_subprotocol_is_accepted_with_the_bearer_protocol(owner, project, owner_access):
    communicator = WebsocketCommunicator(
        application, f"/ws/projects/{project.pk}/", subprotocols=["bearer", owner_access]
    )
    OPEN.append(communicator)
    connected, subprotocol = await communicator.connect()
    assert connected and subprotocol == "bearer"
    assert '"connected"' in (await communicator.receive_output(timeout=15))["text"]
    await communicator.disconnect()


async def test_api_key_in_header_and_query_is_accepted(owner, project):
    _, raw_key = await sync_to_async(api_key_create)(user=owner, name="ci")
    for kwargs, path in (
        ({"headers": [(b"x-api-key", raw_key.encode())]}, f"/ws/projects/{project.pk}/"),
        ({}, f"/ws/projects/{project.pk}/?api_key={raw_key}"),
    ):
        communicator, first = await open_socket(path, **kwargs)
        assert '"connected"' in first["text"]
        await communicator.disconnect()


async def test_admin_session_cookie_is_accepted(owner, project):
    from django.test import Client

    client = Client()
    await sync_to_async(client.force_login)(owner)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator, first = await open_socket(f"/ws/projects/{project.pk}/", headers=[(b"cookie", cookie)])
    assert '"connected"' in first["text"]
    await communicator.disconnect()


async def test_session_cookie_from_another_sites_page_is_refused(owner, project, settings):
    from django.test import Client

    settings.ALLOWED_HOSTS = ["testgen.example.com"]
    client = Client()
    await sync_to_async(client.force_login)(owner)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator, first = await open_socket(
        f"/ws/projects/{project.pk}/", headers=[(b"cookie", cookie), (b"origin", b"https://evil.example.net")]
    )
    assert first == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}
    communicator, first = await open_socket(
        f"/ws/projects/{project.pk}/", headers=[(b"cookie", cookie), (b"origin", b"https://testgen.example.com")]
    )
    assert '"connected"' in first["text"]


async def test_token_clients_need_no_origin_header(project, settings, owner_access):
    settings.ALLOWED_HOSTS = ["testgen.example.com"]
    communicator, first = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    assert '"connected"' in first["text"]


@pytest.mark.parametrize("query", ["", "?token=not-a-jwt", "?api_key=ak_" + "x" * 40])
async def test_missing_or_bad_credentials_close_with_4401(project, query):
    communicator, first = await open_socket(f"/ws/projects/{project.pk}/{query}")
    assert first == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}


async def test_outsider_is_closed_with_4404_before_joining_the_group(outsider, project, outsider_access):
    communicator, first = await open_socket(f"/ws/projects/{project.pk}/?token={outsider_access}")
    assert first == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}
    await publish("scan.started", project.pk)
    assert await communicator.receive_nothing(timeout=0.3)


async def test_events_arrive_in_order_with_the_envelope(owner, project, owner_access):
    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    for step in range(5):
        await publish("scan.progress", project.pk, progress=step * 20)
    received = [await communicator.receive_json_from(timeout=15) for _ in range(5)]
    assert [e["payload"]["progress"] for e in received] == [0, 20, 40, 60, 80]
    sequences = [e["sequence"] for e in received]
    assert sequences == sorted(sequences) and len(set(sequences)) == 5
    for event in received:
        assert set(event) == {"type", "project_id", "object", "payload", "sequence", "ts"}
        assert event["project_id"] == project.pk and event["object"]["kind"] == "scan"
    await communicator.disconnect()


async def test_other_projects_events_do_not_arrive(owner, project, owner_access):
    other = await sync_to_async(ProjectFactory)(owner=owner)
    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    await publish("scan.started", other.pk)
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_token_revoked_while_connected_ends_the_connection_at_the_next_event(owner, project, owner_access):
    from rest_framework_simplejwt.tokens import AccessToken

    raw = owner_access
    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={raw}")
    await sync_to_async(access_token_revoke)(token=AccessToken(raw))
    await publish("scan.started", project.pk)
    await expect_close(communicator, CLOSE_UNAUTHENTICATED)


async def test_expired_token_ends_the_connection_at_the_next_ping(owner, project, owner_access):
    import time_machine

    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    with time_machine.travel(86400 * 2 + __import__("time").time(), tick=True):
        await communicator.send_json_to({"type": "ping"})
        await expect_close(communicator, CLOSE_UNAUTHENTICATED)


async def test_ping_answers_pong(owner, project, owner_access):
    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    await communicator.send_json_to({"type": "ping"})
    assert (await communicator.receive_json_from(timeout=15))["type"] == "pong"
    await communicator.disconnect()


async def test_sync_reports_running_jobs_with_progress(owner, project, owner_access):
    from scanning.tests.factories import ScanJobFactory

    job = await sync_to_async(ScanJobFactory)(project=project, status="running", progress=40)
    await sync_to_async(ScanJobFactory)(project=project, status="succeeded", progress=100)
    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")
    await communicator.send_json_to({"type": "sync"})
    answer = await communicator.receive_json_from(timeout=15)
    assert answer["type"] == "sync" and answer["project_id"] == project.pk
    assert answer["jobs"] == [{"kind": "scan", "id": job.pk, "status": "running", "progress": 40}]
    await communicator.disconnect()


async def test_run_results_beyond_the_rate_are_folded_into_progress(owner, project, settings, owner_access):
    settings.TESTGEN_WS_MAX_RESULTS_PER_SECOND = 2
    communicator, _ = await open_socket(f"/ws/projects/{project.pk}/?token={owner_access}")

    def burst() -> None:
        for index in range(10):
            publish_now("run.result", project.pk, index=index)
        publish_now("run.progress", project.pk, completed=10, total=10)

    await in_worker_thread(burst)()
    received = []
    while True:
        event = await communicator.receive_json_from(timeout=15)
        received.append(event)
        if event["type"] == "run.progress":
            break
    results = [e for e in received if e["type"] == "run.result"]
    assert 1 <= len(results) <= 3
    assert received[-1]["payload"]["folded_results"] == 10 - len(results)
    await communicator.disconnect()


async def test_notifications_socket_receives_outcomes_of_all_own_projects(owner, project, owner_access):
    communicator, _ = await open_socket(f"/ws/notifications/?token={owner_access}")
    await in_worker_thread(events.publish)(
        "run.completed", project_id=project.pk, kind="run", object_id="run_x", owner_id=owner.pk
    )
    event = await communicator.receive_json_from(timeout=15)
    assert event["type"] == "run.completed" and event["project_id"] == project.pk
    await communicator.disconnect()
