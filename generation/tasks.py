"""Celery adapters for generation jobs: load by id, call the service, retry what is transient."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError

from generation.services import generation as services

MAX_RETRIES = 3


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s..., capped at 10 minutes."""
    return min(30 * 2**retries, 600)


class GenerationTask(Task):
    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Whatever escaped (time limit, retries exhausted, a bug) must not leave the job running.
        job_id = kwargs.get("job_id") if kwargs else (args[0] if args else None)
        if job_id is not None:
            services.generation_job_fail(job_id=job_id, message=services.MESSAGE_INTERNAL)


@shared_task(
    bind=True,
    base=GenerationTask,
    name="generation.run_generation_job",
    max_retries=MAX_RETRIES,
    acks_late=True,
)
def run_generation_job(self: Task, job_id: int) -> None:
    try:
        services.generation_job_run(job_id=job_id)
    except (OperationalError, InterfaceError) as exc:
        # The database went away (failover, restart); provider failures never get here, they
        # are retried by the provider and recorded per endpoint.
        if self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(name="generation.expire_stuck_generation_jobs")
def expire_stuck_generation_jobs() -> int:
    return services.generation_jobs_expire_stuck()
