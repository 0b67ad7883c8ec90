"""Every read of projects used by views and admin."""
from __future__ import annotations

import logging
from typing import Any

import django_filters
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from projects.models import Project

logger = logging.getLogger(__name__)

ORDERING_FIELDS = ("name", "created_at", "updated_at", "status")
STATS_KEY = "projects:stats:{project_id}:{version}"


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Project.Status.choices)
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    ordering = django_filters.OrderingFilter(fields=ORDERING_FIELDS)

    class Meta:
        model = Project
        fields = ["status"]


def project_list(*, owner: Any, filters: dict[str, Any] | None = None) -> QuerySet[Project]:
    """The owner's projects, filtered by ``status``, ``search`` (name) and ``ordering``."""
    queryset = Project.objects.filter(owner=owner).order_by("-created_at", "-id")
    filterset = ProjectFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError({field: list(messages) for field, messages in filterset.errors.items()})
    queryset = filterset.qs
    if not queryset.query.order_by or queryset.query.order_by == ("-created_at", "-id"):
        return queryset
    # A stable tie-breaker keeps pagination deterministic when the ordering field repeats.
    return queryset.order_by(*queryset.query.order_by, "-id")


def project_get(*, owner: Any, project_id: int) -> Project:
    """The owner's project; anyone else's (or a missing one) is a 404, never a 403."""
    try:
        return Project.objects.get(pk=project_id, owner=owner)
    except Project.DoesNotExist:
        raise Http404 from None


def project_for_webhook(*, project_id: str | None) -> Project | None:
    if not project_id or not str(project_id).isdigit():
        return None
    return Project.objects.filter(pk=int(project_id)).first()


# --- statistics ------------------------------------------------------------------------------

LAST_RUNS = 5


def stats_ttl() -> int:
    return int(getattr(settings, "TESTGEN_PROJECT_STATS_TTL", 300))


def compute_health(*, coverage: float | None, threshold: int, last_scan_status: str | None) -> str:
    """``error`` when the last scan failed, ``warning`` when coverage is below the threshold."""
    if last_scan_status == "failed":
        return Project.Health.ERROR
    if coverage is not None and coverage < threshold:
        return Project.Health.WARNING
    return Project.Health.OK


def _compute_stats(project_id: int) -> dict[str, Any]:
    # Imported here: those apps' models import projects.models, so a module-level import
    # would make the app registry order matter.
    from execution.models import TestRun
    from generation.models import TestCase
    from scanning.models import Endpoint, ScanJob

    approved = TestCase.objects.filter(endpoint_id=OuterRef("pk"), status=TestCase.Status.APPROVED)
    counts = Endpoint.objects.filter(project_id=project_id, status=Endpoint.Status.ACTIVE).aggregate(
        total=Count("pk"), covered=Count("pk", filter=Q(Exists(approved)))
    )
    endpoint_count, covered = counts["total"], counts["covered"]

    by_status: dict[str, int] = {}
    by_type: dict[str, int] = {}
    rows = (
        TestCase.objects.filter(project_id=project_id)
        .order_by()
        .values_list("status", "type")
        .annotate(n=Count("pk"))
    )
    for case_status, case_type, n in rows:
        by_status[case_status] = by_status.get(case_status, 0) + n
        by_type[case_type] = by_type.get(case_type, 0) + n

    last_runs = list(
        TestRun.objects.filter(project_id=project_id)
        .order_by("-created_at", "-id")
        .values("id", "public_id", "status", "total", "passed", "failed", "pass_rate", "created_at")[:LAST_RUNS]
    )

    last_scan = (
        ScanJob.objects.filter(project_id=project_id)
        .order_by("-created_at", "-id")
        .values("id", "status", "created_at", "finished_at", "error_message")
        .first()
    )

    return {
        "endpoint_count": endpoint_count,
        "covered_endpoint_count": covered,
        "coverage": round(100.0 * covered / endpoint_count, 2) if endpoint_count else None,
        "test_cases": {"total": sum(by_status.values()), "by_status": by_status, "by_type": by_type},
        "last_runs": last_runs,
        "last_scan": last_scan,
    }


def project_stats(*, project: Project) -> dict[str, Any]:
    """Endpoint count, test cases by status and type, coverage, the last runs and scan, health.

    A fixed number of queries (one per source table) when computed; none when served from the
    cache. The cache key carries a per-project version that services bump on commit
    (``projects.services.project_stats_invalidate``), so a read after a write is never stale.
    """
    from projects.services import project_stats_version

    try:
        key = STATS_KEY.format(project_id=project.pk, version=project_stats_version(project_id=project.pk))
        stats = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage must cost queries, not the page
        logger.warning("Project stats cache unavailable; computing without it", exc_info=True)
        return _with_health(project, _compute_stats(project.pk))
    if stats is None:
        stats = _compute_stats(project.pk)
        try:
            cache.set(key, stats, timeout=stats_ttl())
        except Exception:  # noqa: BLE001
            logger.warning("Project stats cache unavailable; result not stored", exc_info=True)
    return _with_health(project, stats)


def _with_health(project: Project, stats: dict[str, Any]) -> dict[str, Any]:
    last_scan = stats["last_scan"]
    # Health depends on the threshold, a project field, so it is derived per read, not cached.
    return {
        **stats,
        "health": compute_health(
            coverage=stats["coverage"],
            threshold=project.coverage_threshold,
            last_scan_status=last_scan["status"] if last_scan else None,
        ),
    }
