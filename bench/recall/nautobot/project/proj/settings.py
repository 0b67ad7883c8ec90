"""A Django project that serves nautobot's URLs: the ground truth's settings.

Everything comes from `nautobot.core.settings`, the defaults the `nautobot-server init`
configuration builds on (its ROOT_URLCONF is `nautobot.core.urls`): the core apps with
django-silk, social_django and django-celery-results, no Nautobot app (PLUGINS empty),
DEBUG and METRICS_ENABLED off, so `/theme-preview/` and `/metrics/` are not served. The
database is named but never opened: listing routes needs none.
"""
import os
import tempfile

# Nothing is written there; the settings only derive paths (media, git, jobs) from it.
os.environ.setdefault("NAUTOBOT_ROOT", os.path.join(tempfile.gettempdir(), "bench-recall-nautobot"))

from nautobot.core.settings import *  # noqa: E402,F401,F403

SECRET_KEY = "bench-recall-0123456789abcdefghijklmnopqrstuvwxyz0123456789"
ALLOWED_HOSTS = ["*"]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "nautobot"}}
