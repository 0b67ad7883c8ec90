from __future__ import annotations

import time

import pytest
from django.core import mail

from accounts.services import password_reset_request
from accounts.tasks import send_password_reset
from accounts.tests.factories import UserFactory


@pytest.mark.django_db
def test_the_task_sends_the_reset_mail_when_called_directly():
    user = UserFactory()
    send_password_reset(email=user.email)
    assert [m.to for m in mail.outbox] == [[user.email]]


@pytest.mark.celery_worker
def test_a_reset_request_reaches_the_mailbox_through_a_real_worker(celery_worker):
    user = UserFactory()
    password_reset_request(email=user.email)  # outside a transaction: enqueued at once
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [m.to for m in mail.outbox] == [[user.email]]
