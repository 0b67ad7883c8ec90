from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from scanning.models import Endpoint, contract_fingerprint
from scanning.tests.factories import EndpointFactory, ProjectFactory

PARAMS = [
    {"name": "id", "location": "path", "required": True, "schema": {}, "description": ""},
    {"name": "q", "location": "query", "required": False, "schema": {}, "description": ""},
]


def test_fingerprint_ignores_parameter_order():
    forward = contract_fingerprint(method="GET", path="/a", parameters=PARAMS, request_body=None, responses={})
    backward = contract_fingerprint(
        method="GET", path="/a", parameters=list(reversed(PARAMS)), request_body=None, responses={}
    )
    assert forward == backward


def test_fingerprint_changes_with_the_response_schema():
    before = contract_fingerprint(method="GET", path="/a", parameters=[], request_body=None, responses={})
    after = contract_fingerprint(
        method="GET", path="/a", parameters=[], request_body=None, responses={"200": {"description": "OK"}}
    )
    assert before != after


@pytest.mark.django_db
def test_only_one_active_endpoint_per_method_and_path():
    project = ProjectFactory()
    EndpointFactory(project=project, method="GET", path="/users")
    with pytest.raises(IntegrityError), transaction.atomic():
        EndpointFactory(project=project, method="GET", path="/users")


@pytest.mark.django_db
def test_removed_endpoints_do_not_block_a_new_active_one():
    project = ProjectFactory()
    EndpointFactory(project=project, method="GET", path="/users", status=Endpoint.Status.REMOVED)
    EndpointFactory(project=project, method="GET", path="/users")
    assert project.endpoints.count() == 2


@pytest.mark.parametrize(
    ("in_code", "in_spec", "drift"),
    [(True, False, "undocumented"), (False, True, "unimplemented"), (True, True, "")],
)
def test_drift_follows_where_the_endpoint_was_seen(in_code, in_spec, drift):
    assert Endpoint(in_code=in_code, in_spec=in_spec).drift == drift
