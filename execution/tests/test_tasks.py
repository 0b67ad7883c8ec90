"""The distributed path: a real broker, real workers, chunks spread over them."""
from __future__ import annotations

import threading
import time

import pytest
from celery.contrib.testing.worker import TestWorkController, start_worker
from celery.signals import task_prerun

from execution import services
from execution.models import TestResult, TestRun
from execution.tests.factories import ApprovedTestCaseFactory
from projects.tests.factories import ProjectFactory
from testgen.celery import app


class ThreadWorker(TestWorkController):
    """A test worker that consumes with the blocking loop instead of kombu's event-loop hub.

    The hub is a process-wide global; two in-process workers on Redis would share (and break)
    it. Each worker here is a real consumer with its own broker connection.
    """

    def should_use_eventloop(self) -> bool:
        return False


def worker(hostname: str):
    return start_worker(app, pool="solo", hostname=hostname, perform_ping_check=False, shutdown_timeout=30,
                        WorkController=ThreadWorker)


def wait_for_finish(run: TestRun, timeout: float = 90.0) -> TestRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run.public_id} still {run.status} after {timeout}s")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_run_split_over_two_real_workers_stores_exactly_one_result_per_test(api, settings):
    settings.TESTGEN_EXECUTION_CHUNK_SIZE = 3
    project = ProjectFactory(target_base_url=api.url)
    cases = [ApprovedTestCaseFactory(project=project, path="/inflight", expected=200) for _ in range(12)]
    # Each solo-pool worker executes in its own thread: the thread says which worker ran a chunk.
    chunk_threads: list[int] = []

    def record(sender=None, **kwargs):
        if sender is not None and sender.name == "execution.execute_test_run_chunk":
            chunk_threads.append(threading.get_ident())

    task_prerun.connect(record, weak=False)
    try:
        with worker("exec-a@test"), worker("exec-b@test"):
            # concurrency 1 makes each chunk last ~60 ms, long enough for both workers to take chunks.
            run = wait_for_finish(services.test_run_create(project=project, requested_by=project.owner, concurrency=1))
    finally:
        task_prerun.disconnect(record)

    assert run.status == "success" and (run.total, run.passed) == (12, 12)
    results = TestResult.objects.filter(run=run)
    assert results.count() == 12
    assert sorted(results.values_list("test_case_id", flat=True)) == sorted(c.pk for c in cases)
    assert set(results.values_list("chunk_index", flat=True)) == {0, 1, 2, 3}
    assert api.app.state.hits["default"] == 12
    assert len(chunk_threads) == 4 and len(set(chunk_threads)) == 2
