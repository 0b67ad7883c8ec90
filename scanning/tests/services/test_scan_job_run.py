from __future__ import annotations

import pytest

from scanning import services
from scanning.models import Endpoint, EndpointHistory, ScanJob
from scanning.tests.factories import ScanJobFactory

pytestmark = pytest.mark.django_db

USERS = "prefix /users\nGET / listUsers\nPOST / createUser\nGET /:id getUser\n"


def scan(project) -> ScanJob:
    job = ScanJobFactory(project=project)
    services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    return job


def active(project) -> dict[tuple[str, str], Endpoint]:
    return {(e.method, e.path): e for e in project.endpoints.filter(status=Endpoint.Status.ACTIVE)}


def test_a_first_scan_adds_every_declared_endpoint(toy_project, git_repo):
    sha = git_repo.write({"api/users.routes": USERS})
    project = toy_project()
    job = scan(project)
    assert job.status == ScanJob.Status.SUCCEEDED
    assert (job.progress, job.endpoints_found, job.endpoints_added) == (100, 3, 3)
    assert job.commit_sha == sha
    assert set(active(project)) == {("GET", "/users"), ("POST", "/users"), ("GET", "/users/{id}")}
    assert EndpointHistory.objects.filter(change="added").count() == 3


def test_an_endpoint_keeps_where_it_was_declared(toy_project, git_repo):
    git_repo.write({"api/users.routes": USERS})
    project = toy_project()
    scan(project)
    endpoint = active(project)[("GET", "/users/{id}")]
    assert (endpoint.source_file, endpoint.source_line, endpoint.handler) == ("api/users.routes", 4, "getUser")
    assert (endpoint.in_code, endpoint.in_spec, endpoint.framework) == (True, False, "toy")
    assert endpoint.parameters[0]["name"] == "id"


def test_a_changed_contract_is_recorded_with_both_versions(toy_project, git_repo):
    git_repo.write({"api/users.routes": USERS})
    project = toy_project()
    scan(project)
    git_repo.write({"api/users.routes": USERS + "param verbose query\n"})
    job = scan(project)
    assert (job.endpoints_changed, job.endpoints_added, job.endpoints_removed) == (1, 0, 0)
    history = EndpointHistory.objects.get(change="changed")
    assert [p["name"] for p in history.previous["parameters"]] == ["id"]
    assert [p["name"] for p in history.new["parameters"]] == ["id", "verbose"]
    assert history.scan_job_id == job.pk


def test_moving_a_route_in_its_file_is_not_a_contract_change(toy_project, git_repo):
    git_repo.write({"api/users.routes": USERS})
    project = toy_project()
    scan(project)
    git_repo.write({"api/users.routes": "# moved\n" + USERS})
    job = scan(project)
    assert job.endpoints_changed == 0
    assert active(project)[("GET", "/users/{id}")].source_line == 5


def test_a_vanished_route_is_removed_but_kept(toy_project, git_repo):
    git_repo.write({"api/users.routes": USERS})
    project = toy_project()
    scan(project)
    git_repo.write({"api/users.routes": "prefix /users\nGET / listUsers\n"})
    job = scan(project)
    assert (job.endpoints_removed, job.endpoints_found) == (2, 1)
    removed = project.endpoints.get(method="POST", path="/users")
    assert removed.status == Endpoint.Status.REMOVED
    history = removed.history.get(change="removed")
    assert history.previous["handler"] == "createUser" and history.new is None


def test_a_route_that_comes_back_restores_its_old_row(toy_project, git_repo):
    git_repo.write({"api/users.routes": USERS})
    project = toy_project()
    scan(project)
    original = project.endpoints.get(method="POST", path="/users")
    git_repo.write({"api/users.routes": "prefix /users\nGET / listUsers\n"})
    scan(project)
    git_repo.write({"api/users.routes": USERS})
    job = scan(project)
    assert job.endpoints_restored == 2
    original.refresh_from_db()
    assert original.status == Endpoint.Status.ACTIVE
    assert list(original.history.values_list("change", flat=True)) == ["restored", "removed", "added"]


def test_a_moved_path_reads_as_removed_and_added_with_the_same_handler(toy_project, git_repo):
    git_repo.write({"api/users.routes": "GET /users/:id getUser\n"})
    project = toy_project()
    scan(project)
    git_repo.write({"api/users.routes": "GET /people/:id getUser\n"})
    scan(project)
    gone = EndpointHistory.objects.get(change="removed")
    came = EndpointHistory.objects.filter(change="added").latest("id")
    assert gone.previous["handler"] == came.new["handler"] == "getUser"
    assert came.new["path"] == "/people/{id}"


def test_mounts_across_files_are_linked(toy_project, git_repo):
    git_repo.write({"app.routes": "mount /v1 routes/items.routes\n", "routes/items.routes": "GET /items list\n"})
    project = toy_project()
    scan(project)
    assert set(active(project)) == {("GET", "/v1/items")}


def test_an_unparseable_file_is_a_warning_not_a_failure(toy_project, git_repo):
    git_repo.write({"ok.routes": "GET /ok ok\n", "bad.routes": "!broken\n"})
    project = toy_project()
    job = scan(project)
    assert job.status == ScanJob.Status.SUCCEEDED
    assert [w["file"] for w in job.warnings] == ["bad.routes"]
    assert set(active(project)) == {("GET", "/ok")}


def test_a_second_scan_of_an_unchanged_tree_parses_nothing(toy_project, git_repo):
    git_repo.write({f"r{i}.routes": f"GET /r{i} h{i}\n" for i in range(5)} | {"bad.routes": "!broken\n"})
    project = toy_project()
    first = scan(project)
    second = scan(project)
    assert (first.files_scanned, first.files_parsed) == (6, 6)
    assert (second.files_scanned, second.files_parsed) == (6, 0)
    assert len(second.warnings) == 1


def test_changing_one_file_parses_only_that_file(toy_project, toy_only, git_repo):
    git_repo.write({f"r{i}.routes": f"GET /r{i} h{i}\n" for i in range(5)})
    project = toy_project()
    scan(project)
    toy_only.extract_calls = 0
    git_repo.write({"r3.routes": "GET /r3 h3\nPOST /r3 c3\n"})
    job = scan(project)
    assert job.files_parsed == 1
    assert toy_only.extract_calls == 1
    assert job.endpoints_added == 1


def test_identical_files_are_parsed_once(toy_project, git_repo):
    git_repo.write({"a/x.routes": "GET /same h\n", "b/x.routes": "GET /same h\n"})
    job = scan(toy_project())
    assert (job.files_scanned, job.files_parsed) == (2, 1)


def test_a_cancelled_job_is_not_run(toy_project, git_repo):
    git_repo.write({"r.routes": "GET /r h\n"})
    project = toy_project()
    job = ScanJobFactory(project=project, status=ScanJob.Status.CANCELLED)
    assert services.scan_job_run(job_id=job.pk) is None
    assert not project.endpoints.exists()


def test_a_job_cancelled_while_running_applies_nothing(toy_project, git_repo, monkeypatch):
    git_repo.write({"r.routes": "GET /r h\n"})
    project = toy_project()
    job = ScanJobFactory(project=project)
    real_collect = services.collect_scan

    def cancel_midway(job, reporter):
        collected = real_collect(job, reporter)
        services.scan_job_cancel(job=job)
        return collected

    monkeypatch.setattr(services, "collect_scan", cancel_midway)
    services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ScanJob.Status.CANCELLED
    assert not project.endpoints.exists()
