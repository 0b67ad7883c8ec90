"""`manage.py run_tests PROJECT_ID [--base-url URL] [--junit FILE]`: run tests now, from a terminal or CI.

Runs synchronously in this process (no worker needed), draws a progress bar on stderr and
exits 0 when every executed test passed, 1 when tests failed, 2 when the run could not run.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from execution.engine import CaseResult
from execution.junit import render_junit
from execution.models import TestRun
from execution.selectors import results_for_report, test_cases_for_selection
from execution.services import test_run_create, test_run_execute_now
from projects.models import Project
from testgen.api.errors import ApplicationError

EXIT_FAILED = 1
EXIT_NOT_RUN = 2


class ProgressBar:
    """A one-line bar; redrawn at most every `interval` seconds (and at the end)."""

    WIDTH = 30

    def __init__(self, total: int, write: Callable[[str], Any], interval: float = 0.1) -> None:
        self.total = max(total, 1)
        self.write = write
        self.interval = interval
        self.counts = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        self._drawn = 0.0

    @property
    def done(self) -> int:
        return sum(self.counts.values())

    def update(self, result: CaseResult) -> None:
        self.counts[result.status] = self.counts.get(result.status, 0) + 1
        if time.monotonic() - self._drawn >= self.interval:
            self.draw()

    def draw(self, end: str = "") -> None:
        self._drawn = time.monotonic()
        filled = int(self.WIDTH * min(self.done, self.total) / self.total)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        counts = " ".join(f"{name} {n}" for name, n in self.counts.items() if n)
        self.write(f"\r[{bar}] {self.done}/{self.total} {counts}".ljust(80) + end)


class Command(BaseCommand):
    help = "Run a project's tests now against its API; exits non-zero when tests fail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project_id", type=int)
        parser.add_argument("--base-url", help="Target base URL (default: the project's).")
        parser.add_argument("--junit", type=Path, help="Write a JUnit XML report to this file.")
        parser.add_argument("--concurrency", type=int, help="Requests in flight at once (default 10).")
        parser.add_argument("--identity", help="A named identity of the project for `auth: default` steps.")
        parser.add_argument("--type", action="append", dest="types", help="Only tests of this type (repeatable).")
        parser.add_argument("--test", action="append", dest="test_ids", help="Only this test, e.g. TC-00042 (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            project = Project.objects.get(pk=options["project_id"])
        except Project.DoesNotExist:
            raise CommandError(f"No project with id {options['project_id']}.", returncode=EXIT_NOT_RUN) from None
        selection = {"types": options.get("types") or [], "test_ids": options.get("test_ids") or []}
        try:
            run = test_run_create(
                project=project, trigger=TestRun.Trigger.USER, selection=selection,
                base_url=options.get("base_url"), identity_name=options.get("identity"),
                concurrency=options.get("concurrency"), enqueue=False,
            )
        except ValidationError as exc:
            messages = [m for ms in getattr(exc, "message_dict", {"": exc.messages}).values() for m in ms]
            raise CommandError(" ".join(messages), returncode=EXIT_NOT_RUN) from None
        except ApplicationError as exc:
            raise CommandError(exc.message, returncode=EXIT_NOT_RUN) from None

        total = test_cases_for_selection(project_id=project.pk, selection=run.selection).count()
        self.stdout.write(f"Run {run.public_id}: {total} test(s) against {run.base_url}")
        bar = ProgressBar(total, lambda text: self.stderr.write(text, ending=""))
        run = test_run_execute_now(run=run, on_result=bar.update)
        bar.draw(end="\n")

        self.stdout.write(
            f"{run.status.upper()}: {run.passed} passed, {run.failed} failed, {run.errored} errors, "
            f"{run.skipped} skipped in {(run.duration_ms or 0) / 1000:.2f}s"
            + (f" — {run.error_message}" if run.error_message else "")
        )
        if options.get("junit"):
            options["junit"].write_bytes(render_junit(run=run, results=results_for_report(run=run)))
            self.stdout.write(f"JUnit report: {options['junit']}")
        if run.status == TestRun.Status.SUCCESS:
            return
        code = EXIT_FAILED if run.status in (TestRun.Status.FAILED, TestRun.Status.PARTIAL) else EXIT_NOT_RUN
        raise CommandError(f"Run {run.public_id} ended {run.status}.", returncode=code)
