"""The endpoints API says which endpoints are served only under a condition, and filters by it."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scanning.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db


def list_url(project) -> str:
    return f"/api/projects/{project.pk}/endpoints"


def test_the_list_and_the_detail_give_the_conditions(owner_client, project):
    endpoint = EndpointFactory(project=project, conditions=["settings.DEBUG"])
    listed = owner_client.get(list_url(project)).json()["results"]
    assert listed[0]["conditions"] == ["settings.DEBUG"]
    assert owner_client.get(f"{list_url(project)}/{endpoint.pk}").json()["conditions"] == ["settings.DEBUG"]


def test_an_always_served_endpoint_has_no_conditions(owner_client, project):
    EndpointFactory(project=project)
    assert owner_client.get(list_url(project)).json()["results"][0]["conditions"] == []


def test_the_list_filters_conditional_endpoints_in_or_out(owner_client, project):
    always = EndpointFactory(project=project, path="/a")
    flagged = EndpointFactory(project=project, path="/b", conditions=["app_settings.LOGIN_BY_CODE_ENABLED"])
    only = owner_client.get(list_url(project), {"conditional": "true"}).json()["results"]
    without = owner_client.get(list_url(project), {"conditional": "false"}).json()["results"]
    assert [e["id"] for e in only] == [flagged.pk]
    assert [e["id"] for e in without] == [always.pk]
    assert owner_client.get(list_url(project)).json()["count"] == 2


def test_a_conditional_filter_that_is_no_boolean_is_400(owner_client, project):
    response = owner_client.get(list_url(project), {"conditional": "maybe"})
    assert response.status_code == 400
    assert "conditional" in response.json()["error"]["details"]


def test_an_outsider_cannot_list_conditional_endpoints(outsider_client, project):
    EndpointFactory(project=project, conditions=["settings.DEBUG"])
    assert outsider_client.get(list_url(project), {"conditional": "true"}).status_code == 404


def test_the_filtered_list_costs_the_same_queries_with_twice_the_endpoints(
    owner_client, project, django_assert_num_queries
):
    EndpointFactory.create_batch(2, project=project, conditions=["settings.DEBUG"])
    EndpointFactory.create_batch(2, project=project)
    with CaptureQueriesContext(connection) as first:
        owner_client.get(list_url(project), {"conditional": "true"})
    EndpointFactory.create_batch(2, project=project, conditions=["settings.DEBUG"])
    EndpointFactory.create_batch(2, project=project)
    with django_assert_num_queries(len(first.captured_queries)):
        assert owner_client.get(list_url(project), {"conditional": "true"}).json()["count"] == 4


def test_the_schema_documents_the_field_and_the_filter(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    endpoint = schema["components"]["schemas"]["EndpointOutput"]["properties"]["conditions"]
    assert endpoint["type"] == "array" and endpoint["items"]["type"] == "string"
    listing = schema["paths"]["/api/projects/{project_id}/endpoints"]["get"]["parameters"]
    conditional = next(p for p in listing if p["name"] == "conditional")
    assert conditional["schema"]["type"] == "boolean"
