"""A Django project that serves django-allauth's URLs: the ground truth's settings.

INSTALLED_APPS are the apps allauth's installation docs list for a site with social login, the
browser/app API and two-factor authentication: `allauth.account`, `allauth.socialaccount`,
`allauth.mfa`, `allauth.usersessions`, `allauth.headless`, and three providers, `google` and
`github` (the most common OAuth2 ones, `google` with its login-by-token route) and
`openid_connect` (the generic one, routes under `oidc/<provider_id>/`). Every `ACCOUNT_*`,
`MFA_*` and `HEADLESS_*` setting keeps allauth's default, so the routes behind a setting that is
off by default (WebAuthn and passkeys, login by code, password reset by code, phone
verification) are not served: the scan reports them, and they are its false positives.
"""
SECRET_KEY = "bench-recall"
DEBUG = True
ROOT_URLCONF = "proj.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.headless",
]
MIDDLEWARE = ["allauth.account.middleware.AccountMiddleware"]
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
USE_TZ = True
