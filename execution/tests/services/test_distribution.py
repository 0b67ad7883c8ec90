"""Chunks running at once on several workers share the run's concurrency limit."""
from __future__ import annotations

import threading

import pytest
from django.db import connection

from execution import services
from execution.models import TestRun
from execution.tests.factories import ApprovedTestCaseFactory
from projects.tests.factories import ProjectFactory


@pytest.mark.django_db(transaction=True)
def test_parallel_chunks_never_exceed_the_runs_limit_at_the_server(api, settings):
    """Property 37 across workers: three chunks at once, limit 3, measured by the server."""
    settings.TESTGEN_EXECUTION_CHUNK_SIZE = 4
    project = ProjectFactory(target_base_url=api.url)
    for _ in range(12):
        ApprovedTestCaseFactory(project=project, path="/inflight", expected=200)
    run = services.test_run_create(project=project, requested_by=project.owner, concurrency=3, enqueue=False)
    chunks = services.test_run_start(run_id=run.pk)
    errors: list[BaseException] = []

    def worker(index: int, ids: list[int]) -> None:
        try:
            services.test_run_execute_chunk(run_id=run.pk, chunk_index=index, test_case_ids=ids)
        except BaseException as exc:  # noqa: BLE001 — surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, ids)) for i, ids in enumerate(chunks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    run.refresh_from_db()
    assert (run.status, run.passed) == (TestRun.Status.SUCCESS, 12)
    assert api.app.state.hits["default"] == 12
    assert 1 <= api.app.state.max_inflight["default"] <= 3


@pytest.mark.django_db
def test_a_chunk_takes_no_more_slots_than_it_has_tests():
    run = services.TestRun(pk=424242, concurrency=10)
    slots = services._acquire_slots(run=run, chunk_index=0, wanted=2, ttl=60)
    assert len(slots) == 2
    assert len(services._acquire_slots(run=run, chunk_index=1, wanted=10, ttl=60)) == 8
    services._release_slots(slots, chunk_index=0)
    assert len(services._acquire_slots(run=run, chunk_index=2, wanted=10, ttl=60)) == 2


@pytest.mark.django_db
def test_a_redelivered_chunk_takes_back_its_own_slots():
    run = services.TestRun(pk=434343, concurrency=2)
    first = services._acquire_slots(run=run, chunk_index=5, wanted=2, ttl=60)  # then the worker died
    assert services._acquire_slots(run=run, chunk_index=5, wanted=2, ttl=60) == first
