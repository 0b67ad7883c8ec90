"""Production: no default for secrets, refuses insecure values, private targets off."""
from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from testgen.settings import ENV_DEFAULTS  # noqa: E402

ENV_DEFAULTS.update({"DEBUG": False, "ALLOW_LOCAL": False})

from testgen.settings.base import *  # noqa: E402,F401,F403
from testgen.settings.base import DEBUG, SECRET_KEY, TESTGEN_ENCRYPTION_KEYS, env  # noqa: E402

INSECURE_MARKERS = ("django-insecure", "change-me", "changeme", "secret")

if not SECRET_KEY or len(SECRET_KEY) < 50 or any(m in SECRET_KEY.lower() for m in INSECURE_MARKERS):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters in production."
    )
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not TESTGEN_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "TESTGEN_ENCRYPTION_KEYS must hold at least one Fernet key in production "
        "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_CONTENT_TYPE_NOSNIFF = True
