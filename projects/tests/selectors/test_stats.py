from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from execution.models import TestRun
from generation.models import TestCase
from generation.tests.factories import TestCaseFactory
from projects.models import Project
from projects.selectors import compute_health, project_stats
from projects.services import project_stats_invalidate
from projects.tests.factories import ProjectFactory
from scanning.models import Endpoint, ScanJob
from scanning.tests.factories import EndpointFactory, ScanJobFactory

pytestmark = pytest.mark.django_db

# One query per source: endpoints+coverage, test cases, runs, last scan.
COMPUTE_QUERIES = 4


@pytest.fixture
def project(owner) -> Project:
    return ProjectFactory(owner=owner, coverage_threshold=50)


@pytest.fixture
def changed(django_capture_on_commit_callbacks: Any) -> Callable[[Project], None]:
    """What every writer does after changing a project's data: invalidate, effective on commit."""

    def invalidate(project: Project) -> None:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            project_stats_invalidate(project_id=project.pk)

    return invalidate


# --- pure health ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coverage", "threshold", "scan", "expected"),
    [
        (None, 80, None, "ok"),
        (80.0, 80, "succeeded", "ok"),
        (79.9, 80, "succeeded", "warning"),
        (100.0, 80, "failed", "error"),
        (10.0, 80, "failed", "error"),
        (0.0, 0, "running", "ok"),
    ],
)
def test_health_is_derived_from_coverage_and_the_last_scan(coverage, threshold, scan, expected) -> None:
    assert compute_health(coverage=coverage, threshold=threshold, last_scan_status=scan) == expected


# --- each kind of change ------------------------------------------------------------------------


def test_a_new_project_has_empty_stats(project: Project) -> None:
    result = project_stats(project=project)
    assert result == {
        "endpoint_count": 0,
        "covered_endpoint_count": 0,
        "coverage": None,
        "test_cases": {"total": 0, "by_status": {}, "by_type": {}},
        "last_runs": [],
        "last_scan": None,
        "health": "ok",
    }


def test_endpoints_count_only_active_ones(project: Project, django_capture_on_commit_callbacks, changed) -> None:
    project_stats(project=project)
    EndpointFactory.create_batch(2, project=project)
    EndpointFactory(project=project, status=Endpoint.Status.REMOVED)
    EndpointFactory()  # another project's
    changed(project)
    assert project_stats(project=project)["endpoint_count"] == 2


def test_coverage_counts_active_endpoints_with_an_approved_test(project: Project, changed) -> None:
    covered, draft_only, _bare, _ = (
        EndpointFactory(project=project), EndpointFactory(project=project), EndpointFactory(project=project),
        EndpointFactory(project=project),
    )
    TestCaseFactory.create_batch(2, project=project, endpoint=covered, status=TestCase.Status.APPROVED)
    TestCaseFactory(project=project, endpoint=draft_only, status=TestCase.Status.DRAFT)
    removed = EndpointFactory(project=project, status=Endpoint.Status.REMOVED)
    TestCaseFactory(project=project, endpoint=removed, status=TestCase.Status.APPROVED)
    changed(project)
    result = project_stats(project=project)
    assert (result["endpoint_count"], result["covered_endpoint_count"], result["coverage"]) == (4, 1, 25.0)
    assert result["health"] == "warning"


def test_test_cases_are_counted_by_status_and_type(project: Project, changed) -> None:
    TestCaseFactory(project=project, status=TestCase.Status.APPROVED, type=TestCase.Type.FUNCTIONAL)
    TestCaseFactory(project=project, status=TestCase.Status.DRAFT, type=TestCase.Type.SECURITY)
    TestCaseFactory(project=project, status=TestCase.Status.DRAFT, type=TestCase.Type.FUNCTIONAL)
    TestCaseFactory()  # another project's
    changed(project)
    assert project_stats(project=project)["test_cases"] == {
        "total": 3,
        "by_status": {"approved": 1, "draft": 2},
        "by_type": {"functional": 2, "security": 1},
    }


def test_the_last_scan_is_the_newest_and_a_failure_makes_health_error(project: Project, changed) -> None:
    ScanJobFactory(project=project, status=ScanJob.Status.SUCCEEDED)
    failed = ScanJobFactory(project=project, status=ScanJob.Status.FAILED, error_message="clone failed")
    changed(project)
    result = project_stats(project=project)
    assert (result["last_scan"]["id"], result["last_scan"]["status"]) == (failed.pk, "failed")
    assert result["last_scan"]["error_message"] == "clone failed"
    assert result["health"] == "error"


def test_health_follows_the_threshold_without_invalidation(project: Project, changed) -> None:
    endpoint = EndpointFactory(project=project)
    EndpointFactory(project=project)
    TestCaseFactory(project=project, endpoint=endpoint, status=TestCase.Status.APPROVED)
    changed(project)
    assert project_stats(project=project)["health"] == "ok"  # 50 % at threshold 50
    project.coverage_threshold = 60
    assert project_stats(project=project)["health"] == "warning"
    assert project.health == "warning"


_run_ids = itertools.count(1)


def _run(project: Project, **fields: Any) -> TestRun:
    # execution has no factory for runs yet; public_id is normally assigned by its service.
    return TestRun.objects.create(project=project, public_id=f"run_test_{next(_run_ids)}",
                                  base_url="https://api.example.com", **fields)


def test_the_last_five_runs_are_listed_newest_first_with_pass_rate(project: Project, changed) -> None:
    runs = [_run(project, status=TestRun.Status.SUCCESS, total=4, passed=i % 5, failed=4 - i % 5,
                 pass_rate=25.0 * (i % 5)) for i in range(7)]
    _run(ProjectFactory(), status=TestRun.Status.FAILED)  # another project's
    changed(project)
    last = project_stats(project=project)["last_runs"]
    assert [r["id"] for r in last] == [r.pk for r in reversed(runs)][:5]
    assert last[0]["pass_rate"] == runs[-1].pass_rate
    assert set(last[0]) == {"id", "public_id", "status", "total", "passed", "failed", "pass_rate", "created_at"}


def test_a_finished_run_through_the_cache_is_visible_after_invalidation(project: Project, changed) -> None:
    run = _run(project, status=TestRun.Status.RUNNING)
    changed(project)
    assert project_stats(project=project)["last_runs"][0]["status"] == "running"
    TestRun.objects.filter(pk=run.pk).update(status=TestRun.Status.FAILED, total=2, passed=1, failed=1, pass_rate=50.0)
    assert project_stats(project=project)["last_runs"][0]["status"] == "running"  # cached until told
    changed(project)
    assert project_stats(project=project)["last_runs"][0]["pass_rate"] == 50.0


# --- cache --------------------------------------------------------------------------------------


def test_computing_takes_a_fixed_number_of_queries(project: Project, django_assert_num_queries) -> None:
    for _ in range(3):
        endpoint = EndpointFactory(project=project)
        TestCaseFactory(project=project, endpoint=endpoint, status=TestCase.Status.APPROVED)
        ScanJobFactory(project=project)
        _run(project)
    with django_assert_num_queries(COMPUTE_QUERIES):
        project_stats(project=project)


def test_query_count_does_not_grow_with_the_data(project: Project, django_assert_num_queries, changed) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EndpointFactory(project=project)
    with CaptureQueriesContext(connection) as small:
        project_stats(project=project)
    for _ in range(4):
        endpoint = EndpointFactory(project=project)
        TestCaseFactory.create_batch(2, project=project, endpoint=endpoint)
        ScanJobFactory(project=project)
        _run(project)
    changed(project)
    with django_assert_num_queries(len(small.captured_queries)):
        project_stats(project=project)


def test_a_cached_read_makes_no_queries(project: Project, django_assert_num_queries) -> None:
    EndpointFactory(project=project)
    first = project_stats(project=project)
    with django_assert_num_queries(0):
        assert project_stats(project=project) == first


def test_without_invalidation_the_cache_is_served(project: Project) -> None:
    project_stats(project=project)
    EndpointFactory(project=project)
    assert project_stats(project=project)["endpoint_count"] == 0


def test_invalidation_takes_effect_only_on_commit(project: Project, django_capture_on_commit_callbacks) -> None:
    project_stats(project=project)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        EndpointFactory(project=project)
        project_stats_invalidate(project_id=project.pk)
    assert project_stats(project=project)["endpoint_count"] == 0
    for callback in callbacks:
        callback()
    assert project_stats(project=project)["endpoint_count"] == 1


def test_invalidating_one_project_keeps_the_others_cached(project: Project, owner, django_assert_num_queries, changed) -> None:
    other = ProjectFactory(owner=owner)
    project_stats(project=other)
    changed(project)
    with django_assert_num_queries(0):
        project_stats(project=other)


# --- through the other apps' services -----------------------------------------------------------


def test_approving_a_test_case_through_its_service_updates_coverage(project: Project, owner,
                                                                    django_capture_on_commit_callbacks, changed) -> None:
    from generation.services.test_cases import test_case_transition

    test_case = TestCaseFactory(project=project, endpoint=EndpointFactory(project=project))
    changed(project)
    assert project_stats(project=project)["coverage"] == 0.0
    with django_capture_on_commit_callbacks(execute=True):
        test_case_transition(test_case=test_case, to_status=TestCase.Status.APPROVED, actor=owner)
    assert project_stats(project=project)["coverage"] == 100.0


def test_queuing_a_scan_through_its_service_shows_as_the_last_scan(owner, django_capture_on_commit_callbacks) -> None:
    from scanning.services import scan_job_create

    project = ProjectFactory(owner=owner, repository_url="https://github.com/acme/shop.git")
    assert project_stats(project=project)["last_scan"] is None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = scan_job_create(project=project, trigger="user", source="repository", requested_by=owner)
    # Run only our invalidation: executing the scan itself would try to clone from the internet.
    for callback in callbacks:
        if callback.__qualname__.startswith("project_stats_invalidate"):
            callback()
    assert project_stats(project=project)["last_scan"]["id"] == job.pk


def test_deleting_a_project_invalidates_its_stats(owner_client, owner, django_capture_on_commit_callbacks) -> None:
    project = ProjectFactory(owner=owner)
    EndpointFactory(project=project)
    project_stats(project=project)
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.delete(f"/api/projects/{project.pk}")
    assert project_stats(project=project)["endpoint_count"] == 0


# --- the detail and /stats endpoints ------------------------------------------------------------


def test_the_detail_reflects_a_change_immediately(owner_client, project: Project, changed) -> None:
    assert owner_client.get(f"/api/projects/{project.pk}").json()["stats"]["endpoint_count"] == 0
    EndpointFactory(project=project)
    changed(project)
    assert owner_client.get(f"/api/projects/{project.pk}").json()["stats"]["endpoint_count"] == 1


def test_the_stats_endpoint_serves_from_cache_with_fewer_queries(owner_client, project: Project,
                                                                  django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    EndpointFactory(project=project)
    with CaptureQueriesContext(connection) as cold:
        owner_client.get(f"/api/projects/{project.pk}/stats")
    # Warm: only the ownership lookup of the project itself.
    with django_assert_max_num_queries(1):
        body = owner_client.get(f"/api/projects/{project.pk}/stats").json()
    assert body["endpoint_count"] == 1
    assert len(cold.captured_queries) > 1


@pytest.mark.redis
def test_stats_are_cached_in_redis_when_configured(project: Project, django_assert_num_queries) -> None:
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    from projects.selectors import STATS_KEY
    from projects.services import project_stats_version

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    EndpointFactory(project=project)
    project_stats(project=project)
    key = STATS_KEY.format(project_id=project.pk, version=project_stats_version(project_id=project.pk))
    assert cache.get(key)["endpoint_count"] == 1
    with django_assert_num_queries(0):
        assert project_stats(project=project)["endpoint_count"] == 1


class _BrokenCache:
    def __getattr__(self, name: str) -> Any:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("cache is down")

        return fail


def test_a_cache_outage_degrades_to_computing(project: Project, monkeypatch) -> None:
    from projects import selectors, services

    EndpointFactory(project=project)
    monkeypatch.setattr(selectors, "cache", _BrokenCache())
    monkeypatch.setattr(services, "cache", _BrokenCache())
    assert project_stats(project=project)["endpoint_count"] == 1


def test_a_cache_outage_does_not_fail_the_writer_after_commit(project: Project, monkeypatch,
                                                               django_capture_on_commit_callbacks) -> None:
    from projects import services

    monkeypatch.setattr(services, "cache", _BrokenCache())
    with django_capture_on_commit_callbacks(execute=True):
        project_stats_invalidate(project_id=project.pk)
