"""The smallest Django project that serves djoser's URLs: the ground truth's settings."""
SECRET_KEY = "bench-recall"
DEBUG = True
ROOT_URLCONF = "proj.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework.authtoken",
    "djoser",
    "social_django",
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
