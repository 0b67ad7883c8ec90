"""Test order within a run: which tests go first.

A prioritizer takes the selected test cases and returns them in execution order. The
default puts higher priorities first and, within a priority, tests that failed recently
(they are the likeliest to fail again, and a failing CI run should say so early). Another
implementation (the analytics app's learned one) is plugged in with the setting
``TESTGEN_EXECUTION_PRIORITIZER`` (a dotted path to a ``Prioritizer`` subclass).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone
from django.utils.module_loading import import_string

from execution import conf

if TYPE_CHECKING:
    from generation.models import TestCase

RECENT_FAILURE_WINDOW = timedelta(days=14)
_PRIORITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}


class Prioritizer(ABC):
    @abstractmethod
    def order(self, *, project_id: int, test_cases: Sequence[TestCase]) -> list[TestCase]:
        """The same test cases, in the order they should run."""


class DefaultPrioritizer(Prioritizer):
    """Priority (critical first), then recent failures (most first), then oldest test first."""

    def recent_failures(self, *, project_id: int, test_case_ids: Sequence[int]) -> dict[int, int]:
        from execution.models import TestResult

        rows = (
            TestResult.objects.filter(
                run__project_id=project_id,
                test_case_id__in=list(test_case_ids),
                status__in=[TestResult.Status.FAILED, TestResult.Status.ERROR],
                created_at__gte=timezone.now() - RECENT_FAILURE_WINDOW,
            )
            .order_by()
            .values_list("test_case_id")
            .annotate(n=Count("pk"))
        )
        return dict(rows)

    def order(self, *, project_id: int, test_cases: Sequence[TestCase]) -> list[TestCase]:
        failures = self.recent_failures(project_id=project_id, test_case_ids=[t.pk for t in test_cases])
        return sorted(
            test_cases,
            key=lambda t: (-_PRIORITY_RANK.get(t.priority, 0), -failures.get(t.pk, 0), t.pk),
        )


def get_prioritizer() -> Prioritizer:
    prioritizer = import_string(conf.prioritizer_path())()
    if not isinstance(prioritizer, Prioritizer):
        raise TypeError(f"{conf.prioritizer_path()} is not a Prioritizer")
    return prioritizer
