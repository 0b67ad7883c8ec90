"""Credential material: generating and hashing API keys and reset tokens.

Both are high-entropy random strings, so a single SHA-256 is a sufficient one-way hash
(no salt or stretching needed: there is no dictionary to attack), and it lets us look a
presented key up by its hash.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from accounts.models import API_KEY_PREFIX

# 32 random bytes → 43 URL-safe characters, 256 bits.
API_KEY_RANDOM_BYTES = 32
RESET_TOKEN_RANDOM_BYTES = 32
API_KEY_DISPLAY_CHARS = 8


def generate_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(API_KEY_RANDOM_BYTES)


def generate_reset_token() -> str:
    return secrets.token_urlsafe(RESET_TOKEN_RANDOM_BYTES)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def display_prefix(raw_key: str) -> str:
    return raw_key[: len(API_KEY_PREFIX) + API_KEY_DISPLAY_CHARS]


def hashes_match(stored_hash: str, raw: str) -> bool:
    return hmac.compare_digest(stored_hash.encode(), hash_secret(raw).encode())


def looks_like_api_key(raw: str) -> bool:
    return raw.startswith(API_KEY_PREFIX) and len(raw) >= len(API_KEY_PREFIX) + 32


def revoked_access_cache_key(jti: str) -> str:
    return f"accounts:revoked-access:{jti}"
