from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from generation.apis.provider_credentials import MESSAGE_UNKNOWN_PROVIDER
from generation.models import ProviderCredential
from generation.providers.config import resolve_provider_config
from generation.tests.factories import ProjectFactory, ProviderCredentialFactory
from generation.validators import (
    MESSAGE_BASE_URL_CREDENTIALS,
    MESSAGE_BASE_URL_NO_HOST,
    MESSAGE_BASE_URL_REFUSED,
    MESSAGE_BASE_URL_SCHEME,
    MESSAGE_BASE_URL_UNRESOLVABLE,
)

pytestmark = pytest.mark.django_db

KEY = "sk-proj-Very-Secret-0123456789-WXYZ"
P = ProviderCredential.Provider


@pytest.fixture
def project(owner):
    return ProjectFactory(owner=owner)


def url(project, provider: str | None = None) -> str:
    base = f"/api/projects/{project.pk}/provider-credentials"
    return base if provider is None else f"{base}/{provider}"


def stored(project, provider: str = P.OPENAI) -> ProviderCredential:
    return ProviderCredential.objects.get(project=project, provider=provider)


# --- create and update ---------------------------------------------------------------------------


def test_the_owner_creates_a_credential_and_the_answer_never_holds_the_key(owner_client, project):
    response = owner_client.put(
        url(project, "openai"),
        {"api_key": KEY, "base_url": "https://llm.example.com/v1", "model": "gpt-4.1"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json() | {"created_at": None, "updated_at": None} == {
        "provider": "openai",
        "base_url": "https://llm.example.com/v1",
        "model": "gpt-4.1",
        "has_api_key": True,
        "api_key_hint": "…WXYZ",
        "created_at": None,
        "updated_at": None,
    }
    assert KEY not in response.content.decode() and stored(project).api_key == KEY


def test_updating_without_a_key_keeps_the_stored_key(owner_client, project):
    ProviderCredentialFactory(project=project, api_key=KEY, model="gpt-4o")
    response = owner_client.put(url(project, "openai"), {"model": "gpt-4.1"}, format="json")
    assert response.status_code == 200
    assert response.json()["has_api_key"] is True and KEY not in response.content.decode()
    assert (stored(project).api_key, stored(project).model) == (KEY, "gpt-4.1")


def test_an_update_replaces_base_url_and_model_left_out(owner_client, project):
    ProviderCredentialFactory(project=project, base_url="https://old.example.com", model="gpt-4o")
    owner_client.put(url(project, "openai"), {}, format="json")
    assert (stored(project).base_url, stored(project).model) == ("", "")


def test_an_empty_key_removes_the_stored_key(owner_client, project):
    ProviderCredentialFactory(project=project, api_key=KEY)
    body = owner_client.put(url(project, "openai"), {"api_key": ""}, format="json").json()
    assert (body["has_api_key"], body["api_key_hint"]) == (False, None)
    assert stored(project).api_key == ""


def test_a_short_key_is_stored_but_gets_no_hint(owner_client, project):
    body = owner_client.put(url(project, "llama"), {"api_key": "abc12345"}, format="json").json()
    assert (body["has_api_key"], body["api_key_hint"]) == (True, None)


def test_the_key_is_encrypted_in_the_database(owner_client, project):
    owner_client.put(url(project, "anthropic"), {"api_key": KEY}, format="json")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT api_key FROM generation_providercredential WHERE id = %s",
            [stored(project, "anthropic").pk],
        )
        ciphertext = cursor.fetchone()[0]
    assert ciphertext and KEY not in ciphertext and KEY[-8:] not in ciphertext


@pytest.mark.parametrize("provider", ["builtin", "mystery", "OpenAI"])
def test_an_unknown_provider_is_refused_with_400(owner_client, project, provider):
    response = owner_client.put(url(project, provider), {"api_key": KEY}, format="json")
    assert response.status_code == 400
    details = response.json()["error"]["details"]
    assert details["provider"] == [MESSAGE_UNKNOWN_PROVIDER.format(input=provider)]
    assert not ProviderCredential.objects.exists()


@pytest.mark.parametrize("base_url", ["ftp://llm.example.com/v1", "file:///etc/passwd", "llm.example.com"])
def test_a_base_url_that_is_not_http_is_refused_with_400(owner_client, project, base_url):
    response = owner_client.put(url(project, "openai"), {"base_url": base_url, "api_key": KEY}, format="json")
    assert response.status_code == 400
    assert "base_url" in response.json()["error"]["details"] and not ProviderCredential.objects.exists()


def test_an_ftp_base_url_is_refused_with_the_scheme_message(owner_client, project):
    response = owner_client.put(url(project, "openai"), {"base_url": "ftp://llm.example.com"}, format="json")
    assert response.json()["error"]["details"]["base_url"] == [MESSAGE_BASE_URL_SCHEME]


def test_a_refused_update_leaves_the_stored_credential_alone(owner_client, project):
    ProviderCredentialFactory(project=project, api_key=KEY, base_url="https://llm.example.com")
    payload = {"api_key": "sk-new", "base_url": "ftp://x.example"}
    response = owner_client.put(url(project, "openai"), payload, format="json")
    assert response.status_code == 400
    assert (stored(project).api_key, stored(project).base_url) == (KEY, "https://llm.example.com")


# --- base URL: its shape, and where it leads --------------------------------------------------------

OLLAMA = "http://ollama:11434/v1"


def test_a_single_label_host_such_as_a_compose_service_is_accepted_and_stored(owner_client, project, fake_dns):
    response = owner_client.put(url(project, "llama"), {"base_url": OLLAMA, "model": "llama3.1"}, format="json")
    assert response.status_code == 201 and response.json()["base_url"] == OLLAMA
    assert stored(project, "llama").base_url == OLLAMA
    assert fake_dns.lookups == []  # private targets are allowed here: nothing to resolve


@pytest.mark.parametrize(
    "base_url, message",
    [
        ("ftp://llm.example.com/v1", MESSAGE_BASE_URL_SCHEME),
        ("http:///v1", MESSAGE_BASE_URL_NO_HOST),
        ("http://user:secret@ollama:11434/v1", MESSAGE_BASE_URL_CREDENTIALS),
    ],
)
def test_a_malformed_base_url_is_a_400_in_the_error_envelope_and_keeps_the_stored_credential(
    owner_client, project, base_url, message
):
    ProviderCredentialFactory(project=project, api_key=KEY, base_url="https://llm.example.com/v1")
    payload = {"api_key": "sk-new-0123456789", "base_url": base_url}
    response = owner_client.put(url(project, "openai"), payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"} and error["code"] == "validation_error"
    assert error["details"] == {"base_url": [message]} and "secret" not in response.content.decode()
    assert (stored(project).api_key, stored(project).base_url) == (KEY, "https://llm.example.com/v1")


def test_a_base_url_over_500_characters_is_refused(owner_client, project):
    response = owner_client.put(url(project, "llama"), {"base_url": OLLAMA + "/" + "a" * 480}, format="json")
    assert response.status_code == 400 and list(response.json()["error"]["details"]) == ["base_url"]
    assert not ProviderCredential.objects.exists()


@pytest.mark.parametrize(
    "base_url, address, kind",
    [
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254", "link-local"),
        ("http://127.0.0.1:11434/v1", "127.0.0.1", "loopback"),
        ("http://10.0.0.5:8000/v1", "10.0.0.5", "private"),
        ("http://[::ffff:127.0.0.1]:11434/v1", "::ffff:127.0.0.1", "loopback"),
    ],
)
def test_without_private_targets_a_non_public_address_is_refused_naming_its_class(
    owner_client, project, private_targets_refused, fake_dns, base_url, address, kind
):
    response = owner_client.put(url(project, "llama"), {"base_url": base_url}, format="json")
    assert response.status_code == 400
    message = MESSAGE_BASE_URL_REFUSED.format(host=address, address=address, kind=kind)
    assert response.json()["error"]["details"] == {"base_url": [message]}
    assert not ProviderCredential.objects.exists()


def test_without_private_targets_a_name_resolving_to_a_private_address_is_refused(
    owner_client, project, private_targets_refused, fake_dns
):
    fake_dns.answers["ollama"] = ["172.18.0.4"]
    ProviderCredentialFactory(project=project, provider=P.LLAMA, base_url="https://gpu.example.com/v1")
    response = owner_client.put(url(project, "llama"), {"base_url": OLLAMA}, format="json")
    message = MESSAGE_BASE_URL_REFUSED.format(host="ollama", address="172.18.0.4", kind="private")
    assert response.status_code == 400 and response.json()["error"]["details"] == {"base_url": [message]}
    assert stored(project, "llama").base_url == "https://gpu.example.com/v1"


def test_without_private_targets_a_name_that_does_not_resolve_is_refused(
    owner_client, project, private_targets_refused, fake_dns
):
    response = owner_client.put(url(project, "llama"), {"base_url": "http://nowhere.example/v1"}, format="json")
    message = MESSAGE_BASE_URL_UNRESOLVABLE.format(host="nowhere.example")
    assert response.status_code == 400 and response.json()["error"]["details"] == {"base_url": [message]}


def test_without_private_targets_a_public_address_is_accepted(
    owner_client, project, private_targets_refused, fake_dns
):
    fake_dns.answers["llm.example.com"] = ["93.184.215.14"]
    payload = {"api_key": KEY, "base_url": "https://llm.example.com/v1"}
    assert owner_client.put(url(project, "openai"), payload, format="json").status_code == 201
    assert stored(project).base_url == "https://llm.example.com/v1"
    assert fake_dns.lookups == ["llm.example.com"]


# --- list ----------------------------------------------------------------------------------------


def test_the_list_says_which_keys_are_stored_and_never_shows_them(owner_client, project):
    ProviderCredentialFactory(project=project, provider=P.OPENAI, api_key=KEY)
    llama_url = "http://gpu.internal.example:8000/v1"
    ProviderCredentialFactory(project=project, provider=P.LLAMA, api_key="", base_url=llama_url)
    ProviderCredentialFactory(provider=P.GEMINI)  # another project's
    response = owner_client.get(url(project))
    assert response.status_code == 200
    rows = {row["provider"]: row for row in response.json()}
    assert set(rows) == {"openai", "llama"}
    assert (rows["openai"]["has_api_key"], rows["openai"]["api_key_hint"]) == (True, "…WXYZ")
    assert (rows["llama"]["has_api_key"], rows["llama"]["base_url"]) == (False, llama_url)
    assert KEY not in response.content.decode() and "api_key" not in rows["openai"]


def test_the_list_costs_the_same_queries_for_twice_the_data(owner_client, project, django_assert_num_queries):
    ProviderCredentialFactory(project=project, provider=P.OPENAI)
    ProviderCredentialFactory(project=project, provider=P.ANTHROPIC)
    with CaptureQueriesContext(connection) as first:
        assert len(owner_client.get(url(project)).json()) == 2
    ProviderCredentialFactory(project=project, provider=P.GEMINI)
    ProviderCredentialFactory(project=project, provider=P.LLAMA)
    with django_assert_num_queries(len(first)):
        assert len(owner_client.get(url(project)).json()) == 4


# --- delete --------------------------------------------------------------------------------------


def test_the_owner_deletes_a_credential(owner_client, project):
    ProviderCredentialFactory(project=project, provider=P.GEMINI)
    response = owner_client.delete(url(project, "gemini"))
    assert response.status_code == 204 and not ProviderCredential.objects.exists()
    assert owner_client.delete(url(project, "gemini")).status_code == 404


def test_deleting_an_unknown_provider_is_a_400(owner_client, project):
    response = owner_client.delete(url(project, "mystery"))
    assert response.status_code == 400 and "provider" in response.json()["error"]["details"]


# --- who may ------------------------------------------------------------------------------------


def test_an_outsider_gets_404_on_every_verb_and_changes_nothing(outsider_client, project):
    ProviderCredentialFactory(project=project, api_key=KEY)
    assert outsider_client.get(url(project)).status_code == 404
    assert outsider_client.put(url(project, "openai"), {"api_key": "sk-mine"}, format="json").status_code == 404
    assert outsider_client.put(url(project, "mystery"), {}, format="json").status_code == 404
    assert outsider_client.delete(url(project, "openai")).status_code == 404
    assert stored(project).api_key == KEY


def test_a_credential_is_only_found_under_its_own_project(owner_client, owner, project):
    ProviderCredentialFactory(project=project)
    other = ProjectFactory(owner=owner)
    assert owner_client.get(url(other)).json() == []
    assert owner_client.delete(url(other, "openai")).status_code == 404


def test_anonymous_requests_are_refused(api_client, project):
    assert api_client.get(url(project)).status_code == 401
    assert api_client.put(url(project, "openai"), {}, format="json").status_code == 401
    assert api_client.delete(url(project, "openai")).status_code == 401


# --- what generation then uses -----------------------------------------------------------------


def test_a_saved_credential_is_what_generation_resolves_for_the_project(owner_client, project, monkeypatch):
    monkeypatch.setenv("TESTGEN_LLAMA_BASE_URL", "http://server-wide.example:11434/v1")
    payload = {"api_key": KEY, "base_url": "https://gpu.example.com/v1", "model": "llama3.3:70b"}
    owner_client.put(url(project, "llama"), payload, format="json")
    config = resolve_provider_config(provider="llama", project=project)
    assert (config.api_key, config.base_url, config.model, config.source) == (
        KEY,
        "https://gpu.example.com/v1",
        "llama3.3:70b",
        "project",
    )
    assert resolve_provider_config(provider="llama", project=ProjectFactory()).source == "settings"


def test_after_a_delete_generation_falls_back_to_the_servers_settings(owner_client, project, monkeypatch):
    monkeypatch.setenv("TESTGEN_OPENAI_API_KEY", "sk-server-wide-0123456789")
    owner_client.put(url(project, "openai"), {"api_key": KEY}, format="json")
    owner_client.delete(url(project, "openai"))
    config = resolve_provider_config(provider="openai", project=project)
    assert (config.api_key, config.source) == ("sk-server-wide-0123456789", "settings")
