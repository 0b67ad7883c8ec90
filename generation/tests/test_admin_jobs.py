from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import AdminUserFactory
from generation.admin import MESSAGE_SET_AND_REMOVE
from generation.models import GenerationJob, ProviderCredential
from generation.providers.config import resolve_provider_config
from generation.tests.factories import GenerationJobFactory, ProjectFactory, ProviderCredentialFactory
from generation.validators import MESSAGE_BASE_URL_REFUSED, MESSAGE_BASE_URL_SCHEME

pytestmark = pytest.mark.django_db

JOBS = "/admin/generation/generationjob/"
CREDENTIALS = "/admin/generation/providercredential/"
KEY = "sk-proj-Admin-Secret-0123456789-QRST"


@pytest.fixture
def staff_client(client):
    client.force_login(AdminUserFactory())
    return client


def listed(response) -> list:
    return list(response.context["cl"].result_list)


# --- generation jobs -----------------------------------------------------------------------------


def test_job_changelist_filters_by_status_and_provider(staff_client):
    wanted = GenerationJobFactory(status=GenerationJob.Status.FAILED, provider="openai", model="gpt-4o")
    GenerationJobFactory(status=GenerationJob.Status.FAILED)
    GenerationJobFactory(provider="openai", model="gpt-4o")
    response = staff_client.get(JOBS, {"status__exact": "failed", "provider__exact": "openai"})
    assert response.status_code == 200 and listed(response) == [wanted]


def test_job_changelist_costs_the_same_queries_for_twice_the_data(staff_client, django_assert_num_queries):
    GenerationJobFactory.create_batch(3)
    staff_client.get(JOBS)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as first:
        staff_client.get(JOBS)
    GenerationJobFactory.create_batch(3)
    with django_assert_num_queries(len(first)):
        response = staff_client.get(JOBS)
    assert response.context["cl"].result_count == 6


def test_job_detail_shows_configuration_counts_errors_and_usage(staff_client):
    job = GenerationJobFactory(
        status=GenerationJob.Status.PARTIAL,
        provider="anthropic",
        model="claude-3-5-haiku-latest",
        test_types=["security"],
        endpoint_ids=[4, 7],
        token_budget=50_000,
        tests_created=5,
        duplicates_skipped=2,
        counts_by_type={"security": 5},
        input_tokens=1200,
        output_tokens=340,
        estimated_cost=Decimal("0.004200"),
        errors=[
            {
                "endpoint_id": 7,
                "method": "POST",
                "path": "/orders",
                "provider": "anthropic",
                "code": "provider_unavailable",
                "message": "<b>Anthropic</b> is unavailable after 4 attempts",
                "permanent": False,
            }
        ],
    )
    page = staff_client.get(f"{JOBS}{job.pk}/change/").content.decode()
    assert '<th scope="row">Endpoints</th><td>4, 7</td>' in page
    assert '<th scope="row">Test types</th><td>security</td>' in page
    assert '<th scope="row">Token budget</th><td>50000</td>' in page
    assert '<th scope="row">Tests created: security</th><td>5</td>' in page
    assert '<th scope="row">Duplicates skipped</th><td>2</td>' in page
    assert "<td>POST /orders (#7)</td>" in page and "<td>provider_unavailable</td>" in page
    assert "&lt;b&gt;Anthropic&lt;/b&gt;" in page and "<b>Anthropic</b>" not in page
    assert '<th scope="row">Input tokens</th><td>1200</td>' in page
    assert '<th scope="row">Estimated cost</th><td>$0.004200</td>' in page


def test_jobs_cannot_be_added_edited_or_deleted_in_the_admin(staff_client):
    job = GenerationJobFactory()
    assert staff_client.get(f"{JOBS}add/").status_code == 403
    assert staff_client.post(f"{JOBS}{job.pk}/change/", {"status": "failed"}).status_code == 403
    assert staff_client.post(f"{JOBS}{job.pk}/delete/", {"post": "yes"}).status_code == 403
    job.refresh_from_db()
    assert job.status == GenerationJob.Status.SUCCEEDED


# --- provider credentials ------------------------------------------------------------------------


def change_form(credential: ProviderCredential, **overrides: object) -> dict[str, object]:
    return {"model": credential.model, "base_url": credential.base_url, "new_api_key": "", **overrides}


def test_credential_changelist_shows_whether_a_key_is_stored_never_the_key(staff_client):
    with_key = ProviderCredentialFactory(api_key=KEY)
    ProviderCredentialFactory(provider="llama", api_key="")
    response = staff_client.get(CREDENTIALS)
    page = response.content.decode()
    assert response.status_code == 200 and len(listed(response)) == 2
    assert 'alt="True"' in page and 'alt="False"' in page
    assert KEY not in page and with_key.project.name in page


def test_credential_change_page_never_renders_the_key(staff_client):
    credential = ProviderCredentialFactory(api_key=KEY)
    page = staff_client.get(f"{CREDENTIALS}{credential.pk}/change/").content.decode()
    assert 'type="password" name="new_api_key"' in page and "yes (…QRST)" in page
    assert KEY not in page


def test_adding_a_credential_sets_the_key_through_the_service(staff_client):
    project = ProjectFactory()
    response = staff_client.post(
        f"{CREDENTIALS}add/",
        {"project": project.pk, "provider": "gemini", "model": "gemini-2.5-pro", "base_url": "",
         "new_api_key": KEY},
    )
    assert response.status_code == 302
    config = resolve_provider_config(provider="gemini", project=project)
    assert (config.api_key, config.model, config.source) == (KEY, "gemini-2.5-pro", "project")


def test_saving_without_a_new_key_keeps_the_stored_key(staff_client):
    credential = ProviderCredentialFactory(api_key=KEY)
    staff_client.post(f"{CREDENTIALS}{credential.pk}/change/", change_form(credential, model="gpt-4.1"))
    credential.refresh_from_db()
    assert (credential.api_key, credential.model) == (KEY, "gpt-4.1")


def test_a_new_key_replaces_the_stored_one_and_remove_clears_it(staff_client):
    credential = ProviderCredentialFactory(api_key=KEY)
    staff_client.post(f"{CREDENTIALS}{credential.pk}/change/", change_form(credential, new_api_key="sk-new"))
    credential.refresh_from_db()
    assert credential.api_key == "sk-new"
    staff_client.post(f"{CREDENTIALS}{credential.pk}/change/", change_form(credential, remove_api_key="on"))
    credential.refresh_from_db()
    assert credential.api_key == ""


def test_setting_and_removing_the_key_at_once_is_refused(staff_client):
    credential = ProviderCredentialFactory(api_key=KEY)
    response = staff_client.post(
        f"{CREDENTIALS}{credential.pk}/change/",
        change_form(credential, new_api_key="sk-new", remove_api_key="on"),
    )
    assert MESSAGE_SET_AND_REMOVE in response.content.decode()
    credential.refresh_from_db()
    assert credential.api_key == KEY


def test_a_base_url_that_is_not_http_is_refused_in_the_admin(staff_client):
    credential = ProviderCredentialFactory(api_key=KEY)
    response = staff_client.post(
        f"{CREDENTIALS}{credential.pk}/change/", change_form(credential, base_url="ftp://llm.example.com")
    )
    assert MESSAGE_BASE_URL_SCHEME in response.content.decode() and KEY not in response.content.decode()
    credential.refresh_from_db()
    assert credential.base_url == ""


def test_a_single_label_host_is_accepted_in_the_admin(staff_client):
    project = ProjectFactory()
    response = staff_client.post(
        f"{CREDENTIALS}add/",
        {"project": project.pk, "provider": "llama", "model": "llama3.1",
         "base_url": "http://ollama:11434/v1", "new_api_key": ""},
    )
    assert response.status_code == 302
    assert ProviderCredential.objects.get(project=project).base_url == "http://ollama:11434/v1"


def test_without_private_targets_the_admin_refuses_a_private_address_on_the_field(
    staff_client, private_targets_refused, fake_dns
):
    fake_dns.answers["ollama"] = ["172.18.0.4"]
    credential = ProviderCredentialFactory(provider="llama", api_key=KEY)
    response = staff_client.post(
        f"{CREDENTIALS}{credential.pk}/change/", change_form(credential, base_url="http://ollama:11434/v1")
    )
    message = MESSAGE_BASE_URL_REFUSED.format(host="ollama", address="172.18.0.4", kind="private")
    assert response.status_code == 200 and response.context["adminform"].form.errors["base_url"] == [message]
    credential.refresh_from_db()
    assert credential.base_url == ""


def test_a_second_credential_for_the_same_provider_is_refused(staff_client):
    credential = ProviderCredentialFactory(api_key=KEY)
    response = staff_client.post(
        f"{CREDENTIALS}add/",
        {"project": credential.project.pk, "provider": "openai", "model": "", "base_url": "",
         "new_api_key": "sk-other"},
    )
    assert response.status_code == 200 and ProviderCredential.objects.count() == 1
    credential.refresh_from_db()
    assert credential.api_key == KEY


def test_deleting_credentials_in_the_admin(staff_client):
    credentials = [ProviderCredentialFactory(), ProviderCredentialFactory(provider="llama")]
    staff_client.post(
        CREDENTIALS,
        {"action": "delete_selected", "_selected_action": [c.pk for c in credentials], "post": "yes"},
    )
    assert not ProviderCredential.objects.exists()
