from __future__ import annotations

from django.contrib.auth.hashers import BCryptSHA256PasswordHasher


class FastBCryptSHA256PasswordHasher(BCryptSHA256PasswordHasher):
    """The production hasher at bcrypt's minimum cost, for fast tests."""

    rounds = 4
