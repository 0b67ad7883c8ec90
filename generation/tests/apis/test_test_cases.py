from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, Draft202012Validator

from generation.models import TestCase
from generation.serializers.test_cases import MESSAGE_BAD_ID, MESSAGE_UNKNOWN_CHOICE, SPEC_OPENAPI
from generation.spec import SPEC_SCHEMA
from generation.tests.factories import (
    EndpointFactory,
    ProjectFactory,
    TestCaseFactory,
    status_spec,
)

pytestmark = pytest.mark.django_db

S = TestCase.Status


@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner)


def url(project, suffix=""):
    return f"/api/projects/{project.pk}/test-cases{suffix}"


def ids_of(response):
    return [row["id"] for row in response.json()["results"]]


# --- list ----------------------------------------------------------------------------------------


def test_owner_lists_the_projects_test_cases_paginated(owner_client, project):
    mine = TestCaseFactory.create_batch(3, project=project)
    TestCaseFactory()  # another project's
    response = owner_client.get(url(project), {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    assert {row["id"] for row in body["results"]} <= {tc.public_id for tc in mine}


def test_a_listed_test_case_has_its_endpoint_and_spec(owner_client, project):
    tc = TestCaseFactory(project=project)
    row = owner_client.get(url(project)).json()["results"][0]
    assert row["id"] == tc.public_id
    assert row["endpoint"] == {
        "id": tc.endpoint.pk,
        "method": "GET",
        "path": tc.endpoint.path,
        "status": "active",
    }
    assert row["spec"] == tc.spec and row["status"] == "draft" and row["version"] == 1


def test_outsider_cannot_list_someone_elses_test_cases(outsider_client, project):
    TestCaseFactory(project=project)
    response = outsider_client.get(url(project))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_anonymous_callers_are_refused(api_client, project):
    assert api_client.get(url(project)).status_code == 401


def test_list_filters_by_several_statuses_comma_separated_or_repeated(owner_client, project):
    draft = TestCaseFactory(project=project)
    approved = TestCaseFactory(project=project, status=S.APPROVED)
    TestCaseFactory(project=project, status=S.REJECTED)
    expected = {draft.public_id, approved.public_id}
    assert set(ids_of(owner_client.get(url(project), {"status": "draft,approved"}))) == expected
    assert set(ids_of(owner_client.get(url(project) + "?status=draft&status=approved"))) == expected


def test_list_filters_by_endpoint_and_generator(owner_client, project):
    endpoint = EndpointFactory(project=project)
    wanted = TestCaseFactory(project=project, endpoint=endpoint, generator_provider="openai")
    TestCaseFactory(project=project, endpoint=endpoint)
    TestCaseFactory(project=project, generator_provider="openai")
    response = owner_client.get(url(project), {"endpoint": endpoint.pk, "generator": "openai"})
    assert ids_of(response) == [wanted.public_id]


def test_search_matches_title_description_or_public_id(owner_client, project):
    by_title = TestCaseFactory(project=project, title="Refund an order")
    by_description = TestCaseFactory(project=project, description="checks REFUND limits")
    other = TestCaseFactory(project=project, title="List users", description="")
    assert set(ids_of(owner_client.get(url(project), {"search": "refund"}))) == {
        by_title.public_id,
        by_description.public_id,
    }
    assert ids_of(owner_client.get(url(project), {"search": other.public_id})) == [other.public_id]


def test_ordering_by_priority_puts_critical_first(owner_client, project):
    low = TestCaseFactory(project=project, priority="low")
    critical = TestCaseFactory(project=project, priority="critical")
    medium = TestCaseFactory(project=project, priority="medium")
    response = owner_client.get(url(project), {"ordering": "-priority"})
    assert ids_of(response) == [critical.public_id, medium.public_id, low.public_id]


def test_an_unknown_filter_value_is_a_validation_error(owner_client, project):
    response = owner_client.get(url(project), {"status": "draft,shipped"})
    assert response.status_code == 400
    expected = MESSAGE_UNKNOWN_CHOICE.format(value="shipped", choices=", ".join(S.values))
    assert response.json()["error"]["details"]["status"] == [expected]


def test_listing_costs_the_same_queries_for_twice_the_data(owner_client, project, django_assert_num_queries):
    # The project, the count, the page (with endpoints joined).
    TestCaseFactory.create_batch(3, project=project)
    with django_assert_num_queries(3):
        owner_client.get(url(project))
    TestCaseFactory.create_batch(3, project=project)
    with django_assert_num_queries(3):
        response = owner_client.get(url(project))
    assert response.json()["count"] == 6


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


_rows = st.lists(
    st.fixed_dictionaries(
        {
            "status": st.sampled_from(S.values),
            "priority": st.sampled_from(TestCase.Priority.values),
            "type": st.sampled_from(TestCase.Type.values),
            "generator_provider": st.sampled_from(["builtin", "openai"]),
            "title": st.sampled_from(["Create order", "Delete user", "list ORDERS", "health"]),
            "with_endpoint": st.booleans(),
        }
    ),
    max_size=8,
)
_filters = st.fixed_dictionaries(
    {},
    optional={
        "status": st.lists(st.sampled_from(S.values), min_size=1, max_size=3, unique=True),
        "priority": st.lists(st.sampled_from(TestCase.Priority.values), min_size=1, max_size=2, unique=True),
        "type": st.lists(st.sampled_from(TestCase.Type.values), min_size=1, max_size=2, unique=True),
        "generator": st.sampled_from(["builtin", "openai"]),
        "search": st.sampled_from(["order", "USER", "xyz"]),
        "endpoint": st.just(True),
    },
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_rows, filters=_filters)
def test_filtering_equals_a_python_filter_of_the_same_data(owner_client, project, rows, filters):
    """Property 13."""
    with rolled_back():
        endpoint = EndpointFactory(project=project)
        created = [
            TestCaseFactory(
                project=project,
                endpoint=endpoint if row["with_endpoint"] else None,
                **{k: v for k, v in row.items() if k != "with_endpoint"},
            )
            for row in rows
        ]
        params = {k: ",".join(v) if isinstance(v, list) else v for k, v in filters.items()}
        if "endpoint" in params:
            params["endpoint"] = endpoint.pk
        response = owner_client.get(url(project), {**params, "page_size": 100})
        assert response.status_code == 200

        def keep(tc: TestCase) -> bool:
            return (
                tc.status in filters.get("status", [tc.status])
                and tc.priority in filters.get("priority", [tc.priority])
                and tc.type in filters.get("type", [tc.type])
                and tc.generator_provider == filters.get("generator", tc.generator_provider)
                and (filters.get("search", "").lower() in (tc.title + "\n" + tc.description).lower())
                and ("endpoint" not in filters or tc.endpoint_id == endpoint.pk)
            )

        expected = sorted(created, key=lambda tc: (tc.created_at, tc.pk), reverse=True)
        assert ids_of(response) == [tc.public_id for tc in expected if keep(tc)]


# --- detail, edit, delete ---------------------------------------------------------------------------


def test_detail_includes_the_version_history(owner_client, project):
    tc = TestCaseFactory(project=project)
    tc.versions.create(version=1, title=tc.title, spec=tc.spec, reason="generated")
    body = owner_client.get(url(project, f"/{tc.public_id}")).json()
    assert body["id"] == tc.public_id
    assert [(v["version"], v["reason"]) for v in body["versions"]] == [(1, "generated")]


def test_detail_accepts_a_lower_case_id(owner_client, project):
    tc = TestCaseFactory(project=project)
    assert owner_client.get(url(project, f"/{tc.public_id.lower()}")).status_code == 200


def test_outsider_gets_404_for_a_test_case(outsider_client, project):
    tc = TestCaseFactory(project=project)
    for method in ("get", "patch", "delete"):
        assert getattr(outsider_client, method)(url(project, f"/{tc.public_id}")).status_code == 404
    assert TestCase.objects.filter(pk=tc.pk).exists()


def test_a_test_case_of_another_project_is_404_under_mine(owner_client, project, owner):
    elsewhere = TestCaseFactory(project=ProjectFactory(owner=owner))
    assert owner_client.get(url(project, f"/{elsewhere.public_id}")).status_code == 404


def test_patching_an_approved_spec_makes_a_draft_and_a_new_version(owner_client, project, owner):
    tc = TestCaseFactory(project=project, status=S.APPROVED)
    new_spec = status_spec(path="/renamed", expected=204)
    response = owner_client.patch(
        url(project, f"/{tc.public_id}"), {"spec": new_spec, "reason": "renamed"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["spec"]) == ("draft", 2, new_spec)
    assert body["versions"][0] == {
        **body["versions"][0],
        "version": 2,
        "reason": "renamed",
        "changed_by": owner.pk,
    }


def test_patching_status_approves_and_records_the_reviewer(owner_client, project, owner):
    tc = TestCaseFactory(project=project)
    body = owner_client.patch(url(project, f"/{tc.public_id}"), {"status": "approved"}, format="json").json()
    assert (body["status"], body["approved_by"]) == ("approved", owner.pk)


def test_a_forbidden_status_move_is_a_409(owner_client, project):
    tc = TestCaseFactory(project=project, status=S.REJECTED)
    response = owner_client.patch(url(project, f"/{tc.public_id}"), {"status": "approved"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"


def test_an_invalid_spec_is_a_400_with_the_schema_errors(owner_client, project):
    tc = TestCaseFactory(project=project)
    bad = {"steps": [{"request": {"method": "FETCH", "path": "/x"}}]}
    response = owner_client.patch(url(project, f"/{tc.public_id}"), {"spec": bad}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["spec"][0].startswith("steps/0/request/method:")


def test_delete_removes_the_test_case(owner_client, project):
    tc = TestCaseFactory(project=project)
    assert owner_client.delete(url(project, f"/{tc.public_id}")).status_code == 204
    assert not TestCase.objects.filter(pk=tc.pk).exists()


# --- bulk (Property 15 at the API) --------------------------------------------------------------------


def test_bulk_approve_approves_every_listed_test(owner_client, project):
    tests = TestCaseFactory.create_batch(2, project=project)
    untouched = TestCaseFactory(project=project)
    ids = [tc.public_id for tc in tests]
    response = owner_client.post(url(project, "/bulk-approve"), {"ids": ids}, format="json")
    assert response.status_code == 200
    assert response.json() == {"count": 2, "ids": sorted(ids)}
    assert set(TestCase.objects.filter(status=S.APPROVED).values_list("pk", flat=True)) == {
        tc.pk for tc in tests
    }
    untouched.refresh_from_db()
    assert untouched.status == S.DRAFT


def test_bulk_approve_with_a_foreign_id_is_404_and_changes_nothing(owner_client, project):
    mine = TestCaseFactory(project=project)
    foreign = TestCaseFactory()
    response = owner_client.post(
        url(project, "/bulk-approve"), {"ids": [mine.public_id, foreign.public_id]}, format="json"
    )
    assert response.status_code == 404
    assert set(TestCase.objects.values_list("status", flat=True)) == {S.DRAFT}


def test_bulk_approve_with_a_refused_test_is_409_and_changes_nothing(owner_client, project):
    ok = TestCaseFactory(project=project)
    rejected = TestCaseFactory(project=project, status=S.REJECTED)
    response = owner_client.post(
        url(project, "/bulk-approve"), {"ids": [ok.public_id, rejected.public_id]}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["details"]["refused"] == [
        {"id": rejected.public_id, "status": "rejected"}
    ]
    ok.refresh_from_db()
    assert ok.status == S.DRAFT


def test_bulk_input_rejects_malformed_ids(owner_client, project):
    response = owner_client.post(url(project, "/bulk-delete"), {"ids": ["TC-1", "order-7"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"]["ids"] == {"1": [MESSAGE_BAD_ID]}


def test_bulk_delete_deletes_exactly_the_listed_tests(owner_client, project):
    doomed = TestCaseFactory.create_batch(2, project=project)
    kept = TestCaseFactory(project=project)
    response = owner_client.post(
        url(project, "/bulk-delete"), {"ids": [tc.public_id for tc in doomed]}, format="json"
    )
    assert response.json()["count"] == 2
    assert list(TestCase.objects.values_list("pk", flat=True)) == [kept.pk]


def test_outsider_cannot_bulk_delete_into_another_project(outsider_client, project):
    tc = TestCaseFactory(project=project)
    response = outsider_client.post(url(project, "/bulk-delete"), {"ids": [tc.public_id]}, format="json")
    assert response.status_code == 404
    assert TestCase.objects.filter(pk=tc.pk).exists()


# --- code export ----------------------------------------------------------------------------------------


def test_code_is_a_pytest_module_named_after_the_test(owner_client, project):
    tc = TestCaseFactory(project=project, title="List resources")
    response = owner_client.get(url(project, f"/{tc.public_id}/code"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/x-python")
    code = response.content.decode()
    assert f"def test_{tc.public_id.lower().replace('-', '_')}_list_resources() -> None:" in code
    compile(code, "exported.py", "exec")


def test_outsider_cannot_read_the_code(outsider_client, project):
    tc = TestCaseFactory(project=project)
    assert outsider_client.get(url(project, f"/{tc.public_id}/code")).status_code == 404


def test_export_zips_only_the_approved_suite(owner_client, project):
    approved = TestCaseFactory(project=project, status=S.APPROVED, title="Approved one")
    TestCaseFactory(project=project, status=S.DRAFT)
    response = owner_client.get(url(project, "/export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    modules = [n for n in names if n.endswith(".py")]
    assert modules == [
        f"{project.name.lower().replace(' ', '_')}/test_{approved.public_id.lower().replace('-', '_')}_approved_one.py"
    ]


def test_export_costs_the_same_queries_for_twice_the_suite(owner_client, project, django_assert_num_queries):
    # The project, then the approved tests with their project and endpoint joined.
    TestCaseFactory.create_batch(2, project=project, status=S.APPROVED)
    with django_assert_num_queries(2):
        owner_client.get(url(project, "/export"))
    TestCaseFactory.create_batch(2, project=project, status=S.APPROVED)
    with django_assert_num_queries(2):
        response = owner_client.get(url(project, "/export"))
    assert (
        len([n for n in zipfile.ZipFile(io.BytesIO(response.content)).namelist() if n.endswith(".py")]) == 4
    )


def test_outsider_cannot_export(outsider_client, project):
    assert outsider_client.get(url(project, "/export")).status_code == 404


# --- the published spec schema --------------------------------------------------------------------------


def test_the_published_spec_schema_is_openapi_30_and_agrees_with_the_spec_schema():
    flat = str(SPEC_OPENAPI)
    assert "$ref" not in flat and "$defs" not in flat and "'const'" not in flat
    published, authority = Draft4Validator(SPEC_OPENAPI), Draft202012Validator(SPEC_SCHEMA)
    samples = [
        status_spec(),
        status_spec(method="FETCH"),
        {"steps": []},
        {
            "steps": [
                {
                    "request": {"method": "GET", "path": "/"},
                    "assertions": [{"type": "response_time", "max_ms": 0}],
                }
            ]
        },
        {
            "steps": [{"request": {"method": "GET", "path": "/"}}],
            "load": {"requests": 1, "concurrency": 1, "limits": {}},
        },
        {"version": 1, "steps": [{"request": {"method": "GET", "path": "/", "query": {"a": [1, "b"]}}}]},
        {"version": 2, "steps": [{"request": {"method": "GET", "path": "/"}}]},
    ]
    for sample in samples:
        assert published.is_valid(sample) == authority.is_valid(sample), sample


def test_the_schema_documents_the_spec_on_test_case_responses(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    assert components["TestCaseOutput"]["properties"]["spec"] == {"$ref": "#/components/schemas/TestCaseSpec"}
    assert components["TestCaseSpec"]["required"] == ["steps"]
    listing = schema["paths"]["/api/projects/{project_id}/test-cases"]["get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "PaginatedTestCaseOutputList"
    )
