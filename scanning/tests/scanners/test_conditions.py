"""Routes registered behind an `if` are reported with the tests guarding them (`conditions`)."""
from __future__ import annotations

from scanning.scanners.django import DjangoScanner
from scanning.scanners.fastapi import FastAPIScanner
from scanning.scanners.flask import FlaskScanner
from scanning.tests.scanners.fixtures_python import scan


def _conditions(endpoints) -> dict[tuple[str, str], list[str]]:
    return {(e.method, e.path): e.conditions for e in endpoints}


# An allauth-like account app: feature flags in an app settings object, a debug toolbar, an
# optional API, and a router registration behind a flag.
DJANGO_CONDITIONAL: dict[str, str] = {
    "site/settings.py": """
        DEBUG = False
        ROOT_URLCONF = "site.urls"
        INSTALLED_APPS = ["django.contrib.auth", "rest_framework", "accounts", "api"]
        API_ENABLED = True
    """,
    "site/urls.py": """
        from django.conf import settings
        from django.urls import include, path

        from site import views

        urlpatterns = [
            path("", views.home),
            path("accounts/", include("accounts.urls")),
        ]

        if settings.API_ENABLED:
            urlpatterns += [path("api/", include("api.urls"))]

        if settings.DEBUG:
            urlpatterns.append(path("debug/info/", views.debug_info))
        else:
            urlpatterns.append(path("status/", views.status))

        if True:
            urlpatterns.append(path("about/", views.about))
    """,
    "site/views.py": """
        def home(request): ...
        def debug_info(request): ...
        def status(request): ...
        def about(request): ...
    """,
    "accounts/app_settings.py": """
        LOGIN_BY_CODE_ENABLED = False
        SIGNUP_ENABLED = True
        PHONE_ENABLED = False
    """,
    "accounts/views.py": """
        from django.views.decorators.http import require_http_methods

        def login(request): ...
        def logout(request): ...
        def signup(request): ...
        def request_login_code(request): ...
        def confirm_login_code(request): ...
        def phone_verify(request): ...
    """,
    "accounts/urls.py": """
        from typing import TYPE_CHECKING

        from django.urls import path

        from accounts import app_settings, views

        if TYPE_CHECKING:
            from django.urls import URLPattern

        urlpatterns = [
            path("login/", views.login),
            path("logout/", views.logout),
        ]

        if app_settings.SIGNUP_ENABLED:
            urlpatterns.extend([path("signup/", views.signup)])

        if app_settings.LOGIN_BY_CODE_ENABLED:
            urlpatterns += [
                path("login/code/", views.request_login_code),
                path("login/code/confirm/", views.confirm_login_code),
            ]
            if app_settings.PHONE_ENABLED:
                urlpatterns.insert(0, path("phone/verify/", views.phone_verify))
    """,
    "api/views.py": """
        from rest_framework import viewsets
        from rest_framework.decorators import api_view

        class NoteViewSet(viewsets.ReadOnlyModelViewSet):
            pass

        class TagViewSet(viewsets.ReadOnlyModelViewSet):
            pass

        @api_view(["GET"])
        def ping(request): ...
    """,
    "api/urls.py": """
        from django.conf import settings
        from django.urls import include, path
        from rest_framework.routers import SimpleRouter

        from api import views

        router = SimpleRouter()
        router.register("notes", views.NoteViewSet)
        if settings.TAGS_ENABLED:
            router.register("tags", views.TagViewSet)

        if settings.PING_V2:
            urlpatterns = [path("v2/ping/", views.ping)]
        else:
            urlpatterns = [path("ping/", views.ping)]
        urlpatterns += [path("", include(router.urls))]
    """,
}

DJANGO_CONDITIONAL_EXPECTED = {
    ("GET", "/"): [],
    ("GET", "/accounts/login"): [],
    ("GET", "/accounts/logout"): [],
    ("GET", "/accounts/signup"): ["app_settings.SIGNUP_ENABLED"],
    ("GET", "/accounts/login/code"): ["app_settings.LOGIN_BY_CODE_ENABLED"],
    ("GET", "/accounts/login/code/confirm"): ["app_settings.LOGIN_BY_CODE_ENABLED"],
    ("GET", "/accounts/phone/verify"): ["app_settings.LOGIN_BY_CODE_ENABLED", "app_settings.PHONE_ENABLED"],
    ("GET", "/api/v2/ping"): ["settings.API_ENABLED", "settings.PING_V2"],
    ("GET", "/api/ping"): ["settings.API_ENABLED", "not (settings.PING_V2)"],
    ("GET", "/api/notes"): ["settings.API_ENABLED"],
    ("GET", "/api/notes/{pk}"): ["settings.API_ENABLED"],
    ("GET", "/api/tags"): ["settings.API_ENABLED", "settings.TAGS_ENABLED"],
    ("GET", "/api/tags/{pk}"): ["settings.API_ENABLED", "settings.TAGS_ENABLED"],
    ("GET", "/debug/info"): ["settings.DEBUG"],
    ("GET", "/status"): ["not (settings.DEBUG)"],
    ("GET", "/about"): [],
}


def test_django_routes_behind_settings_carry_their_conditions():
    endpoints, warnings = scan(DjangoScanner(), DJANGO_CONDITIONAL)
    assert warnings == []
    assert _conditions(endpoints) == DJANGO_CONDITIONAL_EXPECTED


DJANGO_REASSIGNED: dict[str, str] = {
    "shop/settings.py": """
        ROOT_URLCONF = "shop.urls"
    """,
    "shop/views.py": """
        def index(request): ...
        def toolbar(request): ...
        def maintenance(request): ...
        def cart(request): ...
    """,
    "shop/urls.py": """
        from django.conf import settings
        from django.urls import path

        from shop import views

        urlpatterns = [path("", views.index), path("cart/", views.cart)]

        if settings.DEBUG:
            urlpatterns = [path("__debug__/", views.toolbar)] + urlpatterns

        if settings.MAINTENANCE:
            urlpatterns = [path("maintenance/", views.maintenance)]
    """,
}


def test_django_urlpatterns_reassigned_under_a_condition_keep_what_they_replace_under_its_negation():
    endpoints, _ = scan(DjangoScanner(), DJANGO_REASSIGNED)
    assert [(e.path, e.conditions) for e in endpoints] == [
        ("/__debug__", ["settings.DEBUG", "not (settings.MAINTENANCE)"]),
        ("/", ["not (settings.MAINTENANCE)"]),
        ("/cart", ["not (settings.MAINTENANCE)"]),
        ("/maintenance", ["settings.MAINTENANCE"]),
    ]


# A FastAPI service: pydantic settings switch optional routers on; one router is included
# under a flag and includes another; a route inside a router is declared under a flag too.
FASTAPI_CONDITIONAL: dict[str, str] = {
    "service/config.py": """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            metrics_enabled: bool = False
            admin_enabled: bool = True
            legacy_api: bool = False

        settings = Settings()
    """,
    "service/routers/items.py": """
        from fastapi import APIRouter

        from service.config import settings

        router = APIRouter(prefix="/items")

        @router.get("")
        def list_items(): ...

        if settings.legacy_api:
            @router.get("/legacy")
            def legacy_items(): ...
    """,
    "service/routers/metrics.py": """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/metrics")
        def metrics(): ...
    """,
    "service/routers/admin.py": """
        from fastapi import APIRouter

        from service.routers import audit

        router = APIRouter(prefix="/admin")

        @router.get("/users")
        def admin_users(): ...

        router.include_router(audit.router, prefix="/audit")
    """,
    "service/routers/audit.py": """
        from fastapi import APIRouter

        router = APIRouter()

        @router.get("/events")
        def audit_events(): ...
    """,
    "service/main.py": """
        import uvicorn
        from fastapi import FastAPI

        from service.config import settings
        from service.routers import admin, items, metrics

        app = FastAPI()
        app.include_router(items.router, prefix="/api")

        if settings.metrics_enabled:
            app.include_router(metrics.router)
        elif settings.admin_enabled:
            app.include_router(admin.router, prefix="/api")

        @app.get("/health")
        def health(): ...

        if __name__ == "__main__":
            @app.get("/dev/reload")
            def dev_reload(): ...

            uvicorn.run(app)
    """,
}

FASTAPI_CONDITIONAL_EXPECTED = {
    ("GET", "/api/items"): [],
    ("GET", "/api/items/legacy"): ["settings.legacy_api"],
    ("GET", "/metrics"): ["settings.metrics_enabled"],
    ("GET", "/api/admin/users"): ["not (settings.metrics_enabled)", "settings.admin_enabled"],
    ("GET", "/api/admin/audit/events"): ["not (settings.metrics_enabled)", "settings.admin_enabled"],
    ("GET", "/health"): [],
    ("GET", "/dev/reload"): ['__name__ == "__main__"'],
}


def test_fastapi_routes_and_routers_behind_settings_carry_their_conditions():
    endpoints, warnings = scan(FastAPIScanner(), FASTAPI_CONDITIONAL)
    assert warnings == []
    assert _conditions(endpoints) == FASTAPI_CONDITIONAL_EXPECTED


# A Flask application factory registering blueprints by configuration; a blueprint
# registered under a flag registers a nested one; a rule added under a flag.
FLASK_CONDITIONAL: dict[str, str] = {
    "wiki/__init__.py": """
        from flask import Flask

        from wiki import pages
        from wiki.admin import admin_bp
        from wiki.api import api_bp

        def create_app(config=None):
            app = Flask(__name__)
            app.config.from_mapping(config or {})
            app.register_blueprint(pages.bp)
            if app.config["API_ENABLED"]:
                app.register_blueprint(api_bp, url_prefix="/api")
            if not app.config.get("READ_ONLY"):
                app.register_blueprint(admin_bp)
            if app.debug:
                app.add_url_rule("/_debug", "debug", pages.debug_view)
            return app
    """,
    "wiki/pages.py": """
        from flask import Blueprint

        bp = Blueprint("pages", __name__)

        @bp.route("/")
        def index(): ...

        @bp.route("/<slug>", methods=["GET", "POST"])
        def page(slug): ...

        def debug_view(): ...
    """,
    "wiki/api/__init__.py": """
        from flask import Blueprint

        from wiki.api.search import search_bp

        api_bp = Blueprint("api", __name__)
        api_bp.register_blueprint(search_bp, url_prefix="/search")

        @api_bp.get("/pages")
        def api_pages(): ...
    """,
    "wiki/api/search.py": """
        import os

        from flask import Blueprint

        search_bp = Blueprint("search", __name__)

        @search_bp.get("")
        def search(): ...

        if os.environ.get("SEARCH_SUGGEST"):
            @search_bp.get("/suggest")
            def suggest(): ...
    """,
    "wiki/admin.py": """
        from flask import Blueprint

        admin_bp = Blueprint("admin", __name__, url_prefix="/admin")

        @admin_bp.post("/pages/<int:page_id>/lock")
        def lock(page_id): ...
    """,
}

FLASK_CONDITIONAL_EXPECTED = {
    ("GET", "/"): [],
    ("GET", "/{slug}"): [],
    ("POST", "/{slug}"): [],
    ("GET", "/api/pages"): ['app.config["API_ENABLED"]'],
    ("GET", "/api/search"): ['app.config["API_ENABLED"]'],
    ("GET", "/api/search/suggest"): ['app.config["API_ENABLED"]', 'os.environ.get("SEARCH_SUGGEST")'],
    ("POST", "/admin/pages/{page_id}/lock"): ['not app.config.get("READ_ONLY")'],
    ("GET", "/_debug"): ["app.debug"],
}


def test_flask_blueprints_and_rules_behind_configuration_carry_their_conditions():
    endpoints, warnings = scan(FlaskScanner(), FLASK_CONDITIONAL)
    assert warnings == []
    assert _conditions(endpoints) == FLASK_CONDITIONAL_EXPECTED
