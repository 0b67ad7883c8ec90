"""Encryption of secrets at rest (Fernet, with key rotation through MultiFernet).

`TESTGEN_ENCRYPTION_KEYS` lists Fernet keys; the first encrypts, every one decrypts, so a
key is rotated by prepending a new one and running `manage.py rotate_secrets`. Outside
production, with no key configured, a key is derived from SECRET_KEY so development works
out of the box.
"""
from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        if not secret_key:
            raise ImproperlyConfigured("TESTGEN_ENCRYPTION_KEYS or SECRET_KEY must be set.")
        derived = base64.urlsafe_b64encode(hashlib.sha256(("testgen-fernet:" + secret_key).encode()).digest())
        return MultiFernet([Fernet(derived)])
    try:
        return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
    except ValueError as exc:
        raise ImproperlyConfigured("TESTGEN_ENCRYPTION_KEYS holds an invalid Fernet key.") from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.TESTGEN_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("secret could not be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt `token` under the current primary key."""
    return fernet().rotate(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column stored as a Fernet token; Python code only ever sees the plaintext.

    Equality lookups cannot work on ciphertext (each encryption is randomized), so keep
    anything you need to search by in a separate, non-secret column.
    """

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class EncryptedJSONField(models.TextField):
    """A JSON value stored as one Fernet token (e.g. a dict of secret headers)."""

    description = "Encrypted JSON"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        import json

        if value is None or value == "":
            return None
        return json.loads(decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        import json

        if value is None:
            return None
        return encrypt(json.dumps(value, sort_keys=True))

    def value_to_string(self, obj: Any) -> str:
        return ""
