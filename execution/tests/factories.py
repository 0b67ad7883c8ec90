from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from execution.models import Identity, TestResult, TestRun, generate_run_id
from generation.models import TestCase
from generation.models.test_cases import format_public_id, spec_fingerprint
from generation.tests.factories import TestCaseFactory
from projects.tests.factories import ProjectFactory


def status_spec(path: str = "/status/200", expected: Any = 200, query: dict[str, Any] | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": "GET", "path": path}
    if query:
        request["query"] = query
    return {"steps": [{"request": request, "assertions": [{"type": "status", "expected": expected}]}]}


class ApprovedTestCaseFactory(TestCaseFactory):
    """An approved test whose spec GETs `path` and expects `expected` (a real request)."""

    __test__ = False

    class Params:
        path = "/status/200"
        expected = 200

    status = TestCase.Status.APPROVED
    # The query makes every spec distinct: live test cases of a project have unique fingerprints.
    spec = factory.LazyAttributeSequence(lambda o, n: status_spec(o.path, o.expected, query={"n": n}))
    spec_fingerprint = factory.LazyAttribute(lambda o: spec_fingerprint(o.spec))


class TestRunFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestRun

    public_id = factory.LazyFunction(generate_run_id)
    project = factory.SubFactory(ProjectFactory)
    trigger = TestRun.Trigger.USER
    requested_by = factory.LazyAttribute(lambda o: o.project.owner)
    base_url = factory.LazyAttribute(lambda o: o.project.target_base_url or "https://api.example.com")
    status = TestRun.Status.QUEUED
    concurrency = 10
    deadline = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(hours=1))


class TestResultFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestResult

    run = factory.SubFactory(TestRunFactory)
    test_case = factory.SubFactory(ApprovedTestCaseFactory, project=factory.SelfAttribute("..run.project"))
    test_case_public_id = factory.LazyAttribute(lambda o: format_public_id(o.test_case.pk))
    test_case_version = 1
    title = factory.LazyAttribute(lambda o: o.test_case.title)
    test_type = factory.LazyAttribute(lambda o: o.test_case.type)
    endpoint = factory.LazyAttribute(lambda o: o.test_case.endpoint)
    status = TestResult.Status.PASSED
    duration_ms = 12
    request = factory.LazyFunction(lambda: {"method": "GET", "url": "https://api.example.com/x", "headers": {}})
    response = factory.LazyFunction(lambda: {"status_code": 200, "headers": {}, "body": {"ok": True}})
    assertions = factory.LazyFunction(lambda: [{"type": "status", "passed": True, "expected": 200, "actual": 200}])


class IdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identity

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"identity-{n}")
    kind = Identity.Kind.STATIC_HEADERS
    headers = factory.LazyFunction(lambda: {"Authorization": "Bearer static-token-123"})
