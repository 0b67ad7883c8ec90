"""Real processes for end-to-end tests: an ASGI server (uvicorn) and a Celery worker.

Both run the test settings against the test session's database (committed data: use them
with `transactional_db`) and share its Redis prefixes and Celery queue through the
inherited `TESTGEN_TEST_RUN_ID`, so they behave as more instances of the same deployment.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env() -> dict[str, str]:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("live processes share the test database, which needs PostgreSQL")
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "testgen.settings.test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": settings.REDIS_URL,
            "TESTGEN_IGNORE_DOTENV": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextmanager
def asgi_server() -> Iterator[str]:
    """An instance of the web tier; yields its base URL once /api/health answers."""
    port = free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "testgen.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--lifespan", "off", "--log-level", "warning"],
        cwd=ROOT, env=process_env(), stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"ASGI server exited: {log.read().decode(errors='replace')[-3000:]}")
            try:
                if httpx.get(f"{base}/api/health", timeout=2).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("ASGI server did not start within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        _stop(process)
        log.close()


@contextmanager
def celery_worker_process() -> Iterator[subprocess.Popen]:
    """A `celery worker` process on the configured broker; yields once it is ready."""
    log_path = Path(tempfile.mkdtemp()) / "worker.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "testgen", "worker", "--pool", "solo",
             "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=process_env(), stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text(errors="replace"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start: {log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        _stop(process)
