from __future__ import annotations

import logging

from hypothesis import given
from hypothesis import strategies as st

from testgen.api.logging import SecretScrubFilter
from testgen.api.scrub import scrub

token_chars = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=12, max_size=40)


@given(token_chars)
def test_url_credentials_never_survive(secret):
    text = f"fatal: could not read from https://oauth2:{secret}@github.com/acme/api.git"
    assert secret not in scrub(text)


@given(token_chars)
def test_api_keys_bearer_tokens_and_passwords_are_masked(secret):
    for text in (f"X-API-Key: ak_{secret}", f"Authorization: Bearer {secret}", f'{{"password": "{secret}"}}',
                 f"token={secret}&x=1"):
        assert secret not in scrub(text)


def test_literal_secrets_are_masked():
    assert scrub("user pass is swordfish!", extra_secrets=["swordfish!"]) == "user pass is ***"


def test_ordinary_text_is_untouched():
    text = "GET /api/projects/12 returned 200 in 31 ms"
    assert scrub(text) == text


def test_log_filter_masks_formatted_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "cloning %s", ("https://u:p4ssw0rd@h/r.git",), None)
    SecretScrubFilter().filter(record)
    assert "p4ssw0rd" not in record.getMessage()
