"""Settings shared by every environment.

Everything configurable comes from the environment (django-environ); the README lists
every variable. Environment modules (`local`, `test`, `production`) only change defaults
and add the checks that matter there.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists() and not os.environ.get("TESTGEN_IGNORE_DOTENV"):
    env.read_env(str(BASE_DIR / ".env"))

# Environment modules set these defaults before importing this module.
from testgen.settings import ENV_DEFAULTS as _defaults  # noqa: E402

DEBUG = env.bool("DEBUG", default=_defaults.get("DEBUG", False))
SECRET_KEY = env("SECRET_KEY", default=_defaults.get("SECRET_KEY", ""))
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=_defaults.get("ALLOWED_HOSTS", []))
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    # third party
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "django_celery_results",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    # ours
    "testgen.apps.TestgenConfig",
    "accounts",
    "projects",
    "scanning",
    "generation",
    "execution",
    "healing",
    "analytics",
]

MIDDLEWARE = [
    "testgen.api.middleware.RequestContextMiddleware",
    "testgen.api.middleware.ApiErrorMiddleware",
    "testgen.api.middleware.ApiSlashMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "testgen.urls"
WSGI_APPLICATION = "testgen.wsgi.application"
ASGI_APPLICATION = "testgen.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=0))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the embedded worker share the file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker/results, channel layer -------------------------
REDIS_URL = env("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="testgen"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, exactly
                # channels-redis's 5 s BZPOPMIN block: under load a quiet receive would
                # time out. Give reads room beyond the block.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}],
                "prefix": env("CHANNELS_PREFIX", default="testgen"),
                # Messages waiting per channel before sends are dropped (channels-redis
                # defaults to 100, which a burst to many clients of one instance exceeds).
                "capacity": env.int("CHANNELS_CAPACITY", default=1000),
            },
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "testgen",
        }
    }
    # Embedded mode: the worker runs inside the web process (see `manage.py serve`), so an
    # in-process broker and channel layer reach everything that needs them.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
    CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="django-db")

# --- Celery -----------------------------------------------------------------
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="testgen")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXTENDED = True
CELERY_RESULT_EXPIRES = timedelta(days=1)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "visibility_timeout": 3600}
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=3600)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=3300)

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_TOKEN_LIFETIME_MINUTES", default=24 * 60)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_TOKEN_LIFETIME_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env("JWT_SIGNING_KEY", default=SECRET_KEY),
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Tokens carry a digest of the password hash, so a password change/reset voids them all.
    "CHECK_REVOKE_TOKEN": True,
    "LEEWAY": 0,
}
# Password reset tokens (seconds); Django's own setting name.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60)

# allauth serves only the OAuth redirect/callback (GitHub, Google); our JSON API does the rest.
ACCOUNT_ADAPTER = "accounts.oauth.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.oauth.SocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
# Only the provider's *verified* email links to an existing account (allauth checks it).
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
# allauth would keep provider tokens in plain text; ours go encrypted into OAuthCredential.
SOCIALACCOUNT_STORE_TOKENS = False
# The SPA starts the flow with a plain navigation; the callback is protected by `state`.
SOCIALACCOUNT_LOGIN_ON_GET = True
SOCIALACCOUNT_PROVIDERS = {
    "github": {
        "SCOPE": ["read:user", "user:email"],
        "APPS": [
            {"client_id": env("GITHUB_CLIENT_ID", default=""), "secret": env("GITHUB_CLIENT_SECRET", default="")}
        ] if env("GITHUB_CLIENT_ID", default="") else [],
    },
    "google": {
        "SCOPE": ["openid", "profile", "email"],
        "AUTH_PARAMS": {"access_type": "online"},
        "APPS": [
            {"client_id": env("GOOGLE_CLIENT_ID", default=""), "secret": env("GOOGLE_CLIENT_SECRET", default="")}
        ] if env("GOOGLE_CLIENT_ID", default="") else [],
    },
}
# One-time codes the SPA trades for a JWT pair after the OAuth redirect (seconds).
TESTGEN_OAUTH_EXCHANGE_TTL = env.int("TESTGEN_OAUTH_EXCHANGE_TTL", default=60)

# --- DRF / API ----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",
        "accounts.authentication.APIKeyAuthentication",
        # For the admin and the browsable API; CSRF-protected, never used by the SPA.
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "testgen.api.pagination.StandardPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "EXCEPTION_HANDLER": "testgen.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "testgen.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        # Failed logins allowed per email, and per client IP, before 429 + Retry-After.
        "login": env("TESTGEN_LOGIN_THROTTLE", default="10/min"),
        "login_ip": env("TESTGEN_LOGIN_IP_THROTTLE", default="30/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "TestGen API",
    "DESCRIPTION": (
        "Discover HTTP endpoints from source and specs, generate and review tests, run them "
        "against your API, heal them when the contract changes. Every error has the shape "
        '`{"error": {"code", "message", "details", "request_id"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/",
}

# --- Secrets at rest ------------------------------------------------------------
# Comma-separated Fernet keys; the first encrypts, all decrypt (rotation: prepend a new key).
TESTGEN_ENCRYPTION_KEYS = env.list(
    "TESTGEN_ENCRYPTION_KEYS", default=_defaults.get("TESTGEN_ENCRYPTION_KEYS", [])
)

# --- Product switches -----------------------------------------------------------
TESTGEN_ALLOW_LOCAL_REPOSITORIES = env.bool(
    "TESTGEN_ALLOW_LOCAL_REPOSITORIES", default=_defaults.get("ALLOW_LOCAL", False)
)
TESTGEN_ALLOW_PRIVATE_TARGETS = env.bool(
    "TESTGEN_ALLOW_PRIVATE_TARGETS", default=_defaults.get("ALLOW_LOCAL", False)
)
TESTGEN_SLOW_REQUEST_MS = env.int("TESTGEN_SLOW_REQUEST_MS", default=2000)
TESTGEN_MAX_REQUEST_BYTES = env.int("TESTGEN_MAX_REQUEST_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = TESTGEN_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = TESTGEN_MAX_REQUEST_BYTES
TESTGEN_ALERT_WEBHOOK_URL = env("TESTGEN_ALERT_WEBHOOK_URL", default="")
TESTGEN_HEALTH_WORKER_TIMEOUT = env.float("TESTGEN_HEALTH_WORKER_TIMEOUT", default=5.0)
TESTGEN_WS_MAX_RESULTS_PER_SECOND = env.float("TESTGEN_WS_MAX_RESULTS_PER_SECOND", default=20.0)

# --- Tuning: limits and timeouts of each domain (README, "Configuration") ----------------------
# Git (projects)
TESTGEN_GIT_LS_REMOTE_TIMEOUT = env.int("TESTGEN_GIT_LS_REMOTE_TIMEOUT", default=20)
TESTGEN_GIT_CLONE_TIMEOUT = env.int("TESTGEN_GIT_CLONE_TIMEOUT", default=300)
TESTGEN_GIT_MAX_REPOSITORY_BYTES = env.int("TESTGEN_GIT_MAX_REPOSITORY_BYTES", default=500 * 1024 * 1024)
TESTGEN_GIT_SSH_KNOWN_HOSTS = env("TESTGEN_GIT_SSH_KNOWN_HOSTS", default="")
TESTGEN_PROJECT_STATS_TTL = env.int("TESTGEN_PROJECT_STATS_TTL", default=300)
# Scanning
TESTGEN_SCAN_TIME_LIMIT = env.int("TESTGEN_SCAN_TIME_LIMIT", default=1900)
TESTGEN_SCAN_SOFT_TIME_LIMIT = env.int("TESTGEN_SCAN_SOFT_TIME_LIMIT", default=1800)
TESTGEN_SCAN_MAX_FILES = env.int("TESTGEN_SCAN_MAX_FILES", default=50_000)
TESTGEN_SCAN_MAX_FILE_BYTES = env.int("TESTGEN_SCAN_MAX_FILE_BYTES", default=1024 * 1024)
TESTGEN_SCAN_PROGRESS_INTERVAL = env.float("TESTGEN_SCAN_PROGRESS_INTERVAL", default=1.0)
TESTGEN_SCAN_STUCK_SECONDS = env.int("TESTGEN_SCAN_STUCK_SECONDS", default=CELERY_TASK_TIME_LIMIT + 300)
TESTGEN_SCAN_QUEUED_MAX_SECONDS = env.int("TESTGEN_SCAN_QUEUED_MAX_SECONDS", default=6 * 3600)
TESTGEN_SPEC_MAX_BYTES = env.int("TESTGEN_SPEC_MAX_BYTES", default=5 * 1024 * 1024)
TESTGEN_SPEC_FETCH_TIMEOUT = env.float("TESTGEN_SPEC_FETCH_TIMEOUT", default=15.0)
# Execution
TESTGEN_MAX_RUN_CONCURRENCY = env.int("TESTGEN_MAX_RUN_CONCURRENCY", default=50)
TESTGEN_EXECUTION_REQUEST_TIMEOUT = env.float("TESTGEN_EXECUTION_REQUEST_TIMEOUT", default=30.0)
TESTGEN_EXECUTION_RUN_TIMEOUT = env.float("TESTGEN_EXECUTION_RUN_TIMEOUT", default=3600.0)
TESTGEN_EXECUTION_DEADLINE_GRACE = env.float("TESTGEN_EXECUTION_DEADLINE_GRACE", default=300.0)
TESTGEN_EXECUTION_MAX_RECORDED_BODY = env.int("TESTGEN_EXECUTION_MAX_RECORDED_BODY", default=16 * 1024)
TESTGEN_EXECUTION_MAX_RESPONSE_BYTES = env.int("TESTGEN_EXECUTION_MAX_RESPONSE_BYTES", default=5 * 1024 * 1024)
TESTGEN_EXECUTION_MAX_REDIRECTS = env.int("TESTGEN_EXECUTION_MAX_REDIRECTS", default=5)
TESTGEN_EXECUTION_CHUNK_SIZE = env.int("TESTGEN_EXECUTION_CHUNK_SIZE", default=50)
TESTGEN_EXECUTION_PRIORITIZER = env(
    "TESTGEN_EXECUTION_PRIORITIZER", default="execution.prioritizers.DefaultPrioritizer"
)
# Generation (LLM providers: keys, base URLs and models are read in generation/providers/config.py)
TESTGEN_GENERATION_TOKEN_BUDGET = env.int("TESTGEN_GENERATION_TOKEN_BUDGET", default=200_000)
TESTGEN_LLM_TIMEOUT = env.float("TESTGEN_LLM_TIMEOUT", default=60.0)
TESTGEN_LLM_MAX_ATTEMPTS = env.int("TESTGEN_LLM_MAX_ATTEMPTS", default=4)
TESTGEN_LLM_BACKOFF_BASE = env.float("TESTGEN_LLM_BACKOFF_BASE", default=1.0)
TESTGEN_LLM_BACKOFF_CAP = env.float("TESTGEN_LLM_BACKOFF_CAP", default=30.0)
TESTGEN_LLM_MAX_OUTPUT_TOKENS = env.int("TESTGEN_LLM_MAX_OUTPUT_TOKENS", default=8192)

# --- Email ----------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="TestGen <noreply@testgen.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Admin", a) for a in env.list("ADMIN_EMAILS", default=[])]
FRONTEND_URL = env("FRONTEND_URL", default="http://127.0.0.1:8000")

# --- i18n / static ------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# --- Logging -------------------------------------------------------------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_context": {"()": "testgen.api.logging.RequestContextFilter"},
        "scrub_secrets": {"()": "testgen.api.logging.SecretScrubFilter"},
    },
    "formatters": {
        "json": {"()": "testgen.api.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context", "scrub_secrets"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "CRITICAL",
            "filters": ["request_context", "scrub_secrets"],
        },
        "alert_webhook": {
            "()": "testgen.api.logging.AlertWebhookHandler",
            "level": "CRITICAL",
            "filters": ["request_context", "scrub_secrets"],
        },
    },
    "root": {"handlers": ["console", "mail_admins", "alert_webhook"], "level": LOG_LEVEL},
    "loggers": {
        # Our request logger replaces django.server/django.request's access lines.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "INFO"},
        "celery": {"level": "INFO"},
        "httpx": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
        "uvicorn.access": {"level": "WARNING"},
    },
}

# Email uniqueness is enforced case-insensitively by a functional UniqueConstraint on
# Lower("email") (see accounts.User), which Django's check cannot see.
SILENCED_SYSTEM_CHECKS = ["auth.W004"]
