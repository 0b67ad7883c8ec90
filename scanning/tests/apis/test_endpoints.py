from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scanning.models import Endpoint, EndpointHistory
from scanning.tests.factories import EndpointFactory, EndpointHistoryFactory

pytestmark = pytest.mark.django_db


def list_url(project) -> str:
    return f"/api/projects/{project.pk}/endpoints"


def test_anonymous_requests_are_401(api_client, project):
    assert api_client.get(list_url(project)).status_code == 401


def test_an_outsider_gets_404_for_every_endpoint_route(outsider_client, project):
    endpoint = EndpointFactory(project=project)
    assert outsider_client.get(list_url(project)).status_code == 404
    assert outsider_client.get(f"{list_url(project)}/{endpoint.pk}").status_code == 404
    assert outsider_client.get(f"{list_url(project)}/drift").status_code == 404


def test_the_list_shows_active_endpoints_by_path(owner_client, project):
    b = EndpointFactory(project=project, path="/b")
    a = EndpointFactory(project=project, path="/a")
    EndpointFactory(project=project, path="/gone", status=Endpoint.Status.REMOVED)
    EndpointFactory(path="/a")
    body = owner_client.get(list_url(project)).json()
    assert [e["id"] for e in body["results"]] == [a.pk, b.pk]
    assert body["count"] == 2


def test_the_list_filters_by_method_in_any_case(owner_client, project):
    EndpointFactory(project=project, method="GET", path="/a")
    post = EndpointFactory(project=project, method="POST", path="/a")
    body = owner_client.get(list_url(project), {"method": "post"}).json()
    assert [e["id"] for e in body["results"]] == [post.pk]


def test_the_list_filters_by_status(owner_client, project):
    EndpointFactory(project=project, path="/a")
    gone = EndpointFactory(project=project, path="/gone", status=Endpoint.Status.REMOVED)
    removed = owner_client.get(list_url(project), {"status": "removed"}).json()
    assert [e["id"] for e in removed["results"]] == [gone.pk]
    assert owner_client.get(list_url(project), {"status": "all"}).json()["count"] == 2


def test_an_unknown_status_filter_is_400(owner_client, project):
    response = owner_client.get(list_url(project), {"status": "deleted"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


def test_the_list_searches_path_summary_and_handler(owner_client, project):
    users = EndpointFactory(project=project, path="/users", summary="", handler="")
    billing = EndpointFactory(project=project, path="/x", summary="Create an INVOICE", handler="")
    EndpointFactory(project=project, path="/y", summary="", handler="")
    assert [e["id"] for e in owner_client.get(list_url(project), {"search": "USER"}).json()["results"]] == [users.pk]
    assert [e["id"] for e in owner_client.get(list_url(project), {"search": "invoice"}).json()["results"]] == [billing.pk]


def test_the_list_filters_by_framework(owner_client, project):
    EndpointFactory(project=project, path="/a", framework="express")
    flask = EndpointFactory(project=project, path="/b", framework="flask")
    body = owner_client.get(list_url(project), {"framework": "flask"}).json()
    assert [e["id"] for e in body["results"]] == [flask.pk]


def test_the_list_paginates(owner_client, project):
    EndpointFactory.create_batch(5, project=project)
    body = owner_client.get(list_url(project), {"page_size": 2, "page": 2}).json()
    assert (body["count"], len(body["results"])) == (5, 2)
    assert body["next"] and body["previous"]


def test_the_list_costs_the_same_queries_with_twice_the_endpoints(owner_client, project, django_assert_num_queries):
    EndpointFactory.create_batch(4, project=project)
    with CaptureQueriesContext(connection) as first:
        owner_client.get(list_url(project))
    EndpointFactory.create_batch(4, project=project)
    with django_assert_num_queries(len(first.captured_queries)):
        assert owner_client.get(list_url(project)).json()["count"] == 8


def test_the_detail_has_parameters_schemas_and_history(owner_client, project):
    endpoint = EndpointFactory(
        project=project, path="/users/{id}", request_body={"type": "object"},
        responses={"200": {"description": "OK", "schema": {"type": "object"}}},
    )
    EndpointHistoryFactory(endpoint=endpoint, change=EndpointHistory.Change.ADDED)
    EndpointHistoryFactory(endpoint=endpoint, change=EndpointHistory.Change.CHANGED, previous={"path": "/users/{id}"})
    body = owner_client.get(f"{list_url(project)}/{endpoint.pk}").json()
    assert body["parameters"][0]["name"] == "id"
    assert body["request_body"] == {"type": "object"}
    assert body["responses"]["200"]["schema"] == {"type": "object"}
    assert [h["change"] for h in body["history"]] == ["changed", "added"]


def test_the_detail_costs_the_same_queries_with_twice_the_history(owner_client, project, django_assert_num_queries):
    endpoint = EndpointFactory(project=project)
    EndpointHistoryFactory.create_batch(2, endpoint=endpoint)
    url = f"{list_url(project)}/{endpoint.pk}"
    with CaptureQueriesContext(connection) as first:
        owner_client.get(url)
    EndpointHistoryFactory.create_batch(2, endpoint=endpoint)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(owner_client.get(url).json()["history"]) == 4


def test_an_endpoint_of_another_project_of_mine_is_404_under_this_one(owner_client, owner, project):
    other = EndpointFactory(project__owner=owner)
    assert owner_client.get(f"{list_url(project)}/{other.pk}").status_code == 404


def test_drift_lists_both_directions(owner_client, project):
    served = EndpointFactory(project=project, path="/served", in_code=True, in_spec=False)
    documented = EndpointFactory(project=project, path="/documented", in_code=False, in_spec=True)
    EndpointFactory(project=project, path="/both", in_code=True, in_spec=True)
    body = owner_client.get(f"{list_url(project)}/drift").json()
    assert [e["id"] for e in body["undocumented"]] == [served.pk]
    assert [e["id"] for e in body["unimplemented"]] == [documented.pk]
    assert body["undocumented"][0]["drift"] == "undocumented"
    assert (body["has_spec"], body["has_code"]) == (True, True)


def test_without_a_spec_nothing_is_called_undocumented(owner_client, project):
    EndpointFactory(project=project, path="/served", in_code=True, in_spec=False)
    body = owner_client.get(f"{list_url(project)}/drift").json()
    assert (body["has_spec"], body["undocumented"], body["unimplemented"]) == (False, [], [])


def test_drift_costs_the_same_queries_with_twice_the_endpoints(owner_client, project, django_assert_num_queries):
    def seed() -> None:
        EndpointFactory.create_batch(2, project=project, in_code=True, in_spec=False)
        EndpointFactory.create_batch(2, project=project, in_code=False, in_spec=True)

    seed()
    url = f"{list_url(project)}/drift"
    with CaptureQueriesContext(connection) as first:
        owner_client.get(url)
    seed()
    with django_assert_num_queries(len(first.captured_queries)):
        body = owner_client.get(url).json()
    assert (len(body["undocumented"]), len(body["unimplemented"])) == (4, 4)
