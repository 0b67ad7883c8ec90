"""Every read used by the generation views and the admin: test cases, jobs, provider credentials."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from generation.models import GenerationJob, ProviderCredential, TestCase
from generation.models.test_cases import parse_public_id
from projects.models import Project
from projects.selectors import project_get

# `?ordering=` values and what they sort by; `-id` breaks ties so pages never overlap.
ORDERINGS: dict[str, tuple[str, ...]] = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
    "status": ("status", "id"),
    "-status": ("-status", "-id"),
    "type": ("type", "id"),
    "-type": ("-type", "-id"),
    # By risk, not alphabetically: `-priority` puts critical first.
    "priority": ("priority_rank", "id"),
    "-priority": ("-priority_rank", "-id"),
    "id": ("id",),
    "-id": ("-id",),
}
DEFAULT_ORDERING = "-created_at"


def priority_rank() -> Case:
    return Case(
        *(When(priority=priority, then=Value(rank)) for priority, rank in TestCase.PRIORITY_RANK.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def project_for_user(*, user: Any, project_id: int) -> Project:
    """The user's own project; anyone else's is a 404."""
    return project_get(owner=user, project_id=project_id)


def test_case_search_q(text: str) -> Q:
    """Title or description containing `text`, or the test whose public id it is."""
    condition = Q(title__icontains=text) | Q(description__icontains=text)
    pk = parse_public_id(text)
    if pk is not None:
        condition |= Q(pk=pk)
    return condition


def test_case_list(*, project: Project, filters: dict[str, Any] | None = None) -> QuerySet[TestCase]:
    """A project's test cases, filtered and ordered.

    `filters` (all optional): `status`, `priority`, `type` (lists; any of), `endpoint` (id),
    `generator` (provider name), `search` (title/description substring or a TC- id) and
    `ordering` (a key of ORDERINGS).
    """
    filters = filters or {}
    queryset = TestCase.objects.filter(project=project).select_related("endpoint")
    for field in ("status", "priority", "type"):
        if filters.get(field):
            queryset = queryset.filter(**{f"{field}__in": filters[field]})
    if filters.get("endpoint") is not None:
        queryset = queryset.filter(endpoint_id=filters["endpoint"])
    if filters.get("generator"):
        queryset = queryset.filter(generator_provider=filters["generator"])
    if filters.get("search"):
        queryset = queryset.filter(test_case_search_q(filters["search"]))
    ordering = ORDERINGS[filters.get("ordering") or DEFAULT_ORDERING]
    if any(key.lstrip("-") == "priority_rank" for key in ordering):
        queryset = queryset.annotate(priority_rank=priority_rank())
    return queryset.order_by(*ordering)


def test_case_get(*, project: Project, public_id: str) -> TestCase:
    """One test case of the project by its TC- id, with its version history; else 404."""
    pk = parse_public_id(public_id)
    if pk is None:
        raise Http404("No such test case.")
    queryset = (
        TestCase.objects.filter(project=project, pk=pk)
        .select_related("project", "endpoint")
        .prefetch_related("versions")
    )
    test_case = queryset.first()
    if test_case is None:
        raise Http404("No such test case.")
    return test_case


def test_cases_for_export(*, project: Project) -> QuerySet[TestCase]:
    """The approved suite, in id order, ready for code export."""
    return (
        TestCase.objects.filter(project=project, status=TestCase.Status.APPROVED)
        .select_related("project", "endpoint")
        .order_by("id")
    )


def generation_job_get(*, project: Project, job_id: int) -> GenerationJob:
    """The project's job; a job of another project (or none) is a 404."""
    try:
        return GenerationJob.objects.select_related("project").get(pk=job_id, project=project)
    except GenerationJob.DoesNotExist:
        raise Http404 from None


def provider_credential_list(*, project: Project) -> QuerySet[ProviderCredential]:
    """The project's stored provider credentials, by provider name."""
    return ProviderCredential.objects.filter(project=project).select_related("project").order_by("provider")


def provider_credential_get(*, project: Project, provider: str) -> ProviderCredential:
    """The project's credential for `provider`; none stored is a 404."""
    credential = provider_credential_list(project=project).filter(provider=provider).first()
    if credential is None:
        raise Http404("No credential is stored for this provider.")
    return credential
