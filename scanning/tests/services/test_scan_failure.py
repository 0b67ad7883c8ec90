"""Property 7: a scan that fails, at whatever stage, leaves the project's endpoints unchanged
and the job failed with a message."""
from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from projects import git
from scanning import services, tasks
from scanning.engine import ScanFailure
from scanning.models import Endpoint, EndpointHistory, ScanJob
from scanning.tests.factories import EndpointFactory, ProjectFactory, ScanJobFactory
from scanning.tests.toy import ToyScanner

pytestmark = pytest.mark.django_db

SEGMENTS = st.sampled_from(["users", "orders", "items", ":id", "v1", "search"])
ROUTES = st.lists(
    st.tuples(st.sampled_from(["GET", "POST", "DELETE"]), st.lists(SEGMENTS, min_size=1, max_size=3)),
    min_size=1,
    max_size=8,
)
PRIOR = st.lists(
    st.tuples(
        st.sampled_from(["GET", "POST", "PUT"]),
        st.lists(SEGMENTS, min_size=1, max_size=3),
        st.sampled_from([Endpoint.Status.ACTIVE, Endpoint.Status.REMOVED]),
        st.booleans(),
    ),
    max_size=8,
)
STAGES = ["unreachable", "clone_timeout", "walk", "link", "spec", "spec_timeout", "progress_save", "apply"]
SPEC_STAGES = ("spec", "spec_timeout")


def endpoint_state(project) -> list[tuple[Any, ...]]:
    return sorted(
        (e.pk, e.method, e.path, e.status, e.fingerprint, e.in_code, e.in_spec, e.source_line,
         e.last_seen, e.updated_at)
        for e in project.endpoints.all()
    )


def seed(project, prior) -> None:
    taken: set[tuple[str, str]] = set()
    for method, segments, status, in_spec in prior:
        path = "/" + "/".join(s.replace(":id", "{id}") for s in segments)
        if status == Endpoint.Status.ACTIVE:
            if (method, path) in taken:
                continue
            taken.add((method, path))
        EndpointFactory(project=project, method=method, path=path, status=status, in_spec=in_spec,
                        framework="toy")


@contextlib.contextmanager
def failing_at(stage: str, tree: Path):
    """Patch the scan so it breaks at `stage`; otherwise it reads `tree` as the checkout."""

    @contextlib.contextmanager
    def checkout(project):
        if stage == "clone_timeout":
            raise git.GitError(git.MSG_TIMEOUT.format(seconds=300), permanent=False)
        yield tree

    patches = [mock.patch.object(services, "_head_commit", return_value="")]
    if stage != "unreachable":
        patches.append(mock.patch.object(git, "checkout", checkout))
    if stage == "walk":
        patches.append(mock.patch("scanning.engine.walk_repository", side_effect=OSError("disk gone")))
    if stage == "link":
        patches.append(mock.patch.object(ToyScanner, "link", side_effect=RuntimeError("linker bug")))
    if stage == "spec":
        # The real importer on a malformed document.
        patches.append(mock.patch.object(services, "_fetch_spec",
                                         return_value='{"openapi": "3.0.3", "paths": {"/a": {"get": 1}}}'))
    if stage == "spec_timeout":
        patches.append(mock.patch.object(
            services, "_fetch_spec", side_effect=ScanFailure("Fetching the spec timed out.", permanent=False)))
    if stage == "progress_save":
        patches.append(mock.patch.object(services.ProgressReporter, "update", side_effect=OSError("lost")))
    if stage == "apply":
        # Endpoint rows are written before history: break after them, inside the transaction.
        patches.append(mock.patch.object(EndpointHistory.objects, "bulk_create", side_effect=RuntimeError("boom")))
    with contextlib.ExitStack() as stack:
        for patch in patches:
            stack.enter_context(patch)
        yield


def run_to_the_end(job: ScanJob) -> None:
    """What the worker does, retries exhausted: transient errors end in the final-failure hook."""
    tasks.run_scan_job.apply(args=(job.pk,), retries=tasks.MAX_RETRIES)


@hsettings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prior=PRIOR, routes=ROUTES, stage=st.sampled_from(STAGES))
def test_a_failed_scan_changes_no_endpoint(toy_only, settings, prior, routes, stage):
    settings.TESTGEN_SCAN_PROGRESS_INTERVAL = 0
    tree = Path(tempfile.mkdtemp(prefix="scan-prop7-"))
    (tree / "app.routes").write_text("".join(f"{m} /{'/'.join(s)} h\n" for m, s in routes))
    url = "http://127.0.0.1:9/unreachable.git" if stage == "unreachable" else "https://git.example.com/a.git"
    project = ProjectFactory(repository_url=url)
    seed(project, prior)
    before = endpoint_state(project)
    history_before = EndpointHistory.objects.filter(endpoint__project=project).count()
    if stage in SPEC_STAGES:
        job = ScanJobFactory(project=project, source=ScanJob.Source.SPEC_URL, spec_url="https://docs.example.com/openapi.json")
    else:
        job = ScanJobFactory(project=project)

    try:
        with failing_at(stage, tree):
            run_to_the_end(job)
    finally:
        shutil.rmtree(tree, ignore_errors=True)

    job.refresh_from_db()
    assert job.status == ScanJob.Status.FAILED, (stage, job.error_message)
    assert job.error_message
    assert job.finished_at is not None
    assert endpoint_state(project) == before
    assert EndpointHistory.objects.filter(endpoint__project=project).count() == history_before


def test_an_unreachable_repository_fails_with_the_git_message(toy_only):
    project = ProjectFactory(repository_url="http://127.0.0.1:9/unreachable.git")
    job = ScanJobFactory(project=project)
    run_to_the_end(job)
    job.refresh_from_db()
    assert (job.status, job.error_message) == (ScanJob.Status.FAILED, git.MSG_UNREACHABLE)


def test_a_missing_repository_fails_at_once_without_retry(toy_only, tmp_path):
    project = ProjectFactory(repository_url=str(tmp_path / "missing"))
    job = ScanJobFactory(project=project)
    services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.error_message) == (ScanJob.Status.FAILED, git.MSG_REPOSITORY_NOT_FOUND)


def test_a_transient_failure_requeues_the_job_for_a_retry(toy_only):
    project = ProjectFactory(repository_url="http://127.0.0.1:9/unreachable.git")
    job = ScanJobFactory(project=project)
    with pytest.raises(ScanFailure):
        services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ScanJob.Status.QUEUED
    assert job.error_message == services.MSG_RETRYING.format(message=git.MSG_UNREACHABLE)
    assert job.attempts == 1


def test_the_task_retries_transient_failures_with_backoff(toy_only):
    project = ProjectFactory(repository_url="http://127.0.0.1:9/unreachable.git")
    job = ScanJobFactory(project=project)
    with mock.patch.object(tasks.run_scan_job, "retry", side_effect=RuntimeError("retry")) as retry:
        result = tasks.run_scan_job.apply(args=(job.pk,))
    assert isinstance(result.result, RuntimeError)
    assert retry.call_args.kwargs["countdown"] == tasks.retry_countdown(0) == 30


def test_an_error_message_never_carries_a_secret(toy_only):
    project = ProjectFactory(repository_url="https://git.example.com/a.git")
    job = ScanJobFactory(project=project, status=ScanJob.Status.RUNNING)
    services.scan_job_fail(job_id=job.pk, message="clone of https://bob:hunter2@git.example.com failed")
    job.refresh_from_db()
    assert "hunter2" not in job.error_message


def test_an_unexpected_error_is_recorded_without_its_internals(toy_only, tmp_path):
    (tmp_path / "a.routes").write_text("GET /a h\n")
    project = ProjectFactory(repository_url="https://git.example.com/a.git")
    job = ScanJobFactory(project=project)
    with failing_at("link", tmp_path):
        services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ScanJob.Status.FAILED
    assert "linker bug" in job.error_message  # the scanner's own message is the useful part
    assert "Traceback" not in job.error_message
