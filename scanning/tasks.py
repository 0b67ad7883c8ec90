"""Celery adapters for scan jobs: load by id, call the service, retry what is transient."""
from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from scanning import services
from scanning.engine import ScanFailure

MAX_RETRIES = 3
EXPIRE_SCHEDULE_NAME = "scanning-expire-stuck-scan-jobs"
EXPIRE_EVERY_SECONDS = 300


def retry_countdown(retries: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s..., capped at 10 minutes."""
    return min(30 * 2**retries, 600)


class ScanTask(Task):
    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Whatever escaped (hard time limit, retries exhausted, a bug) must not leave the job
        # queued or running.
        job_id = kwargs.get("job_id") if kwargs else (args[0] if args else None)
        if job_id is not None:
            message = exc.message if isinstance(exc, ScanFailure) else services.MSG_INTERNAL
            services.scan_job_fail(job_id=job_id, message=message)


@shared_task(
    bind=True,
    base=ScanTask,
    name="scanning.run_scan_job",
    max_retries=MAX_RETRIES,
    soft_time_limit=getattr(settings, "TESTGEN_SCAN_SOFT_TIME_LIMIT", 1800),
    time_limit=getattr(settings, "TESTGEN_SCAN_TIME_LIMIT", 1900),
    acks_late=True,
)
def run_scan_job(self: Task, job_id: int) -> None:
    try:
        services.scan_job_run(job_id=job_id)
    except ScanFailure as exc:
        if exc.permanent or self.request.retries >= self.max_retries:
            raise
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(name="scanning.expire_stuck_scan_jobs")
def expire_stuck_scan_jobs() -> int:
    return services.scan_jobs_expire_stuck()
