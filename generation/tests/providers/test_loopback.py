"""The production path without injected transports: the SDKs' own HTTP clients, a base URL
from the project's credential, and a fake provider listening on a loopback port."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from generation.models import GenerationJob, ProviderCredential, TestCase
from generation.providers.config import resolve_provider_config
from generation.services import generation as services
from generation.services.generation import provider_credential_set
from generation.tests.builtin.contracts import CONTRACTS
from generation.tests.providers.fakes import GOOD_ANSWER, FakeAnthropic, FakeOpenAI
from generation.tests.services.test_generation import add_endpoints
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


class LoopbackProvider:
    """A threaded HTTP server answering every POST with `fake`'s wire format, or with a 307 to
    the same path under `redirect_to`."""

    def __init__(self, fake: FakeOpenAI | FakeAnthropic, *, redirect_to: str = "") -> None:
        self.fake = fake
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.paths.append(self.path)
                outer.headers.append({k.lower(): v for k, v in self.headers.items()})
                if redirect_to:
                    self.send_response(307)
                    self.send_header("Location", redirect_to + self.path)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                payload = json.dumps(outer.fake.answer(body, GOOD_ANSWER)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> LoopbackProvider:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def project(no_enqueue):
    project = ProjectFactory()
    add_endpoints(project, CONTRACTS[1:2])  # GET /users
    return project


@pytest.fixture
def no_enqueue(monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda job_id: None)


@pytest.mark.parametrize(
    "provider, fake, base_suffix, path",
    [
        ("llama", FakeOpenAI, "/v1", "/v1/chat/completions"),
        ("anthropic", FakeAnthropic, "", "/v1/messages"),
    ],
)
def test_a_job_reaches_the_provider_at_the_projects_base_url(project, provider, fake, base_suffix, path):
    with LoopbackProvider(fake([])) as server:
        ProviderCredential.objects.create(
            project=project,
            provider=provider,
            api_key="sk-loop-0123456789",
            base_url=server.url + base_suffix,
            model="local-model",
        )
        job = services.generation_job_create(
            project=project, provider=provider, include_builtin=False, seed=1
        )
        job = services.generation_job_run(job_id=job.pk)
    assert job.status == GenerationJob.Status.SUCCEEDED and job.tests_created == 2
    assert server.paths == [path]
    assert "sk-loop-0123456789" in (
        server.headers[0].get("x-api-key", "") + server.headers[0].get("authorization", "")
    )
    assert set(TestCase.objects.values_list("generator_model", flat=True)) == {"local-model"}


def test_the_projects_credential_overrides_the_environment(project, monkeypatch):
    monkeypatch.setenv("TESTGEN_OPENAI_API_KEY", "sk-env-0123456789")
    monkeypatch.setenv("TESTGEN_OPENAI_MODEL", "gpt-4o")
    assert resolve_provider_config(provider="openai", project=project).model == "gpt-4o"
    ProviderCredential.objects.create(project=project, provider="openai", model="gpt-4.1-mini")
    config = resolve_provider_config(provider="openai", project=project)
    # The project chose a model but no key: the server's key still applies.
    assert (config.model, config.api_key, config.source) == ("gpt-4.1-mini", "sk-env-0123456789", "project")


def test_a_projects_base_url_refused_at_use_sends_nothing(project, settings, fake_dns):
    with LoopbackProvider(FakeOpenAI([])) as server:
        # Saved while private targets were allowed (development), used after they no longer are.
        provider_credential_set(project=project, provider="llama", base_url=server.url + "/v1")
        settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
        job = services.generation_job_create(project=project, provider="llama", include_builtin=False, seed=1)
        job = services.generation_job_run(job_id=job.pk)
    assert server.paths == [] and job.status == GenerationJob.Status.FAILED
    assert (job.errors[0]["code"], job.errors[0]["permanent"]) == ("base_url_refused", True)
    assert "127.0.0.1, a loopback address" in job.errors[0]["message"] and fake_dns.lookups == []


def test_the_sdk_does_not_follow_a_redirect_from_a_projects_base_url(project):
    with LoopbackProvider(FakeOpenAI([])) as target, LoopbackProvider(
        FakeOpenAI([]), redirect_to=target.url
    ) as redirector:
        provider_credential_set(project=project, provider="llama", base_url=redirector.url + "/v1")
        job = services.generation_job_create(project=project, provider="llama", include_builtin=False, seed=1)
        job = services.generation_job_run(job_id=job.pk)
    assert redirector.paths == ["/v1/chat/completions"] and target.paths == []
    assert (job.errors[0]["code"], job.errors[0]["permanent"]) == ("http_307", True)
