from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import OAuthCredential, User
from accounts.oauth import ERROR_CANCELLED, ERROR_PROVIDER, ERROR_SIGNIN
from accounts.services import MESSAGE_OAUTH_CODE_INVALID
from accounts.tests import fakes
from accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

FRONTEND = "http://spa.example"
APPS = {
    "github": {"client_id": "gh-client", "secret": "gh-secret"},
    "google": {"client_id": "google-client.apps.googleusercontent.com", "secret": "google-secret"},
}


@pytest.fixture(autouse=True)
def _providers(settings):
    settings.FRONTEND_URL = FRONTEND
    settings.SOCIALACCOUNT_PROVIDERS = {
        provider: {**settings.SOCIALACCOUNT_PROVIDERS[provider], "APPS": [app]} for provider, app in APPS.items()
    }


def _start(client: Client, provider: str) -> str:
    response = client.get(f"/api/auth/oauth/{provider}/login/")
    assert response.status_code == 302, response.content
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["client_id"] == [APPS[provider]["client_id"]]
    return query["state"][0]


def _finish(client: Client, provider: str, fake: fakes.FakeProvider, *, code: str = "good-code") -> dict[str, str]:
    state = _start(client, provider)
    with fake.installed():
        response = client.get(f"/api/auth/oauth/{provider}/login/callback/", {"code": code, "state": state})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{FRONTEND}/oauth/callback"
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def _exchange(code: str):
    return APIClient().post("/api/auth/oauth/exchange", {"code": code})


def test_github_sign_in_creates_a_user_and_hands_the_spa_a_jwt_pair():
    client = Client()
    params = _finish(client, "github", fakes.github(uid=4242, email="octo@example.com"))
    response = _exchange(params["code"])
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "octo@example.com"
    assert APIClient().get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {body['access']}").status_code == 200
    user = User.objects.get(email="octo@example.com")
    assert not user.has_usable_password()
    # The allauth session was only a vehicle: the browser is not left signed in by cookie.
    assert "_auth_user_id" not in client.session


def test_github_provider_token_is_stored_encrypted():
    _finish(Client(), "github", fakes.github(uid=4242, email="octo@example.com", access_token="gho_secret123"))
    credential = OAuthCredential.objects.get(provider="github", uid="4242")
    assert credential.access_token == "gho_secret123"
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token FROM accounts_oauthcredential WHERE id = %s", [credential.pk])
        raw = cursor.fetchone()[0]
    assert "gho_secret123" not in raw


def test_github_token_request_carries_the_code_and_client_secret():
    fake = fakes.github(uid=1, email="octo@example.com")
    _finish(Client(), "github", fake)
    token_call = next(c for c in fake.calls if c.url.startswith(fakes.GITHUB_TOKEN_URL))
    assert fakes.form(token_call)["code"] == "good-code"
    assert "gh-secret" in (fakes.form(token_call).get("client_secret", "") + token_call.headers.get("Authorization", ""))


def test_google_sign_in_links_an_existing_user_with_the_same_verified_email(owner):
    fake = fakes.google(client_id=APPS["google"]["client_id"], sub="1099", email="OWNER@example.com")
    params = _finish(Client(), "google", fake)
    body = _exchange(params["code"]).json()
    assert body["user"]["id"] == owner.pk
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1
    credential = OAuthCredential.objects.get(provider="google", uid="1099")
    assert (credential.user, credential.access_token) == (owner, "ya29.fake_access")
    assert credential.expires_at is not None


def test_google_sign_in_creates_a_user_with_the_profile_name():
    fake = fakes.google(client_id=APPS["google"]["client_id"], sub="77", email="grace@example.com")
    body = _exchange(_finish(Client(), "google", fake)["code"]).json()
    assert (body["user"]["first_name"], body["user"]["last_name"]) == ("Grace", "Hopper")


def test_signing_in_twice_reuses_the_linked_account():
    first = _exchange(_finish(Client(), "github", fakes.github(uid=5, email="octo@example.com"))["code"]).json()
    second = _exchange(
        _finish(Client(), "github", fakes.github(uid=5, email="octo@example.com", access_token="gho_new"))["code"]
    ).json()
    assert first["user"]["id"] == second["user"]["id"]
    assert OAuthCredential.objects.get(provider="github", uid="5").access_token == "gho_new"


def test_an_unverified_provider_email_never_links_to_an_existing_account(owner):
    fake = fakes.github(uid=666, email="owner@example.com", verified=False)
    params = _finish(Client(), "github", fake)
    assert params == {"error": ERROR_SIGNIN}
    assert not OAuthCredential.objects.exists()
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)


def test_the_error_for_an_unverified_email_does_not_reveal_registration(outsider):
    taken = _finish(Client(), "github", fakes.github(uid=1, email="outsider@example.com", verified=False))
    free = _finish(Client(), "github", fakes.github(uid=2, email="free@example.com", verified=False))
    assert taken == free == {"error": ERROR_SIGNIN}


def test_an_inactive_linked_user_cannot_sign_in():
    _finish(Client(), "github", fakes.github(uid=9, email="octo@example.com"))
    User.objects.filter(email="octo@example.com").update(is_active=False)
    params = _finish(Client(), "github", fakes.github(uid=9, email="octo@example.com"))
    assert params == {"error": ERROR_SIGNIN}


def test_a_cancelled_consent_redirects_with_an_error():
    client = Client()
    state = _start(client, "github")
    response = client.get("/api/auth/oauth/github/login/callback/", {"error": "access_denied", "state": state})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {"error": [ERROR_CANCELLED]}


def test_a_provider_failure_redirects_with_an_error():
    fake = fakes.google(client_id=APPS["google"]["client_id"], sub="1", email="x@example.com")
    params = _finish(Client(), "google", fake, code="bad-code")
    assert params == {"error": ERROR_PROVIDER}
    assert not User.objects.filter(email="x@example.com").exists()


def test_a_forged_state_is_refused():
    client = Client()
    _start(client, "github")
    with fakes.github(uid=1, email="octo@example.com").installed():
        response = client.get("/api/auth/oauth/github/login/callback/", {"code": "good-code", "state": "forged"})
    assert parse_qs(urlsplit(response["Location"]).query) == {"error": [ERROR_PROVIDER]}
    assert not User.objects.filter(email="octo@example.com").exists()


def test_the_exchange_code_works_once():
    code = _finish(Client(), "github", fakes.github(uid=3, email="octo@example.com"))["code"]
    assert _exchange(code).status_code == 200
    again = _exchange(code)
    assert again.status_code == 400
    assert again.json()["error"]["details"] == {"code": [MESSAGE_OAUTH_CODE_INVALID]}


def test_an_unknown_exchange_code_is_rejected():
    assert _exchange("made-up").status_code == 400


def test_providers_lists_login_urls_for_configured_providers(api_client):
    body = api_client.get("/api/auth/oauth/providers").json()
    assert {p["id"] for p in body} == {"github", "google"}
    assert all(p["login_url"].endswith(f"/api/auth/oauth/{p['id']}/login/") for p in body)


def test_providers_omits_unconfigured_providers(api_client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {**settings.SOCIALACCOUNT_PROVIDERS, "google": {"APPS": []}}
    assert [p["id"] for p in api_client.get("/api/auth/oauth/providers").json()] == ["github"]


def test_linking_to_an_email_never_proven_locally_wipes_the_local_password(owner):
    # allauth's guard against pre-registration takeover: whoever registered this email
    # with a password never proved owning it, so only the provider's owner gets in now.
    _finish(Client(), "github", fakes.github(uid=11, email="owner@example.com"))
    owner.refresh_from_db()
    assert not owner.has_usable_password()


def test_linking_keeps_the_password_once_the_email_was_proven_by_a_reset(owner):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=owner, email=owner.email, verified=True, primary=True)
    _finish(Client(), "github", fakes.github(uid=12, email="owner@example.com"))
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)
