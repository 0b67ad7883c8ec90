"""A Django project that serves misago's URLs: the ground truth's settings.

INSTALLED_APPS and the rest come from `misago.settings`, the defaults misago ships for its
projects; every `MISAGO_*` setting keeps misago's default (the admin under `admincp/`), and no
plugin is installed. The database is named but never opened: listing routes needs none.
"""
from misago.settings import *  # noqa: F401,F403

SECRET_KEY = "bench-recall"
DEBUG = False
ROOT_URLCONF = "proj.urls"
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "misago"}}
USE_TZ = True
AUTH_USER_MODEL = "misago_users.User"
