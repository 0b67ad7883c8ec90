from __future__ import annotations

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from projects.models import Project
from scanning import services
from scanning.models import ScanJob
from scanning.tests.factories import ProjectFactory, ScanJobFactory
from testgen.api.errors import ConflictError

pytestmark = pytest.mark.django_db


@pytest.fixture
def delay():
    with mock.patch("scanning.tasks.run_scan_job.delay") as delay:
        yield delay


def test_it_queues_a_repository_scan_and_enqueues_it_after_commit(delay, django_capture_on_commit_callbacks):
    project = ProjectFactory(repository_url="https://github.com/acme/api.git")
    with django_capture_on_commit_callbacks(execute=True):
        job = services.scan_job_create(project=project, trigger="user", requested_by=project.owner)
    assert job.status == ScanJob.Status.QUEUED
    assert job.requested_by == project.owner
    delay.assert_called_once_with(job.pk)


def test_it_enqueues_nothing_before_the_transaction_commits(delay, django_capture_on_commit_callbacks):
    project = ProjectFactory(repository_url="https://github.com/acme/api.git")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = services.scan_job_create(project=project, trigger="webhook")
    delay.assert_not_called()
    for callback in callbacks:
        callback()
    delay.assert_called_once_with(job.pk)


def test_it_rejects_a_repository_scan_without_a_repository(delay):
    with pytest.raises(ValidationError) as excinfo:
        services.scan_job_create(project=ProjectFactory(repository_url=""), trigger="user")
    assert excinfo.value.message_dict == {"source": [services.MSG_NO_REPOSITORY]}


def test_it_rejects_a_spec_url_scan_without_a_url(delay):
    with pytest.raises(ValidationError) as excinfo:
        services.scan_job_create(project=ProjectFactory(), trigger="user", source="spec_url")
    assert excinfo.value.message_dict == {"spec_url": [services.MSG_NO_SPEC_URL]}


def test_it_rejects_a_spec_file_scan_without_a_file(delay):
    with pytest.raises(ValidationError) as excinfo:
        services.scan_job_create(project=ProjectFactory(), trigger="user", source="spec_file")
    assert excinfo.value.message_dict == {"spec_file": [services.MSG_NO_SPEC_FILE]}


def test_it_rejects_an_unknown_trigger(delay):
    with pytest.raises(ValidationError) as excinfo:
        services.scan_job_create(project=ProjectFactory(repository_url="https://x.test/r.git"), trigger="cron")
    assert "trigger" in excinfo.value.message_dict


def test_it_refuses_to_scan_an_archived_project(delay):
    project = ProjectFactory(repository_url="https://x.test/r.git", status=Project.Status.ARCHIVED)
    with pytest.raises(ConflictError):
        services.scan_job_create(project=project, trigger="user")


def test_a_burst_of_repository_scans_coalesces_into_the_queued_job(delay):
    project = ProjectFactory(repository_url="https://x.test/r.git")
    first = services.scan_job_create(project=project, trigger="webhook")
    second = services.scan_job_create(project=project, trigger="webhook")
    assert first.pk == second.pk
    assert project.scan_jobs.count() == 1


def test_a_running_job_does_not_absorb_a_new_request(delay):
    project = ProjectFactory(repository_url="https://x.test/r.git")
    running = ScanJobFactory(project=project, status=ScanJob.Status.RUNNING)
    job = services.scan_job_create(project=project, trigger="user")
    assert job.pk != running.pk


def test_a_spec_url_scan_keeps_the_given_url(delay):
    job = services.scan_job_create(project=ProjectFactory(), trigger="api", source="spec_url",
                                   spec_url="https://api.example.com/openapi.json")
    assert job.spec_url == "https://api.example.com/openapi.json"


def test_an_oversized_upload_is_rejected(delay, settings):
    settings.TESTGEN_SPEC_MAX_BYTES = 10
    upload = SimpleUploadedFile("openapi.json", b"{" + b" " * 20 + b"}")
    with pytest.raises(ValidationError) as excinfo:
        services.scan_job_create(project=ProjectFactory(), trigger="user", source="spec_file", spec_file=upload)
    assert excinfo.value.message_dict == {"spec_file": [services.MSG_SPEC_FILE_TOO_LARGE.format(limit=10)]}
