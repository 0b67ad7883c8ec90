from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_KEY = "x7Kp2vQ9rT4wY8zB1nM5cF3hJ6lD0sA9gE2uI7oP4qW8eR1tY5uI3oP6aS9dF2gH"


def _import_production(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "TESTGEN_ENCRYPTION_KEYS"}}
    env.update({"DJANGO_SETTINGS_MODULE": "testgen.settings.production", "TESTGEN_IGNORE_DOTENV": "1", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.TESTGEN_ALLOW_PRIVATE_TARGETS, settings.TESTGEN_ALLOW_LOCAL_REPOSITORIES)"],
        env=env, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("secret", ["", "django-insecure-abc", "short"])
def test_production_refuses_insecure_secret_key(secret):
    result = _import_production({"SECRET_KEY": secret, "TESTGEN_ENCRYPTION_KEYS": "nFq1qkVgGj3x2m5o0W9sSg7m1XJQxq3qY8wWkq2p6sM="})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_safe_values_and_local_switches_off():
    result = _import_production({"SECRET_KEY": GOOD_KEY, "TESTGEN_ENCRYPTION_KEYS": "nFq1qkVgGj3x2m5o0W9sSg7m1XJQxq3qY8wWkq2p6sM="})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_production_requires_encryption_keys():
    result = _import_production({"SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "TESTGEN_ENCRYPTION_KEYS" in result.stderr
