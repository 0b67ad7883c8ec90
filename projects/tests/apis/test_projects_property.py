"""Property 4: over any sequence of CRUD operations by two users, the API agrees with a simple
model of the expected state, nobody sees the other's projects, and deletes cascade completely."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from rest_framework.test import APIClient

from projects.models import Project

pytestmark = pytest.mark.django_db

USERS = ("owner", "outsider")
NAMES = ("alpha", "beta", "gamma")


@dataclass
class Expected:
    owner: str
    name: str
    description: str


operation = st.one_of(
    st.tuples(st.just("create"), st.sampled_from(USERS), st.sampled_from(NAMES)),
    st.tuples(st.just("read"), st.sampled_from(USERS), st.integers(0, 7)),
    st.tuples(st.just("update"), st.sampled_from(USERS), st.integers(0, 7), st.sampled_from(NAMES + ("",)),
              st.text(max_size=12)),
    st.tuples(st.just("delete"), st.sampled_from(USERS), st.integers(0, 7)),
    st.tuples(st.just("list"), st.sampled_from(USERS)),
)


def _related_rows(project_id: int) -> int:
    total = 0
    for relation in Project._meta.related_objects:
        total += relation.related_model.objects.filter(**{relation.field.name: project_id}).count()
    return total


def _attach_children(project_id: int) -> None:
    from generation.tests.factories import TestCaseFactory
    from scanning.tests.factories import EndpointFactory, ScanJobFactory

    project = Project.objects.get(pk=project_id)
    TestCaseFactory(project=project, endpoint=EndpointFactory(project=project))
    ScanJobFactory(project=project)


@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=1, max_size=10))
def test_the_api_always_matches_the_model(owner, outsider, operations: list[tuple]) -> None:
    Project.objects.all().delete()
    clients = {"owner": APIClient(), "outsider": APIClient()}
    clients["owner"].force_authenticate(owner)
    clients["outsider"].force_authenticate(outsider)
    model: dict[int, Expected] = {}
    ever_created: list[int] = []

    def ref(index: int) -> int:
        # Index into every id ever created (deleted ones included) or a never-existing id.
        return ever_created[index] if index < len(ever_created) else 10_000_000 + index

    for op in operations:
        kind, user = op[0], op[1]
        client = clients[user]
        if kind == "create":
            name = op[2]
            response = client.post("/api/projects", {"name": name, "description": "d"})
            if any(e.owner == user and e.name == name for e in model.values()):
                assert response.status_code == 409
            else:
                assert response.status_code == 201, response.json()
                project_id = response.json()["id"]
                model[project_id] = Expected(user, name, "d")
                ever_created.append(project_id)
                _attach_children(project_id)
        elif kind == "read":
            project_id = ref(op[2])
            response = client.get(f"/api/projects/{project_id}")
            expected = model.get(project_id)
            if expected is None or expected.owner != user:
                assert response.status_code == 404
            else:
                assert response.status_code == 200
                assert (response.json()["name"], response.json()["description"]) == (expected.name, expected.description)
        elif kind == "update":
            project_id, name, description = ref(op[2]), op[3], op[4]
            payload = {"description": description, **({"name": name} if name else {})}
            response = client.patch(f"/api/projects/{project_id}", payload, format="json")
            expected = model.get(project_id)
            if expected is None or expected.owner != user:
                assert response.status_code == 404
            elif name and any(e.owner == user and e.name == name and pid != project_id for pid, e in model.items()):
                assert response.status_code == 409
            else:
                assert response.status_code == 200, response.json()
                expected.description = description
                expected.name = name or expected.name
        elif kind == "delete":
            project_id = ref(op[2])
            response = client.delete(f"/api/projects/{project_id}")
            expected = model.get(project_id)
            if expected is None or expected.owner != user:
                assert response.status_code == 404
            else:
                assert response.status_code == 204
                del model[project_id]
                assert _related_rows(project_id) == 0
        else:
            response = client.get("/api/projects", {"page_size": 100})
            seen = {p["id"]: (p["name"], p["description"]) for p in response.json()["results"]}
            assert seen == {pid: (e.name, e.description) for pid, e in model.items() if e.owner == user}

    for project_id in ever_created:
        if project_id not in model:
            assert not Project.objects.filter(pk=project_id).exists()
            assert _related_rows(project_id) == 0
