from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from accounts.apis import MESSAGE_RESET_REQUESTED
from accounts.services import MESSAGE_RESET_TOKEN_INVALID
from accounts.tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]

NEW_PASSWORD = "N3w-Secret-Phrase!"
T0 = dt.datetime(2030, 5, 1, 8, 0, tzinfo=dt.UTC)


def _request_reset(client, email: str, capture):
    with capture(execute=True):
        return client.post("/api/auth/reset-password", {"email": email})


def _token_from_last_email() -> str:
    match = re.search(r"token=([A-Za-z0-9_\-]+)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_it_answers_202_and_emails_a_link_to_a_registered_user(api_client, owner, django_capture_on_commit_callbacks):
    response = _request_reset(api_client, "OWNER@example.com", django_capture_on_commit_callbacks)
    assert response.status_code == 202
    assert response.json() == {"detail": MESSAGE_RESET_REQUESTED}
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    assert "/reset-password?token=" in mail.outbox[0].body


def test_an_unknown_email_gets_the_same_answer_and_no_mail(api_client, outsider, django_capture_on_commit_callbacks):
    known = _request_reset(api_client, "outsider@example.com", django_capture_on_commit_callbacks)
    mail.outbox.clear()
    unknown = _request_reset(api_client, "nobody@example.com", django_capture_on_commit_callbacks)
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert mail.outbox == []


def test_an_inactive_user_gets_no_mail(api_client, django_capture_on_commit_callbacks):
    UserFactory(email="gone@example.com", is_active=False)
    assert _request_reset(api_client, "gone@example.com", django_capture_on_commit_callbacks).status_code == 202
    assert mail.outbox == []


def test_it_rejects_a_malformed_email(api_client):
    assert api_client.post("/api/auth/reset-password", {"email": "nope"}).status_code == 400


def test_confirm_sets_the_new_password(api_client, owner, django_capture_on_commit_callbacks):
    _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
    response = api_client.post(
        "/api/auth/confirm-reset", {"token": _token_from_last_email(), "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200
    assert api_client.post("/api/auth/login", {"email": owner.email, "password": NEW_PASSWORD}).status_code == 200
    assert api_client.post("/api/auth/login", {"email": owner.email, "password": DEFAULT_PASSWORD}).status_code == 401


def test_a_reused_token_is_rejected(api_client, owner, django_capture_on_commit_callbacks):
    _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
    token = _token_from_last_email()
    api_client.post("/api/auth/confirm-reset", {"token": token, "new_password": NEW_PASSWORD})
    response = api_client.post("/api/auth/confirm-reset", {"token": token, "new_password": "Other-Pass-789!"})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"token": [MESSAGE_RESET_TOKEN_INVALID]}


def test_an_expired_token_is_rejected(api_client, owner, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False) as clock:
        _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
        clock.shift(dt.timedelta(hours=1))
        response = api_client.post(
            "/api/auth/confirm-reset", {"token": _token_from_last_email(), "new_password": NEW_PASSWORD}
        )
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"token": [MESSAGE_RESET_TOKEN_INVALID]}


def test_the_expiry_is_configurable(api_client, owner, settings, django_capture_on_commit_callbacks):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 3600
    with time_machine.travel(T0, tick=False) as clock:
        _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
        clock.shift(dt.timedelta(hours=2))
        response = api_client.post(
            "/api/auth/confirm-reset", {"token": _token_from_last_email(), "new_password": NEW_PASSWORD}
        )
    assert response.status_code == 200


def test_a_wrong_token_is_rejected(api_client, owner):
    response = api_client.post("/api/auth/confirm-reset", {"token": "x" * 43, "new_password": NEW_PASSWORD})
    assert response.status_code == 400
    assert response.json()["error"]["details"] == {"token": [MESSAGE_RESET_TOKEN_INVALID]}


def test_a_weak_new_password_is_rejected_and_the_token_survives(api_client, owner, django_capture_on_commit_callbacks):
    _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
    token = _token_from_last_email()
    weak = api_client.post("/api/auth/confirm-reset", {"token": token, "new_password": "password"})
    assert weak.status_code == 400
    assert "new_password" in weak.json()["error"]["details"]
    assert api_client.post("/api/auth/confirm-reset", {"token": token, "new_password": NEW_PASSWORD}).status_code == 200


def test_a_reset_ends_every_outstanding_session(api_client, owner, django_capture_on_commit_callbacks):
    pair = api_client.post("/api/auth/login", {"email": owner.email, "password": DEFAULT_PASSWORD}).json()
    _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
    api_client.post("/api/auth/confirm-reset", {"token": _token_from_last_email(), "new_password": NEW_PASSWORD})
    assert api_client.post("/api/auth/refresh", {"refresh": pair["refresh"]}).status_code == 401
    assert api_client.get("/api/auth/verify", HTTP_AUTHORIZATION=f"Bearer {pair['access']}").status_code == 401


def test_only_the_newest_link_works(api_client, owner, django_capture_on_commit_callbacks):
    _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
    first = _token_from_last_email()
    _request_reset(api_client, owner.email, django_capture_on_commit_callbacks)
    second = _token_from_last_email()
    assert api_client.post("/api/auth/confirm-reset", {"token": first, "new_password": NEW_PASSWORD}).status_code == 400
    assert api_client.post("/api/auth/confirm-reset", {"token": second, "new_password": NEW_PASSWORD}).status_code == 200


def test_outsiders_token_cannot_reset_the_owner(api_client, owner, outsider, django_capture_on_commit_callbacks):
    _request_reset(api_client, outsider.email, django_capture_on_commit_callbacks)
    api_client.post("/api/auth/confirm-reset", {"token": _token_from_last_email(), "new_password": NEW_PASSWORD})
    owner.refresh_from_db()
    assert owner.check_password(DEFAULT_PASSWORD)
