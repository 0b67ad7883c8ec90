from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from scanning import services
from scanning.models import ScanJob
from scanning.tests.factories import ScanJobFactory

pytestmark = pytest.mark.django_db


def aged(status: str, *, seconds: int) -> ScanJob:
    job = ScanJobFactory(status=status)
    # .update() because updated_at is auto_now: the heartbeat is what we are faking.
    ScanJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - timedelta(seconds=seconds))
    return job


def test_a_running_job_without_heartbeat_past_the_limit_is_failed(settings):
    settings.TESTGEN_SCAN_STUCK_SECONDS = 600
    job = aged(ScanJob.Status.RUNNING, seconds=601)
    assert services.scan_jobs_expire_stuck() == 1
    job.refresh_from_db()
    assert (job.status, job.error_message) == (ScanJob.Status.FAILED, services.MSG_STUCK)
    assert job.finished_at is not None


def test_a_running_job_that_still_reports_progress_is_left_alone(settings):
    settings.TESTGEN_SCAN_STUCK_SECONDS = 600
    job = aged(ScanJob.Status.RUNNING, seconds=30)
    assert services.scan_jobs_expire_stuck() == 0
    job.refresh_from_db()
    assert job.status == ScanJob.Status.RUNNING


def test_a_job_queued_for_too_long_is_failed(settings):
    settings.TESTGEN_SCAN_QUEUED_MAX_SECONDS = 3600
    job = aged(ScanJob.Status.QUEUED, seconds=3601)
    fresh = aged(ScanJob.Status.QUEUED, seconds=60)
    assert services.scan_jobs_expire_stuck() == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, fresh.status) == (ScanJob.Status.FAILED, ScanJob.Status.QUEUED)


def test_finished_jobs_are_never_touched(settings):
    settings.TESTGEN_SCAN_STUCK_SECONDS = 1
    job = aged(ScanJob.Status.SUCCEEDED, seconds=10_000)
    assert services.scan_jobs_expire_stuck() == 0
    job.refresh_from_db()
    assert job.status == ScanJob.Status.SUCCEEDED


def test_the_default_limit_outlasts_the_task_time_limit(settings):
    settings.CELERY_TASK_TIME_LIMIT = 3600
    job = aged(ScanJob.Status.RUNNING, seconds=3700)
    assert services.scan_jobs_expire_stuck() == 0
    job.refresh_from_db()
    assert job.status == ScanJob.Status.RUNNING
