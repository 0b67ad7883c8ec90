from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AdminUserFactory
from generation.models import TestCase
from generation.tests.factories import EndpointFactory, ProjectFactory, TestCaseFactory, status_spec

pytestmark = pytest.mark.django_db

S = TestCase.Status
CHANGELIST = "/admin/generation/testcase/"


@pytest.fixture
def reviewer():
    return AdminUserFactory()


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    return client


def run_action(client, action, test_cases):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [tc.pk for tc in test_cases]}, follow=True
    )


def test_changelist_lists_test_cases_with_their_ids(staff_client):
    tc = TestCaseFactory(title="Create an order")
    response = staff_client.get(CHANGELIST)
    assert response.status_code == 200
    assert tc.public_id in response.content.decode() and "Create an order" in response.content.decode()


def test_changelist_costs_the_same_queries_for_twice_the_data(staff_client, django_assert_num_queries):
    project = ProjectFactory()
    TestCaseFactory.create_batch(3, project=project)
    staff_client.get(CHANGELIST)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as first:
        staff_client.get(CHANGELIST)
    TestCaseFactory.create_batch(3, project=project)
    with django_assert_num_queries(len(first)):
        response = staff_client.get(CHANGELIST)
    assert response.context["cl"].result_count == 6


def test_changelist_filters_by_status_and_generator(staff_client):
    approved = TestCaseFactory(status=S.APPROVED, generator_provider="openai")
    draft = TestCaseFactory(generator_provider="openai")
    response = staff_client.get(
        CHANGELIST, {"status__exact": "approved", "generator_provider__exact": "openai"}
    )
    listed = list(response.context["cl"].result_list)
    assert listed == [approved] and draft not in listed


def test_changelist_search_finds_a_tc_id(staff_client):
    wanted = TestCaseFactory(title="Alpha")
    TestCaseFactory(title="Beta")
    response = staff_client.get(CHANGELIST, {"q": wanted.public_id})
    assert list(response.context["cl"].result_list) == [wanted]


def test_approve_action_approves_through_the_service(staff_client, reviewer):
    tests = [TestCaseFactory(), TestCaseFactory(status=S.NEEDS_REVIEW)]
    response = run_action(staff_client, "approve", tests)
    assert "2 test case(s) are now approved." in response.content.decode()
    for tc in tests:
        tc.refresh_from_db()
        assert (tc.status, tc.approved_by) == (S.APPROVED, reviewer)


def test_an_action_with_a_refused_test_changes_nothing_and_says_why(staff_client):
    ok, archived = TestCaseFactory(), TestCaseFactory(status=S.ARCHIVED)
    response = run_action(staff_client, "reject", [ok, archived])
    assert f"{archived.public_id} (archived)" in response.content.decode()
    ok.refresh_from_db()
    assert ok.status == S.DRAFT


def test_archive_action_archives_from_any_live_status(staff_client):
    tests = [TestCaseFactory(status=status) for status in (S.DRAFT, S.APPROVED, S.REJECTED, S.NEEDS_REVIEW)]
    run_action(staff_client, "archive", tests)
    assert set(TestCase.objects.values_list("status", flat=True)) == {S.ARCHIVED}


def test_detail_page_shows_request_assertions_contract_and_code(staff_client):
    endpoint = EndpointFactory(method="POST", path="/orders", auth_required=True, summary="Create an order")
    spec = status_spec(
        method="POST",
        path="/orders",
        expected=201,
        body={"sku": "A-1"},
        headers={"Authorization": "Bearer real-secret-token"},
    )
    spec["steps"][0]["assertions"].append({"type": "json_path", "path": "$.id", "op": "exists"})
    tc = TestCaseFactory(project=endpoint.project, endpoint=endpoint, spec=spec)
    page = staff_client.get(f"{CHANGELIST}{tc.pk}/change/").content.decode()
    assert '<th scope="row">Method</th><td>POST</td>' in page
    assert '<th scope="row">status</th><td>is 201</td>' in page
    assert '<th scope="row">$.id</th><td>exists</td>' in page
    assert "Create an order" in page and '<th scope="row">Auth required</th><td>yes</td>' in page
    assert f"def test_{tc.public_id.lower().replace('-', '_')}" in page
    assert "real-secret-token" not in page


def test_detail_page_escapes_spec_content(staff_client):
    tc = TestCaseFactory(spec=status_spec(body={"name": "<script>alert(1)</script>"}), title="<b>x</b>")
    page = staff_client.get(f"{CHANGELIST}{tc.pk}/change/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_editing_the_title_in_the_admin_records_a_version(staff_client, reviewer):
    tc = TestCaseFactory(status=S.APPROVED, title="Old")
    staff_client.post(
        f"{CHANGELIST}{tc.pk}/change/",
        {
            "title": "New",
            "description": tc.description,
            "priority": "high",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    tc.refresh_from_db()
    assert (tc.title, tc.priority, tc.version, tc.status) == ("New", "high", 2, S.APPROVED)
    assert tc.versions.get(version=2).changed_by == reviewer


def test_test_cases_cannot_be_added_by_hand(staff_client):
    assert staff_client.get(f"{CHANGELIST}add/").status_code == 403


def test_non_staff_users_are_sent_to_the_login(client):
    client.force_login(ProjectFactory().owner)
    assert client.get(CHANGELIST).status_code == 302
