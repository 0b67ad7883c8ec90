from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from scanning.scanners.base import RepositoryIndex
from scanning.scanners.django import DjangoScanner, django_route
from scanning.tests.scanners.fixtures_python import (
    DJANGO_EXPECTED,
    DJANGO_PROJECT,
    by_key,
    django_projects,
    expected_django,
    keys,
    params,
    render_django,
    scan,
)


def _scan(files: dict[str, str] = DJANGO_PROJECT):
    return scan(DjangoScanner(), files)


def test_it_finds_exactly_the_served_urls_from_root_urlconf():
    endpoints, _ = _scan()
    assert keys(endpoints) == DJANGO_EXPECTED


def test_a_urls_module_never_included_is_not_served():
    endpoints, _ = _scan()
    assert not any("old-home" in e.path for e in endpoints)


def test_a_syntax_error_is_a_warning_and_the_rest_is_still_found():
    endpoints, warnings = _scan()
    assert [w.file for w in warnings] == ["api/broken.py"]
    assert len(endpoints) == len(DJANGO_EXPECTED)


def test_converters_and_regex_groups_type_path_parameters():
    found = by_key(_scan()[0])
    assert params(found[("GET", "/blog/{year}/{month}")]) == {
        ("path", "year"): (True, {"type": "integer"}),
        ("path", "month"): (True, {"type": "integer"}),
    }
    assert params(found[("GET", "/blog/{slug}")]) == {
        ("path", "slug"): (True, {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"})
    }
    assert params(found[("GET", "/blog/tag/{tag}")]) == {
        ("path", "tag"): (True, {"type": "string", "pattern": "^[a-z-]+$"})
    }
    assert params(found[("DELETE", "/api/reports/{report_id}")]) == {
        ("path", "report_id"): (True, {"type": "integer"})
    }


def test_router_lookup_field_names_the_detail_parameter():
    found = by_key(_scan()[0])
    assert params(found[("GET", "/api/users/{username}")]) == {
        ("path", "username"): (True, {"type": "string"})
    }
    assert params(found[("GET", "/api/tags/{pk}")]) == {("path", "pk"): (True, {"type": "integer"})}
    assert ("GET", "/api/orders/{order_id}") in found


def test_viewset_actions_are_limited_by_mixins_and_extra_actions_are_routed():
    found = keys(_scan()[0])
    assert {m for m, p in found if p == "/api/orders/{order_id}"} == {"GET"}
    assert {m for m, p in found if p == "/api/orders/{order_id}/items"} == {"GET", "DELETE"}
    assert {m for m, p in found if p.startswith("/api/tags")} == {"GET"}
    assert ("POST", "/api/users/{username}/set-password") in found


def test_handlers_files_and_lines():
    found = by_key(_scan()[0])
    listing = found[("GET", "/api/users")]
    assert (listing.handler, listing.file, listing.line) == ("UserViewSet.list", "api/urls.py", 10)
    action = found[("POST", "/api/users/{username}/set-password")]
    assert (action.handler, action.file, action.line) == ("UserViewSet.set_password", "api/views.py", 17)
    root = found[("GET", "/api")]
    assert (root.handler, root.file, root.line) == ("APIRootView", "api/urls.py", 9)
    archive = found[("GET", "/blog/{year}/{month}")]
    assert (archive.handler, archive.file, archive.line) == ("archive", "blog/urls.py", 11)


def test_auth_from_decorators_mixins_wrappers_and_permission_classes():
    found = by_key(_scan()[0])
    assert found[("POST", "/blog/{pk}/comment")].auth == "@login_required"
    assert found[("GET", "/blog/new")].auth == "LoginRequiredMixin"
    assert found[("GET", "/accounts/profile")].auth == "login_required()"
    assert found[("GET", "/blog")].auth_required is False
    assert found[("GET", "/api/stats")].auth == "permission_classes=[IsAdminUser]"
    assert found[("POST", "/api/users/{username}/set-password")].auth == "permission_classes=[IsAdminUser]"
    assert found[("GET", "/api/health")].auth_required is False
    assert found[("GET", "/api/tags")].auth_required is False


def test_default_permission_classes_apply_to_drf_views_without_their_own():
    found = by_key(_scan()[0])
    assert found[("GET", "/api/reports/{report_id}")].auth == "DEFAULT_PERMISSION_CLASSES=[IsAuthenticated]"
    assert found[("GET", "/api")].auth_required is True


def test_read_only_permissions_leave_safe_methods_public():
    found = by_key(_scan()[0])
    assert found[("GET", "/api/orders")].auth_required is False
    assert found[("POST", "/api/orders")].auth_required is True


def test_a_plain_serializer_gives_request_and_response_schemas():
    created = by_key(_scan()[0])[("POST", "/api/orders")]
    body = created.request_body
    assert body["required"] == ["status", "email", "lines"]
    assert "id" not in body["properties"] and "created" not in body["properties"]
    assert body["properties"]["status"] == {"type": "string", "enum": ["new", "paid", "shipped"]}
    assert body["properties"]["note"] == {"type": "string", "maxLength": 200}
    assert body["properties"]["email"] == {"type": "string", "format": "email", "minLength": 1}
    assert body["properties"]["lines"]["items"]["properties"]["quantity"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 99,
    }
    assert body["properties"]["tags"] == {
        "type": "array",
        "items": {"type": "string", "maxLength": 20, "minLength": 1},
    }
    response = created.responses["201"]["schema"]
    assert {"id", "created"} <= set(response["properties"])


def test_a_model_serializer_resolves_meta_fields_against_models():
    found = by_key(_scan()[0])
    body = found[("POST", "/api/users")].request_body
    assert list(body["properties"]) == ["username", "email", "password"]
    assert body["required"] == ["username", "password"]
    assert body["properties"]["password"] == {"type": "string", "minLength": 8}
    response = found[("GET", "/api/users/{username}")].responses["200"]["schema"]
    assert list(response["properties"]) == ["id", "username", "email", "date_joined"]
    product = found[("POST", "/api/products")].request_body
    assert product["properties"]["status"] == {"type": "string", "enum": ["draft", "live"]}
    assert product["required"] == ["name", "price"]
    assert "owner" not in product["properties"]


def test_patch_bodies_drop_required_and_list_responses_are_paginated_unless_disabled():
    found = by_key(_scan()[0])
    assert "required" not in found[("PATCH", "/api/users/{username}")].request_body
    assert set(found[("GET", "/api/users")].responses["200"]["schema"]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    assert found[("GET", "/api/products")].responses["200"]["schema"]["type"] == "array"
    assert found[("DELETE", "/api/products/{pk}")].responses == {"204": {"description": ""}}


def test_without_root_urlconf_the_roots_are_urls_modules_nobody_includes():
    files = {
        "proj/urls.py": """
            from django.urls import include, path
            urlpatterns = [path("shop/", include(("shop.urls", "shop")))]
        """,
        "shop/urls.py": """
            from django.urls import path
            from rest_framework.routers import SimpleRouter
            from rest_framework.urlpatterns import format_suffix_patterns
            from . import views
            router = SimpleRouter()
            router.register("carts", views.CartViewSet)
            urlpatterns = [path("ping/", views.ping)]
            urlpatterns += router.urls
            urlpatterns = format_suffix_patterns(urlpatterns)
        """,
        "shop/views.py": """
            from rest_framework import viewsets
            from rest_framework.decorators import api_view

            @api_view()
            def ping(request):
                return None

            class CartViewSet(viewsets.ViewSet):
                def list(self, request):
                    return None

                def destroy(self, request, pk=None):
                    return None
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/shop/ping"), ("GET", "/shop/carts"), ("DELETE", "/shop/carts/{pk}")}
    assert warnings == []


def test_viewset_as_view_mapping_and_include_of_a_pattern_variable():
    files = {
        "settings.py": 'ROOT_URLCONF = "urls"\n',
        "urls.py": """
            from django.urls import include, path
            from views import NoteViewSet
            note_patterns = [
                path("", NoteViewSet.as_view({"get": "list", "post": "create"})),
                path("<uuid:pk>/", NoteViewSet.as_view({"delete": "destroy"})),
            ]
            urlpatterns = [path("notes/", include(note_patterns))]
        """,
        "views.py": """
            from rest_framework.viewsets import ModelViewSet
            class NoteViewSet(ModelViewSet):
                pass
        """,
    }
    endpoints, _ = _scan(files)
    assert keys(endpoints) == {("GET", "/notes"), ("POST", "/notes"), ("DELETE", "/notes/{pk}")}
    assert params(by_key(endpoints)[("DELETE", "/notes/{pk}")]) == {
        ("path", "pk"): (True, {"type": "string", "format": "uuid"})
    }


def test_an_unparseable_model_and_a_dynamic_route_are_warnings():
    files = {
        "settings.py": 'ROOT_URLCONF = "urls"\n',
        "urls.py": """
            from django.conf import settings
            from django.urls import path
            from views import ThingList, dashboard
            urlpatterns = [
                path("things/", ThingList.as_view()),
                path(settings.DASHBOARD_URL, dashboard),
            ]
        """,
        "views.py": """
            from rest_framework import generics, serializers
            from thirdparty.models import Thing

            class ThingSerializer(serializers.ModelSerializer):
                class Meta:
                    model = Thing
                    fields = ["id", "label"]

            class ThingList(generics.ListAPIView):
                serializer_class = ThingSerializer

            def dashboard(request):
                return None
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/things")}
    assert sorted(w.message for w in warnings) == [
        "URL route is not a constant string; its views are not reported",
        "serializer ThingSerializer: model fields are not parseable",
    ]


def test_django_route_conversion():
    assert django_route("users/<int:pk>/posts/<slug:s>/", regex=False)[0] == "users/{pk}/posts/{s}/"
    text, schemas = django_route(r"^a/(?P<id>\d+)/(?P<code>[A-Z]{2})/?$", regex=True)
    assert text == "a/{id}/{code}"
    assert schemas == {"id": {"type": "integer"}, "code": {"type": "string", "pattern": "^[A-Z]{2}$"}}


def test_detection_uses_imports_or_manifests():
    scanner = DjangoScanner()
    assert scanner.detect(RepositoryIndex(files=[], manifests={"requirements.txt": "Django==5.2\n"}), {})
    assert scanner.detect(
        RepositoryIndex(files=[]), {"a.py": {"imports": [["x", 0, "rest_framework.views", "x", ""]]}}
    )
    assert not scanner.detect(RepositoryIndex(files=[]), {"a.py": {"imports": []}})


def test_include_resolves_apps_living_under_an_apps_directory():
    files = {
        "config/settings.py": 'ROOT_URLCONF = "config.urls"\n',
        "config/urls.py": """
            from django.urls import include, path
            urlpatterns = [path("users/", include("users.urls"))]
        """,
        "apps/users/urls.py": """
            from django.urls import path
            from . import views
            urlpatterns = [path("<int:pk>/", views.detail)]
        """,
        "apps/users/views.py": """
            def detail(request, pk):
                return None
        """,
    }
    assert keys(_scan(files)[0]) == {("GET", "/users/{pk}")}


def test_nested_routers_hang_under_the_parent_detail_route():
    files = {
        "settings.py": 'ROOT_URLCONF = "urls"\n',
        "urls.py": """
            from django.urls import include, path
            from rest_framework.routers import SimpleRouter
            from rest_framework_nested.routers import NestedSimpleRouter
            from views import CommentViewSet, PostViewSet

            router = SimpleRouter()
            router.register(r"posts", PostViewSet)
            posts_router = NestedSimpleRouter(router, r"posts", lookup="post")
            posts_router.register(r"comments", CommentViewSet, basename="post-comments")
            urlpatterns = [path("", include(router.urls)), path("", include(posts_router.urls))]
        """,
        "views.py": """
            from rest_framework import mixins, viewsets

            class PostViewSet(viewsets.ReadOnlyModelViewSet):
                lookup_field = "slug"

            class CommentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
                http_method_names = ["get"]
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {
        ("GET", "/posts"),
        ("GET", "/posts/{slug}"),
        ("GET", "/posts/{post_slug}/comments"),
    }
    assert params(by_key(endpoints)[("GET", "/posts/{post_slug}/comments")]) == {
        ("path", "post_slug"): (True, {"type": "string"})
    }
    assert warnings == []


def test_login_required_middleware_guards_every_view_not_exempted():
    files = {
        "site/settings.py": """
            ROOT_URLCONF = "site.urls"
            MIDDLEWARE = [
                "django.contrib.sessions.middleware.SessionMiddleware",
                "django.contrib.auth.middleware.AuthenticationMiddleware",
                "django.contrib.auth.middleware.LoginRequiredMiddleware",
            ]
        """,
        "site/urls.py": """
            from django.contrib.auth import views as auth_views
            from django.urls import path
            from site import views
            urlpatterns = [
                path("", views.dashboard),
                path("about/", views.about),
                path("login/", auth_views.LoginView.as_view()),
            ]
        """,
        "site/views.py": """
            from django.contrib.auth.decorators import login_not_required

            def dashboard(request):
                return None

            @login_not_required
            def about(request):
                return None
        """,
    }
    found = by_key(_scan(files)[0])
    assert found[("GET", "/")].auth == "LoginRequiredMiddleware"
    assert found[("GET", "/about")].auth_required is False
    assert found[("POST", "/login")].auth_required is False


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(django_projects())
def test_generated_projects_are_found_exactly(apps):
    endpoints, warnings = scan(DjangoScanner(), render_django(apps))
    assert warnings == []
    assert keys(endpoints) == expected_django(apps)


def test_a_hand_written_post_of_a_generic_view_reads_its_serializer_class():
    files = {
        "settings.py": 'ROOT_URLCONF = "urls"\n',
        "urls.py": """
            from django.urls import path
            from views import RegisterView
            urlpatterns = [path("register/", RegisterView.as_view())]
        """,
        "views.py": """
            from rest_framework import generics, serializers
            from rest_framework.permissions import AllowAny

            class RegisterSerializer(serializers.Serializer):
                email = serializers.EmailField()
                password = serializers.CharField(write_only=True, min_length=12)

            class RegisterView(generics.GenericAPIView):
                serializer_class = RegisterSerializer
                permission_classes = [AllowAny]

                def post(self, request):
                    return None
        """,
    }
    endpoint = by_key(_scan(files)[0])[("POST", "/register")]
    assert endpoint.request_body["required"] == ["email", "password"]
    assert endpoint.request_body["properties"]["password"] == {"type": "string", "minLength": 12}
    assert endpoint.auth_required is False


def test_query_parameters_the_views_read_are_parameters() -> None:
    found = by_key(_scan()[0])

    def query(method: str, path: str) -> list[tuple[str, bool, dict]]:
        return [(p.name, p.required, p.schema) for p in found[(method, path)].parameters if p.location == "query"]

    # a function view: request.GET.get(name, default) and getlist
    assert query("GET", "/") == [
        ("q", False, {"type": "string", "default": ""}),
        ("tag", False, {"type": "array", "items": {"type": "string"}}),
    ]
    # a viewset's get_queryset filters its list, not its detail or writes
    assert query("GET", "/api/users") == [("active", False, {"type": "string"})]
    assert query("GET", "/api/users/{username}") == [] and query("POST", "/api/users") == []
    # an @action reads its own
    assert query("GET", "/api/users/recent") == [("days", False, {"type": "integer", "default": 7})]
    # a generic list view's get_queryset, typed by the default
    assert query("GET", "/api/products") == [("max_price", False, {"type": "number", "default": 1000.0})]
    assert query("POST", "/api/products") == []
    # an APIView's handler; a subscript read is required
    assert query("GET", "/api/reports/{report_id}") == [("format", True, {"type": "string"})]
    assert query("DELETE", "/api/reports/{report_id}") == []


# A project mounting a reusable app whose `urls` is a package: `accounts/urls/__init__.py`
# re-exports the router's urlpatterns of `accounts/urls/base.py`, `accounts.urls.tokens`
# re-exports with a star import, `accounts.urls.jwt` mounts simplejwt's views as they are.
REUSABLE_APP_PROJECT = {
    "config/settings.py": 'ROOT_URLCONF = "config.urls"\n',
    "config/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("auth/", include("accounts.urls")),
            path("auth/", include("accounts.urls.tokens")),
            path("auth/", include("accounts.urls.jwt")),
            path("legacy/", include("accounts.urls.legacy")),
            path("billing/", include("billing.urls")),
        ]
    """,
    "accounts/__init__.py": "",
    "accounts/urls/__init__.py": """
        from .base import urlpatterns

        __all__ = ["urlpatterns"]
    """,
    "accounts/urls/base.py": """
        from rest_framework.routers import DefaultRouter

        from accounts import views

        router = DefaultRouter()
        router.register("users", views.UserViewSet)

        urlpatterns = router.urls
    """,
    "accounts/urls/tokens.py": """
        from accounts.urls._token_patterns import *
    """,
    "accounts/urls/_token_patterns.py": """
        from django.urls import re_path

        from accounts import views

        urlpatterns = [re_path(r"^token/login/?$", views.TokenCreateView.as_view())]
    """,
    "accounts/urls/jwt.py": """
        from django.urls import re_path
        from rest_framework_simplejwt import views
        from oauth_toolkit.views import AuthorizationView

        urlpatterns = [
            re_path(r"^jwt/create/?$", views.TokenObtainPairView.as_view()),
            re_path(r"^jwt/refresh/?$", views.TokenRefreshView.as_view()),
            re_path(r"^o/authorize/?$", AuthorizationView.as_view()),
        ]
    """,
    "accounts/urls/legacy.py": """
        from django.urls import path

        def helper():
            return []
    """,
    "accounts/views.py": """
        from rest_framework import generics, viewsets
        from rest_framework.decorators import action

        class UserViewSet(viewsets.ModelViewSet):
            @action(["post"], detail=False)
            def activation(self, request):
                return None

            @action(["get", "put", "patch", "delete"], True, "profile")
            def me(self, request, pk=None):
                return None

            @action(detail=False)
            def stats(self, request):
                return None

        class TokenCreateView(generics.GenericAPIView):
            def post(self, request):
                return None
    """,
    "billing/urls.py": """
        from billing.compat import urlpatterns
    """,
}


def test_a_urls_package_re_exporting_a_router_and_positional_action_methods():
    endpoints, _ = _scan(REUSABLE_APP_PROJECT)
    assert keys(endpoints) == {
        ("GET", "/auth"),  # the DefaultRouter's API root
        ("GET", "/auth/users"),
        ("POST", "/auth/users"),
        ("GET", "/auth/users/{pk}"),
        ("PUT", "/auth/users/{pk}"),
        ("PATCH", "/auth/users/{pk}"),
        ("DELETE", "/auth/users/{pk}"),
        ("POST", "/auth/users/activation"),
        ("GET", "/auth/users/{pk}/profile"),
        ("PUT", "/auth/users/{pk}/profile"),
        ("PATCH", "/auth/users/{pk}/profile"),
        ("DELETE", "/auth/users/{pk}/profile"),
        ("GET", "/auth/users/stats"),
        ("POST", "/auth/token/login"),
        ("POST", "/auth/jwt/create"),
        ("POST", "/auth/jwt/refresh"),
    }
    # positional methods are not read as the GET default
    assert ("GET", "/auth/users/activation") not in keys(endpoints)


def test_unresolvable_urlpatterns_and_external_views_are_precise_warnings():
    _, warnings = _scan(REUSABLE_APP_PROJECT)
    assert sorted((w.file, w.message) for w in warnings) == [
        ("accounts/urls/jwt.py",
         "view oauth_toolkit.views.AuthorizationView is defined outside the scanned tree; "
         "its HTTP methods are unknown"),
        ("accounts/urls/legacy.py", "included module defines no urlpatterns"),
        ("billing/urls.py",
         "urlpatterns imported from billing.compat.urlpatterns, which cannot be resolved statically"),
    ]


# An allauth-like project: views bound as module-level aliases (`login = LoginView.as_view()`),
# a headless API whose urlpatterns a function builds for each client and whose views come from
# a classmethod factory `as_api_view`, and RedirectViews.
SIGNIN_PROJECT = {
    "site/settings.py": 'ROOT_URLCONF = "site.urls"\n',
    "site/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("accounts/", include("signin.urls")),
            path("_signin/", include("signin.headless.urls")),
        ]
    """,
    "signin/__init__.py": "",
    "signin/urls.py": """
        from django.urls import include, path
        from django.views.generic import RedirectView

        from signin.account import urls as account_urls

        urlpatterns = [
            path("", include(account_urls)),
            path("old-login/", RedirectView.as_view(url="/accounts/login/")),
        ]
    """,
    "signin/account/__init__.py": "",
    "signin/account/views.py": """
        from django.contrib.auth.decorators import login_required
        from django.views.generic import FormView, RedirectView, TemplateView, View

        class LoginView(FormView):
            template_name = "login.html"

        login = LoginView.as_view()

        class LogoutView(View):
            def get(self, request):
                ...

            def post(self, request):
                ...

        logout = LogoutView.as_view(http_method_names=["post"])

        class EmailView(View):
            def get(self, request):
                ...

            def post(self, request):
                ...

        email = login_required(EmailView.as_view())

        class ConfirmView(RedirectView):
            pattern_name = "account_login"

        confirm = ConfirmView.as_view()

        sent = TemplateView.as_view(template_name="sent.html")
        home = email
        not_a_view = 42
    """,
    "signin/account/urls.py": """
        from django.urls import path

        from . import views
        from .views import logout

        urlpatterns = [
            path("login/", views.login, name="account_login"),
            path("logout/", logout),
            path("email/", views.email),
            path("confirm/<key>/", views.confirm),
            path("sent/", views.sent),
            path("home/", views.home),
            path("broken/", views.not_a_view),
        ]
    """,
    "signin/headless/__init__.py": "",
    "signin/headless/constants.py": """
        class Client:
            APP = "app"
            BROWSER = "browser"
    """,
    "signin/headless/base.py": """
        from django.utils.decorators import classonlymethod
        from django.views import View

        class APIView(View):
            client = None

            @classonlymethod
            def as_api_view(cls, **initkwargs):
                view = cls.as_view(**initkwargs)
                return view

            def as_json_view(self):
                return self
    """,
    "signin/headless/views.py": """
        from signin.headless.base import APIView

        class SessionView(APIView):
            def get(self, request):
                ...

            def delete(self, request):
                ...

        class LoginView(APIView):
            def post(self, request):
                ...

        class ConfigView(APIView):
            def get(self, request):
                ...
    """,
    "signin/headless/urls.py": """
        from django.urls import include, path

        from signin.headless import views
        from signin.headless.constants import Client

        def _config_patterns(client):
            return [path("config", views.ConfigView.as_api_view(client=client))]

        def build_urlpatterns(client):
            patterns = []
            patterns.extend(_config_patterns(client))
            auth_patterns: list = [
                path("session", views.SessionView.as_api_view(client=client)),
            ]
            auth_patterns.append(path("login", views.LoginView.as_api_view(client=client)))
            auth_patterns.append(path(client + "/odd", views.LoginView.as_api_view(client=client)))
            auth_patterns.append(path("json", views.LoginView.as_json_view(client=client)))
            patterns.append(path("auth/", include(auth_patterns)))
            return [path("v1/", include(patterns))]

        urlpatterns = [
            path("browser/", include((build_urlpatterns(Client.BROWSER), "headless"), namespace="browser")),
        ]
        urlpatterns.append(path("app/", include((build_urlpatterns(Client.APP), "headless"), namespace="app")))
    """,
}
_REDIRECT = ("GET", "POST", "PUT", "PATCH", "DELETE")
SIGNIN_EXPECTED = {
    ("GET", "/accounts/login"),
    ("POST", "/accounts/login"),
    ("PUT", "/accounts/login"),
    ("POST", "/accounts/logout"),
    ("GET", "/accounts/email"),
    ("POST", "/accounts/email"),
    *((m, "/accounts/confirm/{key}") for m in _REDIRECT),
    *((m, "/accounts/old-login") for m in _REDIRECT),
    ("GET", "/accounts/sent"),
    ("GET", "/accounts/home"),
    ("POST", "/accounts/home"),
    *(
        (method, f"/_signin/{client}/v1/{route}")
        for client in ("browser", "app")
        for method, route in (
            ("GET", "config"),
            ("GET", "auth/session"),
            ("DELETE", "auth/session"),
            ("POST", "auth/login"),
        )
    ),
}


def test_view_aliases_built_urlpatterns_and_view_factories_are_followed():
    endpoints, warnings = _scan(SIGNIN_PROJECT)
    assert keys(endpoints) == SIGNIN_EXPECTED
    found = by_key(endpoints)
    login = found[("POST", "/accounts/login")]
    # The endpoint is where it is routed, its handler the class the alias names.
    assert (login.file, login.line, login.handler) == ("signin/account/urls.py", 8, "LoginView")
    assert found[("GET", "/accounts/email")].auth_required
    assert found[("GET", "/accounts/home")].auth_required
    assert found[("POST", "/_signin/app/v1/auth/login")].file == "signin/headless/urls.py"
    assert sorted((w.file, w.line, w.message) for w in warnings) == [
        ("signin/account/urls.py", 14, "view views.not_a_view cannot be resolved"),
        # A route built from the function's parameter is unknown; so is a method that is
        # not a classmethod view factory.
        ("signin/headless/urls.py", 17, "URL route is not a constant string; its views are not reported"),
        ("signin/headless/urls.py", 18, "view expression cannot be resolved"),
    ]


def test_a_project_class_named_like_a_django_generic_view_is_not_one():
    # The headless `LoginView(APIView)` only posts: Django's `LoginView` (GET, POST) is
    # another class.
    endpoints, _ = _scan(SIGNIN_PROJECT)
    assert ("POST", "/_signin/browser/v1/auth/login") in keys(endpoints)
    assert ("GET", "/_signin/browser/v1/auth/login") not in keys(endpoints)


def test_django_editing_views_serve_the_methods_their_bases_define():
    files = {
        "settings.py": 'ROOT_URLCONF = "urls"\n',
        "urls.py": """
            from django.contrib.auth import views as auth_views
            from django.urls import path
            from views import NoteDelete, NoteEdit, NoteList

            urlpatterns = [
                path("notes/", NoteList.as_view()),
                path("notes/<int:pk>/edit/", NoteEdit.as_view()),
                path("notes/<int:pk>/delete/", NoteDelete.as_view()),
                path("password/", auth_views.PasswordChangeView.as_view()),
                path("logout/", auth_views.LogoutView.as_view()),
            ]
        """,
        "views.py": """
            from django.views.generic import DeleteView, ListView, UpdateView

            class NoteList(ListView):
                pass

            class NoteEdit(UpdateView):
                fields = ["title"]

            class NoteDelete(DeleteView):
                success_url = "/notes/"
        """,
    }
    endpoints, _ = _scan(files)
    # ProcessFormView.put posts the form; BaseDeleteView has DeletionMixin's delete, no put.
    assert keys(endpoints) == {
        ("GET", "/notes"),
        *((m, "/notes/{pk}/edit") for m in ("GET", "POST", "PUT")),
        *((m, "/notes/{pk}/delete") for m in ("GET", "POST", "DELETE")),
        *((m, "/password") for m in ("GET", "POST", "PUT")),
        ("POST", "/logout"),
    }


# A CMS admin in the way of Wagtail: the admin URLconf collects its routes, passes them
# through a helper of another module that decorates every view and returns the list it
# was given, adds the routes that need no login, and decorates again. Its views derive
# from the project's generic views, which derive from Django's `Base*` views (the handlers)
# through the project's own template mixin.
CMS_PROJECT = {
    "settings.py": 'ROOT_URLCONF = "site_urls"\n',
    "site_urls.py": """
        from django.urls import include, path

        from cms.admin import urls as admin_urls

        urlpatterns = [
            path("cms-admin/", include(admin_urls)),
            path("", include("cms.urls")),
        ]
    """,
    "cms/__init__.py": "",
    "cms/urls.py": """
        from django.urls import path

        from cms.views import serve

        urlpatterns = [path("<path:page_path>", serve)]
    """,
    "cms/views.py": """
        def serve(request, page_path):
            return render_page(request, page_path)
    """,
    "cms/utils/__init__.py": "",
    "cms/utils/urlpatterns.py": """
        from functools import update_wrapper


        def decorate_urlpatterns(urlpatterns, decorator):
            \"\"\"Decorate all the views in the passed urlpatterns list with the given decorator\"\"\"
            for pattern in urlpatterns:
                if hasattr(pattern, "url_patterns"):
                    decorate_urlpatterns(pattern.url_patterns, decorator)
                if getattr(pattern, "callback", None):
                    pattern.callback = update_wrapper(decorator(pattern.callback), pattern.callback)
            return urlpatterns
    """,
    "cms/admin/__init__.py": "",
    "cms/admin/auth.py": """
        def require_admin_access(view_func):
            return view_func
    """,
    "cms/admin/urls/__init__.py": """
        from django.urls import include, path
        from django.views.decorators.cache import never_cache

        from cms.admin.auth import require_admin_access
        from cms.admin.urls import collections as collections_urls
        from cms.admin.views import account, home, reports
        from cms.utils.urlpatterns import decorate_urlpatterns

        urlpatterns = [
            path("", home.HomeView.as_view(), name="home"),
            path("collections/", include(collections_urls, namespace="collections")),
            path("reports/aging-pages/", reports.AgingPagesView.as_view()),
        ]

        # Add the access check to everything above
        urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)

        # These url patterns do not require an authenticated admin user
        urlpatterns += [
            path("login/", account.LoginView.as_view(), name="login"),
        ]

        urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
    """,
    "cms/admin/urls/collections.py": """
        from django.urls import path

        from cms.admin.views import collections

        app_name = "collections"
        urlpatterns = [
            path("", collections.IndexView.as_view(), name="index"),
            path("<int:pk>/", collections.EditView.as_view(), name="edit"),
            path("<int:pk>/delete/", collections.DeleteView.as_view(), name="delete"),
        ]
    """,
    "cms/admin/views/__init__.py": "",
    "cms/admin/views/generic.py": """
        from django.views.generic.base import ContextMixin, TemplateResponseMixin
        from django.views.generic.edit import BaseDeleteView, BaseUpdateView
        from django.views.generic.list import BaseListView


        class AdminTemplateMixin(TemplateResponseMixin, ContextMixin):
            header_icon = ""


        class BaseListingView(AdminTemplateMixin, BaseListView):
            paginate_by = 50


        class IndexView(BaseListingView):
            model = None


        class EditView(AdminTemplateMixin, BaseUpdateView):
            def post(self, request, *args, **kwargs):
                self.object = self.get_object()
                return super().post(request, *args, **kwargs)


        class DeleteView(AdminTemplateMixin, BaseDeleteView):
            pass
    """,
    "cms/admin/views/collections.py": """
        from cms.admin.views import generic


        class IndexView(generic.IndexView):
            model = "Collection"


        class EditView(generic.EditView):
            model = "Collection"


        class DeleteView(generic.DeleteView):
            model = "Collection"
    """,
    "cms/admin/views/home.py": """
        from django.views.generic import TemplateView

        from cms.admin.views.generic import AdminTemplateMixin


        class HomeView(AdminTemplateMixin, TemplateView):
            template_name = "cms/home.html"
    """,
    "cms/admin/views/reports.py": """
        from django.views.generic import ListView

        from cms.admin.views.generic import AdminTemplateMixin


        class ReportView(AdminTemplateMixin, ListView):
            paginate_by = 20


        class AgingPagesView(ReportView):
            template_name = "cms/reports/aging.html"
    """,
    "cms/admin/views/account.py": """
        from django.contrib.auth import views as auth_views


        class LoginView(auth_views.LoginView):
            template_name = "cms/login.html"
    """,
}
_FORM = ("GET", "POST", "PUT")
CMS_EXPECTED = {
    ("GET", "/cms-admin"),
    ("GET", "/cms-admin/collections"),
    *((m, "/cms-admin/collections/{pk}") for m in _FORM),
    *((m, "/cms-admin/collections/{pk}/delete") for m in ("GET", "POST", "DELETE")),
    ("GET", "/cms-admin/reports/aging-pages"),
    *((m, "/cms-admin/login") for m in _FORM),
    ("GET", "/{page_path}"),
}


def test_urlpatterns_passed_through_a_helper_returning_them_keep_their_routes():
    endpoints, warnings = _scan(CMS_PROJECT)
    assert keys(endpoints) == CMS_EXPECTED
    assert warnings == []


def test_handlers_come_from_any_django_generic_ancestor_behind_project_bases():
    found = by_key(_scan(CMS_PROJECT)[0])
    # The project's own `post` and the `get`/`put` of Django's ProcessFormView.
    edit = found[("PUT", "/cms-admin/collections/{pk}")]
    assert (edit.file, edit.line, edit.handler) == ("cms/admin/urls/collections.py", 9, "EditView")
    assert params(edit) == {("path", "pk"): (True, {"type": "integer"})}


def test_a_project_helper_returning_another_list_replaces_the_urlpatterns():
    files = {
        **CMS_PROJECT,
        "cms/utils/urlpatterns.py": """
            def decorate_urlpatterns(urlpatterns, decorator):
                return [p for p in urlpatterns if decorator(p)]

            def copy_urlpatterns(urlpatterns, decorator):
                patterns = list(urlpatterns)
                return patterns
        """,
    }
    files["cms/admin/urls/__init__.py"] = files["cms/admin/urls/__init__.py"].replace(
        "urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)",
        "urlpatterns = copy_urlpatterns(urlpatterns, never_cache)",
    ).replace("decorate_urlpatterns\n", "decorate_urlpatterns, copy_urlpatterns\n")
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/{page_path}")}
    assert sorted((w.file, w.line, w.message) for w in warnings) == [
        (
            "cms/admin/urls/__init__.py",
            line,
            "urlpatterns reassigned from an expression that cannot be resolved statically; "
            f"the {count} entries collected before it are dropped",
        )
        for line, count in ((17, 3), (24, 1))
    ]


def test_urlpatterns_passed_through_a_helper_outside_the_tree_are_kept_with_a_warning():
    files = {**CMS_PROJECT}
    del files["cms/utils/urlpatterns.py"]
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == CMS_EXPECTED
    assert sorted((w.file, w.line, w.message) for w in warnings) == [
        (
            "cms/admin/urls/__init__.py",
            line,
            "urlpatterns passed through decorate_urlpatterns(), which cannot be resolved statically; "
            f"the {count} entries collected before it are kept as they are",
        )
        for line, count in ((17, 3), (24, 4))
    ]


def test_a_project_view_deriving_only_from_djangos_mixins_has_no_handler():
    files = {
        **CMS_PROJECT,
        "cms/admin/views/home.py": """
            from cms.admin.views.generic import AdminTemplateMixin


            class HomeView(AdminTemplateMixin):
                template_name = "cms/home.html"
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == CMS_EXPECTED - {("GET", "/cms-admin")}
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("cms/admin/urls/__init__.py", 11, "view HomeView defines no HTTP handler")
    ]


# A forum whose API routers are project subclasses of DRF's (as Misago's MisagoApiRouter).
FORUM_ROUTERS = {
    "settings.py": 'ROOT_URLCONF = "forum.urls"\n',
    "forum/urls.py": """
        from django.urls import include, path

        apipatterns = [
            path("", include("forum.users.urls.api")),
            path("", include("forum.threads.urls.api")),
        ]
        urlpatterns = [
            path("api/", include((apipatterns, "api"), namespace="api")),
            path("api/v2/", include("forum.tags.urls")),
            path("api/legacy/", include("forum.legacy.urls")),
        ]
    """,
    "forum/core/apirouter.py": """
        from rest_framework.routers import DefaultRouter, DynamicRoute, Route, SimpleRouter


        class ForumApiRouter(DefaultRouter):
            include_root_view = False
            include_format_suffixes = False

            routes = [
                Route(
                    url=r"^{prefix}{trailing_slash}$",
                    mapping={"get": "list", "post": "create"},
                    name="{basename}-list",
                    initkwargs={"suffix": "List"},
                    detail=False,
                ),
                Route(
                    url=r"^{prefix}/{lookup}{trailing_slash}$",
                    mapping={"get": "retrieve", "delete": "destroy"},
                    name="{basename}-detail",
                    initkwargs={"suffix": "Instance"},
                    detail=True,
                ),
                DynamicRoute(
                    url=r"^{prefix}/{lookup}/{url_path}{trailing_slash}$",
                    name="{basename}-{url_name}",
                    initkwargs={},
                    detail=True,
                ),
            ]


        class ThreadsRouter(ForumApiRouter):
            pass


        class TaggedRouter(DefaultRouter):
            pass


        class LegacyRouter(SimpleRouter):
            routes = [
                Route(url=r"^{prefix}{trailing_slash}$", mapping={"get": "list"}, name="{basename}-list"),
                Route(url=r"^{prefix}/all/$", mapping={"get": "list"}, name="{basename}-all"),
                Route(url=r"^{prefix}/add/$", mapping={"get": "create", "post": "create"}, name="add"),
                Route(url=r"^{prefix}/{lookup}/changelog/$", mapping={"get": "changelog"}, name="log"),
                Route(url=r"^{prefix}/{lookup}/delete/$", mapping={"post": "bulk_destroy"}, name="del"),
                Route(url=r"^{prefix}/{version}/$", mapping={"get": "list"}, name="{basename}-version"),
            ]


        class NotificationRouter:
            def register(self, prefix, viewset):
                pass
    """,
    "forum/users/urls/api.py": """
        from django.urls import path

        from ...core.apirouter import ForumApiRouter, NotificationRouter
        from .. import views

        urlpatterns = [path("auth/", views.auth)]

        router = ForumApiRouter()
        router.register(r"users", views.UserViewSet)
        urlpatterns += router.urls

        notifications = NotificationRouter()
        notifications.register(r"notifications", views.UserViewSet)
    """,
    "forum/users/views.py": """
        from rest_framework import viewsets
        from rest_framework.decorators import action
        from rest_framework.decorators import action as drf_action


        def auth(request):
            return None


        def bulk_action(**kwargs):
            return lambda f: f


        class HistoryMixin:
            @drf_action(detail=True, url_path="history")
            def changelog(self, request, pk=None):
                return None

            @bulk_action(detail=True)
            def export(self, request, pk=None):
                return None


        class UserViewSet(HistoryMixin, viewsets.ModelViewSet):
            @action(detail=True, methods=["get", "post"])
            def avatar(self, request, pk=None):
                return None

            @action(detail=False)
            def active(self, request):
                return None
    """,
    "forum/threads/urls/api.py": """
        from ...core.apirouter import ThreadsRouter
        from ..api import PostViewSet

        router = ThreadsRouter()
        router.register(r"threads/(?P<thread_pk>[^/.]+)/posts", PostViewSet, basename="thread-post")
        urlpatterns = router.urls
    """,
    "forum/threads/api.py": """
        from rest_framework import viewsets


        class PostViewSet(viewsets.GenericViewSet):
            def list(self, request, thread_pk=None):
                return None

            def create(self, request, thread_pk=None):
                return None

            def retrieve(self, request, pk=None, thread_pk=None):
                return None

            def partial_update(self, request, pk=None, thread_pk=None):
                return None
    """,
    "forum/tags/urls.py": """
        from django.urls import include, path
        from forum.core.apirouter import TaggedRouter
        from forum.tags.views import TagViewSet

        router = TaggedRouter()
        router.register(r"tags", TagViewSet)
        urlpatterns = [path("", include(router.urls))]
    """,
    "forum/tags/views.py": """
        from rest_framework import viewsets


        class TagViewSet(viewsets.ReadOnlyModelViewSet):
            def changelog(self, request, pk=None):
                return None
    """,
    "forum/legacy/urls.py": """
        from forum.core.apirouter import LegacyRouter
        from forum.tags.views import TagViewSet

        router = LegacyRouter()
        router.register(r"tags", TagViewSet)
        urlpatterns = router.urls
    """,
}


def test_router_subclasses_serve_their_own_routes():
    endpoints, warnings = _scan(FORUM_ROUTERS)
    assert keys(endpoints) == {
        ("GET", "/api/auth"),
        # ForumApiRouter: no API root, no PUT/PATCH, @action only on the detail route.
        ("GET", "/api/users"),
        ("POST", "/api/users"),
        ("GET", "/api/users/{pk}"),
        ("DELETE", "/api/users/{pk}"),
        ("GET", "/api/users/{pk}/avatar"),
        ("POST", "/api/users/{pk}/avatar"),
        ("GET", "/api/users/{pk}/history"),  # `action` imported as `drf_action`; `bulk_action` is not it
        # ThreadsRouter inherits ForumApiRouter's routes; partial_update has no route.
        ("GET", "/api/threads/{thread_pk}/posts"),
        ("POST", "/api/threads/{thread_pk}/posts"),
        ("GET", "/api/threads/{thread_pk}/posts/{pk}"),
        # TaggedRouter is a plain DefaultRouter: API root and DRF's routes.
        ("GET", "/api/v2"),
        ("GET", "/api/v2/tags"),
        ("GET", "/api/v2/tags/{pk}"),  # `changelog` is no @action: DRF's routes do not serve it
        # LegacyRouter: only its own routes whose actions the viewset has (no create, no bulk_destroy).
        ("GET", "/api/legacy/tags"),
        ("GET", "/api/legacy/tags/all"),
        ("GET", "/api/legacy/tags/{pk}/changelog"),
    }
    assert params(by_key(endpoints)[("GET", "/api/threads/{thread_pk}/posts/{pk}")]) == {
        ("path", "thread_pk"): (True, {"type": "string", "pattern": "^[^/.]+$"}),
        ("path", "pk"): (True, {"type": "integer"}),
    }
    assert [(w.file, w.message) for w in warnings] == [
        (
            "forum/core/apirouter.py",
            "router route ^{prefix}/{version}/$ cannot be read statically; its routes are not reported",
        )
    ]


def test_a_class_merely_named_router_registers_nothing():
    endpoints, _ = _scan(FORUM_ROUTERS)
    assert not any("notifications" in e.path or "active" in e.path for e in endpoints)
