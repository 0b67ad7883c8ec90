from __future__ import annotations

import json
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scanning import services
from scanning.models import Endpoint, ScanJob
from scanning.tests.factories import EndpointFactory, ScanJobFactory
from testgen.api.errors import ApplicationError

pytestmark = pytest.mark.django_db


def openapi(paths: dict) -> str:
    return json.dumps({"openapi": "3.0.3", "info": {"title": "Acme", "version": "1"}, "paths": paths})


USERS_SPEC = openapi({
    "/users/{id}": {"get": {
        "operationId": "getUser", "summary": "One user",
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
                      "404": {"description": "Missing"}},
    }},
    "/health": {"get": {"responses": {"200": {"description": "OK"}}}},
})


def spec_job(project, text: str) -> ScanJob:
    with mock.patch("scanning.tasks.run_scan_job.delay"):
        return services.scan_job_create(
            project=project, trigger="user", source="spec_file",
            spec_file=SimpleUploadedFile("openapi.json", text.encode()),
        )


def run(job: ScanJob) -> ScanJob:
    services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def test_a_spec_scan_imports_documented_endpoints(toy_project):
    project = toy_project()
    job = run(spec_job(project, USERS_SPEC))
    assert (job.status, job.endpoints_added) == (ScanJob.Status.SUCCEEDED, 2)
    endpoint = project.endpoints.get(path="/users/{id}")
    assert (endpoint.in_spec, endpoint.in_code, endpoint.operation_id) == (True, False, "getUser")
    assert set(endpoint.responses) == {"200", "404"}


def test_a_spec_scan_does_not_remove_code_endpoints(toy_project, git_repo):
    git_repo.write({"a.routes": "GET /users/:id getUser\nGET /internal h\n"})
    project = toy_project()
    run(ScanJobFactory(project=project))
    run(spec_job(project, USERS_SPEC))
    internal = project.endpoints.get(path="/internal")
    assert (internal.status, internal.in_code, internal.in_spec) == (Endpoint.Status.ACTIVE, True, False)
    both = project.endpoints.get(path="/users/{id}")
    assert (both.in_code, both.in_spec, both.handler) == (True, True, "getUser")
    # The spec fills what static analysis did not see.
    assert set(both.responses) == {"200", "404"}


def test_a_spec_scan_flags_spec_endpoints_that_left_the_spec(toy_project):
    project = toy_project()
    run(spec_job(project, USERS_SPEC))
    job = run(spec_job(project, openapi({"/health": {"get": {"responses": {"200": {"description": "OK"}}}}})))
    assert job.endpoints_removed == 1
    assert project.endpoints.get(path="/users/{id}").status == Endpoint.Status.REMOVED


def test_a_repository_scan_reads_a_spec_checked_into_it(toy_project, git_repo):
    git_repo.write({"a.routes": "GET /users/:id getUser\nGET /internal h\n", "docs/openapi.json": USERS_SPEC})
    project = toy_project()
    job = run(ScanJobFactory(project=project))
    flags = {e.path: (e.in_code, e.in_spec) for e in project.endpoints.all()}
    assert flags == {"/users/{id}": (True, True), "/internal": (True, False), "/health": (False, True)}
    assert job.endpoints_found == 3


def test_a_broken_spec_in_the_repository_is_a_warning_and_keeps_spec_flags(toy_project, git_repo):
    git_repo.write({"a.routes": "GET /users/:id getUser\n", "openapi.json": USERS_SPEC})
    project = toy_project()
    run(ScanJobFactory(project=project))
    git_repo.write({"openapi.json": "{\"openapi\": \"3.0.3\", \"paths\": ["})
    job = run(ScanJobFactory(project=project))
    assert job.status == ScanJob.Status.SUCCEEDED
    assert any("invalid" in w["message"] for w in job.warnings)
    assert project.endpoints.get(path="/health").status == Endpoint.Status.ACTIVE
    assert project.endpoints.get(path="/users/{id}").in_spec is True


def test_a_malformed_upload_is_refused_before_a_job_exists(toy_project):
    project = toy_project()
    with pytest.raises(ApplicationError) as excinfo:
        spec_job(project, openapi({"/users": {"get": {"responses": "nope"}}}))
    assert excinfo.value.code == services.SPEC_INVALID_CODE
    assert excinfo.value.details["location"]
    assert not project.scan_jobs.exists()


def test_a_malformed_stored_spec_fails_the_job_and_changes_nothing(toy_project):
    project = toy_project()
    EndpointFactory(project=project, path="/kept", in_code=False, in_spec=True)
    job = ScanJobFactory(project=project, source=ScanJob.Source.SPEC_URL, spec_url="https://docs.example.com/o.yaml")
    with mock.patch.object(services, "_fetch_spec", return_value="openapi: 3.0.3\npaths: [oops"):
        job = run(job)
    assert job.status == ScanJob.Status.FAILED
    assert job.error_message.startswith("The spec is invalid")
    assert list(project.endpoints.values_list("path", "status")) == [("/kept", "active")]


def test_a_spec_url_is_fetched_through_the_size_and_address_checks(toy_project, settings):
    project = toy_project()
    job = ScanJobFactory(project=project, source=ScanJob.Source.SPEC_URL, spec_url="http://127.0.0.1:9/o.json")
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
    job = run(job)
    assert (job.status, job.error_message) == (ScanJob.Status.FAILED, "The spec URL points to a private or local address.")


def test_a_repository_scan_also_imports_the_projects_spec_url(toy_project, git_repo):
    git_repo.write({"a.routes": "GET /users/:id getUser\n"})
    project = toy_project(spec_url="https://docs.example.com/openapi.json")
    with mock.patch.object(services, "_fetch_spec", return_value=USERS_SPEC) as fetch:
        run(ScanJobFactory(project=project))
    fetch.assert_called_once_with("https://docs.example.com/openapi.json")
    assert project.endpoints.get(path="/users/{id}").drift == ""
    assert project.endpoints.get(path="/health").drift == "unimplemented"


def test_an_unreachable_spec_url_does_not_fail_a_repository_scan(toy_project, git_repo):
    from scanning.engine import ScanFailure

    git_repo.write({"a.routes": "GET /a h\n"})
    project = toy_project(spec_url="https://docs.example.com/openapi.json")
    with mock.patch.object(services, "_fetch_spec", side_effect=ScanFailure("Could not reach the spec URL: x",
                                                                            permanent=False)):
        job = run(ScanJobFactory(project=project))
    assert job.status == ScanJob.Status.SUCCEEDED
    assert job.warnings[-1]["message"] == "Could not reach the spec URL: x"
