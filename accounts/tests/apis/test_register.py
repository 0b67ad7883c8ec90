from __future__ import annotations

import pytest

from accounts.models import User
from accounts.services import MESSAGE_EMAIL_TAKEN
from accounts.tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/auth/register"


def _payload(**overrides):
    return {"email": "new@example.com", "password": DEFAULT_PASSWORD, "first_name": "Ada", "last_name": "L", **overrides}


def test_it_creates_an_account_and_returns_it_without_the_password(api_client):
    response = api_client.post(URL, _payload())
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "new@example.com"
    assert body["role"] == "member"
    assert "password" not in body and DEFAULT_PASSWORD not in response.content.decode()
    assert User.objects.get(email="new@example.com").check_password(DEFAULT_PASSWORD)


def test_it_answers_409_for_a_taken_email_whatever_its_case(api_client, owner):
    response = api_client.post(URL, _payload(email="OWNER@Example.com"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert response.json()["error"]["message"] == MESSAGE_EMAIL_TAKEN
    assert User.objects.filter(email__iexact="owner@example.com").count() == 1


def test_it_rejects_an_invalid_email_with_field_details(api_client):
    response = api_client.post(URL, _payload(email="not-an-email"))
    assert response.status_code == 400
    assert "email" in response.json()["error"]["details"]


@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901234", "new@example.com"])
def test_it_rejects_weak_passwords_with_field_details(api_client, password):
    response = api_client.post(URL, _payload(password=password))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert response.json()["error"]["details"]["password"]
    assert not User.objects.filter(email="new@example.com").exists()


def test_it_requires_email_and_password(api_client):
    response = api_client.post(URL, {})
    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) >= {"email", "password"}


def test_registration_ignores_a_stale_bearer_token(api_client, outsider):
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    assert api_client.post(URL, _payload()).status_code == 201
