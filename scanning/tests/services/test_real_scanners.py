"""Scan jobs with the registered framework scanners on a polyglot repository."""
from __future__ import annotations

import pytest

from scanning import services
from scanning.models import Endpoint, ScanJob
from scanning.tests.factories import EndpointFactory, ProjectFactory, ScanJobFactory

pytestmark = pytest.mark.django_db

FILES = {
    "package.json": '{"dependencies": {"express": "^4.19.0"}}',
    "web/app.js": (
        "const express = require('express');\n"
        "const app = express();\n"
        "app.use('/api/orders', require('./orders'));\n"
        "module.exports = app;\n"
    ),
    "web/orders.js": (
        "const router = require('express').Router();\n"
        "router.get('/', (req, res) => res.json([]));\n"
        "router.get('/:orderId', (req, res) => res.json({}));\n"
        "module.exports = router;\n"
    ),
    "requirements.txt": "fastapi\nflask\n",
    "svc/main.py": (
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n\n"
        "@app.get('/health')\n"
        "def health():\n    return {}\n"
    ),
    "admin/app.py": (
        "from flask import Flask\n"
        "app = Flask(__name__)\n\n"
        "@app.route('/admin/users/<int:user_id>', methods=['GET', 'DELETE'])\n"
        "def user(user_id):\n    return ''\n"
    ),
}
EXPECTED = {
    ("GET", "/api/orders", "express"),
    ("GET", "/api/orders/{orderId}", "express"),
    ("GET", "/health", "fastapi"),
    ("GET", "/admin/users/{user_id}", "flask"),
    ("DELETE", "/admin/users/{user_id}", "flask"),
}


def scan(project) -> ScanJob:
    job = ScanJobFactory(project=project)
    services.scan_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ScanJob.Status.SUCCEEDED, job.error_message
    return job


def active(project) -> set[tuple[str, str, str]]:
    return set(project.endpoints.filter(status=Endpoint.Status.ACTIVE).values_list("method", "path", "framework"))


@pytest.fixture
def project(git_repo):
    git_repo.write(FILES)
    return ProjectFactory(repository_url=git_repo.url)


def test_every_framework_in_the_repository_is_scanned(project):
    job = scan(project)
    assert active(project) == EXPECTED
    assert job.endpoints_added == len(EXPECTED)


def test_a_rescan_of_the_same_commit_parses_nothing_and_changes_nothing(project):
    scan(project)
    job = scan(project)
    assert job.files_parsed == 0 and job.files_scanned > 0
    assert (job.endpoints_added, job.endpoints_changed, job.endpoints_removed) == (0, 0, 0)


def test_a_commit_touching_one_file_parses_one_file(project, git_repo):
    scan(project)
    git_repo.write({"web/orders.js": FILES["web/orders.js"].replace("router.get('/',", "router.post('/',")})
    job = scan(project)
    assert job.files_parsed == 1
    assert (job.endpoints_added, job.endpoints_removed) == (1, 1)
    assert ("POST", "/api/orders", "express") in active(project)


def test_drift_against_a_checked_in_spec(project, git_repo):
    spec = ('{"openapi": "3.0.3", "info": {"title": "x", "version": "1"}, "paths": {'
            '"/health": {"get": {"responses": {"200": {"description": "OK"}}}},'
            '"/api/invoices": {"get": {"responses": {"200": {"description": "OK"}}}}}}')
    git_repo.write({"openapi.json": spec})
    scan(project)
    documented_only = project.endpoints.get(path="/api/invoices")
    both = project.endpoints.get(path="/health")
    served_only = project.endpoints.get(path="/api/orders")
    assert (documented_only.drift, both.drift, served_only.drift) == ("unimplemented", "", "undocumented")


def test_removed_code_is_kept_as_removed_with_its_tests_pointing_at_it(project, git_repo):
    scan(project)
    kept = project.endpoints.get(method="GET", path="/health")
    git_repo.write({"svc/main.py": None})
    job = scan(project)
    kept.refresh_from_db()
    assert job.endpoints_removed == 1
    assert kept.status == Endpoint.Status.REMOVED


def test_stale_endpoints_from_before_are_removed_on_the_first_real_scan(project):
    EndpointFactory(project=project, method="GET", path="/legacy", framework="express")
    job = scan(project)
    assert job.endpoints_removed == 1
    assert ("GET", "/legacy", "express") not in active(project)


def test_a_route_moved_behind_a_flag_is_stored_with_its_condition_and_is_no_contract_change(project, git_repo):
    scan(project)
    git_repo.write({"svc/main.py": (
        "import os\nfrom fastapi import FastAPI\n"
        "app = FastAPI()\n\n"
        "if os.environ.get('HEALTH'):\n"
        "    @app.get('/health')\n"
        "    def health():\n        return {}\n"
    )})
    job = scan(project)
    health = project.endpoints.get(method="GET", path="/health")
    assert health.conditions == ["os.environ.get('HEALTH')"]
    assert (job.endpoints_added, job.endpoints_changed, job.endpoints_removed) == (0, 0, 0)
    assert not health.history.exclude(change="added").exists()
    assert project.endpoints.get(method="GET", path="/api/orders").conditions == []
