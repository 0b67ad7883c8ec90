from __future__ import annotations

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scanning import services
from scanning.models import ScanJob
from scanning.tests.factories import ScanJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def delay():
    with mock.patch("scanning.tasks.run_scan_job.delay") as delay:
        yield delay


def scan_url(project) -> str:
    return f"/api/projects/{project.pk}/endpoints/scan"


def test_anonymous_requests_are_401(api_client, project):
    assert api_client.post(scan_url(project)).status_code == 401
    assert api_client.get(f"/api/projects/{project.pk}/scans").status_code == 401


def test_the_owner_queues_a_repository_scan(owner_client, owner, project, delay, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(scan_url(project), {}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["source"], body["trigger"]) == ("queued", "repository", "user")
    assert body["requested_by_id"] == owner.pk
    delay.assert_called_once_with(body["id"])


def test_the_trailing_slash_spelling_also_works(owner_client, project):
    assert owner_client.post(scan_url(project) + "/", {}, format="json").status_code == 202


def test_an_outsider_gets_404_for_every_scan_route(outsider_client, project):
    job = ScanJobFactory(project=project)
    base = f"/api/projects/{project.pk}"
    assert outsider_client.post(scan_url(project), {}, format="json").status_code == 404
    assert outsider_client.get(f"{base}/scans").status_code == 404
    assert outsider_client.get(f"{base}/scans/{job.pk}").status_code == 404
    assert outsider_client.post(f"{base}/scans/{job.pk}/cancel").status_code == 404
    assert not ScanJob.objects.filter(status=ScanJob.Status.CANCELLED).exists()


def test_a_scan_without_a_repository_is_400_with_the_reason(owner_client, project):
    project.repository_url = ""
    project.save()
    response = owner_client.post(scan_url(project), {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"source": [services.MSG_NO_REPOSITORY]}


def test_an_unknown_source_is_400(owner_client, project):
    response = owner_client.post(scan_url(project), {"source": "ftp"}, format="json")
    assert response.status_code == 400
    assert "source" in response.json()["error"]["details"]


def test_a_spec_url_scan_is_queued_with_the_url(owner_client, project):
    response = owner_client.post(scan_url(project), {"source": "spec_url", "spec_url": "https://docs.example.com/o.json"},
                                 format="json")
    assert response.status_code == 202
    assert response.json()["spec_url"] == "https://docs.example.com/o.json"


def test_the_list_shows_the_projects_scans_newest_first(owner_client, project):
    older = ScanJobFactory(project=project)
    newer = ScanJobFactory(project=project)
    ScanJobFactory()
    body = owner_client.get(f"/api/projects/{project.pk}/scans").json()
    assert [j["id"] for j in body["results"]] == [newer.pk, older.pk]
    assert set(body) == {"count", "next", "previous", "results"}


def test_the_list_costs_the_same_queries_with_twice_the_scans(owner_client, project, django_assert_num_queries):
    ScanJobFactory.create_batch(3, project=project)
    url = f"/api/projects/{project.pk}/scans"
    with CaptureQueriesContext(connection) as first:
        owner_client.get(url)
    ScanJobFactory.create_batch(3, project=project)
    with django_assert_num_queries(len(first.captured_queries)):
        body = owner_client.get(url).json()
    assert body["count"] == 6


def test_the_detail_shows_progress_and_counts(owner_client, project):
    job = ScanJobFactory(project=project, status=ScanJob.Status.SUCCEEDED, progress=100, files_scanned=7,
                         files_parsed=2, endpoints_added=3, warnings=[{"file": "a.js", "line": 3, "message": "x"}])
    body = owner_client.get(f"/api/projects/{project.pk}/scans/{job.pk}").json()
    assert (body["progress"], body["files_scanned"], body["files_parsed"], body["endpoints_added"]) == (100, 7, 2, 3)
    assert body["warnings"] == [{"file": "a.js", "line": 3, "message": "x"}]


def test_a_scan_of_another_project_of_mine_is_404_under_this_one(owner_client, owner, project):
    other = ScanJobFactory(project__owner=owner)
    assert owner_client.get(f"/api/projects/{project.pk}/scans/{other.pk}").status_code == 404


def test_the_owner_cancels_a_queued_scan(owner_client, project):
    job = ScanJobFactory(project=project)
    response = owner_client.post(f"/api/projects/{project.pk}/scans/{job.pk}/cancel")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")


def test_cancelling_a_finished_scan_is_409(owner_client, project):
    job = ScanJobFactory(project=project, status=ScanJob.Status.SUCCEEDED)
    response = owner_client.post(f"/api/projects/{project.pk}/scans/{job.pk}/cancel")
    assert response.status_code == 409
    assert response.json()["error"]["message"] == services.MSG_CANNOT_CANCEL


def test_a_malformed_uploaded_spec_is_400_with_its_location(owner_client, project):
    upload = SimpleUploadedFile("openapi.yaml", b"openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a:\n    get: 7\n")
    response = owner_client.post(scan_url(project), {"source": "spec_file", "spec_file": upload}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == services.SPEC_INVALID_CODE
    assert error["details"]["location"].startswith("paths")
    assert not project.scan_jobs.exists()


def test_a_valid_uploaded_spec_is_queued_and_stored_with_the_job(owner_client, project):
    upload = SimpleUploadedFile(
        "openapi.json", b'{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {}}'
    )
    response = owner_client.post(scan_url(project), {"source": "spec_file", "spec_file": upload}, format="multipart")
    assert response.status_code == 202
    job = ScanJob.objects.get(pk=response.json()["id"])
    assert job.source == "spec_file" and job.spec_file.name.endswith("openapi.json")
