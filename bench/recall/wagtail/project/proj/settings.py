"""A Django project that serves wagtail's URLs: the ground truth's settings.

INSTALLED_APPS are those of the project `wagtail start` creates, less its two example apps
(`home`, `search`): every `wagtail.*` app it lists, with wagtail's defaults for the rest
(no contrib app beyond `forms` and `redirects`, no API, no `wagtail.locales`). The database is
named but never opened: listing routes needs none.
"""
SECRET_KEY = "bench-recall"
DEBUG = False
ROOT_URLCONF = "proj.urls"
INSTALLED_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
STATIC_URL = "/static/"
WAGTAIL_SITE_NAME = "bench"
WAGTAILADMIN_BASE_URL = "http://localhost"
