"""How a Django project mounts its URL lists, as pretix does: includes under a prefix that ends
in a parameter (Django concatenates patterns, no `/` in between), module lists grown with
`append`/`+=` (some in a loop over the app registry, known only at run time), and views derived
from django-oauth-toolkit and django-formtools."""

from __future__ import annotations

from scanning.scanners.django import DjangoScanner
from scanning.tests.scanners.fixtures_python import by_key, keys, scan

TICKETS = {
    "settings.py": 'ROOT_URLCONF = "tickets.maindomain_urlconf"\n',
    "tickets/maindomain_urlconf.py": """
        import importlib

        from django.apps import apps
        from django.urls import include, re_path

        from tickets.presale.urls import event_patterns
        from tickets.urls import common_patterns

        raw_plugin_patterns = []
        for app in apps.get_app_configs():
            if hasattr(app, "TicketsPluginMeta"):
                urlmod = importlib.import_module(app.name + ".urls")
                raw_plugin_patterns.append(re_path(r"", include((urlmod.urlpatterns, app.label))))

        plugin_patterns = [re_path(r"", include((raw_plugin_patterns, "plugins")))]

        presale_patterns = [
            re_path(r"^(?P<organizer>[^/]+)/(?P<event>[^/]+)/", include(event_patterns)),
        ]

        urlpatterns = common_patterns + plugin_patterns + presale_patterns
    """,
    "tickets/urls.py": """
        from django.conf import settings
        from django.urls import include, re_path

        from tickets.api import urls as api_urls
        from tickets.control import views

        base_patterns = [re_path(r"^api/v1/", include(api_urls))]

        control_patterns = []
        for name in ("login", "logout"):
            control_patterns.append(re_path(rf"^control/{name}$", views.AuthView.as_view()))
        control_patterns += [re_path(r"^control/events/add$", views.EventWizard.as_view())]

        debug_patterns = []
        if settings.DEBUG:
            debug_patterns.append(re_path(r"^__debug__/$", views.debug))

        common_patterns = base_patterns + control_patterns + debug_patterns
    """,
    "tickets/presale/urls.py": """
        from django.urls import include, re_path

        from . import views

        frame_wrapped_urls = [
            re_path(r"^cart/clear$", views.CartClear.as_view()),
            re_path(r"^(?P<subevent>\\d+)/$", views.EventIndex.as_view()),
        ]

        event_patterns = [
            # The widget's namespace is empty on the shop's own pages: no `/` after it.
            re_path(r"(?P<cart_namespace>[_]{0})", include(frame_wrapped_urls)),
            re_path(r"w/(?P<cart_namespace>[a-zA-Z0-9]{16})/", include(frame_wrapped_urls)),
            re_path(r"^checkout/(?P<step>[^/]+)", include([re_path(r"/confirm$", views.confirm)])),
        ]
    """,
    "tickets/presale/views.py": """
        from django.views import View
        from django.views.decorators.http import require_POST


        class CartClear(View):
            def post(self, request, **kwargs):
                return None


        class EventIndex(View):
            def get(self, request, **kwargs):
                return None


        @require_POST
        def confirm(request, **kwargs):
            return None
    """,
    "tickets/api/urls.py": """
        from django.urls import re_path

        from . import oauth

        urlpatterns = [
            re_path(r"^oauth/authorize$", oauth.AuthorizationView.as_view()),
            re_path(r"^oauth/token$", oauth.TokenView.as_view()),
            re_path(r"^oauth/apps/(?P<pk>\\d+)/roll$", oauth.ApplicationRollView.as_view()),
        ]
    """,
    "tickets/api/oauth.py": """
        from oauth2_provider.views import AuthorizationView as BaseAuthorizationView
        from oauth2_provider.views import ApplicationDetail, TokenView


        class AuthorizationView(BaseAuthorizationView):
            template_name = "oauth/authorize.html"


        class ApplicationRollView(ApplicationDetail):
            def post(self, request, *args, **kwargs):
                return None
    """,
    "tickets/control/views.py": """
        from django.views import View
        from formtools.wizard.views import SessionWizardView


        class AuthView(View):
            def post(self, request):
                return None


        class EventWizard(SessionWizardView):
            form_list = []


        def debug(request):
            return None
    """,
}


def test_it_continues_the_segment_of_a_prefix_ending_in_a_parameter():
    endpoints, _ = scan(DjangoScanner(), TICKETS)
    found = keys(endpoints)
    assert {
        ("POST", "/{organizer}/{event}/{cart_namespace}cart/clear"),
        ("GET", "/{organizer}/{event}/{cart_namespace}{subevent}"),
        ("POST", "/{organizer}/{event}/w/{cart_namespace}/cart/clear"),
        ("GET", "/{organizer}/{event}/w/{cart_namespace}/{subevent}"),
        # An included route starting with `/` still starts a segment of its own.
        ("POST", "/{organizer}/{event}/checkout/{step}/confirm"),
    } <= found
    # The namespace is not a segment of its own when no `/` follows it.
    assert ("POST", "/{organizer}/{event}/{cart_namespace}/cart/clear") not in found


def test_it_reads_module_lists_grown_after_they_are_assigned():
    endpoints, _ = scan(DjangoScanner(), TICKETS)
    assert keys(endpoints) == {
        ("POST", "/{organizer}/{event}/{cart_namespace}cart/clear"),
        ("GET", "/{organizer}/{event}/{cart_namespace}{subevent}"),
        ("POST", "/{organizer}/{event}/w/{cart_namespace}/cart/clear"),
        ("GET", "/{organizer}/{event}/w/{cart_namespace}/{subevent}"),
        ("POST", "/{organizer}/{event}/checkout/{step}/confirm"),
        # A loop over a literal tuple is unrolled; `+=` and an `if`'s append are read.
        ("POST", "/control/login"),
        ("POST", "/control/logout"),
        ("GET", "/control/events/add"),
        ("POST", "/control/events/add"),
        ("GET", "/__debug__"),
        # django-oauth-toolkit's views, subclassed or mounted as they are.
        ("GET", "/api/v1/oauth/authorize"),
        ("POST", "/api/v1/oauth/authorize"),
        ("PUT", "/api/v1/oauth/authorize"),
        ("POST", "/api/v1/oauth/token"),
        ("GET", "/api/v1/oauth/apps/{pk}/roll"),
        ("POST", "/api/v1/oauth/apps/{pk}/roll"),
    }
    assert by_key(endpoints)[("GET", "/__debug__")].conditions == ["settings.DEBUG"]
    assert by_key(endpoints)[("POST", "/control/events/add")].handler == "EventWizard"


def test_it_warns_about_plugin_routes_added_in_a_loop_over_the_app_registry():
    endpoints, warnings = scan(DjangoScanner(), TICKETS)
    # Which apps are plugins is only known once Django has loaded them: nothing is guessed.
    assert not any(e.file == "tickets/maindomain_urlconf.py" for e in endpoints)
    assert [(w.file, w.line, w.message) for w in warnings] == [
        (
            "tickets/maindomain_urlconf.py",
            14,  # the append, in the loop
            "URL patterns added to raw_plugin_patterns in a loop over apps.get_app_configs(), which is only "
            "known at run time; their routes are not reported",
        ),
    ]


def test_it_leaves_a_module_list_that_is_only_assigned_as_it_is():
    files = {
        "settings.py": 'ROOT_URLCONF = "site_urls"\n',
        "site_urls.py": """
            from django.urls import include, path

            from . import views

            api_patterns = [path("items/", views.items)]
            other_patterns = []
            other_patterns.append(path("hidden/", views.items))

            urlpatterns = [path("api/", include(api_patterns))]
        """,
        "views.py": """
            def items(request):
                return None
        """,
    }
    endpoints, warnings = scan(DjangoScanner(), files)
    # A list grown but never included serves nothing.
    assert keys(endpoints) == {("GET", "/api/items")}
    assert warnings == []


def test_a_module_list_reassigned_from_itself_keeps_what_it_held():
    files = {
        "settings.py": 'ROOT_URLCONF = "site_urls"\n',
        "site_urls.py": """
            from django.urls import include, path

            from . import views

            api_patterns = [path("a/", views.items)]
            api_patterns += [path("b/", views.items)]
            api_patterns = api_patterns + [path("c/", views.items)]
            api_patterns.append(path("d/", views.items))

            urlpatterns = [path("api/", include(api_patterns))]
        """,
        "views.py": """
            def items(request):
                return None
        """,
    }
    endpoints, warnings = scan(DjangoScanner(), files)
    assert keys(endpoints) == {("GET", "/api/a"), ("GET", "/api/b"), ("GET", "/api/c"), ("GET", "/api/d")}
    assert warnings == []


def test_it_knows_the_methods_of_oauth_toolkit_and_formtools_views_by_where_they_come_from():
    endpoints, _ = scan(DjangoScanner(), TICKETS)
    methods = {(m, p) for m, p in keys(endpoints) if "/oauth/" in p or p == "/control/events/add"}
    assert methods == {
        ("GET", "/api/v1/oauth/authorize"),
        ("POST", "/api/v1/oauth/authorize"),
        ("PUT", "/api/v1/oauth/authorize"),
        ("POST", "/api/v1/oauth/token"),
        ("GET", "/api/v1/oauth/apps/{pk}/roll"),  # ApplicationDetail's, and the subclass's own post
        ("POST", "/api/v1/oauth/apps/{pk}/roll"),
        ("GET", "/control/events/add"),
        ("POST", "/control/events/add"),
    }
    # The same names from another package are not django-oauth-toolkit's.
    other = {
        **TICKETS,
        "tickets/api/oauth.py": """
            from authlib_views import AuthorizationView as BaseAuthorizationView
            from authlib_views import ApplicationDetail, TokenView


            class AuthorizationView(BaseAuthorizationView):
                template_name = "oauth/authorize.html"


            class ApplicationRollView(ApplicationDetail):
                def post(self, request, *args, **kwargs):
                    return None
        """,
    }
    endpoints, warnings = scan(DjangoScanner(), other)
    assert {(m, p) for m, p in keys(endpoints) if "/oauth/" in p} == {("POST", "/api/v1/oauth/apps/{pk}/roll")}
    assert {w.message for w in warnings if w.file == "tickets/api/urls.py"} == {
        "view AuthorizationView defines no HTTP handler",
        "view authlib_views.TokenView is defined outside the scanned tree; its HTTP methods are unknown",
    }
