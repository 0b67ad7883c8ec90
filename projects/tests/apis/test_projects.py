from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from projects import git
from projects.apis import MSG_THRESHOLD_RANGE
from projects.models import Project
from projects.services import MSG_INVALID_TRANSITION, MSG_NAME_TAKEN
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

TOKEN = "ghp_ApiSecretToken1234567890"


def detail_url(project: Project | int) -> str:
    return f"/api/projects/{getattr(project, 'pk', project)}"


# --- list -------------------------------------------------------------------------------------


def test_anonymous_requests_are_401(api_client: APIClient) -> None:
    assert api_client.get("/api/projects").status_code == 401


def test_the_list_shows_only_my_projects(owner_client: APIClient, owner, outsider) -> None:
    mine = ProjectFactory(owner=owner)
    ProjectFactory(owner=outsider)
    body = owner_client.get("/api/projects").json()
    assert body["count"] == 1
    assert [p["id"] for p in body["results"]] == [mine.pk]
    assert set(body) == {"count", "next", "previous", "results"}


def test_the_list_filters_by_status(owner_client: APIClient, owner) -> None:
    ProjectFactory(owner=owner, status="active")
    archived = ProjectFactory(owner=owner, status="archived")
    body = owner_client.get("/api/projects", {"status": "archived"}).json()
    assert [p["id"] for p in body["results"]] == [archived.pk]


def test_an_unknown_status_filter_is_400(owner_client: APIClient) -> None:
    response = owner_client.get("/api/projects", {"status": "deleted"})
    assert response.status_code == 400
    assert "status" in response.json()["error"]["details"]


def test_the_list_searches_names_case_insensitively(owner_client: APIClient, owner) -> None:
    ProjectFactory(owner=owner, name="Billing API")
    ProjectFactory(owner=owner, name="Search")
    body = owner_client.get("/api/projects", {"search": "BILL"}).json()
    assert [p["name"] for p in body["results"]] == ["Billing API"]


def test_the_list_orders_by_name(owner_client: APIClient, owner) -> None:
    for name in ("b", "c", "a"):
        ProjectFactory(owner=owner, name=name)
    assert [p["name"] for p in owner_client.get("/api/projects", {"ordering": "name"}).json()["results"]] == ["a", "b", "c"]
    assert [p["name"] for p in owner_client.get("/api/projects", {"ordering": "-name"}).json()["results"]] == ["c", "b", "a"]


def test_an_unknown_ordering_is_400(owner_client: APIClient) -> None:
    assert owner_client.get("/api/projects", {"ordering": "owner__password"}).status_code == 400


def test_the_list_paginates(owner_client: APIClient, owner) -> None:
    ProjectFactory.create_batch(3, owner=owner)
    body = owner_client.get("/api/projects", {"page_size": 2}).json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert body["next"]


def test_the_list_query_count_does_not_grow_with_the_data(
    owner_client: APIClient, owner, django_assert_num_queries
) -> None:
    ProjectFactory.create_batch(3, owner=owner)
    owner_client.get("/api/projects")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        owner_client.get("/api/projects")
    ProjectFactory.create_batch(3, owner=owner)
    with django_assert_num_queries(len(first.captured_queries)):
        response = owner_client.get("/api/projects")
    assert response.json()["count"] == 6


# --- create -------------------------------------------------------------------------------------


def test_create_answers_201_with_the_detail(owner_client: APIClient) -> None:
    response = owner_client.post("/api/projects", {"name": "Shop", "target_base_url": "https://shop.example.com"})
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Shop"
    assert body["status"] == "active"
    assert body["coverage_threshold"] == 80
    assert body["health"] == "ok"
    assert body["stats"]["endpoint_count"] == 0


def test_create_validates_the_repository_and_saves_nothing_on_failure(owner_client: APIClient, repo: Path) -> None:
    response = owner_client.post("/api/projects", {"name": "Shop", "repository_url": str(repo), "repository_branch": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"repository_branch": [git.MSG_BRANCH_NOT_FOUND.format(branch="nope")]}
    assert not Project.objects.exists()


def test_create_refuses_a_disallowed_scheme(owner_client: APIClient) -> None:
    response = owner_client.post("/api/projects", {"name": "Shop", "repository_url": "ftp://example.com/r.git"})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"repository_url": [git.MSG_SCHEME_NOT_ALLOWED]}


def test_credentials_are_write_only(owner_client: APIClient, repo: Path) -> None:
    from projects.tests.gitserver import git_http_server

    with git_http_server(repo.parent, username="x-access-token", password=TOKEN) as server:
        response = owner_client.post("/api/projects", {
            "name": "Private", "repository_url": f"http://127.0.0.1:{server.server_port}/{repo.name}",
            "repository_auth_type": "token", "repository_token": TOKEN,
        })
    assert response.status_code == 201, response.json()
    assert TOKEN not in response.content.decode()
    assert response.json()["has_repository_credentials"] is True
    assert response.json()["repository_auth_type"] == "token"
    detail = owner_client.get(detail_url(response.json()["id"]))
    assert TOKEN not in detail.content.decode()


def test_secret_headers_are_masked_in_responses(owner_client: APIClient) -> None:
    response = owner_client.post("/api/projects", {
        "name": "H", "default_headers": {"Authorization": "Bearer abcdefghijkl", "Accept": "application/json"},
    })
    assert response.json()["default_headers"] == {"Authorization": "***", "Accept": "application/json"}
    assert Project.objects.get().default_headers["Authorization"] == "Bearer abcdefghijkl"


def test_a_duplicate_name_is_409(owner_client: APIClient, owner) -> None:
    ProjectFactory(owner=owner, name="Shop")
    response = owner_client.post("/api/projects", {"name": "Shop"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == MSG_NAME_TAKEN


def test_the_threshold_is_a_percentage(owner_client: APIClient) -> None:
    response = owner_client.post("/api/projects", {"name": "T", "coverage_threshold": 101})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"coverage_threshold": [MSG_THRESHOLD_RANGE]}


def test_a_spec_file_can_be_uploaded_with_multipart(owner_client: APIClient) -> None:
    upload = SimpleUploadedFile("openapi.json", b'{"openapi": "3.0.0"}', content_type="application/json")
    response = owner_client.post(
        "/api/projects",
        {"name": "Spec", "spec_file": upload, "default_headers": json.dumps({"Accept": "application/json"})},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["spec_file"].endswith(".json")
    assert response.json()["default_headers"] == {"Accept": "application/json"}


def test_the_trailing_slash_variant_works(owner_client: APIClient) -> None:
    assert owner_client.get("/api/projects/").status_code == 200


# --- detail / update / delete -------------------------------------------------------------------


def test_the_owner_reads_the_detail(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner)
    body = owner_client.get(detail_url(project)).json()
    assert body["id"] == project.pk
    assert set(body["stats"]) >= {"endpoint_count", "coverage", "test_cases", "last_runs", "last_scan"}


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_an_outsider_gets_404_for_every_verb(outsider_client: APIClient, owner, method: str) -> None:
    project = ProjectFactory(owner=owner, description="untouched")
    response = getattr(outsider_client, method)(detail_url(project), {"description": "x"} if method == "patch" else None)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert Project.objects.get(pk=project.pk).description == "untouched"


@pytest.mark.parametrize("suffix", ["/stats", "/webhook"])
def test_an_outsider_gets_404_on_sub_resources(outsider_client: APIClient, owner, suffix: str) -> None:
    project = ProjectFactory(owner=owner)
    call = outsider_client.get if suffix == "/stats" else outsider_client.post
    assert call(detail_url(project) + suffix).status_code == 404


def test_a_missing_project_is_404(owner_client: APIClient) -> None:
    assert owner_client.get(detail_url(987654)).status_code == 404


def test_patch_updates_fields(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner)
    response = owner_client.patch(detail_url(project), {"description": "new", "coverage_threshold": 50})
    assert response.status_code == 200
    assert (response.json()["description"], response.json()["coverage_threshold"]) == ("new", 50)


def test_patch_archives_and_unarchives(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner)
    assert owner_client.patch(detail_url(project), {"status": "archived"}).json()["status"] == "archived"
    assert owner_client.patch(detail_url(project), {"status": "active"}).json()["status"] == "active"


def test_an_invalid_transition_is_409(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner, status="archived")
    response = owner_client.patch(detail_url(project), {"status": "archived"})
    assert response.status_code == 409
    assert response.json()["error"]["message"] == MSG_INVALID_TRANSITION.format(current="archived", target="archived")


def test_an_unknown_status_is_400(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner)
    assert owner_client.patch(detail_url(project), {"status": "paused"}).status_code == 400


def test_patch_with_a_wrong_branch_is_400_and_changes_nothing(owner_client: APIClient, owner, repo: Path) -> None:
    project = ProjectFactory(owner=owner, repository_url=str(repo))
    response = owner_client.patch(detail_url(project), {"repository_branch": "missing", "description": "x"})
    assert response.status_code == 400
    project.refresh_from_db()
    assert (project.repository_branch, project.description) == ("main", "An API under test")


def test_delete_answers_204_and_removes_the_project(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner)
    assert owner_client.delete(detail_url(project)).status_code == 204
    assert owner_client.get(detail_url(project)).status_code == 404


def test_stats_endpoint_answers_for_the_owner(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner)
    body = owner_client.get(detail_url(project) + "/stats").json()
    assert body["endpoint_count"] == 0
    assert body["health"] == "ok"


def test_patch_with_a_null_spec_file_removes_it(owner_client: APIClient) -> None:
    upload = SimpleUploadedFile("openapi.json", b"{}", content_type="application/json")
    project_id = owner_client.post("/api/projects", {"name": "S", "spec_file": upload}, format="multipart").json()["id"]
    response = owner_client.patch(detail_url(project_id), {"spec_file": None}, format="json")
    assert response.status_code == 200
    assert response.json()["spec_file"] is None
    assert not Project.objects.get(pk=project_id).spec_file


def test_patch_of_an_archived_project_is_409(owner_client: APIClient, owner) -> None:
    project = ProjectFactory(owner=owner, status="archived")
    response = owner_client.patch(detail_url(project), {"description": "x"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "project_archived"
