"""Every read of the scanning domain used by views, admin and other apps."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from projects.models import Project
from scanning.models import Endpoint, EndpointHistory, ScanJob

STATUS_ALL = "all"
MSG_UNKNOWN_STATUS = "Unknown status '{value}'; use active, removed or all."


def endpoint_list(*, project: Project, filters: dict[str, Any] | None = None) -> QuerySet[Endpoint]:
    """The project's endpoints, active only unless ``status`` says ``removed`` or ``all``.

    ``method`` (any case), ``framework``, ``search`` (path, summary, operation id, handler;
    case-insensitive) and ``conditional`` (True: only endpoints with ``conditions``; False:
    only those without) narrow the list.
    """
    filters = filters or {}
    queryset = Endpoint.objects.filter(project=project)
    status = filters.get("status") or Endpoint.Status.ACTIVE
    if status != STATUS_ALL:
        if status not in Endpoint.Status.values:
            raise ValidationError({"status": [MSG_UNKNOWN_STATUS.format(value=status)]})
        queryset = queryset.filter(status=status)
    if filters.get("method"):
        queryset = queryset.filter(method=str(filters["method"]).upper())
    if filters.get("framework"):
        queryset = queryset.filter(framework=filters["framework"])
    if filters.get("conditional") is not None:
        unconditional = Q(conditions=[])
        queryset = queryset.exclude(unconditional) if filters["conditional"] else queryset.filter(unconditional)
    if filters.get("search"):
        term = filters["search"]
        queryset = queryset.filter(
            Q(path__icontains=term) | Q(summary__icontains=term) | Q(operation_id__icontains=term)
            | Q(handler__icontains=term)
        )
    return queryset.order_by("path", "method", "id")


def endpoint_get(*, project: Project, endpoint_id: int) -> Endpoint:
    """One endpoint of the project with its history (newest first); 404 for any other project's."""
    history = EndpointHistory.objects.order_by("-created_at", "-id")
    try:
        return Endpoint.objects.prefetch_related(Prefetch("history", queryset=history)).get(
            pk=endpoint_id, project=project
        )
    except Endpoint.DoesNotExist:
        raise Http404 from None


@dataclass(frozen=True)
class Drift:
    has_spec: bool
    has_code: bool
    undocumented: QuerySet[Endpoint]  # served (in code) but not in the spec
    unimplemented: QuerySet[Endpoint]  # in the spec but not found in code


def endpoint_drift(*, project: Project) -> Drift:
    """Where code and spec disagree. A side with no endpoint at all was never scanned (or is
    empty): nothing is compared against it, so e.g. a project without a spec does not report
    every route as undocumented."""
    active = Endpoint.objects.filter(project=project, status=Endpoint.Status.ACTIVE).order_by("path", "method", "id")
    has_spec = active.filter(in_spec=True).exists()
    has_code = active.filter(in_code=True).exists()
    return Drift(
        has_spec=has_spec,
        has_code=has_code,
        undocumented=active.filter(in_code=True, in_spec=False) if has_spec else active.none(),
        unimplemented=active.filter(in_spec=True, in_code=False) if has_code else active.none(),
    )


def scan_job_list(*, project: Project) -> QuerySet[ScanJob]:
    return ScanJob.objects.filter(project=project).order_by("-created_at", "-id")


def scan_job_get(*, project: Project, job_id: int) -> ScanJob:
    try:
        return ScanJob.objects.get(pk=job_id, project=project)
    except ScanJob.DoesNotExist:
        raise Http404 from None


def scan_job_latest(*, project: Project) -> ScanJob | None:
    return scan_job_list(project=project).first()
