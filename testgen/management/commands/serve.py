"""`manage.py serve`: the ASGI web server (HTTP + WebSocket) and a Celery worker together.

With `REDIS_URL` set, the worker is a separate `celery worker` process sharing Redis with
the web server, exactly as in production. Without it (the embedded default), the worker
runs as a thread inside the web process: the in-memory broker and channel layer then
reach both, so a job enqueued by a request runs and its progress reaches WebSocket
clients with no server to install. Ctrl-C stops everything.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve TestGen (ASGI web server + Celery worker) on 127.0.0.1:PORT."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--workers", type=int, default=1, help="Web processes (Redis mode only).")
        parser.add_argument("--no-worker", action="store_true", help="Do not start a Celery worker.")

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        import uvicorn

        worker_process: subprocess.Popen | None = None
        embedded = None
        if not no_worker:
            if settings.REDIS_URL:
                worker_process = self._start_worker_process()
            else:
                embedded = EmbeddedWorker()
                embedded.start()
        mode = "redis" if settings.REDIS_URL else "embedded (in-process broker and channel layer)"
        self.stdout.write(f"TestGen on http://{host}:{port}/  — worker: {'off' if no_worker else mode}")
        self.stdout.write("API docs: /api/docs/   admin: /admin/ (python manage.py createsuperuser)")
        try:
            uvicorn.run(
                "testgen.asgi:application",
                host=host,
                port=port,
                workers=workers if settings.REDIS_URL else 1,
                lifespan="off",
                log_level="warning",
            )
        finally:
            if embedded is not None:
                embedded.stop()
            if worker_process is not None and worker_process.poll() is None:
                worker_process.send_signal(signal.SIGTERM)
                try:
                    worker_process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker_process.kill()

    @staticmethod
    def _start_worker_process() -> subprocess.Popen:
        return subprocess.Popen(
            # -B: the periodic sweeps (stuck scans and runs) run inside this one worker.
            [sys.executable, "-m", "celery", "-A", "testgen", "worker", "--beat", "--loglevel=INFO",
             "--schedule", os.path.join(tempfile.gettempdir(), "testgen-celerybeat-schedule"),
             "--concurrency", os.environ.get("CELERY_CONCURRENCY", "2")],
            env=os.environ.copy(),
        )


class EmbeddedWorker:
    """A Celery worker consuming the in-memory broker from a thread of this process."""

    def __init__(self, concurrency: int = 2) -> None:
        from testgen.celery import app

        self.app = app
        self.concurrency = concurrency
        self.controller: Any = None
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        from celery.worker import WorkController

        self.app.set_current()
        self.controller = WorkController(
            app=self.app,
            hostname=f"embedded@{os.uname().nodename}",
            pool_cls="threads",
            concurrency=self.concurrency,
            without_heartbeat=True,
            without_mingle=True,
            without_gossip=True,
            loglevel="INFO",
            beat=True,  # the periodic sweeps (stuck scans and runs) run in-process too
            schedule_filename=os.path.join(tempfile.gettempdir(), "testgen-celerybeat-schedule"),
        )
        self.thread = threading.Thread(target=self.controller.start, name="celery-embedded", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop(in_sighandler=False)
        if self.thread is not None:
            self.thread.join(timeout=10)
