"""URL lists built by project helpers that loop over their arguments (as Misago's
`threads_list_patterns(prefix, view, patterns)`), called with literal lists and tuples."""

from __future__ import annotations

import textwrap

from scanning.scanners._python import module_facts
from scanning.scanners.base import SourceFile
from scanning.scanners.django import DjangoScanner
from scanning.tests.scanners.fixtures_python import by_key, keys, scan

BOARD = {
    "settings.py": 'ROOT_URLCONF = "board.urls"\n',
    "board/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("", include("board.threads.urls")),
            path("api/", include("board.api.urls")),
        ]
    """,
    "board/core/urlhelpers.py": """
        from django.urls import path

        LIST_TYPES = ("all", "new", "unread")


        def actions(prefix, views):
            return [path(f"{prefix}/<int:pk>/{name}/", view) for name, view in views]


        def list_patterns(view, patterns, name="threads"):
            urls = []
            for i, pattern in enumerate(patterns):
                urls.append(
                    path(pattern, view.as_view(), name=f"{name}-{i}", kwargs={"list_type": LIST_TYPES[i]})
                )
            return urls


        def thread_patterns(prefix, view):
            urls = [
                path("%s/<slug:slug>/<int:pk>/" % prefix[0], view.as_view(), name=prefix),
                path("%s/<slug:slug>/<int:pk>/%d/" % (prefix[0], 2), view.as_view()),
                path("%5s/" % prefix, view.as_view()),
            ]
            return urls
    """,
    "board/threads/urls.py": """
        from board.core.urlhelpers import list_patterns, thread_patterns

        from .views import CategoryThreadsList, ThreadsList

        CATEGORY_PATHS = ["c/<slug:slug>/", "c/<slug:slug>/new/"]

        urlpatterns = list_patterns(ThreadsList, ("threads/", "threads/new/", "threads/unread/"))
        urlpatterns += list_patterns(CategoryThreadsList, CATEGORY_PATHS, name="category")
        urlpatterns += thread_patterns("thread", ThreadsList)
    """,
    "board/threads/views.py": """
        from django.views import View


        class ThreadsList(View):
            def get(self, request, list_type):
                return None


        class CategoryThreadsList(ThreadsList):
            def post(self, request, slug, list_type):
                return None
    """,
    "board/api/urls.py": """
        from board.core.urlhelpers import actions

        from . import views

        urlpatterns = actions("users", [("follow", views.follow), ("block", views.block)])
        urlpatterns += actions("posts", (("like", views.like),))
        urlpatterns += actions("feeds", views.feed_actions())
    """,
    "board/api/views.py": """
        from django.views.decorators.http import require_POST
        from rest_framework.decorators import api_view


        @require_POST
        def follow(request, pk):
            return None


        @api_view(["POST", "DELETE"])
        def block(request, pk):
            return None


        @api_view(["POST", "DELETE"])
        def like(request, pk):
            return None


        def feed_actions():
            return [("mute", follow)]
    """,
}


def test_helpers_looping_over_literal_arguments_serve_one_route_per_item():
    endpoints, warnings = scan(DjangoScanner(), BOARD)
    assert keys(endpoints) == {
        ("GET", "/threads"),
        ("GET", "/threads/new"),
        ("GET", "/threads/unread"),
        # The module constant passed as `patterns`; the view is the caller's class.
        ("GET", "/c/{slug}"),
        ("POST", "/c/{slug}"),
        ("GET", "/c/{slug}/new"),
        ("POST", "/c/{slug}/new"),
        # Routes formatted with `%` from a character of the argument.
        ("GET", "/t/{slug}/{pk}"),
        ("GET", "/t/{slug}/{pk}/2"),
        # The comprehension over a list of pairs, and over a tuple of one pair.
        ("POST", "/api/users/{pk}/follow"),
        ("POST", "/api/users/{pk}/block"),
        ("DELETE", "/api/users/{pk}/block"),
        ("POST", "/api/posts/{pk}/like"),
        ("DELETE", "/api/posts/{pk}/like"),
    }
    found = by_key(endpoints)
    assert found[("POST", "/c/{slug}/new")].handler == "CategoryThreadsList"
    assert found[("POST", "/api/users/{pk}/block")].handler == "block"
    # A helper given what a function call returns: its items are not known; a width in a
    # `%` format is not read.
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("board/core/urlhelpers.py", 24, "URL route is not a constant string; its views are not reported"),
        ("board/core/urlhelpers.py", 8, "URL route is not a constant string; its views are not reported"),
    ]


def test_a_returned_comprehension_of_calls_is_kept_with_its_loop():
    source = """
        def actions(prefix, views):
            return [path(name, view) for name, view in views]

        def filtered(views):
            return [path(name, view) for name, view in views if view]
    """
    functions = module_facts(SourceFile("urls.py", textwrap.dedent(source).encode()))["functions"]
    actions, filtered = functions
    assert actions["rl"] == [
        {
            "comp": {"call": {"n": "path"}, "args": [{"n": "name"}, {"n": "view"}], "kw": {}, "line": 3},
            "t": ["name", "view"],
            "it": {"n": "views"},
            "line": 3,
        }
    ]
    assert "rl" not in filtered  # which items a condition keeps is not known


PROVIDERS = {
    "settings.py": 'ROOT_URLCONF = "site_urls"\n',
    "site_urls.py": """
        from django.urls import include, path

        from accounts.urls import build_provider_urlpatterns

        urlpatterns = [path("accounts/", include("accounts.urls"))]
        urlpatterns += build_provider_urlpatterns()
    """,
    "accounts/urls.py": """
        from importlib import import_module

        from django.urls import path

        from . import views, registry


        def build_provider_urlpatterns():
            patterns = []
            for provider in registry.providers():
                module = import_module(f"{provider.package}.urls")
                patterns += getattr(module, "urlpatterns", [])
            patterns += [path("providers/", views.providers)]
            return patterns


        urlpatterns = [path("login/", views.login)]
    """,
    "accounts/views.py": """
        def login(request):
            return None


        def providers(request):
            return None
    """,
}


def test_a_list_grown_from_modules_imported_at_run_time_is_warned_not_silently_empty():
    endpoints, warnings = scan(DjangoScanner(), PROVIDERS)
    assert keys(endpoints) == {("GET", "/accounts/login"), ("GET", "/providers")}
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("accounts/urls.py", 13, "urlpatterns built from an expression that cannot be resolved statically"),
    ]
