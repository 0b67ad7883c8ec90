from __future__ import annotations

import pytest
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from accounts.services import MESSAGE_INVALID_CREDENTIALS
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/auth/login"
RATES = {"login": "3/min", "login_ip": "5/min"}


def _rates(**overrides):
    from django.conf import settings

    return {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**RATES, **overrides}}


def test_it_returns_a_token_pair_and_the_user(api_client, owner):
    response = api_client.post(URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["email"] == "owner@example.com"
    assert AccessToken(body["access"])["user_id"] == str(owner.pk)
    assert RefreshToken(body["refresh"])["user_id"] == str(owner.pk)


def test_the_email_is_case_insensitive(api_client, owner):
    assert api_client.post(URL, {"email": " Owner@EXAMPLE.com", "password": DEFAULT_PASSWORD}).status_code == 200


def test_wrong_password_unknown_email_and_inactive_user_get_the_same_401(api_client, owner, outsider):
    UserFactory(email="gone@example.com", is_active=False)
    answers = [
        api_client.post(URL, {"email": "owner@example.com", "password": "wrong-Pass-1!"}),
        api_client.post(URL, {"email": "nobody@example.com", "password": DEFAULT_PASSWORD}),
        api_client.post(URL, {"email": "gone@example.com", "password": DEFAULT_PASSWORD}),
    ]
    assert {r.status_code for r in answers} == {401}
    assert {r.json()["error"]["message"] for r in answers} == {MESSAGE_INVALID_CREDENTIALS}
    assert {r["WWW-Authenticate"] for r in answers} == {'Bearer realm="api"'}


def test_it_rejects_a_missing_password_with_field_details(api_client, owner):
    response = api_client.post(URL, {"email": "owner@example.com"})
    assert response.status_code == 400
    assert "password" in response.json()["error"]["details"]


def test_repeated_failures_for_one_email_are_limited_with_retry_after(api_client, owner, settings):
    settings.REST_FRAMEWORK = _rates()
    for _ in range(3):
        assert api_client.post(URL, {"email": "owner@example.com", "password": "nope"}).status_code == 401
    response = api_client.post(URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_limited_email_does_not_lock_out_another_user_from_another_ip(api_client, owner, outsider, settings):
    settings.REST_FRAMEWORK = _rates()
    for _ in range(3):
        api_client.post(URL, {"email": "owner@example.com", "password": "nope"}, REMOTE_ADDR="10.0.0.1")
    response = api_client.post(
        URL, {"email": "outsider@example.com", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.0.0.2"
    )
    assert response.status_code == 200


def test_repeated_failures_from_one_ip_across_emails_are_limited(api_client, owner, settings):
    settings.REST_FRAMEWORK = _rates()
    for n in range(5):
        api_client.post(URL, {"email": f"guess{n}@example.com", "password": "nope"}, REMOTE_ADDR="10.0.0.9")
    response = api_client.post(
        URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert "Retry-After" in response


def test_the_limit_is_lifted_when_the_window_passes(api_client, owner, settings):
    import datetime as dt

    import time_machine

    settings.REST_FRAMEWORK = _rates()
    with time_machine.travel(dt.datetime(2030, 1, 1, 12, 0, 5, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(3):
            api_client.post(URL, {"email": "owner@example.com", "password": "nope"})
        assert api_client.post(URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD}).status_code == 429
        clock.shift(dt.timedelta(seconds=60))
        assert api_client.post(URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD}).status_code == 200


def test_throttling_answers_the_same_for_registered_and_unknown_emails(api_client, owner, settings):
    settings.REST_FRAMEWORK = _rates()
    statuses = {}
    for email in ("owner@example.com", "nobody@example.com"):
        statuses[email] = [
            api_client.post(URL, {"email": email, "password": "nope"}, REMOTE_ADDR=f"10.1.0.{len(statuses)}").status_code
            for _ in range(4)
        ]
    assert statuses["owner@example.com"] == statuses["nobody@example.com"] == [401, 401, 401, 429]


def test_a_spoofed_forwarded_for_header_does_not_escape_the_ip_limit(api_client, owner, settings):
    settings.REST_FRAMEWORK = _rates()
    for n in range(5):
        api_client.post(
            URL, {"email": f"guess{n}@example.com", "password": "nope"},
            REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = api_client.post(
        URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.0.0.7", HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429


def test_with_declared_proxies_the_forwarded_client_address_counts(api_client, owner, settings):
    settings.REST_FRAMEWORK = {**_rates(), "NUM_PROXIES": 1}
    for n in range(5):
        api_client.post(
            URL, {"email": f"guess{n}@example.com", "password": "nope"},
            REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    other_client = api_client.post(
        URL, {"email": "owner@example.com", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert other_client.status_code == 200
