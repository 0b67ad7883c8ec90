"""`manage.py run_tests`: synchronous runs for CI, exit codes and the JUnit file."""
from __future__ import annotations

from io import StringIO
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command

from execution.models import TestRun
from execution.tests.factories import ApprovedTestCaseFactory
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("run_tests", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_passing_run_exits_zero_and_writes_junit(api, tmp_path):
    project = ProjectFactory(target_base_url="https://unused.example.com")
    ApprovedTestCaseFactory.create_batch(3, project=project)
    report = tmp_path / "junit.xml"
    out, err = run_command(str(project.pk), "--base-url", api.url, "--junit", str(report))
    assert "SUCCESS: 3 passed, 0 failed" in out
    assert "3/3 passed 3" in err  # the progress bar's last frame
    assert ET.parse(report).getroot().get("tests") == "3"
    assert TestRun.objects.get().base_url == api.url


def test_failing_tests_exit_one(api):
    project = ProjectFactory(target_base_url=api.url)
    ApprovedTestCaseFactory(project=project)
    ApprovedTestCaseFactory(project=project, path="/status/500")
    with pytest.raises(CommandError) as failed:
        run_command(str(project.pk))
    assert failed.value.returncode == 1
    assert TestRun.objects.get().status == "partial"


def test_a_run_that_cannot_reach_its_target_exits_two(settings, api):
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
    project = ProjectFactory(target_base_url=api.url)
    ApprovedTestCaseFactory(project=project)
    with pytest.raises(CommandError) as failed:
        run_command(str(project.pk))
    assert failed.value.returncode == 2


def test_an_unknown_project_exits_two():
    with pytest.raises(CommandError) as failed:
        run_command("999999")
    assert failed.value.returncode == 2
