"""URLs contributed through a project's hook registry (as Wagtail's `register_admin_urls`):
functions registered under a name with the registry's `register`, collected by a loop over
`get_hooks(name)` that adds what each returns to `urlpatterns`."""

from __future__ import annotations

from scanning.scanners.django import DjangoScanner
from scanning.tests.scanners.fixtures_python import by_key, keys, scan

PRESSROOM = {
    "pressroom/settings.py": """
        ROOT_URLCONF = "pressroom.urls"
        INSTALLED_APPS = [
            "pressroom.core",
            "pressroom.blog.apps.BlogConfig",
            "pressroom.media",
            "django.contrib.auth",
        ]
        BLOG_COMMENTS = False
    """,
    "pressroom/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("cms/", include("pressroom.core.admin_urls")),
            path("", include("pressroom.blog.urls")),
        ]
    """,
    "pressroom/core/apps.py": "",
    "pressroom/core/hooks.py": """
        _hooks = {}


        def register(hook_name, fn=None, order=0):
            if fn is None:
                def decorator(fn):
                    register(hook_name, fn, order=order)
                    return fn

                return decorator
            _hooks.setdefault(hook_name, []).append((fn, order))


        def get_hooks(hook_name):
            return [fn for fn, _ in sorted(_hooks.get(hook_name, []), key=lambda h: h[1])]
    """,
    "pressroom/core/events.py": """
        _listeners = {}


        def register(name):
            def decorator(fn):
                _listeners.setdefault(name, []).append(fn)
                return fn

            return decorator
    """,
    "pressroom/core/admin_urls.py": """
        from django.urls import path

        from pressroom.core import hooks, views

        urlpatterns = [path("", views.dashboard)]

        for fn in hooks.get_hooks("register_admin_urls"):
            urls = fn()
            if urls:
                urlpatterns += urls
    """,
    "pressroom/core/views.py": """
        def dashboard(request):
            return None
    """,
    "pressroom/blog/apps.py": "",
    "pressroom/blog/urls.py": """
        from django.urls import path

        from . import views

        urlpatterns = [path("posts/<slug:slug>/", views.post)]
    """,
    "pressroom/blog/admin_urls.py": """
        from django.urls import path

        from . import views

        urlpatterns = [
            path("", views.post_index),
            path("<int:pk>/", views.PostEditView.as_view()),
        ]
    """,
    "pressroom/blog/views.py": """
        from django.views import View


        def post(request, slug):
            return None


        def post_index(request):
            return None


        def comments(request):
            return None


        class PostEditView(View):
            def get(self, request, pk):
                return None

            def post(self, request, pk):
                return None
    """,
    "pressroom/blog/cms_hooks.py": """
        from django.conf import settings
        from django.urls import include, path

        from pressroom.core import events, hooks

        from . import admin_urls, views


        @hooks.register("register_admin_urls", order=10)
        def register_admin_urls():
            tag_patterns = ([path("", views.post_index)], "tags")
            return [path("posts/", include(admin_urls)), path("tags/", include(tag_patterns))]


        if settings.BLOG_COMMENTS:

            @hooks.register("register_admin_urls")
            def register_comment_urls():
                return [path("comments/", views.comments)] + moderation_urls()


        def moderation_urls():
            return [path("comments/pending/", views.comments)]


        @hooks.register("register_menu_urls")
        def register_menu_urls():
            return [path("menu/", views.post_index)]


        @events.register("register_admin_urls")
        def announce():
            return [path("announce/", views.post_index)]
    """,
    "pressroom/media/__init__.py": "",
    "pressroom/media/apps.py": "",
    "pressroom/media/views.py": """
        from django.views import View


        def library(request):
            return None


        class MediaDetailView(View):
            def get(self, request, pk):
                return None

            def delete(self, request, pk):
                return None
    """,
    "pressroom/media/cms_hooks.py": """
        from django.urls import path

        from pressroom.core.hooks import register

        from .views import MediaDetailView, library


        def media_urls():
            urls = [path("media/", library)]
            urls.append(path("media/<int:pk>/", MediaDetailView.as_view()))
            return urls


        register("register_admin_urls", media_urls)
    """,
    "pressroom/polls/apps.py": "",
    "pressroom/polls/cms_hooks.py": """
        from django.urls import path

        from pressroom.core import hooks


        def results(request):
            return None


        @hooks.register("register_admin_urls")
        def register_admin_urls():
            return [path("polls/", results)]
    """,
}


def test_it_unrolls_a_loop_over_a_hook_registry_into_every_registered_function():
    endpoints, warnings = scan(DjangoScanner(), PRESSROOM)
    # Not served: the hook name no loop collects (`register_menu_urls`), another registry's
    # `register` (`events`), and the hooks of `polls`, an app the settings do not install.
    assert keys(endpoints) == {
        ("GET", "/cms"),
        ("GET", "/cms/posts"),
        ("GET", "/cms/posts/{pk}"),
        ("POST", "/cms/posts/{pk}"),
        ("GET", "/cms/tags"),
        ("GET", "/cms/comments"),
        ("GET", "/cms/comments/pending"),
        ("GET", "/cms/media"),
        ("GET", "/cms/media/{pk}"),
        ("DELETE", "/cms/media/{pk}"),
        ("GET", "/posts/{slug}"),
    }
    assert warnings == []
    found = by_key(endpoints)
    # The function's own `if` guards its routes; `if urls:` (a hook returning nothing) does not.
    assert found[("GET", "/cms/comments")].conditions == ["settings.BLOG_COMMENTS"]
    assert found[("GET", "/cms/comments/pending")].conditions == ["settings.BLOG_COMMENTS"]
    assert found[("GET", "/cms/media/{pk}")].conditions == []
    assert found[("DELETE", "/cms/media/{pk}")].handler == "MediaDetailView"
    assert (found[("GET", "/cms/media")].file, found[("GET", "/cms/media")].line) == ("pressroom/media/cms_hooks.py", 10)


def test_without_installed_apps_every_registered_function_counts():
    files = dict(PRESSROOM)
    files["pressroom/settings.py"] = 'ROOT_URLCONF = "pressroom.urls"\n'
    endpoints, _ = scan(DjangoScanner(), files)
    assert ("GET", "/cms/polls") in keys(endpoints)
    assert ("GET", "/cms/menu") not in keys(endpoints)


def test_a_loop_over_anything_else_stays_unresolved():
    files = dict(PRESSROOM)
    files["pressroom/core/admin_urls.py"] = """
        from django.urls import path

        from pressroom.core import views
        from pressroom.plugins import loaded

        urlpatterns = [path("", views.dashboard)]

        for fn in loaded():
            urlpatterns += fn()
    """
    endpoints, warnings = scan(DjangoScanner(), files)
    assert {k for k in keys(endpoints) if k[1].startswith("/cms")} == {("GET", "/cms")}
    assert [w.message for w in warnings] == [
        "urlpatterns built from an expression that cannot be resolved statically"
    ]
