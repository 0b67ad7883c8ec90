from __future__ import annotations

from unittest import mock

import pytest

from accounts.tests.factories import AdminUserFactory
from scanning.models import ScanJob
from scanning.tests.factories import EndpointFactory, EndpointHistoryFactory, ScanJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(AdminUserFactory())
    return client


def test_the_endpoint_pages_render(admin_client):
    endpoint = EndpointFactory()
    EndpointHistoryFactory(endpoint=endpoint)
    assert admin_client.get("/admin/scanning/endpoint/").status_code == 200
    assert admin_client.get(f"/admin/scanning/endpoint/{endpoint.pk}/change/").status_code == 200


def test_endpoints_cannot_be_edited_by_hand(admin_client):
    endpoint = EndpointFactory()
    admin_client.post(f"/admin/scanning/endpoint/{endpoint.pk}/change/", {"path": "/hacked"})
    endpoint.refresh_from_db()
    assert endpoint.path != "/hacked"


def test_the_rescan_action_queues_one_scan_per_project(admin_client):
    job = ScanJobFactory(project__repository_url="https://git.example.com/a.git", status=ScanJob.Status.FAILED)
    ScanJobFactory(project=job.project, status=ScanJob.Status.SUCCEEDED)
    with mock.patch("scanning.tasks.run_scan_job.delay"):
        response = admin_client.post("/admin/scanning/scanjob/", {
            "action": "rescan", "_selected_action": list(job.project.scan_jobs.values_list("pk", flat=True)),
        })
    assert response.status_code == 302
    assert job.project.scan_jobs.filter(status=ScanJob.Status.QUEUED).count() == 1


def test_the_rescan_action_reports_a_project_it_cannot_scan(admin_client):
    job = ScanJobFactory(project__repository_url="", status=ScanJob.Status.FAILED)
    response = admin_client.post("/admin/scanning/scanjob/", {"action": "rescan", "_selected_action": [job.pk]},
                                 follow=True)
    assert "no repository configured" in response.content.decode()
    assert job.project.scan_jobs.count() == 1


def test_the_cancel_action_cancels_queued_scans(admin_client):
    job = ScanJobFactory()
    admin_client.post("/admin/scanning/scanjob/", {"action": "cancel", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.status == ScanJob.Status.CANCELLED


def test_the_endpoint_page_shows_its_conditions(admin_client):
    endpoint = EndpointFactory(conditions=["settings.METRICS_ENABLED"])
    page = admin_client.get(f"/admin/scanning/endpoint/{endpoint.pk}/change/").content.decode()
    assert "settings.METRICS_ENABLED" in page
