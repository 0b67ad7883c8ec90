"""Test order: priority, then recent failures; and a plugged-in prioritizer."""
from __future__ import annotations

from collections.abc import Sequence

import pytest

from execution import services
from execution.prioritizers import DefaultPrioritizer, Prioritizer, get_prioritizer
from execution.tests.factories import ApprovedTestCaseFactory, TestResultFactory, TestRunFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


class NewestFirst(Prioritizer):
    def order(self, *, project_id: int, test_cases: Sequence) -> list:
        return sorted(test_cases, key=lambda t: -t.pk)


def test_higher_priorities_run_first():
    project = ProjectFactory()
    low, critical, medium = (ApprovedTestCaseFactory(project=project, priority=p) for p in ("low", "critical", "medium"))
    ordered = DefaultPrioritizer().order(project_id=project.pk, test_cases=[low, critical, medium])
    assert ordered == [critical, medium, low]


def test_within_a_priority_recent_failures_run_first():
    project = ProjectFactory()
    steady, flaky, broken = (ApprovedTestCaseFactory(project=project, priority="high") for _ in range(3))
    run = TestRunFactory(project=project, status="failed")
    TestResultFactory(run=run, test_case=flaky, status="failed")
    for _ in range(2):
        TestResultFactory(run=TestRunFactory(project=project, status="failed"), test_case=broken, status="error")
    TestResultFactory(run=run, test_case=steady, status="passed")
    ordered = DefaultPrioritizer().order(project_id=project.pk, test_cases=[steady, flaky, broken])
    assert ordered == [broken, flaky, steady]


def test_a_prioritizer_is_plugged_in_by_setting(settings, api):
    settings.TESTGEN_EXECUTION_PRIORITIZER = f"{__name__}.NewestFirst"
    assert isinstance(get_prioritizer(), NewestFirst)
    project = ProjectFactory(target_base_url=api.url)
    cases = [ApprovedTestCaseFactory(project=project) for _ in range(3)]
    run = services.test_run_create(project=project, requested_by=project.owner, enqueue=False)
    services.test_run_start(run_id=run.pk)
    run.refresh_from_db()
    assert run.plan == [c.pk for c in reversed(cases)]
