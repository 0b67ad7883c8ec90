from __future__ import annotations

import factory
from django.utils import timezone

from projects.tests.factories import ProjectFactory, UserFactory
from scanning.models import (
    Endpoint,
    EndpointHistory,
    FileFacts,
    ScanJob,
    contract_fingerprint,
)
from scanning.scanners.base import path_parameter_names


class EndpointFactory(factory.django.DjangoModelFactory):
    """An active endpoint found in code; the fingerprint follows the contract fields."""

    class Meta:
        model = Endpoint

    project = factory.SubFactory(ProjectFactory)
    method = "GET"
    path = factory.Sequence(lambda n: f"/resources{n}/{{id}}")
    operation_id = factory.Sequence(lambda n: f"getResource{n}")
    summary = "Fetch a resource"
    parameters = factory.LazyAttribute(
        lambda o: [
            {"name": name, "location": "path", "required": True, "schema": {"type": "string"}, "description": ""}
            for name in path_parameter_names(o.path)
        ]
    )
    request_body = None
    responses = factory.LazyFunction(lambda: {"200": {"description": "OK", "schema": {"type": "object"}}})
    auth_required = None
    auth = ""
    framework = "express"
    source_file = factory.Sequence(lambda n: f"src/routes/r{n}.js")
    source_line = 1
    handler = ""
    tags = factory.LazyFunction(list)
    status = Endpoint.Status.ACTIVE
    in_code = True
    in_spec = False
    first_seen = factory.LazyFunction(timezone.now)
    last_seen = factory.LazyFunction(timezone.now)
    fingerprint = factory.LazyAttribute(
        lambda o: contract_fingerprint(
            method=o.method, path=o.path, parameters=o.parameters, request_body=o.request_body,
            responses=o.responses,
        )
    )


class ScanJobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScanJob

    project = factory.SubFactory(ProjectFactory)
    trigger = ScanJob.Trigger.USER
    source = ScanJob.Source.REPOSITORY
    status = ScanJob.Status.QUEUED
    requested_by = factory.LazyAttribute(lambda o: o.project.owner)


class EndpointHistoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EndpointHistory

    endpoint = factory.SubFactory(EndpointFactory)
    scan_job = None
    change = EndpointHistory.Change.ADDED
    previous = None
    new = factory.LazyAttribute(lambda o: o.endpoint.contract)


class FileFactsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FileFacts

    project = factory.SubFactory(ProjectFactory)
    front_end = "toy"
    version = "1"
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    facts = "{}"


__all__ = [
    "EndpointFactory", "EndpointHistoryFactory", "FileFactsFactory", "ProjectFactory",
    "ScanJobFactory", "UserFactory",
]
