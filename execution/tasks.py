"""Celery tasks of test runs: thin adapters that load by id and call services.

Late acknowledgement (settings: acks_late, reject_on_worker_lost) means a job whose worker
dies is delivered again; the services are idempotent, so a chunk run twice stores each
result once. Transient errors (database or broker hiccups) are retried with backoff; a
job out of retries makes the run `error`. A periodic sweep turns runs stuck past their
deadline into `error`, so no run stays `running` forever.
"""
from __future__ import annotations

import logging
from typing import Any

from celery import Task, group, shared_task
from django.db import InterfaceError, OperationalError

from execution import services

logger = logging.getLogger("testgen.execution")

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
EXPIRE_EVERY_SECONDS = 300.0
EXPIRE_SCHEDULE_NAME = "execution-expire-stuck-runs"


class RunTask(Task):
    """On final failure, record it on the run instead of leaving it `running`."""

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 60
    max_retries = 3
    acks_late = True
    reject_on_worker_lost = True

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        run_id = kwargs.get("run_id", args[0] if args else None)
        if run_id is None:
            return
        try:
            services.test_run_fail(run_id=int(run_id), reason=type(exc).__name__)
        except Exception:  # noqa: BLE001 — the expiry sweep closes the run if this fails too
            logger.exception("Could not record the failure of run %s", run_id)


@shared_task(base=RunTask, name="execution.execute_test_run")
def execute_test_run(run_id: int) -> int:
    """Start a run and fan its chunks out to every worker; returns the number of chunks."""
    chunks = services.test_run_start(run_id=run_id)
    if chunks:
        group(
            execute_test_run_chunk.s(run_id=run_id, chunk_index=index, test_case_ids=ids)
            for index, ids in enumerate(chunks)
        ).apply_async()
    return len(chunks)


@shared_task(base=RunTask, name="execution.execute_test_run_chunk")
def execute_test_run_chunk(run_id: int, chunk_index: int, test_case_ids: list[int]) -> int:
    outcome = services.test_run_execute_chunk(run_id=run_id, chunk_index=chunk_index, test_case_ids=test_case_ids)
    return outcome.stored


@shared_task(name="execution.expire_stuck_test_runs", autoretry_for=TRANSIENT_ERRORS, max_retries=3)
def expire_stuck_test_runs() -> list[str]:
    return services.test_runs_expire_stuck()
