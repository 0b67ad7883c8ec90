"""Platform-level Celery tasks."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="testgen.ping")
def ping() -> str:
    """Round trip used by the health check to prove a worker consumes the broker."""
    return "pong"
