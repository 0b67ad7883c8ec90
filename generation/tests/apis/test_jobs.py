from __future__ import annotations

import pytest

from generation.models import GenerationJob, TestCase
from generation.services import generation as services
from generation.tests.builtin.contracts import CONTRACTS
from generation.tests.services.test_generation import add_endpoints
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(owner):
    project = ProjectFactory(owner=owner)
    add_endpoints(project, CONTRACTS[:3])
    return project


@pytest.fixture
def enqueued(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(services, "_enqueue", sent.append)
    return sent


def url(project_id: int, job_id: int | None = None) -> str:
    base = f"/api/projects/{project_id}/tests/generate"
    return base if job_id is None else f"{base}/{job_id}"


def test_the_owner_starts_a_job_and_gets_202_before_anything_is_generated(
    api_client, owner, project, enqueued, django_capture_on_commit_callbacks
):
    api_client.force_authenticate(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(url(project.pk), {"test_types": ["security"], "seed": 3}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["progress"] == 0 and body["tests_created"] == 0
    assert body["config"]["test_types"] == ["security"] and body["config"]["seed"] == 3
    assert body["config"]["provider"] == "builtin" and body["config"]["endpoint_ids"] is None
    assert response["Location"] == url(project.pk, body["id"])
    assert enqueued == [body["id"]] and TestCase.objects.count() == 0


def test_the_owner_follows_the_job_to_completion(api_client, owner, project, enqueued):
    api_client.force_authenticate(owner)
    job_id = api_client.post(url(project.pk), {"seed": 1}, format="json").json()["id"]
    services.generation_job_run(job_id=job_id)
    body = api_client.get(url(project.pk, job_id)).json()
    assert body["status"] == "succeeded" and body["progress"] == 100 and body["endpoints_done"] == 3
    assert body["tests_created"] == sum(body["counts_by_type"].values()) == TestCase.objects.count()
    assert body["usage"] == {"input_tokens": 0, "output_tokens": 0} and body["estimated_cost"] == "0.000000"
    assert body["errors"] == []


def test_an_outsider_cannot_start_or_see_a_job(api_client, owner, outsider, project, enqueued):
    job = services.generation_job_create(project=project, requested_by=owner)
    api_client.force_authenticate(outsider)
    assert api_client.post(url(project.pk), {}, format="json").status_code == 404
    assert api_client.get(url(project.pk, job.pk)).status_code == 404
    assert GenerationJob.objects.count() == 1


def test_a_job_is_only_found_under_its_own_project(api_client, owner, project, enqueued):
    other = ProjectFactory(owner=owner)
    job = services.generation_job_create(project=project, requested_by=owner)
    api_client.force_authenticate(owner)
    assert api_client.get(url(other.pk, job.pk)).json()["error"]["code"] == "not_found"


def test_anonymous_requests_are_refused(api_client, project):
    assert api_client.post(url(project.pk), {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"test_types": ["smoke"]}, "test_types"),
        ({"max_tests_per_endpoint": 0}, "max_tests_per_endpoint"),
        ({"provider": "mystery"}, "provider"),
        ({"endpoint_ids": [987654]}, "endpoint_ids"),
        ({"provider": "anthropic"}, "provider"),
    ],
)
def test_invalid_requests_answer_400_naming_the_field(
    api_client, owner, project, enqueued, payload, field, monkeypatch
):
    monkeypatch.delenv("TESTGEN_ANTHROPIC_API_KEY", raising=False)
    api_client.force_authenticate(owner)
    response = api_client.post(url(project.pk), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["details"] and not GenerationJob.objects.exists()


def test_endpoint_failures_are_listed_on_the_job(api_client, owner, project, enqueued):
    job = services.generation_job_create(project=project, requested_by=owner)
    GenerationJob.objects.filter(pk=job.pk).update(
        status="partial",
        errors=[
            {
                "endpoint_id": 1,
                "method": "GET",
                "path": "/users",
                "provider": "openai",
                "code": "provider_unavailable",
                "message": "OpenAI is unavailable after 4 attempts: HTTP 500",
                "permanent": False,
            }
        ],
    )
    api_client.force_authenticate(owner)
    body = api_client.get(url(project.pk, job.pk)).json()
    assert body["status"] == "partial" and body["errors"][0]["code"] == "provider_unavailable"
