"""Run services: creation, ids, lifecycle, chunks, cancellation, expiry."""
from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from execution import services
from execution.models import TestResult, TestRun
from execution.tests.factories import ApprovedTestCaseFactory, IdentityFactory, TestResultFactory, TestRunFactory
from generation.models import TestCase
from projects.models import Project
from projects.tests.factories import ProjectFactory
from testgen.api.errors import ConflictError

RUN_ID = re.compile(r"^run_[a-z0-9]{5,}$")


@pytest.fixture
def project(api):
    return ProjectFactory(target_base_url=api.url)


def create(project, **kwargs) -> TestRun:
    return services.test_run_create(project=project, requested_by=project.owner, enqueue=False, **kwargs)


# --- creation --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_run_is_queued_with_the_projects_environment(project):
    ApprovedTestCaseFactory(project=project)
    run = create(project)
    assert (run.status, run.base_url, run.concurrency, run.trigger) == ("queued", project.target_base_url, 10, "user")
    assert RUN_ID.match(run.public_id)
    assert run.deadline > timezone.now()


@pytest.mark.django_db
def test_the_run_is_enqueued_only_after_commit(project, django_capture_on_commit_callbacks):
    ApprovedTestCaseFactory(project=project)
    with mock.patch("execution.tasks.execute_test_run.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            run = services.test_run_create(project=project, requested_by=project.owner)
            delay.assert_not_called()
    delay.assert_called_once_with(run.pk)


@pytest.mark.django_db
def test_a_run_without_runnable_tests_is_refused(project):
    ApprovedTestCaseFactory(project=project, status=TestCase.Status.DRAFT)
    with pytest.raises(ValidationError) as refused:
        create(project)
    assert refused.value.message_dict == {"selection": [services.MESSAGE_NO_TESTS]}


@pytest.mark.django_db
def test_listed_draft_tests_may_run_but_rejected_ones_never(project):
    draft = ApprovedTestCaseFactory(project=project, status=TestCase.Status.DRAFT)
    rejected = ApprovedTestCaseFactory(project=project, status=TestCase.Status.REJECTED)
    assert create(project, selection={"test_ids": [draft.public_id]}).selection == {"test_ids": [draft.pk]}
    with pytest.raises(ValidationError):
        create(project, selection={"test_ids": [rejected.pk]})


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["ftp://example.com", "http://user:pw@example.com"])
def test_a_malformed_base_url_is_refused(project, url):
    ApprovedTestCaseFactory(project=project)
    with pytest.raises(ValidationError) as refused:
        create(project, base_url=url)
    assert "base_url" in refused.value.message_dict


@pytest.mark.django_db
def test_an_unknown_identity_is_refused(project):
    ApprovedTestCaseFactory(project=project)
    with pytest.raises(ValidationError) as refused:
        create(project, identity_name="ghost")
    assert refused.value.message_dict == {"identity": [services.MESSAGE_UNKNOWN_IDENTITY.format(name="ghost")]}


@pytest.mark.django_db
def test_an_archived_project_cannot_start_runs(project):
    ApprovedTestCaseFactory(project=project)
    Project.objects.filter(pk=project.pk).update(status=Project.Status.ARCHIVED)
    project.refresh_from_db()
    with pytest.raises(ConflictError):
        create(project)


@pytest.mark.django_db
def test_concurrency_is_capped_by_the_setting(project, settings):
    settings.TESTGEN_MAX_RUN_CONCURRENCY = 25
    ApprovedTestCaseFactory(project=project)
    assert create(project, concurrency=500).concurrency == 25


# --- Property 17: run ids ------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_ids_are_prefixed_random_and_unique(project):
    ApprovedTestCaseFactory(project=project)
    ids = {create(project).public_id for _ in range(30)}
    assert len(ids) == 30
    assert all(RUN_ID.match(i) for i in ids)


@given(st.integers(min_value=0, max_value=10_000))
def test_generated_ids_always_have_the_public_shape(_):
    from execution.models import generate_run_id

    assert RUN_ID.match(generate_run_id())


@pytest.mark.django_db(transaction=True)
def test_a_colliding_id_is_drawn_again(project):
    ApprovedTestCaseFactory(project=project)
    taken = TestRunFactory(project=project).public_id
    with mock.patch("execution.services.generate_run_id", side_effect=[taken, taken, "run_fresh01"]):
        run = create(project)
    assert run.public_id == "run_fresh01"
    assert TestRun.objects.filter(public_id=taken).count() == 1


# --- lifecycle (Property 16 end to end) ---------------------------------------------------------------

OUTCOME_SPECS = {
    "passed": ("/status/200", 200),
    "failed": ("/status/500", 200),
    "error": ("/items/{id}", 200),  # no value for {id}: the test cannot even be sent
}


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(outcomes=st.lists(st.sampled_from(sorted(OUTCOME_SPECS)), min_size=1, max_size=6))
def test_a_run_ends_with_the_status_its_outcomes_dictate(api, outcomes):
    project = ProjectFactory(target_base_url=api.url)
    for outcome in outcomes:
        path, expected = OUTCOME_SPECS[outcome]
        ApprovedTestCaseFactory(project=project, path=path, expected=expected)
    run = create(project)
    assert run.status == "queued"
    run = services.test_run_execute_now(run=run)
    counts = {s: outcomes.count(s) for s in ("passed", "failed", "error")}
    assert (run.passed, run.failed, run.errored, run.total) == (counts["passed"], counts["failed"], counts["error"],
                                                                 len(outcomes))
    executed = len(outcomes)
    expected_status = ("success" if counts["passed"] == executed else "failed" if counts["passed"] == 0
                       else "partial")
    assert run.status == expected_status
    assert run.started_at <= run.finished_at and run.duration_ms is not None


@pytest.mark.django_db
def test_a_run_with_a_refused_target_ends_in_error_before_any_test(project, settings):
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
    ApprovedTestCaseFactory(project=project)
    run = services.test_run_execute_now(run=create(project))
    assert run.status == "error"
    assert "loopback" in run.error_message
    assert run.results.count() == 0


@pytest.mark.django_db
def test_an_unreachable_target_ends_the_run_in_error(project):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ApprovedTestCaseFactory(project=project)
    run = services.test_run_execute_now(run=create(project, base_url=f"http://127.0.0.1:{port}"))
    assert run.status == "error"
    assert run.error_message.startswith(f"The target 127.0.0.1:{port} is unreachable")


@pytest.mark.django_db
def test_results_keep_the_request_response_and_spec_version(project):
    case = ApprovedTestCaseFactory(project=project, version=3)
    run = services.test_run_execute_now(run=create(project))
    result = run.results.get()
    assert (result.test_case_id, result.test_case_public_id, result.test_case_version) == (case.pk, case.public_id, 3)
    assert result.status == "passed" and result.response["status_code"] == 200
    assert result.assertions[0]["actual"] == 200


@pytest.mark.django_db
def test_chunks_connect_to_the_address_pinned_when_the_run_started(project, api):
    ApprovedTestCaseFactory(project=project)
    run = create(project)
    [chunk] = services.test_run_start(run_id=run.pk)
    run.refresh_from_db()
    assert run.pinned_addresses == {"127.0.0.1": "127.0.0.1"}
    # A name no DNS server knows: only the pin stored on the run can reach the server.
    TestRun.objects.filter(pk=run.pk).update(base_url=f"http://api.pinned.test:{api.port}",
                                              pinned_addresses={"api.pinned.test": "127.0.0.1"})
    services.test_run_execute_chunk(run_id=run.pk, chunk_index=0, test_case_ids=chunk)
    run.refresh_from_db()
    assert run.status == "success"
    assert api.app.state.hosts == [f"api.pinned.test:{api.port}"]


@pytest.mark.django_db
def test_a_body_with_nul_bytes_is_stored_on_every_database(project):
    ApprovedTestCaseFactory(project=project, path="/binary")
    run = services.test_run_execute_now(run=create(project))
    body = run.results.get().response["body"]
    assert run.status == "success"
    assert body.endswith("binary\ufffdtail") and "\x00" not in body


@pytest.mark.django_db
def test_a_chunk_delivered_twice_stores_one_result_per_test(project, api, settings):
    settings.TESTGEN_EXECUTION_CHUNK_SIZE = 3
    cases = [ApprovedTestCaseFactory(project=project, path="/inflight", expected=200) for _ in range(3)]
    run = create(project)
    [chunk] = services.test_run_start(run_id=run.pk)
    TestResultFactory(run=run, test_case=cases[0])  # a worker died after storing this one
    services.test_run_execute_chunk(run_id=run.pk, chunk_index=0, test_case_ids=chunk)
    TestRun.objects.filter(pk=run.pk).update(status=TestRun.Status.RUNNING)  # redelivered before finalize saw it
    services.test_run_execute_chunk(run_id=run.pk, chunk_index=0, test_case_ids=chunk)
    assert TestResult.objects.filter(run=run).count() == 3
    assert api.app.state.hits["default"] == 2  # the stored test was not run again, the rest ran once


@pytest.mark.django_db
def test_the_run_finishes_when_its_last_chunk_is_stored(project, settings):
    settings.TESTGEN_EXECUTION_CHUNK_SIZE = 2
    for _ in range(5):
        ApprovedTestCaseFactory(project=project)
    run = create(project)
    chunks = services.test_run_start(run_id=run.pk)
    assert [len(c) for c in chunks] == [2, 2, 1]
    for index, ids in enumerate(chunks):
        run.refresh_from_db()
        assert run.status == "running"
        services.test_run_execute_chunk(run_id=run.pk, chunk_index=index, test_case_ids=ids)
    run.refresh_from_db()
    assert (run.status, run.passed, run.chunk_count, run.pass_rate) == ("success", 5, 3, 100.0)


@pytest.mark.django_db
def test_a_chunk_starting_after_the_runs_time_is_up_skips_its_tests(project, api):
    ApprovedTestCaseFactory(project=project, path="/inflight")
    run = create(project)
    [chunk] = services.test_run_start(run_id=run.pk)
    TestRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - timedelta(hours=2))
    services.test_run_execute_chunk(run_id=run.pk, chunk_index=0, test_case_ids=chunk)
    run.refresh_from_db()
    assert (run.status, run.skipped) == ("error", 1)
    assert api.app.state.hits["default"] == 0


@pytest.mark.django_db
def test_a_test_deleted_after_planning_is_recorded_as_skipped(project):
    kept, deleted = ApprovedTestCaseFactory(project=project), ApprovedTestCaseFactory(project=project)
    run = create(project)
    [chunk] = services.test_run_start(run_id=run.pk)
    public_id = deleted.public_id
    deleted.delete()
    services.test_run_execute_chunk(run_id=run.pk, chunk_index=0, test_case_ids=chunk)
    run.refresh_from_db()
    assert (run.status, run.passed, run.skipped) == ("success", 1, 1)
    assert run.results.get(status="skipped").test_case_public_id == public_id
    assert kept.results.count() == 1


@pytest.mark.django_db
def test_totals_come_from_one_aggregate_query(django_assert_num_queries):
    run = TestRunFactory()
    for status in ("passed", "passed", "failed", "error", "skipped"):
        TestResultFactory(run=run, status=status)
    with django_assert_num_queries(1):
        totals = services.run_totals(run_id=run.pk)
    assert totals == {"stored": 5, "passed": 2, "failed": 1, "errored": 1, "skipped": 1, "healed": 0}


# --- cancellation and expiry ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancelling_a_running_run_closes_it_and_stops_its_chunks(project):
    ApprovedTestCaseFactory(project=project)
    run = create(project)
    [chunk] = services.test_run_start(run_id=run.pk)
    services.test_run_cancel(run=run)
    outcome = services.test_run_execute_chunk(run_id=run.pk, chunk_index=0, test_case_ids=chunk)
    run.refresh_from_db()
    assert run.status == "cancelled" and run.finished_at is not None
    assert outcome.executed == 0 and run.results.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["success", "failed", "partial", "cancelled", "error"])
def test_it_rejects_cancel_of_a_finished_run(status):
    run = TestRunFactory(status=status)
    with pytest.raises(ConflictError):
        services.test_run_cancel(run=run)


@pytest.mark.django_db
def test_runs_stuck_past_their_deadline_become_error():
    past = timezone.now() - timedelta(minutes=1)
    stuck_running = TestRunFactory(status="running", deadline=past, started_at=past - timedelta(hours=1))
    stuck_queued = TestRunFactory(status="queued", deadline=past)
    on_time = TestRunFactory(status="running", deadline=timezone.now() + timedelta(hours=1))
    finished = TestRunFactory(status="success", deadline=past)
    TestResultFactory(run=stuck_running, status="passed")
    expired = services.test_runs_expire_stuck()
    assert sorted(expired) == sorted([stuck_running.public_id, stuck_queued.public_id])
    stuck_running.refresh_from_db()
    assert (stuck_running.status, stuck_running.passed, stuck_running.error_message) == (
        "error", 1, services.MESSAGE_DEADLINE)
    on_time.refresh_from_db()
    finished.refresh_from_db()
    assert (on_time.status, finished.status) == ("running", "success")


@pytest.mark.django_db
def test_a_task_out_of_retries_records_the_run_as_error():
    from execution.tasks import execute_test_run_chunk

    run = TestRunFactory(status="running")
    execute_test_run_chunk.on_failure(RuntimeError("boom"), "task-id", (), {"run_id": run.pk}, None)
    run.refresh_from_db()
    assert run.status == "error"
    assert run.error_message == services.MESSAGE_INTERNAL.format(reason="RuntimeError")


# --- environment ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_credentials_go_to_the_default_identity_and_plain_headers_to_every_request(project):
    project.default_headers = {"Authorization": "Bearer project-secret", "X-Env": "staging"}
    project.save()
    ApprovedTestCaseFactory(project=project)
    run = create(project, extra_headers={"X-Api-Key": "extra-secret-1", "X-Trace": "on"})
    config = services.engine_config_for(run)
    assert config.headers == {"X-Env": "staging", "X-Trace": "on"}
    assert config.default_identity._headers == {"Authorization": "Bearer project-secret", "X-Api-Key": "extra-secret-1"}


@pytest.mark.django_db
def test_a_named_run_identity_becomes_the_default(project):
    identity = IdentityFactory(project=project, name="admin")
    ApprovedTestCaseFactory(project=project)
    config = services.engine_config_for(create(project, identity_name="admin"))
    assert config.default_identity.name == identity.name
    assert set(config.identities) == {"admin"}


@pytest.mark.django_db
def test_finishing_a_run_invalidates_the_project_statistics(project):
    ApprovedTestCaseFactory(project=project)
    run = create(project)
    with mock.patch("projects.services.project_stats_invalidate") as invalidate:
        services.test_run_execute_now(run=run)
    invalidate.assert_called_with(project_id=project.pk)


@pytest.mark.django_db
def test_events_announce_the_run_start_results_and_completion(project, django_capture_on_commit_callbacks):
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    for _ in range(2):
        ApprovedTestCaseFactory(project=project)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(f"project_{project.pk}", channel)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.test_run_execute_now(run=create(project))
    async def receive() -> dict:
        return (await asyncio.wait_for(layer.receive(channel), timeout=5))["event"]

    received = [async_to_sync(receive)() for _ in range(5)]
    assert [e["type"] for e in received] == ["run.started", "run.result", "run.result", "run.progress", "run.completed"]
    assert {e["object"]["id"] for e in received} == {run.public_id}
    assert received[1]["payload"]["status"] == "passed"
    assert received[-1]["payload"]["status"] == "success"
