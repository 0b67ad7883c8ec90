"""Background work for accounts: sending mail outside the request."""
from __future__ import annotations

from celery import shared_task

from accounts import services


@shared_task(
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
    acks_late=True,
)
def send_password_reset(*, email: str) -> None:
    services.password_reset_send(email=email)
