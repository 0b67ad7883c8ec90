from __future__ import annotations

import time
from unittest import mock

import pytest

from scanning import services, tasks
from scanning.engine import ScanFailure
from scanning.models import Endpoint, ScanJob
from scanning.tests.factories import ScanJobFactory


@pytest.mark.django_db
def test_the_task_runs_the_job_by_id(toy_project, git_repo):
    git_repo.write({"a.routes": "GET /a h\n"})
    job = ScanJobFactory(project=toy_project())
    tasks.run_scan_job(job.pk)
    job.refresh_from_db()
    assert job.status == ScanJob.Status.SUCCEEDED


@pytest.mark.django_db
def test_a_permanent_failure_is_not_retried():
    job = ScanJobFactory()
    with mock.patch.object(services, "scan_job_run", side_effect=ScanFailure("bad", permanent=True)), \
            mock.patch.object(tasks.run_scan_job, "retry") as retry:
        tasks.run_scan_job.apply(args=(job.pk,))
    retry.assert_not_called()


@pytest.mark.django_db
def test_whatever_escapes_the_task_fails_the_job():
    job = ScanJobFactory(status=ScanJob.Status.RUNNING)
    with mock.patch.object(services, "scan_job_run", side_effect=RuntimeError("worker bug")):
        tasks.run_scan_job.apply(args=(job.pk,))
    job.refresh_from_db()
    assert (job.status, job.error_message) == (ScanJob.Status.FAILED, services.MSG_INTERNAL)


def test_backoff_grows_and_is_capped():
    assert [tasks.retry_countdown(n) for n in range(6)] == [30, 60, 120, 240, 480, 600]


@pytest.mark.django_db
def test_the_expiry_task_calls_the_service():
    with mock.patch.object(services, "scan_jobs_expire_stuck", return_value=2) as expire:
        assert tasks.expire_stuck_scan_jobs() == 2
    expire.assert_called_once_with()


EXPRESS_APP = """const express = require('express');
const app = express();
const users = express.Router();
users.get('/:id', (req, res) => res.json({}));
users.post('/', (req, res) => res.status(201).json({}));
app.use('/users', users);
app.listen(3000);
"""


@pytest.fixture
def worker(request: pytest.FixtureRequest, transactional_db):
    """A real worker on the configured broker. On PostgreSQL (CI) it is a separate `celery
    worker` process, as deployed; an in-process worker thread there leaves channels_redis
    state behind that hangs later async tests of the same session."""
    from django.db import connection

    if connection.vendor == "postgresql":
        from testgen.tests.live import celery_worker_process

        with celery_worker_process() as process:
            yield process
    else:
        yield request.getfixturevalue("celery_worker")


def test_a_real_worker_runs_a_queued_scan_end_to_end(worker, git_repo):
    """The queue path as production runs it: service → on_commit → broker → worker → service."""
    from scanning.tests.factories import ProjectFactory

    git_repo.write({"package.json": '{"dependencies": {"express": "^4"}}', "app.js": EXPRESS_APP})
    project = ProjectFactory(repository_url=git_repo.url)
    job = services.scan_job_create(project=project, trigger="api")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert (job.status, job.error_message) == (ScanJob.Status.SUCCEEDED, "")
    assert set(project.endpoints.filter(status=Endpoint.Status.ACTIVE).values_list("method", "path")) == {
        ("GET", "/users/{id}"), ("POST", "/users"),
    }


def test_celery_beat_sweeps_stuck_scans_periodically():
    from testgen.celery import app

    entry = app.conf.beat_schedule[tasks.EXPIRE_SCHEDULE_NAME]
    assert entry == {"task": "scanning.expire_stuck_scan_jobs", "schedule": tasks.EXPIRE_EVERY_SECONDS}
    assert tasks.expire_stuck_scan_jobs.name == entry["task"]
