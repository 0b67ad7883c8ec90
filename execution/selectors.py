"""Every read of runs, results and identities used by views, services and the CLI."""
from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from execution.models import Identity, TestResult, TestRun
from generation.models import TestCase

# Explicitly listed tests may be tried before approval; rejected and archived ones never run.
RUNNABLE_WHEN_LISTED = (TestCase.Status.APPROVED, TestCase.Status.DRAFT, TestCase.Status.NEEDS_REVIEW)


class RunFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TestRun.Status.choices)
    trigger = django_filters.ChoiceFilter(choices=TestRun.Trigger.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = TestRun
        fields = ["status", "trigger"]


class ResultFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=TestResult.Status.choices)
    type = django_filters.ChoiceFilter(field_name="test_type", choices=TestCase.Type.choices)
    endpoint = django_filters.NumberFilter(field_name="endpoint_id")

    class Meta:
        model = TestResult
        fields = ["status"]


def _filtered(filterset_class: type[django_filters.FilterSet], filters: dict[str, Any] | None,
              queryset: QuerySet[Any]) -> QuerySet[Any]:
    filterset = filterset_class(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({field: list(messages) for field, messages in filterset.errors.items()})
    return filterset.qs


def run_list(*, project_id: int, filters: dict[str, Any] | None = None) -> QuerySet[TestRun]:
    """A project's runs, newest first, filtered by status, trigger and creation date."""
    queryset = TestRun.objects.filter(project_id=project_id).select_related("identity").order_by("-created_at", "-id")
    return _filtered(RunFilter, filters, queryset)


def run_get(*, project_id: int, public_id: str) -> TestRun:
    """One run of the project; another project's run (or a missing one) is a 404."""
    try:
        return TestRun.objects.select_related("identity", "project").get(project_id=project_id, public_id=public_id)
    except TestRun.DoesNotExist:
        raise Http404 from None


def result_list(*, run: TestRun, filters: dict[str, Any] | None = None) -> QuerySet[TestResult]:
    """The run's results in the order they were stored, filtered by status, type and endpoint."""
    return _filtered(ResultFilter, filters, TestResult.objects.filter(run=run).order_by("id"))


def results_for_report(*, run: TestRun) -> QuerySet[TestResult]:
    return TestResult.objects.filter(run=run).order_by("test_type", "test_case_public_id").only(
        "test_case_public_id", "title", "test_type", "status", "duration_ms", "error", "assertions",
    )


def identity_get(*, project_id: int, name: str) -> Identity | None:
    return Identity.objects.filter(project_id=project_id, name=name).first()


def identity_list(*, project_id: int) -> QuerySet[Identity]:
    """A project's identities by name; every column is on the row, so the page is one query."""
    return Identity.objects.filter(project_id=project_id).order_by("name", "id")


def identity_retrieve(*, project_id: int, name: str) -> Identity:
    """One identity of the project by name; a missing one is a 404."""
    try:
        return Identity.objects.get(project_id=project_id, name=name)
    except Identity.DoesNotExist:
        raise Http404 from None


def test_cases_for_selection(*, project_id: int, selection: dict[str, Any]) -> QuerySet[TestCase]:
    """The test cases a run with `selection` executes (unordered: the prioritizer orders them).

    ``test_ids`` picks those tests (approved, draft or needing review); otherwise every
    approved test. ``types``, ``priorities`` and ``endpoint_ids`` narrow either.
    """
    queryset = TestCase.objects.filter(project_id=project_id)
    if selection.get("test_ids"):
        queryset = queryset.filter(pk__in=selection["test_ids"], status__in=RUNNABLE_WHEN_LISTED)
    else:
        queryset = queryset.filter(status=TestCase.Status.APPROVED)
    if selection.get("types"):
        queryset = queryset.filter(type__in=selection["types"])
    if selection.get("priorities"):
        queryset = queryset.filter(priority__in=selection["priorities"])
    if selection.get("endpoint_ids"):
        queryset = queryset.filter(endpoint_id__in=selection["endpoint_ids"])
    return queryset.order_by()
