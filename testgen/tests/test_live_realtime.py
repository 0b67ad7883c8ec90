"""End to end over real processes: uvicorn instances, a Celery worker, Redis, PostgreSQL.

- a scan started through the API streams `scan.progress` and `scan.completed` over a real
  WebSocket connection to a live server;
- two web instances share the Redis channel layer: a client connected to one receives an
  event published by a Celery worker and one published by the other instance.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import httpx
import pytest
from rest_framework_simplejwt.tokens import RefreshToken
from websockets.sync.client import connect

from projects.tests.factories import ProjectFactory
from scanning.models import ScanJob
from scanning.tests.factories import ScanJobFactory
from testgen.tests.live import asgi_server, celery_worker_process

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FLASK_APP = '''
from flask import Flask, Blueprint

app = Flask(__name__)
items = Blueprint("items", __name__, url_prefix="/items")


@items.get("/")
def list_items():
    return []


@items.get("/<int:item_id>")
def get_item(item_id):
    return {}


app.register_blueprint(items, url_prefix="/api/items")


@app.route("/health")
def health():
    return "ok"
'''


def git_repository(path: Path) -> Path:
    path.mkdir()
    (path / "requirements.txt").write_text("flask==3.0.0\n")
    (path / "app.py").write_text(FLASK_APP)
    for command in (["init", "-q", "-b", "main"], ["add", "."],
                    ["-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "app"]):
        subprocess.run(["git", *command], cwd=path, check=True)
    return path


def ws_url(base: str, project_id: int, token: str) -> str:
    return base.replace("http://", "ws://") + f"/ws/projects/{project_id}/?token={token}"


def receive_until(socket, wanted: str, timeout: float = 60) -> list[dict]:
    events = []
    while True:
        event = json.loads(socket.recv(timeout=timeout))
        events.append(event)
        if event.get("type") == wanted:
            return events


def test_scan_started_through_the_api_streams_progress_and_completion(tmp_path):
    project = ProjectFactory(repository_url=str(git_repository(tmp_path / "repo")))
    token = str(RefreshToken.for_user(project.owner).access_token)
    with celery_worker_process(), asgi_server() as base, connect(ws_url(base, project.pk, token)) as socket:
        assert json.loads(socket.recv(timeout=10))["type"] == "connected"
        response = httpx.post(
            f"{base}/api/projects/{project.pk}/endpoints/scan", json={"source": "repository"},
            headers={"Authorization": f"Bearer {token}"}, timeout=30,
        )
        assert response.status_code == 202, response.text
        events = receive_until(socket, "scan.completed")
    types = [e["type"] for e in events]
    assert "scan.progress" in types and types[-1] == "scan.completed"
    assert events[-1]["object"] == {"kind": "scan", "id": response.json()["id"]}
    assert events[-1]["payload"]["endpoints_found"] == 3
    sequences = [e["sequence"] for e in events]
    assert sequences == sorted(sequences)


def test_two_instances_share_events_from_a_worker_and_from_each_other(tmp_path):
    project = ProjectFactory(repository_url=str(git_repository(tmp_path / "repo")))
    token = str(RefreshToken.for_user(project.owner).access_token)
    auth = {"Authorization": f"Bearer {token}"}
    with celery_worker_process(), asgi_server() as first, asgi_server() as second:
        with connect(ws_url(first, project.pk, token)) as socket:
            assert json.loads(socket.recv(timeout=10))["type"] == "connected"
            # Published by the Celery worker: the scan enqueued through the *other* instance.
            started = httpx.post(f"{second}/api/projects/{project.pk}/endpoints/scan",
                                 json={"source": "repository"}, headers=auth, timeout=30)
            assert started.status_code == 202, started.text
            worker_events = receive_until(socket, "scan.completed")
            assert worker_events[-1]["object"]["id"] == started.json()["id"]
            # Published by the other web instance itself: cancelling a queued scan there.
            queued = ScanJobFactory(project=project, status=ScanJob.Status.QUEUED)
            cancelled = httpx.post(f"{second}/api/projects/{project.pk}/scans/{queued.pk}/cancel",
                                   headers=auth, timeout=30)
            assert cancelled.status_code == 200, cancelled.text
            web_events = receive_until(socket, "scan.failed")
            assert web_events[-1]["object"] == {"kind": "scan", "id": queued.pk}
            assert web_events[-1]["payload"]["status"] == "cancelled"
