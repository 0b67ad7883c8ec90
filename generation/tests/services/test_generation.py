from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from generation import tasks
from generation.events import project_group
from generation.models import GenerationJob, ProviderCredential, TestCase
from generation.providers.config import resolve_provider_config
from generation.services import generation as services
from generation.services.generation import (
    MESSAGE_NO_ENDPOINTS,
    generation_job_create,
    generation_job_fail,
    generation_job_run,
    generation_jobs_expire_stuck,
    provider_credential_delete,
    provider_credential_set,
)
from generation.tests.builtin.contracts import CONTRACTS
from generation.tests.providers.fakes import (
    BAD_SPEC_ANSWER,
    GOOD_ANSWER,
    FakeAnthropic,
    FakeOpenAI,
    answer_by_instructions,
)
from generation.validators import MESSAGE_BASE_URL_SCHEME
from projects.tests.factories import ProjectFactory
from scanning.models import Endpoint
from scanning.tests.factories import EndpointFactory

pytestmark = pytest.mark.django_db

KEY = "sk-project-0123456789"


def add_endpoints(project, contracts=CONTRACTS) -> list[Endpoint]:
    return [
        EndpointFactory(
            project=project,
            **{
                k: v
                for k, v in c.items()
                if k
                in (
                    "method",
                    "path",
                    "parameters",
                    "request_body",
                    "responses",
                    "auth_required",
                    "summary",
                    "operation_id",
                )
            },
        )
        for c in contracts
    ]


def endpoint_of(project, method: str, path: str) -> Endpoint:
    return Endpoint.objects.get(project=project, method=method, path=path)


@pytest.fixture
def project():
    project = ProjectFactory()
    add_endpoints(project)
    return project


@pytest.fixture
def no_enqueue(monkeypatch):
    """Records enqueued job ids instead of sending them to the broker."""
    sent: list[int] = []
    monkeypatch.setattr(services, "_enqueue", sent.append)
    return sent


def create(project, **kwargs: Any) -> GenerationJob:
    return generation_job_create(project=project, requested_by=project.owner, **{"seed": 5, **kwargs})


def llm_job(
    project, provider: str, fake, *, sleeps: list[float] | None = None, **kwargs: Any
) -> GenerationJob:
    ProviderCredential.objects.create(
        project=project,
        provider=provider,
        api_key=KEY,
        base_url="https://llm.test/v1",
        model=f"{provider}-test-model",
    )
    job = create(project, provider=provider, **kwargs)
    return generation_job_run(
        job_id=job.pk, http_client=fake.client(), sleep=(sleeps if sleeps is not None else []).append
    )


def test_creating_a_job_returns_before_any_generation_happens(
    project, django_capture_on_commit_callbacks, no_enqueue
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = create(project)
    assert job.status == GenerationJob.Status.QUEUED and job.progress == 0
    assert TestCase.objects.count() == 0 and no_enqueue == [] and len(callbacks) == 1
    callbacks[0]()
    assert no_enqueue == [job.pk] and TestCase.objects.count() == 0


def test_the_enqueued_job_runs_on_commit(project, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(tasks.run_generation_job, "delay", lambda **kw: tasks.run_generation_job(**kw))
    with django_capture_on_commit_callbacks(execute=True):
        job = create(project)
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.SUCCEEDED and job.tests_created > 0


def test_a_builtin_job_creates_draft_tests_for_every_endpoint(project, no_enqueue):
    job = generation_job_run(job_id=create(project).pk)
    assert job.status == GenerationJob.Status.SUCCEEDED and job.progress == 100
    assert job.endpoints_done == job.endpoints_total == len(CONTRACTS)
    tests = TestCase.objects.filter(project=project)
    assert tests.count() == job.tests_created == sum(job.counts_by_type.values())
    assert set(tests.values_list("status", flat=True)) == {TestCase.Status.DRAFT}
    assert set(tests.values_list("generator_provider", "generator_model").distinct()) == {
        ("builtin", "schema-v1")
    }
    assert tests.values("endpoint").distinct().count() == len(CONTRACTS)
    assert job.usage == {"input_tokens": 0, "output_tokens": 0} and job.estimated_cost == Decimal("0")


def test_only_the_selected_endpoints_and_types_are_generated(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users")
    job = generation_job_run(job_id=create(project, endpoint_ids=[users.pk], test_types=["security"]).pk)
    assert job.endpoints_total == 1
    assert set(TestCase.objects.values_list("endpoint_id", "type").distinct()) == {(users.pk, "security")}


def test_a_rerun_creates_nothing_new(project, no_enqueue):
    first = generation_job_run(job_id=create(project).pk)
    again = generation_job_run(job_id=create(project).pk)
    assert again.tests_created == 0 and again.duplicates_skipped == first.tests_created
    assert TestCase.objects.count() == first.tests_created


def test_running_a_finished_job_again_does_nothing(project, no_enqueue):
    job = generation_job_run(job_id=create(project).pk)
    assert generation_job_run(job_id=job.pk).tests_created == job.tests_created
    assert TestCase.objects.count() == job.tests_created


def test_an_llm_job_adds_model_tests_to_the_builtin_ones(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users/{id}")
    fake = FakeOpenAI([GOOD_ANSWER])
    job = llm_job(project, "openai", fake, endpoint_ids=[users.pk], test_types=["negative", "performance"])
    assert job.status == GenerationJob.Status.SUCCEEDED
    from_model = TestCase.objects.filter(generator_provider="openai")
    assert sorted(from_model.values_list("title", "prompt_version", "generator_model")) == [
        ("Listing is fast under load", "performance.v1", "openai-test-model"),
        ("Unknown user id answers 404", "negative.v1", "openai-test-model"),
    ]
    assert TestCase.objects.filter(generator_provider="builtin").exists()
    # The model was shown the built-in tests, to add to them rather than repeat them.
    assert "[negative] GET /users/{id}: non-integer path parameter 'id' is rejected" in FakeOpenAI.user_text(
        fake.bodies[0]
    )
    assert str(fake.requests[0].url).startswith("https://llm.test/v1/chat/completions")
    assert job.usage == {"input_tokens": 1200, "output_tokens": 300}
    assert job.estimated_cost is None  # "openai-test-model" has no list price


def test_the_cost_is_recorded_for_priced_models(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users")
    ProviderCredential.objects.create(
        project=project, provider="anthropic", api_key=KEY, base_url="https://llm.test"
    )
    job = create(
        project,
        provider="anthropic",
        model="claude-sonnet-4-20250514",
        endpoint_ids=[users.pk],
        include_builtin=False,
    )
    job = generation_job_run(
        job_id=job.pk, http_client=FakeAnthropic([GOOD_ANSWER]).client(), sleep=lambda s: None
    )
    assert job.estimated_cost == Decimal("0.008100")


def test_duplicates_across_providers_are_dropped(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users")
    generation_job_run(job_id=create(project, endpoint_ids=[users.pk]).pk)
    builtin = TestCase.objects.filter(type="security").order_by("id").first()
    echo = {
        "tests": [
            {
                "title": "Same as a built-in test, renamed",
                "description": "",
                "type": "security",
                "spec": builtin.spec,
            }
        ]
    }
    job = llm_job(project, "llama", FakeOpenAI([echo]), endpoint_ids=[users.pk], include_builtin=False)
    assert job.tests_created == 0 and job.duplicates_skipped == 1
    assert not TestCase.objects.filter(title="Same as a built-in test, renamed").exists()


def test_one_endpoint_failing_is_recorded_and_the_others_go_on(project, no_enqueue):
    first, second = endpoint_of(project, "GET", "/search"), endpoint_of(project, "GET", "/users")
    # Endpoints run in path order: /search, then /users.
    fake = FakeAnthropic([BAD_SPEC_ANSWER, BAD_SPEC_ANSWER, GOOD_ANSWER])
    job = llm_job(project, "anthropic", fake, endpoint_ids=[first.pk, second.pk], include_builtin=False)
    assert job.status == GenerationJob.Status.PARTIAL and job.endpoints_done == 2
    (error,) = job.errors
    assert (error["endpoint_id"], error["path"], error["code"], error["permanent"]) == (
        first.pk,
        "/search",
        "invalid_answer",
        True,
    )
    assert set(TestCase.objects.values_list("endpoint_id", flat=True)) == {second.pk}
    assert job.input_tokens == 3 * 1200  # the rejected answers' tokens were spent too


def test_a_malformed_answer_is_never_saved(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users")
    job = llm_job(
        project,
        "openai",
        FakeOpenAI(["{not json", BAD_SPEC_ANSWER]),
        endpoint_ids=[users.pk],
        include_builtin=False,
    )
    assert job.status == GenerationJob.Status.FAILED and job.errors[0]["code"] == "invalid_answer"
    assert TestCase.objects.count() == 0


def test_a_persistent_server_error_is_reported_on_the_job(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users")
    sleeps: list[float] = []
    job = llm_job(
        project,
        "gemini",
        FakeOpenAI([500] * 4),
        sleeps=sleeps,
        endpoint_ids=[users.pk],
        include_builtin=False,
    )
    assert (
        job.status == GenerationJob.Status.FAILED
        and job.error_message == services.MESSAGE_ALL_ENDPOINTS_FAILED
    )
    assert job.errors[0]["code"] == "provider_unavailable" and job.errors[0]["permanent"] is False
    assert len(sleeps) == 3 and KEY not in str(job.errors)


def test_rate_limiting_within_a_job_is_retried(project, no_enqueue):
    users = endpoint_of(project, "GET", "/users")
    sleeps: list[float] = []
    job = llm_job(
        project,
        "openai",
        FakeOpenAI([429, GOOD_ANSWER]),
        sleeps=sleeps,
        endpoint_ids=[users.pk],
        include_builtin=False,
    )
    assert job.status == GenerationJob.Status.SUCCEEDED and job.tests_created == 2 and len(sleeps) == 1


def test_user_instructions_change_the_generated_tests(project, no_enqueue):
    """Property 12, through the job: the fake model answers by the instructions it receives."""
    users = endpoint_of(project, "GET", "/users")
    steered = {
        "tests": [
            {
                "title": "Deleted users stay hidden",
                "description": "Soft-deleted users must 404.",
                "type": "negative",
                "spec": {
                    "steps": [
                        {
                            "request": {"method": "GET", "path": "/users/{id}", "path_params": {"id": 13}},
                            "assertions": [{"type": "status", "expected": 404}],
                        }
                    ]
                },
            }
        ]
    }
    fake = FakeOpenAI([answer_by_instructions({"soft-deleted": steered}, GOOD_ANSWER)] * 2)
    ProviderCredential.objects.create(project=project, provider="openai", api_key=KEY)
    for instructions in ("", "Check that soft-deleted users never show up."):
        job = create(
            project,
            provider="openai",
            endpoint_ids=[users.pk],
            include_builtin=False,
            instructions=instructions,
        )
        generation_job_run(job_id=job.pk, http_client=fake.client())
    titles = set(TestCase.objects.values_list("title", flat=True))
    assert titles == {
        "Unknown user id answers 404",
        "Listing is fast under load",
        "Deleted users stay hidden",
    }


def test_the_token_budget_stops_model_calls_for_later_endpoints(project, no_enqueue):
    first, second = endpoint_of(project, "GET", "/search"), endpoint_of(project, "GET", "/users")
    fake = FakeOpenAI([GOOD_ANSWER], usage=(1500, 200))
    job = llm_job(
        project, "openai", fake, endpoint_ids=[first.pk, second.pk], include_builtin=False, token_budget=2000
    )
    assert len(fake.requests) == 1 and job.status == GenerationJob.Status.PARTIAL
    assert job.errors[0]["path"] == "/users" and job.errors[0]["code"] == "token_budget_exhausted"


def receive(layer, channel: str, count: int) -> list[dict[str, Any]]:
    # One event loop for all receives: with channels_redis, one loop per receive call handed
    # back the first message three times.
    async def collect() -> list[dict[str, Any]]:
        return [await asyncio.wait_for(layer.receive(channel), timeout=5) for _ in range(count)]

    return async_to_sync(collect)()


def test_progress_events_are_published_to_the_project_group(
    project, no_enqueue, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(project_group(project.pk), channel)
    users = endpoint_of(project, "GET", "/users")
    job = create(project, endpoint_ids=[users.pk])
    with django_capture_on_commit_callbacks(execute=True):
        job = generation_job_run(job_id=job.pk)
    events = [message["event"] for message in receive(layer, channel, 3)]
    assert [e["type"] for e in events] == [
        "generation.started",
        "generation.progress",
        "generation.completed",
    ]
    assert (
        events[-1]["object"] == {"kind": "generation", "id": job.pk}
        and events[-1]["project_id"] == project.pk
    )
    assert events[-1]["payload"]["tests_created"] == job.tests_created


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"endpoint_ids": [999_999]}, "endpoint_ids"),
        ({"test_types": ["smoke"]}, "test_types"),
        ({"test_types": []}, "test_types"),
        ({"provider": "openai"}, "provider"),
        ({"provider": "mystery"}, "provider"),
        ({"instructions": "x" * 4001}, "instructions"),
        ({"max_tests_per_endpoint": 0}, "max_tests_per_endpoint"),
    ],
)
def test_invalid_requests_are_refused_with_the_field_named(project, kwargs, field, no_enqueue, monkeypatch):
    monkeypatch.delenv("TESTGEN_OPENAI_API_KEY", raising=False)
    with pytest.raises(ValidationError) as caught:
        create(project, **kwargs)
    assert field in caught.value.message_dict and not GenerationJob.objects.exists()


def test_another_projects_endpoints_cannot_be_selected(project, no_enqueue):
    stranger = add_endpoints(ProjectFactory(), CONTRACTS[:1])[0]
    with pytest.raises(ValidationError) as caught:
        create(project, endpoint_ids=[stranger.pk])
    assert str(stranger.pk) in caught.value.message_dict["endpoint_ids"][0]


def test_a_project_without_endpoints_cannot_generate(no_enqueue):
    with pytest.raises(ValidationError) as caught:
        create(ProjectFactory())
    assert caught.value.message_dict["endpoint_ids"] == [MESSAGE_NO_ENDPOINTS]


def test_a_server_wide_key_from_the_environment_is_enough(project, no_enqueue, monkeypatch):
    monkeypatch.setenv("TESTGEN_ANTHROPIC_API_KEY", "sk-ant-from-env-0123")
    job = create(project, provider="anthropic")
    assert job.token_budget == 200_000 and job.model == "claude-3-5-haiku-latest"


def test_the_seed_is_drawn_and_recorded_when_not_given(project, no_enqueue):
    job = generation_job_create(project=project)
    assert 0 <= job.seed < 2**31


def test_project_credentials_are_stored_encrypted_and_keep_the_key_on_update(project):
    provider_credential_set(project=project, provider="openai", api_key=KEY, model="gpt-4o")
    credential, created = provider_credential_set(project=project, provider="openai", model="gpt-4.1")
    credential.refresh_from_db()
    assert not created
    assert credential.api_key == KEY and credential.model == "gpt-4.1"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM generation_providercredential WHERE id = %s", [credential.pk])
        assert KEY not in cursor.fetchone()[0]


def test_a_first_credential_is_created_and_an_empty_key_removes_the_stored_one(project):
    credential, created = provider_credential_set(project=project, provider="gemini", api_key=KEY)
    assert created and credential.api_key == KEY
    credential, created = provider_credential_set(project=project, provider="gemini", api_key="")
    assert not created and ProviderCredential.objects.get().api_key == ""


def test_credentials_refuse_unknown_providers_and_non_http_base_urls(project):
    with pytest.raises(ValidationError) as caught:
        provider_credential_set(project=project, provider="builtin", base_url="ftp://llm.example.com")
    assert caught.value.message_dict["base_url"] == [MESSAGE_BASE_URL_SCHEME]
    assert "builtin" in caught.value.message_dict["provider"][0]
    assert not ProviderCredential.objects.exists()


def run_one_endpoint(project, provider: str, fake) -> GenerationJob:
    users = endpoint_of(project, "GET", "/users")
    job = create(project, provider=provider, endpoint_ids=[users.pk], include_builtin=False)
    return generation_job_run(job_id=job.pk, http_client=fake.client(), sleep=[].append)


def test_a_base_url_saved_while_private_targets_were_allowed_is_refused_at_use_once_they_are_not(
    project, no_enqueue, settings, fake_dns
):
    provider_credential_set(project=project, provider="llama", api_key=KEY, base_url="http://ollama:11434/v1")
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
    fake_dns.answers["ollama"] = ["172.18.0.4"]
    fake = FakeOpenAI([GOOD_ANSWER])
    job = run_one_endpoint(project, "llama", fake)
    assert fake.requests == [] and job.status == GenerationJob.Status.FAILED
    [error] = job.errors
    assert (error["code"], error["permanent"]) == ("base_url_refused", True)
    assert "resolves to 172.18.0.4, a private address" in error["message"] and KEY not in str(job.errors)


def test_a_host_that_resolves_privately_after_it_was_saved_is_refused_at_use(
    project, no_enqueue, private_targets_refused, fake_dns
):
    fake_dns.answers["llm.example.com"] = ["93.184.215.14"]
    provider_credential_set(
        project=project, provider="openai", api_key=KEY, base_url="https://llm.example.com/v1"
    )
    fake_dns.answers["llm.example.com"] = ["127.0.0.1"]
    fake = FakeOpenAI([GOOD_ANSWER])
    job = run_one_endpoint(project, "openai", fake)
    assert fake.requests == [] and job.status == GenerationJob.Status.FAILED
    assert (job.errors[0]["code"], job.errors[0]["permanent"]) == ("base_url_refused", True)
    assert "127.0.0.1, a loopback address" in job.errors[0]["message"]


def test_the_server_wide_base_url_is_not_checked(
    project, no_enqueue, private_targets_refused, fake_dns, monkeypatch
):
    monkeypatch.setenv("TESTGEN_OPENAI_BASE_URL", "http://10.0.0.9/v1")
    provider_credential_set(project=project, provider="openai", api_key=KEY)  # no base URL of its own
    fake = FakeOpenAI([GOOD_ANSWER])
    job = run_one_endpoint(project, "openai", fake)
    assert job.status == GenerationJob.Status.SUCCEEDED and fake_dns.lookups == []
    assert str(fake.requests[0].url) == "http://10.0.0.9/v1/chat/completions"


def test_deleting_a_credential_hands_the_provider_back_to_the_server_settings(project, monkeypatch):
    monkeypatch.setenv("TESTGEN_OPENAI_API_KEY", "sk-server-0123456789")
    credential, _ = provider_credential_set(project=project, provider="openai", api_key=KEY)
    provider_credential_delete(credential=credential)
    assert not ProviderCredential.objects.exists()
    config = resolve_provider_config(provider="openai", project=project)
    assert (config.api_key, config.source) == ("sk-server-0123456789", "settings")


def test_failure_is_recorded_once_and_finished_jobs_are_left_alone(project, no_enqueue):
    job = generation_job_fail(job_id=create(project).pk, message="boom with sk-secret-0123456789abc")
    assert job.status == GenerationJob.Status.FAILED and "sk-secret" not in job.error_message
    done = generation_job_run(job_id=create(project).pk)
    assert generation_job_fail(job_id=done.pk, message="late").status == GenerationJob.Status.SUCCEEDED


def test_the_task_records_a_failure_that_escaped(project, no_enqueue):
    job = create(project)
    tasks.run_generation_job.on_failure(RuntimeError("bug"), "task-id", (), {"job_id": job.pk}, None)
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.FAILED and job.error_message == services.MESSAGE_INTERNAL


def test_the_task_retries_with_backoff_when_the_database_goes_away(project, no_enqueue, monkeypatch):
    from celery.exceptions import Retry

    def unavailable(*, job_id: int) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    retried: list[int] = []

    def retry(*, exc: BaseException, countdown: int) -> Retry:
        retried.append(countdown)
        return Retry(exc=exc)

    monkeypatch.setattr(tasks.services, "generation_job_run", unavailable)
    monkeypatch.setattr(tasks.run_generation_job, "retry", retry)
    with pytest.raises(Retry):
        tasks.run_generation_job(job_id=create(project).pk)
    assert retried == [30]


def test_stuck_jobs_are_failed(project, no_enqueue):
    job = create(project)
    GenerationJob.objects.filter(pk=job.pk).update(
        status="running", updated_at=timezone.now() - timedelta(hours=3)
    )
    assert generation_jobs_expire_stuck() == 1
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.FAILED and job.error_message == services.MESSAGE_STUCK


@pytest.mark.celery_worker
def test_a_real_worker_runs_a_queued_job_end_to_end(celery_worker):
    """The queue path as production runs it: service → on_commit → broker → worker → service."""
    import time

    project = ProjectFactory()
    add_endpoints(project, CONTRACTS[:2])
    job = generation_job_create(project=project, seed=1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert (job.status, job.error_message) == (GenerationJob.Status.SUCCEEDED, "")
    assert TestCase.objects.filter(project=project).count() == job.tests_created > 0
