"""No accounts endpoint but register's 409 tells a registered email from an unknown one."""
from __future__ import annotations

import pytest
from django.core import mail
from hypothesis import given, settings

from accounts.tests.strategies import emails, rolled_back

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery")]


def _shape(response) -> tuple[int, object]:
    body = response.json() if response.content else None
    if isinstance(body, dict) and "error" in body:
        body = {**body, "error": {**body["error"], "request_id": None}}
    return response.status_code, body


def _answers(client, email: str) -> list[tuple[int, object]]:
    return [
        _shape(client.post("/api/auth/login", {"email": email, "password": "Wr0ng-Password!"})),
        _shape(client.post("/api/auth/reset-password", {"email": email})),
    ]


@settings(max_examples=10, deadline=None)
@given(email=emails)
def test_login_and_reset_answer_identically_for_registered_and_unknown_emails(email):
    from rest_framework.test import APIClient

    from accounts.tests.factories import UserFactory

    with rolled_back():
        client = APIClient()
        unknown = _answers(client, email)
        UserFactory(email=email)
        registered = _answers(client, email)
    assert registered == unknown


def test_register_is_the_only_endpoint_that_reveals_a_registration(api_client, owner):
    taken = api_client.post("/api/auth/register", {"email": owner.email, "password": "Str0ng-Pass-123!"})
    assert taken.status_code == 409


def test_a_reset_for_the_outsider_mails_only_the_outsider(api_client, owner, outsider, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/auth/reset-password", {"email": outsider.email})
    assert [m.to for m in mail.outbox] == [[outsider.email]]
