from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generation.models import TestCase, TestCaseVersion
from generation.models.test_cases import format_public_id, parse_public_id, spec_fingerprint

# Imported as a module: the services are named test_case_*, which pytest would collect.
from generation.services import test_cases as services
from generation.services.test_cases import (
    MESSAGE_ARCHIVED_READ_ONLY,
    MESSAGE_DUPLICATE_SPEC,
    MESSAGE_ENDPOINT_OTHER_PROJECT,
    MESSAGE_INVALID_TRANSITION,
)
from generation.tests.factories import (
    EndpointFactory,
    ProjectFactory,
    TestCaseFactory,
    UserFactory,
    status_spec,
)
from testgen.api.errors import ConflictError

pytestmark = pytest.mark.django_db

GENERATOR = {"provider": "builtin", "model": "schema-v1", "prompt_version": "2024-06"}
S = TestCase.Status
# The workflow as the issue states it, written out independently of the model's table.
ALLOWED = {
    (S.DRAFT, S.APPROVED),
    (S.DRAFT, S.REJECTED),
    (S.APPROVED, S.NEEDS_REVIEW),
    (S.NEEDS_REVIEW, S.APPROVED),
    (S.NEEDS_REVIEW, S.REJECTED),
    (S.DRAFT, S.ARCHIVED),
    (S.APPROVED, S.ARCHIVED),
    (S.NEEDS_REVIEW, S.ARCHIVED),
    (S.REJECTED, S.ARCHIVED),
}
HYPOTHESIS_DB = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class _Rollback(Exception):
    pass


@contextmanager
def rolled_back() -> Iterator[None]:
    """Undo one Hypothesis example's writes so the next example starts from the same data."""
    try:
        with transaction.atomic():
            yield
            raise _Rollback
    except _Rollback:
        pass


def draft(title: str = "List items answers 200", **spec_kwargs: Any) -> dict[str, Any]:
    return {"title": title, "description": "", "type": "functional", "spec": status_spec(**spec_kwargs)}


# --- public ids --------------------------------------------------------------------------------


def test_public_id_is_tc_and_five_padded_digits():
    assert format_public_id(7) == "TC-00007"
    assert format_public_id(123456) == "TC-123456"


@given(st.integers(min_value=1, max_value=10**12))
def test_public_id_round_trips(pk):
    assert parse_public_id(format_public_id(pk)) == pk


@pytest.mark.parametrize("value", ["", "TC-", "TC-0", "TC-00000", "7", "TC-12a", "XX-00012", "TC--1", None])
def test_parse_public_id_rejects_non_ids(value):
    assert parse_public_id(value) is None


# --- fingerprints ------------------------------------------------------------------------------


def test_fingerprint_ignores_step_names_assertion_order_and_header_case():
    one = status_spec(headers={"X-Trace": "1"})
    one["steps"][0]["assertions"].append({"type": "response_time", "max_ms": 500})
    other = status_spec(headers={"x-trace": "1"})
    other["steps"][0]["name"] = "renamed"
    other["steps"][0]["assertions"].insert(0, {"type": "response_time", "max_ms": 500})
    assert spec_fingerprint(one) == spec_fingerprint(other)


def test_fingerprint_changes_with_the_request_or_the_expectation():
    base = spec_fingerprint(status_spec())
    assert spec_fingerprint(status_spec(method="POST")) != base
    assert spec_fingerprint(status_spec(expected=201)) != base
    assert spec_fingerprint(status_spec(body={"a": 1})) != base


# --- creation ----------------------------------------------------------------------------------


def test_create_many_creates_drafts_with_generator_and_version_one():
    endpoint = EndpointFactory()
    created = services.test_case_create_many(
        project=endpoint.project,
        endpoint=endpoint,
        drafts=[draft(), draft(path="/other")],
        generator=GENERATOR,
        created_by=endpoint.project.owner,
    )
    assert len(created) == 2
    for tc in TestCase.objects.filter(pk__in=[c.pk for c in created]):
        assert (tc.status, tc.version, tc.generator_provider, tc.generator_model, tc.prompt_version) == (
            S.DRAFT,
            1,
            "builtin",
            "schema-v1",
            "2024-06",
        )
        assert tc.versions.get().spec == tc.spec


def test_create_many_drops_duplicates_within_the_batch():
    project = ProjectFactory()
    created = services.test_case_create_many(
        project=project, endpoint=None, drafts=[draft("first"), draft("second")], generator=GENERATOR
    )
    assert [tc.title for tc in created] == ["first"]


def test_create_many_drops_duplicates_of_live_tests_but_not_of_archived_ones():
    project = ProjectFactory()
    TestCaseFactory(project=project, spec=status_spec(path="/live"))
    TestCaseFactory(project=project, spec=status_spec(path="/gone"), status=S.ARCHIVED)
    created = services.test_case_create_many(
        project=project, endpoint=None, drafts=[draft(path="/live"), draft(path="/gone")], generator=GENERATOR
    )
    assert [tc.spec["steps"][0]["request"]["path"] for tc in created] == ["/gone"]


def test_the_same_spec_may_exist_in_two_projects():
    TestCaseFactory(spec=status_spec(path="/shared"))
    created = services.test_case_create_many(
        project=ProjectFactory(), endpoint=None, drafts=[draft(path="/shared")], generator=GENERATOR
    )
    assert len(created) == 1


def test_create_many_rejects_the_whole_batch_when_one_spec_is_invalid():
    project = ProjectFactory()
    bad = {
        "title": "bad",
        "type": "functional",
        "spec": {"steps": [{"request": {"method": "FETCH", "path": "/"}}]},
    }
    with pytest.raises(ValidationError) as error:
        services.test_case_create_many(
            project=project, endpoint=None, drafts=[draft(), bad], generator=GENERATOR
        )
    assert "drafts.1.spec" in error.value.message_dict
    assert not TestCase.objects.exists()


def test_create_many_rejects_an_unknown_type():
    with pytest.raises(ValidationError) as error:
        services.test_case_create_many(
            project=ProjectFactory(),
            endpoint=None,
            drafts=[{**draft(), "type": "vibes"}],
            generator=GENERATOR,
        )
    assert "drafts.0.type" in error.value.message_dict


def test_create_many_rejects_an_endpoint_of_another_project():
    with pytest.raises(ValidationError) as error:
        services.test_case_create_many(
            project=ProjectFactory(), endpoint=EndpointFactory(), drafts=[draft()], generator=GENERATOR
        )
    assert error.value.message_dict["endpoint"] == [MESSAGE_ENDPOINT_OTHER_PROJECT]


def test_create_many_computes_priority_from_risk_when_not_given():
    endpoint = EndpointFactory(method="DELETE", path="/admin/users/{id}", auth_required=True)
    created = services.test_case_create_many(
        project=endpoint.project,
        endpoint=endpoint,
        drafts=[{**draft(), "type": "security"}],
        generator=GENERATOR,
    )
    assert created[0].priority == TestCase.Priority.CRITICAL


def test_create_many_keeps_a_given_priority():
    endpoint = EndpointFactory(method="DELETE", path="/admin/users/{id}", auth_required=True)
    created = services.test_case_create_many(
        project=endpoint.project,
        endpoint=endpoint,
        drafts=[{**draft(), "priority": "low"}],
        generator=GENERATOR,
    )
    assert created[0].priority == "low"


def test_create_many_with_no_drafts_creates_nothing():
    assert (
        services.test_case_create_many(
            project=ProjectFactory(), endpoint=None, drafts=[], generator=GENERATOR
        )
        == []
    )


# --- transitions (Property 14) ----------------------------------------------------------------


@HYPOTHESIS_DB
@given(start=st.sampled_from(S.values), target=st.sampled_from(S.values))
def test_a_transition_succeeds_exactly_when_the_workflow_allows_it(start, target):
    with rolled_back():
        tc = TestCaseFactory(status=start)
        actor = tc.project.owner
        if (start, target) in ALLOWED:
            moved = services.test_case_transition(test_case=tc, to_status=target, actor=actor)
            assert moved.status == target
            tc.refresh_from_db()
            assert tc.status == target
            assert (tc.approved_by_id == actor.pk) == (target == S.APPROVED)
        else:
            with pytest.raises(ConflictError) as error:
                services.test_case_transition(test_case=tc, to_status=target, actor=actor)
            assert error.value.status_code == 409
            tc.refresh_from_db()
            assert tc.status == start


def test_an_invalid_transition_names_both_states():
    tc = TestCaseFactory(status=S.REJECTED)
    with pytest.raises(ConflictError) as error:
        services.test_case_transition(test_case=tc, to_status=S.APPROVED, actor=None)
    assert error.value.message == MESSAGE_INVALID_TRANSITION.format(current="rejected", target="approved")
    assert error.value.details["allowed"] == ["archived"]


def test_approval_records_who_and_when_and_leaving_approved_clears_it():
    tc = TestCaseFactory()
    reviewer = UserFactory()
    tc = services.test_case_transition(test_case=tc, to_status=S.APPROVED, actor=reviewer)
    assert tc.approved_by == reviewer and tc.approved_at is not None
    tc = services.test_case_transition(test_case=tc, to_status=S.NEEDS_REVIEW, actor=None)
    assert tc.approved_by is None and tc.approved_at is None


# --- edits -------------------------------------------------------------------------------------


def test_editing_an_approved_spec_returns_it_to_draft_and_records_a_version():
    tc = TestCaseFactory(status=S.APPROVED, approved_by=UserFactory())
    editor = tc.project.owner
    new_spec = status_spec(path="/edited")
    tc = services.test_case_update(test_case=tc, actor=editor, data={"spec": new_spec}, reason="path renamed")
    assert (tc.status, tc.version, tc.approved_by) == (S.DRAFT, 2, None)
    version = tc.versions.get(version=2)
    assert (version.spec, version.changed_by, version.reason) == (new_spec, editor, "path renamed")
    assert tc.spec_fingerprint == spec_fingerprint(new_spec)


def test_editing_the_spec_and_approving_in_one_edit_ends_approved():
    tc = TestCaseFactory(status=S.APPROVED)
    tc = services.test_case_update(
        test_case=tc, actor=tc.project.owner, data={"spec": status_spec(path="/v2"), "status": S.APPROVED}
    )
    assert (tc.status, tc.version) == (S.APPROVED, 2)


def test_editing_description_or_priority_keeps_version_and_status():
    tc = TestCaseFactory(status=S.APPROVED)
    tc = services.test_case_update(
        test_case=tc, actor=None, data={"description": "clearer", "priority": "high"}
    )
    assert (tc.status, tc.version, tc.description, tc.priority) == (S.APPROVED, 1, "clearer", "high")
    assert not TestCaseVersion.objects.filter(test_case=tc).exists()


def test_an_edit_that_changes_nothing_writes_nothing():
    tc = TestCaseFactory()
    tc = services.test_case_update(test_case=tc, actor=None, data={"title": tc.title, "spec": tc.spec})
    assert tc.version == 1


def test_an_edit_into_a_duplicate_of_a_live_test_is_a_conflict():
    other = TestCaseFactory(spec=status_spec(path="/taken"))
    tc = TestCaseFactory(project=other.project)
    with pytest.raises(ConflictError) as error:
        services.test_case_update(test_case=tc, actor=None, data={"spec": status_spec(path="/taken")})
    assert error.value.message == MESSAGE_DUPLICATE_SPEC
    assert error.value.details == {"duplicate_of": other.public_id}


def test_an_invalid_spec_edit_is_a_validation_error():
    tc = TestCaseFactory()
    with pytest.raises(ValidationError) as error:
        services.test_case_update(test_case=tc, actor=None, data={"spec": {"steps": []}})
    assert "spec" in error.value.message_dict


def test_an_archived_test_is_read_only():
    tc = TestCaseFactory(status=S.ARCHIVED)
    with pytest.raises(ConflictError) as error:
        services.test_case_update(test_case=tc, actor=None, data={"title": "new"})
    assert error.value.message == MESSAGE_ARCHIVED_READ_ONLY


def test_an_edit_cannot_skip_the_workflow():
    tc = TestCaseFactory(status=S.REJECTED)
    with pytest.raises(ConflictError):
        services.test_case_update(test_case=tc, actor=None, data={"title": "again", "status": S.APPROVED})
    tc.refresh_from_db()
    assert tc.title != "again"


def test_delete_removes_the_test_and_its_history():
    tc = TestCaseFactory()
    services.test_case_delete(test_case=tc)
    assert not TestCase.objects.filter(pk=tc.pk).exists()


# --- bulk operations (Property 15) ------------------------------------------------------------


@HYPOTHESIS_DB
@given(data=st.data())
def test_bulk_approve_changes_exactly_the_selection_or_nothing(data):
    with rolled_back():
        project = ProjectFactory()
        mine = [
            TestCaseFactory(
                project=project, status=data.draw(st.sampled_from([S.DRAFT, S.NEEDS_REVIEW, S.REJECTED]))
            )
            for _ in range(4)
        ]
        foreign = TestCaseFactory()
        selected = data.draw(st.lists(st.sampled_from(mine), min_size=1, unique=True))
        with_foreign = data.draw(st.booleans())
        ids = [tc.pk for tc in selected] + ([foreign.pk] if with_foreign else [])
        before = {tc.pk: tc.status for tc in [*mine, foreign]}

        try:
            services.test_case_bulk_transition(
                ids=ids, to_status=S.APPROVED, actor=project.owner, project=project
            )
            outcome = "ok"
        except Http404:
            outcome = "404"
        except ConflictError:
            outcome = "409"

        after = dict(TestCase.objects.filter(pk__in=before).values_list("pk", "status"))
        if with_foreign:
            assert outcome == "404"
        elif any(tc.status == S.REJECTED for tc in selected):
            assert outcome == "409"
        else:
            assert outcome == "ok"
        changed = {pk for pk in before if after[pk] != before[pk]}
        assert changed == ({tc.pk for tc in selected} if outcome == "ok" else set())


@HYPOTHESIS_DB
@given(data=st.data())
def test_bulk_delete_removes_exactly_the_selection_or_nothing(data):
    with rolled_back():
        project = ProjectFactory()
        mine = TestCaseFactory.create_batch(4, project=project)
        foreign = TestCaseFactory()
        selected = data.draw(st.lists(st.sampled_from(mine), min_size=1, unique=True))
        with_foreign = data.draw(st.booleans())
        ids = [tc.pk for tc in selected] + ([foreign.pk] if with_foreign else [])

        if with_foreign:
            with pytest.raises(Http404):
                services.test_case_bulk_delete(ids=ids, project=project)
            assert TestCase.objects.count() == 5
        else:
            deleted = services.test_case_bulk_delete(ids=ids, project=project)
            assert sorted(deleted) == sorted(tc.public_id for tc in selected)
            remaining = set(TestCase.objects.values_list("pk", flat=True))
            assert remaining == {tc.pk for tc in [*mine, foreign]} - {tc.pk for tc in selected}


def test_bulk_approve_conflict_lists_every_refused_test():
    project = ProjectFactory()
    ok = TestCaseFactory(project=project)
    refused = TestCaseFactory(project=project, status=S.ARCHIVED)
    with pytest.raises(ConflictError) as error:
        services.test_case_bulk_transition(
            ids=[ok.pk, refused.pk], to_status=S.APPROVED, actor=None, project=project
        )
    assert error.value.details["refused"] == [{"id": refused.public_id, "status": "archived"}]


def test_bulk_transition_without_project_spans_projects_for_staff_tools():
    one, two = TestCaseFactory(), TestCaseFactory()
    reviewer = UserFactory(is_staff=True)
    services.test_case_bulk_transition(ids=[one.pk, two.pk], to_status=S.REJECTED, actor=reviewer)
    assert set(TestCase.objects.values_list("status", flat=True)) == {S.REJECTED}


# --- concurrency on PostgreSQL (Property 10) ---------------------------------------------------


def _in_threads(count: int, work: Any) -> list[Any]:
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = work(index)
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_hands_out_unique_well_formed_ids():
    project = ProjectFactory()
    batches = _in_threads(
        6,
        lambda i: [
            tc.public_id
            for tc in services.test_case_create_many(
                project=project,
                endpoint=None,
                drafts=[draft(path=f"/t{i}/{n}") for n in range(5)],
                generator=GENERATOR,
            )
        ],
    )
    ids = [public_id for batch in batches for public_id in batch]
    assert len(ids) == 30 and len(set(ids)) == 30
    assert all(re.fullmatch(r"TC-\d{5,}", public_id) for public_id in ids)
    assert sorted(ids) == sorted(tc.public_id for tc in TestCase.objects.all())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_of_the_same_spec_keeps_one():
    project = ProjectFactory()
    batches = _in_threads(
        6,
        lambda i: services.test_case_create_many(
            project=project, endpoint=None, drafts=[draft()], generator=GENERATOR
        ),
    )
    assert sum(len(batch) for batch in batches) == 1
    assert TestCase.objects.filter(project=project).count() == 1
