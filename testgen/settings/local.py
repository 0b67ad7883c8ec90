"""Local development: safe to run on a laptop, loud about insecure defaults only in production."""
from __future__ import annotations

from testgen.settings import ENV_DEFAULTS  # noqa: E402

ENV_DEFAULTS.update({
    "DEBUG": True,
    "SECRET_KEY": "django-insecure-local-development-key-change-me-0123456789abcdef",
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"],
    "ALLOW_LOCAL": True,
})

from testgen.settings.base import *  # noqa: E402,F401,F403
