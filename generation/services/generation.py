"""Generation jobs: create (validate and enqueue), run endpoint by endpoint, record failure.

A job asks one provider for tests for some of a project's endpoints. `generation_job_create`
only validates and enqueues: no generation happens in the request. `generation_job_run`
(called by the Celery task) takes the endpoints one at a time, saves progress after each,
records an endpoint's failure on the job and goes on with the rest. Tests are created only
through `test_case_create_many`, so they start as drafts and duplicates (same fingerprint,
whichever provider or rerun made them) are dropped.

A project's `ProviderCredential` (key, base URL, model for one provider) is written here too:
`generation.providers.config` prefers it to the server-wide settings.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from generation.builtin import TEST_TYPES, EndpointContract
from generation.events import (
    GENERATION_COMPLETED,
    GENERATION_FAILED,
    GENERATION_PROGRESS,
    GENERATION_STARTED,
    publish_generation_event,
)
from generation.models import GenerationJob, ProviderCredential, TestCase
from generation.providers.base import GenerationProvider, ProviderError, ProviderResult, TokenBudget
from generation.providers.builtin import BUILTIN_MODEL, BuiltinProvider
from generation.providers.config import default_token_budget, resolve_provider_config
from generation.providers.llm import LLMProvider
from generation.providers.registry import DEFAULT_PROVIDER, PROVIDERS, build_provider, configuration_problem
from generation.services.test_cases import test_case_create_many
from generation.validators import validate_base_url_address
from projects.models import Project
from scanning.models import Endpoint
from testgen.api.scrub import scrub

logger = logging.getLogger(__name__)

MESSAGE_ARCHIVED_PROJECT = "An archived project cannot generate tests."
MESSAGE_NO_ENDPOINTS = "The project has no active endpoints to generate tests for; scan it first."
MESSAGE_UNKNOWN_ENDPOINTS = "These ids are not active endpoints of this project: {ids}."
MESSAGE_UNKNOWN_TEST_TYPES = "Unknown test types: {types}. Choose from {choices}."
MESSAGE_NO_TEST_TYPES = "Choose at least one test type."
MESSAGE_UNKNOWN_PROVIDER = "Unknown provider {name!r}. Choose from {choices}."
MESSAGE_INSTRUCTIONS_TOO_LONG = "Instructions are limited to {limit} characters."
MESSAGE_INTERNAL = "Generation stopped on an internal error; the tests created so far are kept."
MESSAGE_STUCK = "Generation did not finish in time and was stopped; the tests created so far are kept."
MESSAGE_ALL_ENDPOINTS_FAILED = "Generation failed for every endpoint; see the errors per endpoint."
MESSAGE_UNKNOWN_CREDENTIAL_PROVIDER = "Unknown provider {name!r}. Choose from {choices}."
MAX_INSTRUCTIONS = 4000
MAX_EXISTING_FOR_PROMPT = 120
DEFAULT_STUCK_AFTER = timedelta(hours=2)


def _enqueue(job_id: int) -> None:
    from generation.tasks import run_generation_job

    run_generation_job.delay(job_id=job_id)


def _active_endpoints(project: Project):
    return Endpoint.objects.filter(project=project, status=Endpoint.Status.ACTIVE).order_by(
        "path", "method", "id"
    )


@transaction.atomic
def generation_job_create(
    *,
    project: Project,
    requested_by: Any = None,
    endpoint_ids: Sequence[int] | None = None,
    test_types: Sequence[str] | None = None,
    provider: str = DEFAULT_PROVIDER,
    model: str = "",
    max_tests_per_endpoint: int = 20,
    instructions: str = "",
    seed: int | None = None,
    include_builtin: bool = True,
    token_budget: int | None = None,
) -> GenerationJob:
    """Validate a generation request and queue it; the job runs after the transaction commits.

    `endpoint_ids` None means every active endpoint; `test_types` None means every type;
    `seed` None draws one (recorded on the job, so a run can be reproduced); `token_budget`
    None takes TESTGEN_GENERATION_TOKEN_BUDGET for language-model providers. Raises
    ValidationError keyed by field.
    """
    errors: dict[str, list[str]] = {}
    if project.is_archived:
        raise ValidationError({"project": [MESSAGE_ARCHIVED_PROJECT]})
    types = list(dict.fromkeys(test_types)) if test_types is not None else list(TEST_TYPES)
    unknown_types = [t for t in types if t not in TestCase.Type.values]
    if unknown_types:
        errors["test_types"] = [
            MESSAGE_UNKNOWN_TEST_TYPES.format(
                types=", ".join(map(str, unknown_types)), choices=", ".join(TestCase.Type.values)
            )
        ]
    elif not types:
        errors["test_types"] = [MESSAGE_NO_TEST_TYPES]
    if provider not in PROVIDERS:
        errors["provider"] = [MESSAGE_UNKNOWN_PROVIDER.format(name=provider, choices=", ".join(PROVIDERS))]
    else:
        problem = configuration_problem(
            resolve_provider_config(provider=provider, project=project, model=model)
        )
        if problem:
            errors["provider"] = [problem]
    if len(instructions) > MAX_INSTRUCTIONS:
        errors["instructions"] = [MESSAGE_INSTRUCTIONS_TOO_LONG.format(limit=MAX_INSTRUCTIONS)]
    active = _active_endpoints(project)
    if endpoint_ids is not None:
        wanted = list(dict.fromkeys(int(i) for i in endpoint_ids))
        found = set(active.filter(pk__in=wanted).values_list("pk", flat=True))
        missing = [i for i in wanted if i not in found]
        if missing:
            errors["endpoint_ids"] = [MESSAGE_UNKNOWN_ENDPOINTS.format(ids=", ".join(map(str, missing)))]
        elif not wanted:
            errors["endpoint_ids"] = [MESSAGE_NO_ENDPOINTS]
        endpoint_ids = wanted
    elif not active.exists():
        errors["endpoint_ids"] = [MESSAGE_NO_ENDPOINTS]
    if errors:
        raise ValidationError(errors)

    is_llm = provider != BuiltinProvider.name
    if is_llm and not model:
        # Record the model the job will use, so the job says what it ran even if the
        # project's or server's default changes later.
        model = resolve_provider_config(provider=provider, project=project).model
    job = GenerationJob(
        project=project,
        requested_by=requested_by,
        endpoint_ids=list(endpoint_ids) if endpoint_ids is not None else None,
        test_types=[t for t in TEST_TYPES if t in types],
        provider=provider,
        model=model if is_llm else BUILTIN_MODEL,
        include_builtin=include_builtin if is_llm else False,
        max_tests_per_endpoint=max_tests_per_endpoint,
        instructions=instructions,
        seed=seed if seed is not None else secrets.randbelow(2**31),
        token_budget=(token_budget if token_budget is not None else default_token_budget())
        if is_llm
        else None,
        estimated_cost=Decimal("0"),
    )
    job.full_clean(exclude=["project", "requested_by"])
    job.save()
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def generation_job_run(
    *,
    job_id: int,
    http_client: Any = None,
    sleep: Callable[[float], None] = time.sleep,
) -> GenerationJob:
    """Generate tests for the job's endpoints, one at a time, saving progress after each.

    Idempotent for finished jobs. A redelivered job (worker lost mid-run) starts over; the
    fingerprint dedupe keeps it from creating the same tests twice. `http_client` and `sleep`
    reach the language-model SDKs (tests point them at local fakes).
    """
    with transaction.atomic():
        # `of=self`: PostgreSQL cannot lock the nullable side of the requested_by outer join.
        job = (
            GenerationJob.objects.select_for_update(of=("self",))
            .select_related("project", "requested_by")
            .get(pk=job_id)
        )
        if job.is_finished:
            return job
        endpoints = list(_active_endpoints(job.project))
        if job.endpoint_ids is not None:
            endpoints = [e for e in endpoints if e.pk in set(job.endpoint_ids)]
        job.status = GenerationJob.Status.RUNNING
        job.started_at = timezone.now()
        job.endpoints_total = len(endpoints)
        job.endpoints_done = 0
        job.progress = 0
        job.errors = []
        job.save(
            update_fields=[
                "status",
                "started_at",
                "endpoints_total",
                "endpoints_done",
                "progress",
                "errors",
                "updated_at",
            ]
        )
        publish_generation_event(job, GENERATION_STARTED)

    related = [EndpointContract.of(e) for e in _active_endpoints(job.project)]
    try:
        provider = build_provider(
            resolve_provider_config(provider=job.provider, project=job.project, model=job.model),
            http_client=http_client,
            sleep=sleep,
        )
    except ProviderError as exc:
        return generation_job_fail(job_id=job.pk, message=exc.message)
    builtin = BuiltinProvider() if job.include_builtin and not isinstance(provider, BuiltinProvider) else None
    budget = TokenBudget(job.token_budget, used=job.input_tokens + job.output_tokens)

    failed_endpoints = 0
    for index, endpoint in enumerate(endpoints, start=1):
        ok = _run_endpoint(job, endpoint, provider=provider, builtin=builtin, related=related, budget=budget)
        failed_endpoints += 0 if ok else 1
        job.endpoints_done = index
        job.progress = int(100 * index / len(endpoints))
        job.save(update_fields=["endpoints_done", "progress", "errors", "updated_at"])
        publish_generation_event(job, GENERATION_PROGRESS)

    with transaction.atomic():
        if endpoints and failed_endpoints == len(endpoints):
            job.status = GenerationJob.Status.FAILED
            job.error_message = MESSAGE_ALL_ENDPOINTS_FAILED
        else:
            job.status = GenerationJob.Status.PARTIAL if failed_endpoints else GenerationJob.Status.SUCCEEDED
        job.progress = 100
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error_message", "progress", "finished_at", "updated_at"])
        publish_generation_event(
            job, GENERATION_FAILED if job.status == GenerationJob.Status.FAILED else GENERATION_COMPLETED
        )
    return job


def _existing_drafts(job: GenerationJob, endpoint: Endpoint) -> list[dict[str, Any]]:
    live = (
        TestCase.objects.filter(project=job.project, endpoint=endpoint)
        .exclude(status=TestCase.Status.ARCHIVED)
        .order_by("id")
    )
    return list(live.values("title", "type", "spec")[:MAX_EXISTING_FOR_PROMPT])


def _run_endpoint(
    job: GenerationJob,
    endpoint: Endpoint,
    *,
    provider: GenerationProvider,
    builtin: BuiltinProvider | None,
    related: list[EndpointContract],
    budget: TokenBudget,
) -> bool:
    """Generate and save tests for one endpoint; False (with the error recorded) on failure."""
    contract = EndpointContract.of(endpoint)
    options = {
        "test_types": job.test_types,
        "instructions": job.instructions,
        "max_tests": job.max_tests_per_endpoint,
        "related": related,
        "seed": job.seed,
    }
    current = provider
    try:
        existing = _existing_drafts(job, endpoint)
        if builtin is not None:
            current = builtin
            result = builtin.generate(contract, existing=existing, **options)
            _save(job, endpoint, builtin, result)
            existing = existing + result.drafts
            current = provider
        result = provider.generate(contract, existing=existing, budget=budget, **options)
        _save(job, endpoint, provider, result)
        for problem in result.rejected[:5]:
            _record_error(
                job,
                endpoint,
                provider.name,
                "invalid_draft_dropped",
                f"A generated test failed validation and was dropped: {problem}",
                permanent=True,
            )
        return True
    except ProviderError as exc:
        usage = getattr(exc, "usage", None)
        if usage is not None and usage.total:
            cost = current.cost(usage) if isinstance(current, LLMProvider) else Decimal("0")
            _charge(job, ProviderResult(drafts=[], usage=usage, cost_estimate=cost))
            job.save(update_fields=["input_tokens", "output_tokens", "estimated_cost", "updated_at"])
        _record_error(job, endpoint, current.name, exc.code, exc.message, permanent=exc.permanent)
        return False
    except ValidationError as exc:
        # Drafts are validated before they get here; this is a defect, kept off the other endpoints.
        logger.exception("Generated drafts were refused for endpoint %s of job %s", endpoint.pk, job.pk)
        _record_error(
            job, endpoint, current.name, "drafts_refused", "; ".join(exc.messages)[:500], permanent=True
        )
        return False


def _charge(job: GenerationJob, result: ProviderResult) -> None:
    job.input_tokens += result.usage.input_tokens
    job.output_tokens += result.usage.output_tokens
    if job.estimated_cost is not None:
        # One unpriced call makes the total unknown rather than understated.
        job.estimated_cost = (
            None if result.cost_estimate is None else job.estimated_cost + result.cost_estimate
        )


@transaction.atomic
def _save(
    job: GenerationJob, endpoint: Endpoint, provider: GenerationProvider, result: ProviderResult
) -> None:
    by_version: dict[str, list[dict[str, Any]]] = {}
    for draft in result.drafts:
        by_version.setdefault(result.prompt_versions.get(draft["type"], ""), []).append(draft)
    created_total = 0
    for prompt_version, drafts in by_version.items():
        created = test_case_create_many(
            project=job.project,
            endpoint=endpoint,
            drafts=drafts,
            created_by=job.requested_by,
            generator={"provider": provider.name, "model": result.model, "prompt_version": prompt_version},
        )
        created_total += len(created)
        for test_case in created:
            job.counts_by_type[test_case.type] = job.counts_by_type.get(test_case.type, 0) + 1
    job.tests_created += created_total
    job.duplicates_skipped += len(result.drafts) - created_total
    _charge(job, result)
    job.save(
        update_fields=[
            "tests_created",
            "duplicates_skipped",
            "counts_by_type",
            "input_tokens",
            "output_tokens",
            "estimated_cost",
            "updated_at",
        ]
    )


def _record_error(
    job: GenerationJob, endpoint: Endpoint, provider: str, code: str, message: str, *, permanent: bool
) -> None:
    job.errors = [
        *job.errors,
        {
            "endpoint_id": endpoint.pk,
            "method": endpoint.method,
            "path": endpoint.path,
            "provider": provider,
            "code": code,
            "message": scrub(message)[:1000],
            "permanent": permanent,
        },
    ]


@transaction.atomic
def generation_job_fail(*, job_id: int, message: str) -> GenerationJob:
    """Record that a job stopped for good; a finished job is left as it is."""
    job = GenerationJob.objects.select_for_update().get(pk=job_id)
    if job.is_finished:
        return job
    job.status = GenerationJob.Status.FAILED
    job.error_message = scrub(message)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error_message", "finished_at", "updated_at"])
    publish_generation_event(job, GENERATION_FAILED)
    return job


def generation_jobs_expire_stuck(*, older_than: timedelta = DEFAULT_STUCK_AFTER) -> int:
    """Fail jobs queued or running for longer than `older_than` (a lost worker, a lost message)."""
    cutoff = timezone.now() - older_than
    stuck = GenerationJob.objects.filter(
        status__in=[GenerationJob.Status.QUEUED, GenerationJob.Status.RUNNING], updated_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for job_id in list(stuck):
        generation_job_fail(job_id=job_id, message=MESSAGE_STUCK)
        count += 1
    return count


def provider_credential_set(
    *, project: Project, provider: str, api_key: str | None = None, base_url: str = "", model: str = ""
) -> tuple[ProviderCredential, bool]:
    """Create or update the project's credential for `provider`; (credential, created).

    `api_key` None keeps the stored key (none, for a new credential) and "" removes it, so the
    server's TESTGEN_<PROVIDER>_API_KEY applies again; `base_url` and `model` are replaced, blank
    meaning the server's or the built-in default. `base_url` must be an http(s) URL with a host
    (`generation.validators`) and, unless the server allows private targets, resolve to public
    addresses only. Raises ValidationError keyed by field.
    """
    errors: dict[str, list[str]] = {}
    if provider not in ProviderCredential.Provider.values:
        choices = ", ".join(ProviderCredential.Provider.values)
        errors["provider"] = [MESSAGE_UNKNOWN_CREDENTIAL_PROVIDER.format(name=provider, choices=choices)]
    try:
        ProviderCredential._meta.get_field("base_url").run_validators(base_url)
    except ValidationError as exc:
        errors["base_url"] = exc.messages
    if errors:
        raise ValidationError(errors)
    try:
        validate_base_url_address(base_url)
    except ValidationError as exc:
        raise ValidationError({"base_url": exc.messages}) from None
    # The transaction starts only now: a DNS lookup can take seconds and must not hold the lock.
    with transaction.atomic():
        # Locking the project serializes writers, so two first PUTs cannot both insert.
        list(Project.objects.select_for_update().filter(pk=project.pk).values_list("pk", flat=True))
        credential = ProviderCredential.objects.filter(project=project, provider=provider).first()
        created = credential is None
        credential = credential or ProviderCredential(project=project, provider=provider)
        if api_key is not None:
            credential.api_key = api_key
        credential.base_url = base_url
        credential.model = model
        credential.full_clean(exclude=["project"], validate_unique=False)
        credential.save()
    return credential, created


@transaction.atomic
def provider_credential_delete(*, credential: ProviderCredential) -> None:
    """Forget the project's key, base URL and model for this provider; the server's apply again."""
    credential.delete()
