"""Run endpoints, with an owner and an outsider in every scenario."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock
from xml.etree import ElementTree as ET

import pytest
from django.utils import timezone

from accounts.tests.factories import APIKeyFactory
from execution.models import TestRun
from execution.tests.factories import ApprovedTestCaseFactory, TestResultFactory, TestRunFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner, target_base_url="https://api.example.com")




def runs_url(project, suffix: str = "") -> str:
    return f"/api/projects/{project.pk}/runs{suffix}"


@pytest.fixture(autouse=True)
def no_enqueue():
    with mock.patch("execution.tasks.execute_test_run.delay") as delay:
        yield delay


def test_owner_starts_a_run_and_gets_202_with_it(owner_client, project, django_capture_on_commit_callbacks,
                                                 no_enqueue):
    ApprovedTestCaseFactory(project=project)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(runs_url(project), {"concurrency": 5, "extra_headers": {"X-Api-Key": "sekrit-123"}},
                                     format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["id"].startswith("run_") and body["status"] == "queued" and body["concurrency"] == 5
    assert body["trigger"] == "user" and body["extra_headers"] == {"X-Api-Key": "***"}
    no_enqueue.assert_called_once_with(TestRun.objects.get(public_id=body["id"]).pk)


def test_a_ci_pipeline_starts_a_run_with_an_api_key(api_client, owner, project):
    ApprovedTestCaseFactory(project=project)
    key = APIKeyFactory(user=owner)
    response = api_client.post(runs_url(project), {}, format="json", HTTP_X_API_KEY=key.raw_key)
    assert response.status_code == 202
    assert response.json()["trigger"] == "api_key"


def test_a_run_of_selected_tests_and_types(owner_client, project):
    picked = ApprovedTestCaseFactory(project=project)
    ApprovedTestCaseFactory(project=project)
    response = owner_client.post(runs_url(project), {"selection": {"test_ids": [picked.public_id], "types": ["functional"]}},
                                 format="json")
    assert response.status_code == 202
    assert response.json()["selection"] == {"test_ids": [picked.pk], "types": ["functional"]}


def test_a_malformed_test_id_is_a_validation_error(owner_client, project):
    ApprovedTestCaseFactory(project=project)
    response = owner_client.post(runs_url(project), {"selection": {"test_ids": ["nope"]}}, format="json")
    assert response.status_code == 400
    assert "selection" in response.json()["error"]["details"]


def test_outsider_cannot_start_a_run(outsider_client, project):
    ApprovedTestCaseFactory(project=project)
    assert outsider_client.post(runs_url(project), {}, format="json").status_code == 404


def test_starting_without_runnable_tests_is_a_validation_error(owner_client, project):
    response = owner_client.post(runs_url(project), {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"selection": ["No runnable test matches the selection."]}


def test_anonymous_requests_are_401(api_client, project):
    assert api_client.get(runs_url(project)).status_code == 401


def test_list_filters_by_status_trigger_and_date(owner_client, project):
    old = TestRunFactory(project=project, status="success", trigger="schedule")
    TestRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3))
    TestRunFactory(project=project, status="failed", trigger="user")
    assert [r["status"] for r in owner_client.get(runs_url(project), {"status": "success"}).json()["results"]] == ["success"]
    assert [r["trigger"] for r in owner_client.get(runs_url(project), {"trigger": "user"}).json()["results"]] == ["user"]
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert [r["status"] for r in owner_client.get(runs_url(project), {"created_after": since}).json()["results"]] == ["failed"]


def test_list_rejects_an_unknown_status(owner_client, project):
    assert owner_client.get(runs_url(project), {"status": "bogus"}).status_code == 400


def test_list_is_paginated_and_queries_do_not_grow(owner_client, project, django_assert_num_queries):
    TestRunFactory.create_batch(3, project=project)
    # project, count, page (identities joined)
    with django_assert_num_queries(3):
        assert owner_client.get(runs_url(project)).json()["count"] == 3
    TestRunFactory.create_batch(3, project=project)
    with django_assert_num_queries(3):
        assert owner_client.get(runs_url(project)).json()["count"] == 6


def test_outsider_sees_no_runs_of_the_project(outsider_client, project):
    TestRunFactory(project=project)
    assert outsider_client.get(runs_url(project)).status_code == 404


def test_owner_reads_a_run(owner_client, project):
    run = TestRunFactory(project=project, status="partial", passed=1, failed=1, total=2, pass_rate=50.0)
    body = owner_client.get(runs_url(project, f"/{run.public_id}")).json()
    assert (body["id"], body["status"], body["pass_rate"], body["total"]) == (run.public_id, "partial", 50.0, 2)


def test_a_run_of_another_project_is_404_even_for_its_owner(owner_client, owner, project):
    other = TestRunFactory(project=ProjectFactory(owner=owner))
    assert owner_client.get(runs_url(project, f"/{other.public_id}")).status_code == 404


@pytest.mark.parametrize("suffix", ["", "/results", "/junit"])
def test_outsider_gets_404_for_every_run_route(outsider_client, project, suffix):
    run = TestRunFactory(project=project)
    assert outsider_client.get(runs_url(project, f"/{run.public_id}{suffix}")).status_code == 404
    assert outsider_client.post(runs_url(project, f"/{run.public_id}/cancel")).status_code == 404


def test_results_filter_by_status_type_and_endpoint(owner_client, project):
    run = TestRunFactory(project=project)
    passed = TestResultFactory(run=run, status="passed")
    failed = TestResultFactory(run=run, status="failed", test_type="security")
    url = runs_url(project, f"/{run.public_id}/results")
    assert [r["id"] for r in owner_client.get(url, {"status": "failed"}).json()["results"]] == [failed.pk]
    assert [r["id"] for r in owner_client.get(url, {"type": "security"}).json()["results"]] == [failed.pk]
    assert [r["id"] for r in owner_client.get(url, {"endpoint": passed.endpoint_id}).json()["results"]] == [passed.pk]
    result = owner_client.get(url, {"status": "failed"}).json()["results"][0]
    assert result["test_case_id"] == failed.test_case_public_id and result["assertions"][0]["expected"] == 200


def test_results_list_queries_do_not_grow(owner_client, project, django_assert_num_queries):
    run = TestRunFactory(project=project)
    TestResultFactory.create_batch(3, run=run)
    url = runs_url(project, f"/{run.public_id}/results")
    # project, run, count, page
    with django_assert_num_queries(4):
        owner_client.get(url)
    TestResultFactory.create_batch(3, run=run)
    with django_assert_num_queries(4):
        assert owner_client.get(url).json()["count"] == 6


def test_owner_cancels_a_running_run(owner_client, project):
    run = TestRunFactory(project=project, status="running")
    response = owner_client.post(runs_url(project, f"/{run.public_id}/cancel"))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_it_rejects_cancel_of_finished_run(owner_client, project):
    run = TestRunFactory(project=project, status="success")
    response = owner_client.post(runs_url(project, f"/{run.public_id}/cancel"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "run_finished"


def test_junit_export_is_valid_escaped_xml_for_ci(owner_client, project):
    run = TestRunFactory(project=project, status="partial", duration_ms=1500)
    TestResultFactory(run=run, status="passed", title="lists <items> & more")
    TestResultFactory(run=run, status="failed", error='expected status 200, got 500 "boom"\x1b',
                      assertions=[{"type": "status", "passed": False, "expected": 200, "actual": 500}])
    TestResultFactory(run=run, status="error", error="Could not connect")
    TestResultFactory(run=run, status="skipped", error="deleted")
    response = owner_client.get(runs_url(project, f"/{run.public_id}/junit"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "testsuites", "4", "1", "1", "1")
    cases = root.findall(".//testcase")
    assert any(c.get("name").endswith("lists <items> & more") for c in cases)
    failure = root.find(".//failure")
    assert failure.get("message") == 'expected status 200, got 500 "boom"'
    assert "expected 200, actual 500" in failure.text
