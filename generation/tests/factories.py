from __future__ import annotations

from typing import Any

import factory

from generation.models import GenerationJob, ProviderCredential, TestCase, TestCaseVersion
from generation.models.test_cases import spec_fingerprint
from projects.tests.factories import ProjectFactory, UserFactory
from scanning.tests.factories import EndpointFactory


def status_spec(
    *, method: str = "GET", path: str = "/items", expected: Any = 200, **request: Any
) -> dict[str, Any]:
    """A one-step spec: send `method path` and expect `expected` as the status."""
    return {
        "steps": [
            {
                "name": f"{method} {path}",
                "request": {"method": method, "path": path, **request},
                "assertions": [{"type": "status", "expected": expected}],
            }
        ]
    }


class TestCaseFactory(factory.django.DjangoModelFactory):
    """A draft functional test of its endpoint; each instance has a distinct spec."""

    __test__ = False  # a factory, not a pytest class

    class Meta:
        model = TestCase

    project = factory.SubFactory(ProjectFactory)
    endpoint = factory.SubFactory(EndpointFactory, project=factory.SelfAttribute("..project"))
    title = factory.Sequence(lambda n: f"Fetching resource {n} answers 200")
    description = "Checks the happy path."
    type = TestCase.Type.FUNCTIONAL
    priority = TestCase.Priority.MEDIUM
    status = TestCase.Status.DRAFT
    spec = factory.Sequence(lambda n: status_spec(path=f"/resources{n}/{{id}}", path_params={"id": str(n)}))
    spec_fingerprint = factory.LazyAttribute(lambda o: spec_fingerprint(o.spec))
    generator_provider = "builtin"
    generator_model = "schema-v1"
    prompt_version = ""
    version = 1
    created_by = factory.LazyAttribute(lambda o: o.project.owner)


class TestCaseVersionFactory(factory.django.DjangoModelFactory):
    __test__ = False

    class Meta:
        model = TestCaseVersion

    test_case = factory.SubFactory(TestCaseFactory)
    version = factory.LazyAttribute(lambda o: o.test_case.version)
    title = factory.LazyAttribute(lambda o: o.test_case.title)
    spec = factory.LazyAttribute(lambda o: o.test_case.spec)
    changed_by = None
    reason = "generated"


class GenerationJobFactory(factory.django.DjangoModelFactory):
    """A finished built-in job over every endpoint that created nothing."""

    class Meta:
        model = GenerationJob

    project = factory.SubFactory(ProjectFactory)
    test_types = factory.LazyFunction(lambda: ["functional", "negative"])
    provider = "builtin"
    model = "schema-v1"
    include_builtin = False
    seed = factory.Sequence(lambda n: n)
    status = GenerationJob.Status.SUCCEEDED
    progress = 100
    requested_by = factory.LazyAttribute(lambda o: o.project.owner)


class ProviderCredentialFactory(factory.django.DjangoModelFactory):
    """An OpenAI key of the project's own, with the server's base URL and model."""

    class Meta:
        model = ProviderCredential

    project = factory.SubFactory(ProjectFactory)
    provider = ProviderCredential.Provider.OPENAI
    api_key = factory.Sequence(lambda n: f"sk-proj-factory-secret-{n:06d}")
    base_url = ""
    model = ""


__all__ = [
    "EndpointFactory",
    "GenerationJobFactory",
    "ProviderCredentialFactory",
    "ProjectFactory",
    "TestCaseFactory",
    "TestCaseVersionFactory",
    "UserFactory",
    "status_spec",
]
