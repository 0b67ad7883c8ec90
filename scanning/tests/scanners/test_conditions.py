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
