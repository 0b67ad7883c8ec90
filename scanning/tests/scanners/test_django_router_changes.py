"""DRF router subclasses that change their route table in `__init__` (as nautobot's
OrderedDefaultRouter adds bulk PUT/PATCH/DELETE to the list route)."""

from __future__ import annotations

import textwrap

from scanning.scanners._python import module_facts
from scanning.scanners.base import SourceFile
from scanning.scanners.django import DjangoScanner
from scanning.tests.scanners.fixtures_python import by_key, keys, scan

# An inventory service: its API routers derive from one project router whose `__init__` maps
# bulk operations onto the list route; viewsets get them from mixins.
INVENTORY = {
    "settings.py": 'ROOT_URLCONF = "inventory.urls"\n',
    "inventory/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("api/", include("inventory.core.api.urls")),
        ]
    """,
    "inventory/core/api/urls.py": """
        from django.urls import include, path

        urlpatterns = [
            path("dcim/", include("inventory.dcim.api.urls")),
            path("users/", include("inventory.users.api.urls")),
            path("extras/", include("inventory.extras.api.urls")),
        ]
    """,
    "inventory/core/api/routers.py": """
        from rest_framework.routers import DefaultRouter, Route

        from .mappings import bulk_mapping

        EXPORT_ROUTES = [
            Route(
                url=r"^{prefix}/export{trailing_slash}$",
                mapping={"get": "export"},
                name="{basename}-export",
                detail=False,
                initkwargs={},
            ),
        ]


        class OrderedDefaultRouter(DefaultRouter):
            def __init__(self, *args, view_name=None, **kwargs):
                super().__init__(*args, **kwargs)
                self.view_name = view_name

                # Bulk operations on the list endpoint.
                self.routes[0].mapping.update(
                    {
                        "put": "bulk_update",
                        "patch": "bulk_partial_update",
                        "delete": "bulk_destroy",
                    }
                )


        class ExportingRouter(OrderedDefaultRouter):
            include_root_view = False

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.routes[-2].mapping["post"] = "clone"
                self.routes[0].mapping.pop("patch")
                self.routes = self.routes + EXPORT_ROUTES
                self.routes[0].mapping.update(bulk_mapping())
    """,
    "inventory/core/api/mappings.py": """
        def bulk_mapping():
            return {"delete": "bulk_destroy"}
    """,
    "inventory/core/api/views.py": """
        from rest_framework import viewsets
        from rest_framework.response import Response


        class BulkUpdateModelMixin:
            def bulk_update(self, request, *args, **kwargs):
                return Response([])

            def bulk_partial_update(self, request, *args, **kwargs):
                kwargs["partial"] = True
                return self.bulk_update(request, *args, **kwargs)


        class BulkDestroyModelMixin:
            def bulk_destroy(self, request, *args, **kwargs):
                return Response(status=204)


        class ModelViewSet(BulkUpdateModelMixin, BulkDestroyModelMixin, viewsets.ModelViewSet):
            pass


        class DeleteOnlyBulkViewSet(BulkDestroyModelMixin, viewsets.ModelViewSet):
            pass
    """,
    "inventory/dcim/api/urls.py": """
        from inventory.core.api.routers import OrderedDefaultRouter

        from . import views

        router = OrderedDefaultRouter(view_name="DCIM")
        router.register("devices", views.DeviceViewSet)
        router.register("racks", views.RackViewSet)
        router.register("manufacturers", views.ManufacturerViewSet)
        urlpatterns = router.urls
    """,
    "inventory/dcim/api/views.py": """
        from rest_framework import viewsets

        from inventory.core.api.views import DeleteOnlyBulkViewSet, ModelViewSet


        class DeviceViewSet(ModelViewSet):
            pass


        class RackViewSet(DeleteOnlyBulkViewSet):
            pass


        class ManufacturerViewSet(viewsets.ReadOnlyModelViewSet):
            pass
    """,
    "inventory/users/api/urls.py": """
        from rest_framework.routers import DefaultRouter

        from inventory.core.api.views import ModelViewSet

        router = DefaultRouter()
        router.register("tokens", ModelViewSet)
        urlpatterns = router.urls
    """,
    "inventory/extras/api/urls.py": """
        from inventory.core.api.routers import ExportingRouter

        from .views import JobViewSet

        router = ExportingRouter()
        router.register("jobs", JobViewSet)
        urlpatterns = router.urls
    """,
    "inventory/extras/api/views.py": """
        from inventory.core.api.views import ModelViewSet


        class JobViewSet(ModelViewSet):
            http_method_names = ["get", "post", "put", "patch", "delete"]

            def export(self, request):
                return None

            def clone(self, request, pk=None):
                return None
    """,
}

_DETAIL = {"GET", "PUT", "PATCH", "DELETE"}


def test_router_init_changes_add_bulk_methods_to_the_list_route():
    endpoints, warnings = scan(DjangoScanner(), INVENTORY)
    assert keys(endpoints) == {
        ("GET", "/api/dcim"),  # OrderedDefaultRouter is a DefaultRouter: its API root
        # DeviceViewSet has every bulk action the list route now maps.
        *((m, "/api/dcim/devices") for m in ("GET", "POST", "PUT", "PATCH", "DELETE")),
        *((m, "/api/dcim/devices/{pk}") for m in _DETAIL),
        # RackViewSet lacks bulk_update and bulk_partial_update: no PUT or PATCH on its list.
        *((m, "/api/dcim/racks") for m in ("GET", "POST", "DELETE")),
        *((m, "/api/dcim/racks/{pk}") for m in _DETAIL),
        ("GET", "/api/dcim/manufacturers"),
        ("GET", "/api/dcim/manufacturers/{pk}"),
        # A plain DefaultRouter maps no bulk action, whatever the viewset defines.
        ("GET", "/api/users"),
        ("GET", "/api/users/tokens"),
        ("POST", "/api/users/tokens"),
        *((m, "/api/users/tokens/{pk}") for m in _DETAIL),
        # ExportingRouter: its base's changes, then its own (no PATCH on the list, POST clone
        # on the detail route, an export route); the mapping from a call is not applied.
        *((m, "/api/extras/jobs") for m in ("GET", "POST", "PUT", "DELETE")),
        *((m, "/api/extras/jobs/{pk}") for m in (*_DETAIL, "POST")),
        ("GET", "/api/extras/jobs/export"),
    }
    assert by_key(endpoints)[("PUT", "/api/dcim/devices")].handler == "DeviceViewSet.bulk_update"
    assert [(w.file, w.line, w.message) for w in warnings] == [
        (
            "inventory/core/api/routers.py",
            40,
            "router route change in ExportingRouter.__init__ cannot be read statically; it is not applied",
        )
    ]


def test_a_router_init_change_is_not_carried_into_the_next_scan():
    # The scan copies the table it changes; DRF's default table stays as it is.
    scan(DjangoScanner(), INVENTORY)
    files = {
        "settings.py": INVENTORY["settings.py"],
        "inventory/urls.py": """
            from django.urls import include, path

            urlpatterns = [path("users/", include("inventory.users.api.urls"))]
        """,
        "inventory/users/api/urls.py": INVENTORY["inventory/users/api/urls.py"],
        "inventory/core/api/views.py": INVENTORY["inventory/core/api/views.py"],
    }
    endpoints, _ = scan(DjangoScanner(), files)
    assert {m for m, p in keys(endpoints) if p == "/users/tokens"} == {"GET", "POST"}


def test_a_router_init_keeps_its_route_table_changes_in_the_facts():
    source = """
        class Router(DefaultRouter):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.name = "api"
                self.routes[0].mapping["put"] = "bulk_update"
                self.routes += EXTRA

            def get_routes(self, viewset):
                self.routes.append(Route("^x$", {}))
    """
    facts = module_facts(SourceFile("routers.py", textwrap.dedent(source).encode()))
    init, get_routes = facts["classes"][0]["methods"]
    mapping = {"attr": "mapping", "of": {"sub": {"n": "self.routes"}, "idx": {"c": 0}}}
    assert init["routes"] == [
        {"set": {"sub": mapping, "idx": {"c": "put"}}, "v": {"c": "bulk_update"}, "line": 6},
        {"add": {"n": "self.routes"}, "v": {"n": "EXTRA"}, "line": 7},
    ]
    assert "routes" not in get_routes  # only `__init__` builds the table a router serves


# A router rebuilding its table from DRF's in `__init__`: routes inserted, replaced and added.
TICKETS = {
    "settings.py": 'ROOT_URLCONF = "tickets.urls"\n',
    "tickets/urls.py": """
        from django.urls import include, path

        urlpatterns = [path("api/", include("tickets.api"))]
    """,
    "tickets/routers.py": """
        from rest_framework.routers import DynamicRoute, Route, SimpleRouter


        class TicketRouter(SimpleRouter):
            def __init__(self):
                super().__init__(trailing_slash=False)
                self.routes.insert(0, Route(url=r"^{prefix}/open$", mapping={"get": "open"}, name="open"))
                # DRF's detail route, now at index 3: read-only.
                self.routes[3] = Route(url=r"^{prefix}/{lookup}$", mapping={"get": "retrieve"}, name="detail")
                self.routes.extend([DynamicRoute(url=r"^{prefix}/{lookup}/do/{url_path}$", name="do")])
                self.routes.append(Route(url=r"^{prefix}/{lookup}/{field}$", mapping={"get": "field"}))
    """,
    "tickets/api.py": """
        from rest_framework import viewsets
        from rest_framework.decorators import action

        from .routers import TicketRouter


        class TicketViewSet(viewsets.ModelViewSet):
            def open(self, request):
                return None

            @action(detail=True, methods=["post"])
            def close(self, request, pk=None):
                return None


        router = TicketRouter()
        router.register("tickets", TicketViewSet)
        urlpatterns = router.urls
    """,
}


def test_routes_inserted_replaced_and_added_in_init_are_served():
    endpoints, warnings = scan(DjangoScanner(), TICKETS)
    assert keys(endpoints) == {
        ("GET", "/api/tickets/open"),
        ("GET", "/api/tickets"),
        ("POST", "/api/tickets"),
        ("GET", "/api/tickets/{pk}"),  # the replaced detail route maps GET only
        ("POST", "/api/tickets/{pk}/close"),  # DRF's detail DynamicRoute
        ("POST", "/api/tickets/{pk}/do/close"),  # and the added one
    }
    # The unreadable route is left out; the routes added with it are kept.
    assert [(w.file, w.line, w.message) for w in warnings] == [
        (
            "tickets/routers.py",
            12,
            "router route ^{prefix}/{lookup}/{field}$ cannot be read statically; its routes are not reported",
        )
    ]
