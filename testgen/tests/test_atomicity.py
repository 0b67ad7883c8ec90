"""Property: a service that fails half-way leaves no partial rows (issue 2).

The failure is injected inside the service's second write, after the first write's rows
exist, at a position Hypothesis chooses; the database must look as if nothing happened.
In CI this runs on PostgreSQL (see test_health.test_ci_uses_postgresql).
"""
from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generation.models import TestCase, TestCaseVersion
from generation.services import test_cases as test_case_services
from scanning.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


class InjectedFailure(Exception):
    pass


def draft(index: int) -> dict:
    return {
        "title": f"GET item {index} answers 200",
        "type": "functional",
        "spec": {
            "steps": [
                {
                    "request": {"method": "GET", "path": f"/items/{index}"},
                    "assertions": [{"type": "status", "expected": 200}],
                }
            ]
        },
    }


@st.composite
def batch_and_failure_point(draw):
    size = draw(st.integers(min_value=1, max_value=12))
    return size, draw(st.integers(min_value=0, max_value=size - 1))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=batch_and_failure_point())
def test_failure_half_way_through_a_batch_leaves_no_rows(case):
    size, fail_at = case
    endpoint = EndpointFactory()
    real_init = TestCaseVersion.__init__
    built = {"count": 0}

    def failing_init(self, *args, **kwargs):
        if built["count"] == fail_at:
            raise InjectedFailure(f"failure while building version {fail_at} of {size}")
        built["count"] += 1
        real_init(self, *args, **kwargs)

    with mock.patch.object(TestCaseVersion, "__init__", failing_init), pytest.raises(InjectedFailure):
        test_case_services.test_case_create_many(
            project=endpoint.project, endpoint=endpoint, drafts=[draft(i) for i in range(size)],
            generator={"provider": "builtin", "model": "", "prompt_version": ""},
        )
    assert TestCase.objects.filter(project=endpoint.project).count() == 0
    assert TestCaseVersion.objects.filter(test_case__project=endpoint.project).count() == 0


def test_the_same_batch_without_a_failure_writes_every_row():
    endpoint = EndpointFactory()
    created = test_case_services.test_case_create_many(
        project=endpoint.project, endpoint=endpoint, drafts=[draft(i) for i in range(5)],
        generator={"provider": "builtin", "model": "", "prompt_version": ""},
    )
    assert len(created) == 5
    assert TestCaseVersion.objects.filter(test_case__project=endpoint.project).count() == 5
