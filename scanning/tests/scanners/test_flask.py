from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

from scanning.scanners.base import RepositoryIndex
from scanning.scanners.flask import FlaskScanner
from scanning.tests.scanners.fixtures_python import (
    FAB_APP,
    FAB_EXPECTED,
    FAB_INITIALIZER_APP,
    FAB_INITIALIZER_EXPECTED,
    FLASK_APP,
    FLASK_FACTORIES_APP,
    FLASK_FACTORIES_EXPECTED,
    FLASK_EXPECTED,
    LEDGER_WEB,
    LEDGER_WEB_EXPECTED,
    by_key,
    expected_endpoints,
    keys,
    params,
    render_flask,
    route_tables,
    scan,
)


def _scan(files: dict[str, str] = FLASK_APP):
    return scan(FlaskScanner(), files)


def test_it_finds_exactly_the_served_rules_of_apps_and_blueprints():
    endpoints, _ = _scan()
    assert keys(endpoints) == FLASK_EXPECTED


def test_a_blueprint_never_registered_is_not_served():
    endpoints, _ = _scan()
    assert not any(e.path.startswith("/admin") for e in endpoints)


def test_a_syntax_error_is_a_warning_and_the_rest_is_still_found():
    endpoints, warnings = _scan()
    assert [w.file for w in warnings] == ["shop/legacy.py"]
    assert len(endpoints) == len(FLASK_EXPECTED)


def test_registration_prefix_overrides_creation_and_nests():
    found = by_key(_scan()[0])
    assert ("GET", "/api/v1/orders") in found
    assert not any(path.startswith("/api/orders") for _, path in found)


def test_converters_type_the_path_parameters():
    found = by_key(_scan()[0])
    assert params(found[("PUT", "/items/{item_id}")]) == {("path", "item_id"): (True, {"type": "integer"})}
    assert params(found[("DELETE", "/api/v1/orders/{order_id}")]) == {
        ("path", "order_id"): (True, {"type": "string", "format": "uuid"})
    }
    assert params(found[("GET", "/api/v1/orders/{state}/count")]) == {
        ("path", "state"): (True, {"type": "string", "enum": ["pending", "shipped"]})
    }


def test_query_parameters_the_views_read_are_parameters():
    found = by_key(_scan()[0])
    # request.args.get(name) / get(name, default, type=int): optional, typed by `type=` or the default
    assert params(found[("GET", "/api/v1/orders")]) == {
        ("query", "status"): (False, {"type": "string"}),
        ("query", "page"): (False, {"type": "integer", "default": 1}),
    }
    # a MethodView's `get` reads `getlist("tag")`: GET only, on every rule of the view
    tag = {("query", "tag"): (False, {"type": "array", "items": {"type": "string"}})}
    assert params(found[("GET", "/items/{item_id}")]) == {("path", "item_id"): (True, {"type": "integer"}), **tag}
    assert params(found[("GET", "/items")]) == tag
    assert params(found[("POST", "/items")]) == {}
    # a view declared inside create_app(); `"preview" in request.args` is an optional flag
    assert params(found[("GET", "/")]) == {("query", "preview"): (False, {"type": "string"})}


def test_method_view_methods_come_from_its_handlers_unless_given():
    found = keys(_scan()[0])
    assert {m for m, p in found if p == "/items"} == {"GET", "POST", "PUT", "DELETE"}
    assert {m for m, p in found if p == "/items/{item_id}"} == {"GET", "PUT", "DELETE"}
    assert {m for m, p in found if p == "/users"} == {"GET", "POST"}


def test_auth_comes_from_decorators_view_decorators_and_before_request_hooks():
    found = by_key(_scan()[0])
    assert found[("POST", "/auth/logout")].auth == "@login_required"
    assert found[("GET", "/auth/login")].auth_required is False
    assert found[("GET", "/items")].auth == "@login_required"
    assert found[("GET", "/api/v1/orders")].auth == "before_request require_token"
    assert (
        found[("DELETE", "/api/v1/orders/{order_id}")].auth == "before_request require_token, @jwt_required"
    )
    assert found[("GET", "/users")].auth_required is False


def test_handler_file_and_line_point_at_the_declaration():
    found = by_key(_scan()[0])
    logout = found[("POST", "/auth/logout")]
    assert (logout.handler, logout.file, logout.line) == ("logout", "shop/auth.py", 13)
    ping = found[("GET", "/ping")]
    assert (ping.handler, ping.file, ping.line) == ("ping", "shop/__init__.py", 20)
    assert found[("GET", "/users")].handler == "UserView"


def test_a_dynamic_url_prefix_is_a_warning_not_an_endpoint():
    files = {
        "app.py": """
            from flask import Flask
            from config import settings
            from views import bp
            app = Flask(__name__)
            app.register_blueprint(bp, url_prefix=settings.PREFIX)
        """,
        "views.py": """
            from flask import Blueprint
            bp = Blueprint("v", __name__)
            @bp.route("/x")
            def x():
                return ""
        """,
    }
    endpoints, warnings = _scan(files)
    assert endpoints == []
    assert "dynamic url_prefix" in warnings[0].message


def test_detection_uses_imports_or_manifests():
    scanner = FlaskScanner()
    assert scanner.detect(RepositoryIndex(files=[], manifests={"requirements.txt": "Flask==3.0\n"}), {})
    assert not scanner.detect(RepositoryIndex(files=[]), {"a.py": {"imports": [["os", 0, "os", None, ""]]}})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(route_tables())
def test_generated_blueprint_tables_are_found_exactly(groups):
    endpoints, warnings = scan(FlaskScanner(), render_flask(groups))
    assert warnings == []
    assert keys(endpoints) == expected_endpoints(groups, "flask")


def test_facts_are_json_safe_for_nul_characters_and_odd_literals():
    from scanning.scanners._python import module_facts
    from scanning.scanners.base import SourceFile

    facts = module_facts(
        SourceFile("odd.py", b'A = "nul\\x00here"\nB = 1e999\nC = "\\ud800"\nD = b"\\xff"\n')
    )
    text = json.dumps(facts, allow_nan=False)
    assert "\\u0000" not in text and "\\ud800" not in text


RESTFUL_APP = {
    "restapp/__init__.py": """
        from flask import Blueprint, Flask
        from flask_restful import Api

        from .resources import Todo, TodoList

        app = Flask(__name__)
        api_bp = Blueprint("api", __name__)
        api = Api(api_bp, prefix="/api")
        api.add_resource(TodoList, "/todos")
        api.add_resource(Todo, "/todos/<int:todo_id>", "/tasks/<int:todo_id>")
        app.register_blueprint(api_bp, url_prefix="/v1")
    """,
    "restapp/resources.py": """
        from flask_httpauth import HTTPBasicAuth
        from flask_restful import Resource

        auth = HTTPBasicAuth()


        class TodoList(Resource):
            def get(self):
                return []

            def post(self):
                return {}, 201


        class Todo(Resource):
            method_decorators = [auth.login_required]

            def get(self, todo_id):
                return {}

            def delete(self, todo_id):
                return "", 204
    """,
    "restapp/animals.py": """
        from flask_restx import Api, Namespace, Resource

        from restapp import app

        rx = Api()
        ns = Namespace("cats", path="/felines")
        rx.add_namespace(ns)
        dogs = rx.namespace("dogs")


        @ns.route("/", "/all")
        class Cats(Resource):
            def get(self):
                return []


        @dogs.route("/<string:name>")
        class Dog(Resource):
            def get(self, name):
                return {}

            def put(self, name):
                return {}


        rx.init_app(app)
    """,
}


def test_flask_restful_resources_and_restx_namespaces():
    endpoints, warnings = _scan(RESTFUL_APP)
    assert warnings == []
    assert keys(endpoints) == {
        ("GET", "/v1/api/todos"),
        ("POST", "/v1/api/todos"),
        ("GET", "/v1/api/todos/{todo_id}"),
        ("DELETE", "/v1/api/todos/{todo_id}"),
        ("GET", "/v1/api/tasks/{todo_id}"),
        ("DELETE", "/v1/api/tasks/{todo_id}"),
        ("GET", "/felines"),
        ("GET", "/felines/all"),
        ("GET", "/dogs/{name}"),
        ("PUT", "/dogs/{name}"),
    }
    found = by_key(endpoints)
    assert found[("DELETE", "/v1/api/todos/{todo_id}")].auth == "@auth.login_required"
    assert found[("GET", "/v1/api/todos")].auth_required is False
    assert found[("PUT", "/dogs/{name}")].handler == "Dog"


def test_rules_sharing_a_text_each_get_their_own_parameters_under_every_prefix():
    files = {
        "app.py": """
from flask import Blueprint, Flask

bp = Blueprint("items", __name__)

@bp.route("/items/<int:item_id>", methods=["GET"])
def show(item_id): ...

@bp.route("/items/<int:item_id>", methods=["DELETE"])
def drop(item_id): ...

app = Flask(__name__)
app.register_blueprint(bp, url_prefix="/v1")
app.register_blueprint(bp, url_prefix="/orgs/<uuid:org_id>")
""",
    }
    found = by_key(_scan(files)[0])
    assert params(found[("DELETE", "/v1/items/{item_id}")]) == {("path", "item_id"): (True, {"type": "integer"})}
    shown = found[("GET", "/orgs/{org_id}/items/{item_id}")]
    assert params(shown) == {
        ("path", "org_id"): (True, {"type": "string", "format": "uuid"}),
        ("path", "item_id"): (True, {"type": "integer"}),
    }
    assert shown.parameters[0].schema is not found[("DELETE", "/orgs/{org_id}/items/{item_id}")].parameters[0].schema


# An app registering most of its routes in loops over (path, view, methods) tuples that a
# handlers module builds with prefix helpers reading the environment (the mlflow server's
# layout), plus decorated routes wrapped in the same helper.
LOOP_APP = {
    "tracker/__init__.py": "",
    "tracker/server/__init__.py": """
        import os

        from flask import Flask

        from tracker.server import handlers
        from tracker.server.admin import admin_bp
        from tracker.server.handlers import _add_static_prefix
        from tracker.server.reports import reports_bp

        app = Flask(__name__)

        for http_path, handler, methods in handlers.get_endpoints():
            app.add_url_rule(http_path, handler.__name__, handler, methods=methods)

        for blueprint, prefix in [(admin_bp, "/admin"), (reports_bp, "/reports")]:
            app.register_blueprint(blueprint, url_prefix=prefix)

        for view_func, method, rest_path, ajax_path in handlers.USER_ROUTES:
            for path in (rest_path, ajax_path):
                app.add_url_rule(rule=path, view_func=view_func, methods=[method])

        @app.route(_add_static_prefix("/health"))
        def health():
            return "OK"

        @app.route(handlers._versioned("/version"))
        def version():
            return "1"

        @app.route(_add_static_prefix("/upload"), methods=["POST"])
        def upload():
            return ""

        @app.route(os.getenv("METRICS_PATH", "/metrics"))
        def metrics():
            return ""
    """,
    "tracker/server/handlers.py": '''
        import os
        import re

        from flask_login import login_required

        STATIC_PREFIX_ENV_VAR = "_TRACKER_STATIC_PREFIX"
        ROUTES_VERSION = 3

        def _add_static_prefix(route: str) -> str:
            if prefix := os.environ.get(STATIC_PREFIX_ENV_VAR):
                return prefix.rstrip("/") + route
            return route

        def _get_rest_path(base_path, version=2):
            return _add_static_prefix(f"/api/{version}.0{base_path}")

        def _get_ajax_path(base_path, version=2):
            return _add_static_prefix(f"/ajax-api/{version}.0{base_path}")

        def _versioned(route):
            if os.environ.get("TRACKER_LEGACY", "yes"):
                return route
            return "/v2" + route

        def _get_paths(base_path, version=2):
            base_path = re.sub(r"{(\\w+)}", r"<\\1>", base_path)
            return [_get_rest_path(base_path, version), _get_ajax_path(base_path, version)]

        def get_job(job_id):
            return ""

        @login_required
        def cancel_job(job_id):
            return ""

        def graphql():
            return ""

        def server_info():
            return ""

        def create_user():
            return ""

        def get_user():
            return ""

        def get_service_endpoints(service):
            ret = []
            for method in service.DESCRIPTOR.methods:
                ret.append((method.path, get_job, [method.http]))
            return ret

        def get_job_endpoints():
            """Endpoint tuples of the job API."""
            return [
                (_get_ajax_path("/jobs/<int:job_id>", version=ROUTES_VERSION), get_job, ["GET"]),
                (_get_rest_path("/jobs/cancel/<int:job_id>", version=3), cancel_job, ["PATCH", "HEAD"]),
            ]

        def get_endpoints():
            return (
                get_service_endpoints(object)
                + get_job_endpoints()
                + [(_add_static_prefix("/graphql"), graphql, ["GET", "POST"])]
                + [(path, server_info, ["GET"]) for path in _get_paths("/server-info", version=3)]
            )

        USER_ROUTES = [
            (create_user, "POST", "/api/2.0/users/create", "/ajax-api/2.0/users/create"),
            (get_user, "GET", "/api/2.0/users/get", "/ajax-api/2.0/users/get"),
        ]
    ''',
    "tracker/server/admin.py": """
        from flask import Blueprint

        admin_bp = Blueprint("admin", __name__)

        @admin_bp.route("/stats")
        def stats():
            return ""
    """,
    "tracker/server/reports.py": """
        from flask import Blueprint

        reports_bp = Blueprint("reports", __name__, url_prefix="/ignored")

        @reports_bp.route("/<int:year>")
        def yearly(year):
            return ""
    """,
}
LOOP_APP_EXPECTED = {
    ("GET", "/ajax-api/3.0/jobs/{job_id}"),
    ("PATCH", "/api/3.0/jobs/cancel/{job_id}"),
    ("GET", "/graphql"),
    ("POST", "/graphql"),
    ("GET", "/admin/stats"),
    ("GET", "/reports/{year}"),
    ("POST", "/api/2.0/users/create"),
    ("POST", "/ajax-api/2.0/users/create"),
    ("GET", "/api/2.0/users/get"),
    ("GET", "/ajax-api/2.0/users/get"),
    ("GET", "/health"),
    ("GET", "/version"),
    ("POST", "/upload"),
    ("GET", "/metrics"),
}


def test_routes_registered_in_loops_over_known_tuples_and_prefix_helpers_are_found():
    endpoints, _ = _scan(LOOP_APP)
    assert keys(endpoints) == LOOP_APP_EXPECTED
    found = by_key(endpoints)
    cancel = found[("PATCH", "/api/3.0/jobs/cancel/{job_id}")]
    assert (cancel.handler, cancel.auth_required) == ("cancel_job", True)
    assert params(cancel) == {("path", "job_id"): (True, {"type": "integer"})}
    job = found[("GET", "/ajax-api/3.0/jobs/{job_id}")]
    assert (job.handler, job.auth_required, job.file) == ("get_job", False, "tracker/server/__init__.py")
    assert found[("POST", "/ajax-api/2.0/users/create")].handler == "create_user"


def test_loop_items_and_helpers_that_are_not_statically_known_are_warnings():
    _, warnings = _scan(LOOP_APP)
    assert [(w.file, w.line, w.message) for w in warnings] == [
        (
            "tracker/server/__init__.py",
            14,
            "routes registered in a loop over items that are not statically known "
            "(get_service_endpoints(), a comprehension); their routes are not reported",
        )
    ]


def test_a_helper_whose_result_depends_on_more_than_the_environment_is_a_warning():
    files = {
        "app.py": """
            from flask import Flask
            from paths import versioned, prefixed
            app = Flask(__name__)

            @app.route(versioned("/a"))
            def a():
                return ""

            @app.route(prefixed("/b"))
            def b():
                return ""

            for rule in load_rules():
                app.add_url_rule(rule, view_func=a)
        """,
        "paths.py": """
            import os
            from settings import API_VERSION, USE_PREFIX

            def versioned(route):
                return f"/v{API_VERSION()}" + route

            def prefixed(route):
                if USE_PREFIX:
                    return "/p" + route
                return route
        """,
    }
    endpoints, warnings = _scan(files)
    assert endpoints == []
    assert sorted((w.line, w.message) for w in warnings) == [
        (6, "route rule is not a constant string"),
        (10, "route rule is not a constant string"),
        (15, "routes registered in a loop over items that are not statically known (load_rules()); "
             "their routes are not reported"),
    ]


def test_resources_added_in_a_loop_over_a_module_level_table():
    files = {
        "api/__init__.py": """
            from flask import Flask
            from flask_restful import Api
            from api.resources import RESOURCES

            app = Flask(__name__)
            api = Api(app, prefix="/v1")
            for resource, url in RESOURCES:
                api.add_resource(resource, url)
        """,
        "api/resources.py": """
            from flask_restful import Resource

            class Note(Resource):
                def get(self, note_id):
                    return {}

                def delete(self, note_id):
                    return {}

            class NoteList(Resource):
                def post(self):
                    return {}

            RESOURCES = [(Note, "/notes/<int:note_id>"), (NoteList, "/notes")]
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/v1/notes/{note_id}"), ("DELETE", "/v1/notes/{note_id}"), ("POST", "/v1/notes")}
    assert by_key(endpoints)[("POST", "/v1/notes")].handler == "NoteList"
    assert warnings == []


def test_scanning_a_package_without_its_parent_resolves_imports_by_full_dotted_name():
    endpoints, warnings = _scan(LEDGER_WEB)
    assert keys(endpoints) == LEDGER_WEB_EXPECTED
    assert warnings == []
    found = by_key(endpoints)
    assert (found[("GET", "/reports/{year}")].file, found[("GET", "/reports/{year}")].handler) == (
        "views/reports.py", "yearly"
    )
    assert found[("POST", "/api/entries")].handler == "create_entry"


def test_the_package_scanned_from_its_parent_serves_the_same_rules():
    nested = {f"ledger/web/{path}": text for path, text in LEDGER_WEB.items()}
    endpoints, _ = _scan({"ledger/__init__.py": "", **nested})
    assert keys(endpoints) == LEDGER_WEB_EXPECTED


def test_blueprint_factories_nested_blueprints_and_resources_named_like_their_modules():
    endpoints, warnings = _scan(FLASK_FACTORIES_APP)
    assert keys(endpoints) == FLASK_FACTORIES_EXPECTED
    found = by_key(endpoints)
    assert found[("PUT", "/api/v1/watch/{uuid}")].handler == "Watch"
    assert found[("GET", "/tags/edit/{uuid}")].handler == "form_tag_edit"
    assert found[("GET", "/rss/watch/{uuid}")].file == "watchapp/blueprint/rss/single_watch.py"
    assert params(found[("GET", "/ui/edit/{uuid}")]) == {("path", "uuid"): (True, {"type": "string"})}
    # A blueprint only a run-time value returns stays a warning.
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("watchapp/flask_app.py", 34, "register_blueprint of an unresolved blueprint")
    ]


def test_factories_and_route_functions_never_called_serve_nothing():
    endpoints, _ = _scan(FLASK_FACTORIES_APP)
    # `unused.construct_blueprint` is never called; `construct_legacy_routes` is never given a
    # blueprint; a parameter is not the module-level object of the same name.
    assert not any(e.path.startswith(("/unused", "/rss/legacy", "/legacy")) for e in endpoints)
    files = {
        **FLASK_FACTORIES_APP,
        "watchapp/blueprint/rss/single_watch.py": """
            from flask import Blueprint

            rss_blueprint = Blueprint("orphan", __name__)


            def construct_single_watch_routes(rss_blueprint, datastore):
                @rss_blueprint.route("/watch/<uuid_str:uuid>")
                def rss_single_watch(uuid):
                    return ""


            @rss_blueprint.route("/orphan")
            def orphan():
                return ""
        """,
    }
    endpoints, _ = _scan(files)
    assert keys(endpoints) == FLASK_FACTORIES_EXPECTED


def test_a_package_attribute_rebound_from_its_submodule_is_the_class_not_the_module():
    files = {
        **FLASK_FACTORIES_APP,
        # `from . import Tags` binds the submodule itself: add_resource(module) stays a warning.
        "watchapp/api/__init__.py": """
            from .Watch import Watch, WatchHistory
            from . import Tags
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == FLASK_FACTORIES_EXPECTED - {("GET", "/api/v1/tags")}
    assert ("watchapp/flask_app.py", 16, "add_resource of an unresolved Resource class") in [
        (w.file, w.line, w.message) for w in warnings
    ]


def test_flask_appbuilder_views_and_apis_registered_on_appbuilder_are_served_exactly():
    endpoints, warnings = _scan(FAB_APP)
    assert keys(endpoints) == FAB_EXPECTED
    assert warnings == []
    found = by_key(endpoints)
    # Declared in the project: the method; generated by FAB's ModelView/ModelRestApi: the registration.
    stock = found[("POST", "/dashboard/stock/{item_id}")]
    assert (stock.handler, stock.file, stock.auth_required) == (
        "DashboardView.stock", "inventory/views/pages.py", True
    )
    generated = found[("GET", "/api/v1/item/{pk}")]
    assert (generated.handler, generated.file, generated.line) == ("ItemApi.get", "inventory/registry.py", 10)
    assert params(generated) == {("path", "pk"): (True, {"type": "integer"})}
    assert found[("GET", "/api/v2/stock/levels")].auth_required is False


def test_a_flask_appbuilder_view_never_registered_serves_nothing():
    endpoints, _ = _scan(FAB_APP)
    assert not [e for e in endpoints if "draft" in e.path or e.handler.startswith("DraftView")]


def test_flask_appbuilder_registrations_in_an_initializer_class_and_string_route_filters():
    endpoints, warnings = _scan(FAB_INITIALIZER_APP)
    assert keys(endpoints) == FAB_INITIALIZER_EXPECTED
    assert warnings == []


def test_unresolved_flask_appbuilder_classes_and_route_filters_are_warnings():
    files = {
        "portal/__init__.py": """
            from flask import Flask
            from flask_admin import Admin
            from flask_appbuilder import AppBuilder, BaseView, expose

            from portal.factory import make_view
            from portal.routes import ROUTES

            app = Flask(__name__)
            appbuilder = AppBuilder(app)
            admin = Admin(app)


            class StatusView(BaseView):
                include_route_methods = ROUTES

                @expose("/")
                def index(self):
                    return "up"


            class NotAView:
                pass


            appbuilder.add_view_no_menu(StatusView)
            appbuilder.add_view_no_menu(make_view())
            appbuilder.add_view(NotAView, "Nothing")
            # Flask-Admin's `add_view` is not Flask-AppBuilder's.
            admin.add_view(StatusView())
        """,
        "portal/factory.py": """
            def make_view():
                return type("Generated", (), {})()
        """,
        "portal/routes.py": """
            import os

            ROUTES = set(os.environ["PORTAL_ROUTES"].split(","))
        """,
    }
    endpoints, warnings = _scan(files)
    # A filter that is not statically known is ignored: every exposed method is reported.
    assert keys(endpoints) == {("GET", "/statusview")}
    assert [(w.line, w.message) for w in warnings] == [
        (26, "include_route_methods of StatusView is not statically known; ignored"),
        (27, "Flask-AppBuilder view class is not resolved"),
        (28, "NotAView is not a Flask-AppBuilder view; its routes are not reported"),
    ]


def test_current_app_bound_at_module_level_is_the_application_being_built():
    files = {
        "monitor/__init__.py": """
            from flask import Flask, current_app

            app: Flask = current_app
        """,
        "monitor/views/health.py": """
            from monitor import app


            @app.route("/health")
            @app.route("/ping")
            def health():
                return "OK"
        """,
        "monitor/views/other.py": """
            from flask import current_app


            def build():
                # Bound in a function, the name is only a local: nothing is routed on it here.
                local = current_app
                return local
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/health"), ("GET", "/ping")}
    assert warnings == []


def test_an_expose_rule_that_is_not_constant_is_warned_about_once():
    files = {
        "site/__init__.py": """
            from flask import Flask
            from flask_appbuilder import AppBuilder, BaseView, expose

            from site.settings import page_rule

            app = Flask(__name__)
            appbuilder = AppBuilder(app)


            class PagesView(BaseView):
                route_base = "/pages"

                @expose(page_rule())
                def page(self):
                    return "page"

                @expose("/about")
                def about(self):
                    return "about"


            appbuilder.add_view_no_menu(PagesView)
        """,
        "site/settings.py": """
            import random


            def page_rule():
                return random.choice(["/a", "/b"])
        """,
    }
    endpoints, warnings = _scan(files)
    assert keys(endpoints) == {("GET", "/pages/about")}
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("site/__init__.py", 15, "route rule is not a constant string")
    ]
