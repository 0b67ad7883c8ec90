"""Test settings: the real services when DATABASE_URL/REDIS_URL are set (CI), embedded otherwise."""
from __future__ import annotations

import os

from testgen.settings import ENV_DEFAULTS  # noqa: E402

ENV_DEFAULTS.update({
    "DEBUG": False,
    "SECRET_KEY": "django-insecure-test-key-0123456789abcdef0123456789abcdef",
    "ALLOWED_HOSTS": ["*"],
    "ALLOW_LOCAL": True,
    # Two fixed keys, so rotation is exercised in tests.
    "TESTGEN_ENCRYPTION_KEYS": [
        "nFq1qkVgGj3x2m5o0W9sSg7m1XJQxq3qY8wWkq2p6sM=",
        "Zk2m3t0cCwqg7QK5oCq9o5H2s3Wc2g1uP1e6tq0s6x8=",
    ],
})

from testgen.settings.base import *  # noqa: E402,F401,F403
from testgen.settings.base import CACHES, CHANNEL_LAYERS, DATABASES, REDIS_URL, env  # noqa: E402

# Parallel test processes (xdist workers, several checkouts) must not share a database,
# cache keys, channel groups or a Celery queue.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
_suffix = f"{os.environ.get('TEST_DB_SUFFIX', 'testgen')}_{_worker}"
DATABASES["default"].setdefault("TEST", {})["NAME"] = (
    f"test_{_suffix}" if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" else None
)
# One id per test session, inherited by the servers and workers a test starts as
# subprocesses, so that they share the session's channel groups, cache keys and queue.
_run_id = os.environ.setdefault("TESTGEN_TEST_RUN_ID", str(os.getpid()))
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"test-{_suffix}-{_run_id}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test-{_suffix}-{_run_id}"
CELERY_TASK_DEFAULT_QUEUE = f"testgen-test-{_suffix}-{_run_id}"

# bcrypt stays the hasher (the product's), with the cheapest cost so the suite stays fast.
PASSWORD_HASHERS = ["testgen.tests.hashers.FastBCryptSHA256PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
MEDIA_ROOT = __import__("tempfile").mkdtemp(prefix="testgen-media-")
TESTGEN_ALERT_WEBHOOK_URL = ""
