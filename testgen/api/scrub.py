"""Masking of secrets (tokens, keys, passwords, URL credentials) in text bound for logs or users."""
from __future__ import annotations

import re

MASK = "***"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Credentials embedded in URLs: https://user:pass@host, https://token@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@"), r"\1" + MASK + "@"),
    # Authorization header values
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    # JSON Web Tokens
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), MASK),
    # TestGen API keys
    (re.compile(r"\bak_[A-Za-z0-9_-]{8,}"), "ak_" + MASK),
    # Provider keys (OpenAI/Anthropic style sk-..., GitHub ghp_/gho_/github_pat_, GitLab glpat-)
    (re.compile(r"\b(sk-[A-Za-z0-9_-]{8,}|gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,}|glpat-[A-Za-z0-9_-]{8,})"), MASK),
    # key=value / "key": "value" pairs whose key names a secret
    (
        re.compile(
            r"""(?ix)
            (["']?(?:password|passwd|secret|token|api[_-]?key|access[_-]?token|refresh[_-]?token|
                 private[_-]?key|client[_-]?secret|authorization|x-api-key)["']?\s*[:=]\s*["']?)
            [^\s"',&;}]+"""
        ),
        r"\1" + MASK,
    ),
    # PEM private keys
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S), MASK),
]


def scrub(text: str, extra_secrets: list[str] | tuple[str, ...] = ()) -> str:
    """Return `text` with known secret shapes and the given literal secrets masked."""
    for secret in extra_secrets:
        if secret:
            text = text.replace(secret, MASK)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
