from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from scanning.scanners.base import RepositoryIndex
from scanning.scanners.fastapi import FastAPIScanner
from scanning.tests.scanners.fixtures_python import (
    FASTAPI_APP,
    FASTAPI_EXPECTED,
    ORCHESTRA_APP,
    ORCHESTRA_EXPECTED,
    VECTORSTORE_APP,
    VECTORSTORE_EXPECTED,
    by_key,
    expected_endpoints,
    keys,
    params,
    render_fastapi,
    rerooted,
    route_tables,
    scan,
)


def _scan(files: dict[str, str] = FASTAPI_APP):
    return scan(FastAPIScanner(), files)


def test_it_finds_exactly_the_served_routes_across_router_modules():
    endpoints, _ = _scan()
    assert keys(endpoints) == FASTAPI_EXPECTED


def test_it_skips_a_router_that_is_never_included():
    endpoints, _ = _scan()
    assert not any(e.path.startswith("/unused") for e in endpoints)


def test_a_syntax_error_is_a_warning_and_the_rest_is_still_found():
    endpoints, warnings = _scan()
    assert [w.file for w in warnings] == ["app/broken.py"]
    assert ("GET", "/health") in keys(endpoints)


def test_query_parameters_carry_defaults_constraints_and_requiredness():
    endpoint = by_key(_scan()[0])[("GET", "/v1/users")]
    assert params(endpoint) == {
        ("query", "skip"): (False, {"type": "integer", "default": 0}),
        ("query", "limit"): (False, {"type": "integer", "maximum": 100, "default": 10}),
        ("query", "q"): (False, {"type": "string"}),
    }


def test_path_header_and_cookie_parameters_are_typed():
    found = by_key(_scan()[0])
    assert params(found[("GET", "/v1/users/{user_id}")]) == {
        ("path", "user_id"): (True, {"type": "integer"}),
        ("header", "x-request-id"): (False, {"type": "string"}),
    }
    assert params(found[("PATCH", "/v1/users/{user_id}/avatar")])[("cookie", "session")] == (
        True,
        {"type": "string"},
    )


def test_annotated_query_constraints_are_kept():
    endpoint = by_key(_scan()[0])[("GET", "/api/v2/items/{item_id}")]
    assert params(endpoint)[("query", "q")] == (False, {"type": "string", "maxLength": 20})


def test_a_pydantic_body_becomes_json_schema_with_inherited_fields():
    body = by_key(_scan()[0])[("POST", "/v1/users")].request_body
    assert body["required"] == ["email", "name"]
    assert body["properties"]["email"] == {"type": "string", "format": "email"}
    assert body["properties"]["name"] == {"type": "string", "minLength": 1, "maxLength": 50}
    assert body["properties"]["age"] == {"type": ["integer", "null"], "minimum": 0, "maximum": 150}
    assert body["properties"]["role"] == {"type": "string", "enum": ["admin", "member"]}
    assert body["properties"]["tags"] == {"type": "array", "items": {"type": "string"}}
    assert body["properties"]["kind"] == {"type": "string", "enum": ["person", "bot"], "default": "person"}
    assert body["properties"]["address"]["required"] == ["street"]
    assert body["properties"]["address"]["additionalProperties"] is False
    assert "additionalProperties" not in body
    assert body["properties"]["address"]["type"] == ["object", "null"]


def test_several_body_parameters_are_embedded_and_recursion_uses_defs():
    body = by_key(_scan()[0])[("PUT", "/api/v2/items/{item_id}")].request_body
    assert body["required"] == ["item", "importance"]
    assert body["properties"]["importance"] == {"type": "integer"}
    assert body["properties"]["item"]["properties"]["children"] == {
        "type": "array",
        "items": {"$ref": "#/$defs/Item"},
    }
    assert set(body["$defs"]) == {"Item"}


def test_response_model_and_status_code_give_the_success_response():
    found = by_key(_scan()[0])
    created = found[("POST", "/v1/users")]
    assert list(created.responses) == ["201"]
    assert created.responses["201"]["schema"]["required"] == ["email", "id", "name"]
    assert found[("GET", "/v1/users")].responses["200"]["schema"]["type"] == "array"
    assert found[("DELETE", "/v1/users/{user_id}")].responses == {
        "204": {"description": "Successful Response"}
    }


def test_a_return_annotation_is_the_response_model_and_responses_add_statuses():
    endpoint = by_key(_scan()[0])[("GET", "/v1/users/{user_id}")]
    assert endpoint.responses["200"]["schema"]["title"] == "UserOut"
    assert endpoint.responses["404"] == {"description": "Not found"}


def test_auth_comes_from_parameter_router_and_include_dependencies():
    found = by_key(_scan()[0])
    assert found[("POST", "/v1/users")].auth == "Depends(get_current_user)"
    assert found[("DELETE", "/v1/users/{user_id}")].auth == "Depends(oauth2_scheme)"
    assert found[("GET", "/api/v2/items/{item_id}")].auth_required is True
    assert found[("DELETE", "/admin/cache")].auth == "Depends(get_current_admin)"
    assert found[("GET", "/v1/users")].auth_required is False
    assert found[("GET", "/health")].auth_required is False


def test_handler_line_tags_and_operation_metadata_are_reported():
    found = by_key(_scan()[0])
    health = found[("GET", "/health")]
    assert (health.handler, health.file, health.line, health.summary, health.tags) == (
        "health",
        "app/main.py",
        15,
        "Liveness",
        ["ops"],
    )
    created = found[("POST", "/v1/users")]
    assert (created.operation_id, created.tags) == ("createUser", ["users"])
    assert found[("DELETE", "/v1/users/{user_id}")].line == 36


def test_a_dynamic_include_prefix_is_a_warning_not_an_endpoint():
    files = {
        "main.py": """
            import os
            from fastapi import FastAPI
            from routes import router
            app = FastAPI()
            app.include_router(router, prefix=os.environ["PREFIX"])
        """,
        "routes.py": """
            from fastapi import APIRouter
            router = APIRouter()
            @router.get("/x")
            def x():
                return 1
        """,
    }
    endpoints, warnings = _scan(files)
    assert endpoints == []
    assert "dynamic prefix" in warnings[0].message


def test_detection_uses_imports_or_manifests():
    scanner = FastAPIScanner()
    assert scanner.detect(
        RepositoryIndex(files=[]), {"a.py": {"imports": [["FastAPI", 0, "fastapi", "FastAPI", ""]]}}
    )
    assert not scanner.detect(
        RepositoryIndex(files=[]), {"a.py": {"imports": [["Flask", 0, "flask", "Flask", ""]]}}
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route_tables())
def test_generated_router_tables_are_found_exactly(groups):
    endpoints, warnings = scan(FastAPIScanner(), render_fastapi(groups))
    assert warnings == []
    assert keys(endpoints) == expected_endpoints(groups, "fastapi")


def test_an_app_factory_with_a_mounted_sub_application():
    files = {
        "service/main.py": """
            from fastapi import FastAPI

            from service.api import router as api_router


            def create_app() -> FastAPI:
                app = FastAPI()
                app.include_router(api_router, prefix="/api")
                internal = FastAPI()

                @internal.get("/status")
                def status():
                    return {}

                app.mount("/internal", internal)
                return app
        """,
        "service/api.py": """
            from fastapi import APIRouter, Security

            from service.security import get_user

            router = APIRouter()


            @router.get("/files/{file_path:path}")
            def read_file(file_path: str, user=Security(get_user, scopes=["files"])):
                return {}
        """,
        "service/security.py": """
            def get_user():
                return None
        """,
    }
    found = by_key(_scan(files)[0])
    assert set(found) == {("GET", "/api/files/{file_path}"), ("GET", "/internal/status")}
    assert found[("GET", "/api/files/{file_path}")].auth == "Security(get_user)"
    assert params(found[("GET", "/api/files/{file_path}")]) == {
        ("path", "file_path"): (True, {"type": "string"})
    }


def test_a_self_referencing_type_alias_terminates():
    files = {
        "main.py": """
            from typing import Union
            from fastapi import FastAPI

            Json = Union[str, int, list["Json"], dict[str, "Json"]]
            app = FastAPI()


            @app.post("/echo")
            def echo(payload: dict[str, Json]):
                return payload
        """,
    }
    body = by_key(_scan(files)[0])[("POST", "/echo")].request_body
    assert body["type"] == "object"
    assert body["additionalProperties"]["anyOf"][0] == {"type": "string"}


def test_a_module_nested_too_deeply_is_a_warning():
    files = {"deep.py": "x = " + "(" * 300 + "1" + ")" * 300 + "\n", **FASTAPI_APP}
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == FASTAPI_EXPECTED
    assert "deep.py" in [w.file for w in warnings]


FULL_STACK_TEMPLATE = {
    "backend/app/core/config.py": """
        from pydantic_settings import BaseSettings


        class Settings(BaseSettings):
            API_V1_STR: str = "/api/v1"
            PROJECT_NAME: str = "demo"


        settings = Settings()
    """,
    "backend/app/api/deps.py": """
        from typing import Annotated

        from fastapi import Depends
        from fastapi.security import OAuth2PasswordBearer
        from sqlmodel import Session

        from app.core.config import settings

        reusable_oauth2 = OAuth2PasswordBearer(tokenUrl=f"{settings.API_V1_STR}/login/access-token")


        def get_db():
            yield None


        SessionDep = Annotated[Session, Depends(get_db)]
        TokenDep = Annotated[str, Depends(reusable_oauth2)]


        def get_current_user(session: SessionDep, token: TokenDep):
            return None


        CurrentUser = Annotated[object, Depends(get_current_user)]
    """,
    "backend/app/models.py": """
        from sqlmodel import Field, SQLModel


        class ItemCreate(SQLModel):
            title: str = Field(min_length=1, max_length=255)
            description: str | None = Field(default=None, max_length=255)
    """,
    "backend/app/api/routes/items.py": """
        from fastapi import APIRouter

        from app.api.deps import CurrentUser, SessionDep
        from app.models import ItemCreate

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("/")
        def read_items(session: SessionDep, current_user: CurrentUser, skip: int = 0, limit: int = 100):
            return []


        @router.post("/")
        def create_item(*, session: SessionDep, current_user: CurrentUser, item_in: ItemCreate):
            return item_in
    """,
    "backend/app/api/main.py": """
        from fastapi import APIRouter

        from app.api.routes import items

        api_router = APIRouter()
        api_router.include_router(items.router)
    """,
    "backend/app/main.py": """
        from fastapi import FastAPI

        from app.api.main import api_router
        from app.core.config import settings

        app = FastAPI(title=settings.PROJECT_NAME)
        app.include_router(api_router, prefix=settings.API_V1_STR)
    """,
}


def test_annotated_dependency_aliases_and_settings_prefix_of_the_full_stack_template():
    endpoints, warnings = _scan(FULL_STACK_TEMPLATE)
    assert warnings == []
    found = by_key(endpoints)
    assert set(found) == {("GET", "/api/v1/items"), ("POST", "/api/v1/items")}
    listing = found[("GET", "/api/v1/items")]
    assert params(listing) == {
        ("query", "skip"): (False, {"type": "integer", "default": 0}),
        ("query", "limit"): (False, {"type": "integer", "default": 100}),
    }
    assert listing.auth == "Depends(get_current_user)"
    body = found[("POST", "/api/v1/items")].request_body
    assert body["required"] == ["title"]
    assert body["properties"]["description"] == {"type": ["string", "null"], "maxLength": 255}


def test_a_server_of_router_subclasses_included_in_a_loop_and_mounted_by_a_factory_is_found_exactly():
    endpoints, warnings = _scan(ORCHESTRA_APP)
    assert keys(endpoints) == ORCHESTRA_EXPECTED
    # Only the mount under an environment variable is unknown; StaticFiles is no loss.
    assert [(w.line, w.message) for w in warnings] == [
        (61, "application mounted at a dynamic path; its routes are not reported")
    ]


def test_scanning_the_inner_package_resolves_its_imports_by_full_dotted_name():
    # Rooted at orchestra/server, `from orchestra.server.api import admin` and
    # `import orchestra.server.api as api` name modules of the tree without their parent.
    endpoints, warnings = _scan(rerooted(ORCHESTRA_APP, "orchestra/server/"))
    assert keys(endpoints) == ORCHESTRA_EXPECTED
    assert by_key(endpoints)[("GET", "/api/flows/{flow_id}")].file == "api/flows.py"
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("api/server.py", 61, "application mounted at a dynamic path; its routes are not reported")
    ]


def test_rooted_deeper_the_router_class_outside_the_tree_stays_unknown():
    # Rooted at orchestra/server/api, the tree is `orchestra.server.api`; the router class
    # comes from `orchestra.server.utilities`, outside it: like any external class, its
    # routers are not recognized, and nothing in the tree stands in for it.
    endpoints, _ = _scan(rerooted(ORCHESTRA_APP, "orchestra/server/api/"))
    assert keys(endpoints) == {("GET", "/api/health"), ("GET", "/ui-settings")}


def test_a_router_subclass_reads_prefix_and_tags_and_the_loop_adds_its_prefix():
    found = by_key(_scan(ORCHESTRA_APP)[0])
    flow = found[("GET", "/api/flows/{flow_id}")]
    assert (flow.file, flow.handler, flow.tags) == ("orchestra/server/api/flows.py", "read_flow", ["Flows"])
    assert params(flow) == {("path", "flow_id"): (True, {"type": "string", "format": "uuid"})}
    assert found[("DELETE", "/api/flows/{flow_id}")].responses.keys() == {"204"}
    assert found[("GET", "/api/internal/admin/settings")].handler == "read_settings"
    assert found[("GET", "/api/health")].handler == "health_check"


def test_a_mounted_factory_app_is_not_also_served_at_the_root_and_websockets_are_not_http():
    paths = {path for _method, path in keys(_scan(ORCHESTRA_APP)[0])}
    assert not {"/health", "/flows", "/runs/filter", "/api/ui-settings"} & paths
    assert not any("subscriptions" in path for path in paths)


def test_an_include_in_a_loop_over_a_computed_list_is_a_warning():
    files = {
        "main.py": """
            from fastapi import FastAPI
            from routes import router, load_plugins
            app = FastAPI()
            ROUTERS = [router]
            ROUTERS.extend(load_plugins())
            for plugin in load_plugins():
                app.include_router(plugin)
            for r in ROUTERS:
                app.include_router(r, prefix="/p")

            @app.get("/ping")
            def ping():
                return 1
        """,
        "routes.py": """
            from fastapi import APIRouter
            router = APIRouter()
            def load_plugins():
                return []
            @router.get("/x")
            def x():
                return 1
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/ping")}
    assert [(w.line, w.message) for w in warnings] == [
        (8, "include_router in a loop over load_plugins(), not a constant list; its routes are not reported"),
        (10, "include_router in a loop over ROUTERS, not a constant list; its routes are not reported"),
    ]


def test_a_loop_over_modules_includes_each_module_router():
    files = {
        "app/main.py": """
            from fastapi import FastAPI
            from app.routes import items, users
            app = FastAPI()
            for module in [items, users]:
                app.include_router(module.router, prefix="/v1")
        """,
        "app/routes/items.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/items")
            @router.get("/")
            def list_items():
                return []
        """,
        "app/routes/users.py": """
            from fastapi import APIRouter
            router = APIRouter(prefix="/users")
            @router.put("/{user_id}")
            def replace_user(user_id: int):
                return {}
        """,
    }
    assert keys(_scan(files)[0]) == {("GET", "/v1/items"), ("PUT", "/v1/users/{user_id}")}


def test_an_app_subclass_and_a_factory_app_decorated_at_module_level_are_served():
    files = {
        "svc/app.py": """
            import os
            from fastapi import FastAPI

            class ServiceApp(FastAPI):
                pass

            def create_app() -> ServiceApp:
                app = FastAPI()
                return app

            app = create_app()
            PREFIX = os.getenv("SERVICE_PREFIX", default="/svc")

            @app.get(PREFIX + "/status")
            def status():
                return {}
        """,
        "svc/admin.py": """
            from fastapi import APIRouter
            from svc.app import ServiceApp

            admin = ServiceApp(title="admin")

            @admin.post("/reindex")
            def reindex():
                return {}
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/svc/status"), ("POST", "/reindex")}
    assert warnings == []


def test_a_mount_of_something_other_than_a_fastapi_app_is_a_warning():
    files = {
        "main.py": """
            from fastapi import FastAPI
            from fastapi.staticfiles import StaticFiles
            from legacy import wsgi_app
            app = FastAPI()
            assets = StaticFiles(directory="assets")
            app.mount("/assets", assets)
            app.mount("/legacy", wsgi_app)

            @app.get("/ping")
            def ping():
                return 1
        """,
        "legacy.py": """
            def wsgi_app(environ, start_response):
                return []
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/ping")}
    assert [(w.line, w.message) for w in warnings] == [
        (
            8,
            "mount of an application that is not a FastAPI app or router (wsgi_app); "
            "the FastAPI scan does not report its routes",
        )
    ]


def test_each_unresolved_router_of_an_unrolled_loop_is_named_in_its_warning():
    files = {
        "main.py": """
            from fastapi import FastAPI
            import plugins
            from routes import router
            app = FastAPI()
            for included in (router, plugins.router):
                app.include_router(included)
        """,
        "routes.py": """
            from fastapi import APIRouter
            router = APIRouter()
            @router.get("/x")
            def x():
                return 1
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/x")}
    assert [(w.line, w.message) for w in warnings] == [
        (7, "include_router of an unresolved router (plugins.router)")
    ]


def test_an_app_subclass_built_in_a_factory_and_tuples_named_in_the_loop_are_read():
    files = {
        "svc/base.py": """
            from fastapi import FastAPI

            class ServiceApp(FastAPI):
                pass
        """,
        "svc/main.py": """
            from fastapi import APIRouter
            from svc.base import ServiceApp

            items = APIRouter()
            ITEMS = ("/items", items)
            MOUNTED = [ITEMS]

            @items.get("/{item_id}")
            def read_item(item_id: int):
                return {}

            def build() -> ServiceApp:
                app = ServiceApp()

                @app.get("/ready")
                def ready():
                    return True

                for prefix, router in MOUNTED:
                    app.include_router(router, prefix=prefix)
                return app
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/ready"), ("GET", "/items/{item_id}")}
    assert warnings == []


def test_aliased_parameters_are_named_as_on_the_wire():
    # Prefect's style: `flow_id: UUID = Path(..., alias="id")` under `/{id}`
    files = {
        "requirements.txt": "fastapi\n",
        "app/main.py": """
from uuid import UUID

from fastapi import FastAPI, Header, Path, Query

app = FastAPI()


@app.get("/flows/{id}")
def read_flow(
    flow_id: UUID = Path(..., alias="id"),
    page_size: int = Query(10, alias="page-size"),
    request_id: str = Header(None, alias="X_Request_Id"),
    trace_id: str = Header(None),
):
    return {}
""",
    }
    endpoint = by_key(_scan(files)[0])[("GET", "/flows/{id}")]
    assert params(endpoint) == {
        ("path", "id"): (True, {"type": "string", "format": "uuid"}),
        ("query", "page-size"): (False, {"type": "integer", "default": 10}),
        # an alias is used as written; only parameters without one get `_` -> `-`
        ("header", "X_Request_Id"): (False, {"type": "string"}),
        ("header", "trace-id"): (False, {"type": "string"}),
    }


def test_a_server_class_wiring_its_app_and_router_in_methods_is_found_exactly():
    endpoints, warnings = _scan(VECTORSTORE_APP)
    assert keys(endpoints) == VECTORSTORE_EXPECTED
    assert warnings == []


def test_methods_as_endpoints_read_their_signature_without_self_and_request():
    found = by_key(_scan(VECTORSTORE_APP)[0])
    listing = found[("GET", "/api/v2/tenants/{tenant}/collections")]
    assert (listing.handler, listing.file) == ("list_collections", "vectorstore/server/fastapi/__init__.py")
    assert params(listing) == {
        ("path", "tenant"): (True, {"type": "string"}),
        ("query", "limit"): (False, {"type": "integer"}),
        ("query", "offset"): (False, {"type": "integer", "default": 0}),
    }
    one = found[("GET", "/api/v2/tenants/{tenant}/collections/{collection_id}")]
    assert params(one) == {
        ("path", "tenant"): (True, {"type": "string"}),
        ("path", "collection_id"): (True, {"type": "string"}),
    }
    assert one.responses["200"]["schema"]["properties"].keys() == {"name", "dimension"}
    assert params(found[("POST", "/api/v2/reset")]) == {}
    assert found[("GET", "/api/v1/heartbeat")].handler == "heartbeat"


def test_routes_on_a_parameter_or_an_unknown_attribute_are_a_warning_not_an_endpoint():
    files = {
        "svc/__init__.py": "",
        "svc/main.py": """
            from fastapi import APIRouter, FastAPI

            app = FastAPI()


            def register(router):
                router.add_api_route("/ping", ping, methods=["GET"])

                @router.get("/pong")
                def pong():
                    return {}


            def ping():
                return {}


            class Plugin:
                def setup(self, application):
                    self.api.add_api_route("/plugin", self.handle, methods=["GET"])
                    application.include_router(APIRouter())

                def handle(self):
                    return {}


            class Router(APIRouter):
                def add_api_route(self, path, endpoint, **kwargs):
                    self.add_api_route(path + "/", endpoint, **kwargs)
        """,
    }
    endpoints, warnings = _scan(files)
    assert endpoints == []
    assert sorted((w.line, w.message.split(",")[0]) for w in warnings) == [
        (8, "routes registered on 'router'"),
        (10, "routes registered on 'router'"),
        (21, "routes registered on 'self.api'"),
        (22, "routes registered on 'application'"),
    ]


def test_objects_local_to_a_method_stay_local_to_it():
    files = {
        "svc/__init__.py": "",
        "svc/server.py": """
            import fastapi


            class Server:
                def __init__(self):
                    app = fastapi.FastAPI()
                    router = fastapi.APIRouter()
                    router.add_api_route("/served", self.served, methods=["GET"])
                    app.include_router(router)

                def other(self):
                    router = fastapi.APIRouter()
                    router.add_api_route("/never-included", self.served, methods=["GET"])

                def served(self, q: int):
                    return q
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/served")}
    assert params(endpoints[0]) == {("query", "q"): (True, {"type": "integer"})}
    assert warnings == []


def test_a_class_router_wired_from_parameters_is_only_warned_about_when_served():
    toolkit = """
        from fastapi import APIRouter, FastAPI


        class Toolkit:
            def __init__(self):
                self.router = APIRouter()

            def add_route(self, path, endpoint, methods):
                self.router.add_api_route("/fixed", endpoint, methods=methods)

            def include(self, router):
                self.router.include_router(router)
    """
    files = {"kit/__init__.py": "", "kit/toolkit.py": toolkit}
    assert _scan(files) == ([], [])
    served = toolkit + """
            def serve(self):
                app = FastAPI()
                app.include_router(self.router)
                return app
    """
    endpoints, warnings = _scan({"kit/__init__.py": "", "kit/toolkit.py": served})
    assert keys(endpoints) == set()
    assert sorted((w.line, w.message) for w in warnings) == [
        (10, "route methods are not a constant list"),
        (13, "include_router of an unresolved router (router)"),
    ]


def test_a_router_name_rebound_to_an_optional_package_router_includes_both():
    files = {
        "gateway/server.py": """
            from fastapi import APIRouter, FastAPI

            from gateway import routes
            from gateway.billing import billing_router

            app = FastAPI()

            # Enterprise routes when the optional package is installed, none otherwise.
            enterprise_router = APIRouter()
            try:
                from gateway_enterprise.routes import router as _enterprise_router

                enterprise_router = _enterprise_router
            except ImportError:
                pass

            models = routes.models_router
            app.include_router(models, prefix="/v1")
            app.include_router(enterprise_router)
            app.include_router(billing_router, prefix="/billing")

            @app.get("/health")
            def health():
                return {}
        """,
        "gateway/__init__.py": "",
        "gateway/routes.py": """
            from fastapi import APIRouter

            models_router = APIRouter(prefix="/models")

            @models_router.get("/")
            def list_models():
                return []
        """,
        "gateway/billing.py": """
            from fastapi import APIRouter

            billing_router = APIRouter()
            unused_router = APIRouter()

            @unused_router.get("/never")
            def never():
                return {}

            # Rebinding a name that is never included serves nothing.
            spare = billing_router
            spare = unused_router

            @billing_router.get("/invoices")
            def invoices():
                return []
        """,
        "gateway_enterprise/__init__.py": "",
        "gateway_enterprise/routes.py": """
            from fastapi import APIRouter

            from gateway_enterprise.audit import router as audit_router

            router = APIRouter(prefix="/enterprise")
            router.include_router(audit_router)

            @router.post("/project/new")
            def new_project():
                return {}
        """,
        "gateway_enterprise/audit.py": """
            from fastapi import APIRouter

            router = APIRouter()

            @router.get("/audit/{audit_id}")
            def audit(audit_id: str):
                return {}
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {
        ("GET", "/health"),
        ("GET", "/v1/models"),
        ("GET", "/billing/invoices"),
        ("POST", "/enterprise/project/new"),
        ("GET", "/enterprise/audit/{audit_id}"),
    }
    assert warnings == []


def test_without_the_rebinding_the_fallback_router_serves_nothing():
    files = {
        "server.py": """
            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            enterprise_router = APIRouter()
            app.include_router(enterprise_router)
        """,
        "enterprise/routes.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/enterprise")

            @router.post("/project/new")
            def new_project():
                return {}
        """,
    }
    assert _scan(files) == ([], [])


def test_a_wiring_function_given_the_app_registers_on_the_app_its_calls_pass():
    files = {
        "shop/__init__.py": "",
        "shop/main.py": """
            import os

            from fastapi import FastAPI

            from shop.wiring import attach_admin, attach_routers


            def create_app() -> FastAPI:
                app = FastAPI()
                attach_routers(app)
                if os.environ.get("SHOP_ADMIN"):
                    attach_admin(app)
                return app


            app = create_app()
        """,
        "shop/wiring.py": """
            from fastapi import APIRouter, FastAPI

            from shop.orders import router as orders_router


            def _warmup_router() -> APIRouter:
                router = APIRouter()

                @router.post("/warm/{name}")
                def warm(name: str):
                    return {}

                return router


            def attach_routers(app: FastAPI) -> None:
                app.include_router(orders_router, prefix="/v1")
                app.include_router(_warmup_router(), prefix="/lazy")


            def attach_admin(app: FastAPI) -> None:
                app.add_api_route("/admin/stats", stats, methods=["GET"])


            def stats():
                return {}
        """,
        "shop/health.py": """
            from fastapi import APIRouter


            def register_health(target: APIRouter) -> None:
                @target.get("/health")
                def health():
                    return {}
        """,
        "shop/orders.py": """
            from fastapi import APIRouter

            from shop.health import register_health

            router = APIRouter(prefix="/orders")
            register_health(router)

            @router.get("/{order_id}")
            def get_order(order_id: int):
                return {}
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {
        ("GET", "/v1/orders/{order_id}"),
        ("POST", "/lazy/warm/{name}"),
        ("GET", "/v1/orders/health"),
        ("GET", "/admin/stats"),
    }
    assert {e.path: e.conditions for e in endpoints}["/admin/stats"] == ['os.environ.get("SHOP_ADMIN")']
    assert all(not e.conditions for e in endpoints if e.path != "/admin/stats")
    assert warnings == []


def test_a_wiring_function_nobody_calls_serves_nothing_and_is_warned_about():
    files = {
        "plugins/__init__.py": "",
        "plugins/main.py": """
            from fastapi import FastAPI

            app = FastAPI()

            @app.get("/ping")
            def ping():
                return {}
        """,
        "plugins/hooks.py": """
            from fastapi import FastAPI


            def install(app: FastAPI, module) -> None:
                app.include_router(getattr(module, "router"))


            def wire_elsewhere(target: FastAPI) -> None:
                @target.get("/never")
                def never():
                    return {}


            class Plugin:
                def attach(self, app: FastAPI) -> None:
                    app.add_api_route("/plugin", self.attach, methods=["GET"])
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/ping")}
    assert sorted((w.line, w.message.split(",")[0]) for w in warnings) == [
        (6, "routes registered on 'app'"),
        (10, "routes registered on 'target'"),
        (17, "routes registered on 'app'"),
    ]


def test_routes_declared_through_getattr_of_a_method_read_at_run_time_are_a_warning():
    files = {
        "proxy/__init__.py": "",
        "proxy/server.py": """
            from fastapi import FastAPI

            from proxy.containers import router as containers_router

            app = FastAPI()
            app.include_router(containers_router, prefix="/v1")
        """,
        "proxy/containers.py": """
            from fastapi import APIRouter

            from proxy.factory import register_file_endpoints

            router = APIRouter()
            register_file_endpoints(router)

            @router.get("/containers")
            def list_containers():
                return []
        """,
        "proxy/factory.py": """
            import json

            from fastapi import APIRouter


            def handler():
                return {}


            def register_file_endpoints(router: APIRouter) -> None:
                with open("endpoints.json") as handle:
                    config = json.load(handle)
                for endpoint in config["endpoints"]:
                    route_method = getattr(router, endpoint["method"].lower())
                    route_method(endpoint["path"])(handler)


            def lookup(settings, name):
                # Not a router: nothing to warn about.
                value = getattr(settings, name)
                return value
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/v1/containers")}
    assert [(w.file, w.line, w.message) for w in warnings] == [
        (
            "proxy/factory.py",
            15,
            "routes declared through getattr(router, ...), a method chosen at run time; "
            "they are not reported",
        )
    ]
