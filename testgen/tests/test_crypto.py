from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from hypothesis import given
from hypothesis import strategies as st

from testgen import crypto


@given(st.text(min_size=1, max_size=200))
def test_round_trip_and_ciphertext_never_contains_plaintext(secret):
    token = crypto.encrypt(secret)
    assert crypto.decrypt(token) == secret
    if len(secret) >= 4:
        assert secret not in token


def test_old_key_still_decrypts_after_rotation(settings):
    old_key = Fernet.generate_key().decode()
    settings.TESTGEN_ENCRYPTION_KEYS = [old_key]
    token = crypto.encrypt("deploy-key")
    settings.TESTGEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old_key]
    assert crypto.decrypt(token) == "deploy-key"
    rotated = crypto.rotate(token)
    settings.TESTGEN_ENCRYPTION_KEYS = settings.TESTGEN_ENCRYPTION_KEYS[:1]
    assert crypto.decrypt(rotated) == "deploy-key"


def test_unknown_key_raises_decryption_error(settings):
    token = crypto.encrypt("x")
    settings.TESTGEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
