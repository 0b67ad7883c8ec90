"""Flask endpoint scanner: parses application modules with `ast` (never imports them).

Linking finds ``Flask()`` applications and ``Blueprint(..., url_prefix=...)`` objects, the
rules declared on them and the ``register_blueprint(bp, url_prefix=...)`` edges, across
modules and inside application factories (``def create_app(): ...``). Only blueprints
reachable from an application are served; a blueprint never registered is not reported.

Rules:

* ``@x.route(rule, methods=[...])`` defaults to GET; ``@x.get/post/put/patch/delete``
  shortcuts; ``x.add_url_rule(rule, endpoint, view_func, methods=[...])``;
* a rule (or prefix) may be a call to a small helper of the repository, evaluated with the
  environment unset (``_add_static_prefix("/health")`` → ``/health``; see
  ``PythonProject.inline_call``);
* ``for path, view, methods in get_endpoints(): app.add_url_rule(path, ..., view, ...)``
  (and ``register_blueprint``/``add_resource`` in a loop, nested loops too) is unrolled
  over the items of a statically known list: a literal, a module-level name, a helper
  returning one, sums of those; items not statically known (built in loops,
  comprehensions) are a warning;
* class-based views through ``view_func=View.as_view("name")``: an explicit ``methods=``
  wins, then the class's ``methods`` attribute, then — for ``MethodView`` — the handler
  methods it (or its bases) defines; a plain ``View`` without ``methods`` serves GET;
* the ``url_prefix`` given to ``register_blueprint`` overrides the one given at creation;
  a nested blueprint's prefix is appended to its parent's;
* blueprint factories: a call to a project function that creates a blueprint and returns it
  (``register_blueprint(tags.construct_blueprint(store), url_prefix="/tags")``, or
  ``child = construct_child(store)`` then ``parent.register_blueprint(child)``) is that
  blueprint, one per factory whatever the call site; a blueprint passed to a project function
  (``add_feed_routes(bp, store)``) is its parameter there, routes decorated on it included;
* Flask-RESTful / Flask-RESTX: ``Api(app_or_bp, prefix=...)`` (or ``api.init_app(app)``),
  ``api.add_resource(Resource, *urls)``, RESTX ``Namespace(name, path=...)`` /
  ``api.namespace(name)`` / ``api.add_namespace(ns, path=...)`` and ``@ns.route(*urls)`` on
  Resource classes, whose methods are the handlers they define; the generated Swagger UI
  and ``swagger.json`` routes are documentation, not reported;
* a rule declared, or a blueprint registered, under ``if`` carries the tests
  (``conditions``, outermost first, ``not (test)`` in an ``else``), and so does everything
  registered under that blueprint;
* ``app = current_app`` at module level is the application being built (Superset's
  ``from superset import app`` then ``@app.route("/health")``);
* Flask-AppBuilder: views and APIs registered with ``add_view``/``add_view_no_menu``/``add_api``
  on an ``AppBuilder`` (module level, or in the methods of an initializer class, as Superset
  does) are blueprints at the application's root; an ``AppBuilder`` is served even when the
  application it is given is not found. A view serves its ``@expose``/``@expose_api`` methods
  (the most derived definition of each name wins; one without ``@expose`` serves nothing) and
  those FAB's own ``ModelView``/``ModelRestApi``/... generate (a table of FAB 4.5+), filtered
  by ``include_route_methods``/``exclude_route_methods`` (sets built with ``|``, ``-``, ``&``
  from other classes' attributes; a lone string keeps the names it contains, as FAB's ``in``
  does), under ``route_base``, else ``/api/{version}/{resource_name}`` for an API and
  ``/{class name lowercased}`` for a view. FAB's own security, index and OpenAPI views, which
  depend on the deployment's configuration, are not reported;
* HEAD and OPTIONS, which Flask adds automatically, are not reported;
* converters type the path parameters: ``int`` → integer, ``float`` → number, ``uuid`` →
  string/uuid, ``any(a, b)`` → enum, others → string;
* authentication is required when the view has a decorator such as ``@login_required``,
  ``@jwt_required()``, ``@auth.login_required`` or ``@roles_required(...)``, a MethodView
  lists one in ``decorators = [...]`` (a Resource in ``method_decorators``), or a
  ``before_request`` hook of the app/blueprint has an authentication name
  (``require_login``); otherwise the route is public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanning.scanners._python import (
    PythonFrameworkScanner,
    Expr,
    PythonProject,
    Ref,
    arg,
    call_func,
    last,
    list_items,
    name_of,
    prefer_non_test,
    substitute,
)
from scanning.scanners.base import (
    HTTP_METHODS,
    DiscoveredEndpoint,
    Parameter,
    ScanWarning,
    join_paths,
    path_parameter_names,
)

AUTH_DECORATOR = re.compile(
    r"login_required|jwt_required|auth|token_required|roles_(required|accepted)|permission|admin_required",
    re.IGNORECASE,
)
_HOOK_AUTH = re.compile(r"auth|login|token|jwt|permission|admin", re.IGNORECASE)
_SHORTCUTS = {"get", "post", "put", "patch", "delete"}
_ROUTE_DECORATORS = frozenset({*_SHORTCUTS, "route"})
_CONVERTER = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_AUTO_METHODS = {"HEAD", "OPTIONS"}
_STRING = {"type": "string"}
_RESTFUL_PACKAGES = {"flask_restful", "flask_restx", "flask_restplus"}
_FAB_REGISTRATIONS = frozenset({"add_view", "add_view_no_menu", "add_api"})
_REGISTRATIONS = frozenset(
    {"add_url_rule", "register_blueprint", "add_resource", "init_app", "add_namespace", *_FAB_REGISTRATIONS}
)
_FAB_PACKAGE = "flask_appbuilder"
_FAB_EXPOSE = frozenset({"expose", "expose_api"})
_FAB_AUTH = re.compile(r"has_access|protect|permission_name", re.IGNORECASE)
_FAB_APIS = frozenset({"BaseApi", "BaseModelApi", "ModelRestApi"})
_GP = ("GET", "POST")
_REST_CRUD = {
    "api": [("/api", ("GET",))],
    "api_read": [("/api/read", ("GET",))],
    "api_get": [("/api/get/<pk>", ("GET",))],
    "api_create": [("/api/create", ("POST",))],
    "api_update": [("/api/update/<pk>", ("PUT",))],
    "api_delete": [("/api/delete/<pk>", ("DELETE",))],
    "api_column_add": [("/api/column/add/<col_name>", ("GET",))],
    "api_column_edit": [("/api/column/edit/<col_name>", ("GET",))],
    "api_readvalues": [("/api/readvalues", ("GET",))],
}
_FORM = {"this_form_get": [("/form", ("GET",))], "this_form_post": [("/form", ("POST",))]}
_CHART = {"chart": [("/chart/<group_by>", ("GET",)), ("/chart/", ("GET",))]}
_LOGOUT = {"logout": [("/logout/", ("GET",))]}
# The routes Flask-AppBuilder's own classes expose (version 4.5), each with those it inherits
# from the package's other classes, by method name: a subclass redefining the method without
# `@expose` drops them, `include_route_methods`/`exclude_route_methods` filter them by name.
_FAB_ROUTES: dict[str, dict[str, list[tuple[str, tuple[str, ...]]]]] = {
    "IndexView": {"index": [("/", ("GET",))]},
    "UtilView": {"back": [("/back", ("GET",))]},
    "SimpleFormView": _FORM,
    "PublicFormView": _FORM,
    "RestCRUDView": _REST_CRUD,
    "ModelView": {
        **_REST_CRUD,
        "list": [("/list/", ("GET",))],
        "show": [("/show/<pk>", ("GET",))],
        "add": [("/add", _GP)],
        "edit": [("/edit/<pk>", _GP)],
        "delete": [("/delete/<pk>", _GP)],
        "download": [("/download/<string:filename>", ("GET",))],
        "action": [("/action/<string:name>/<pk>", _GP)],
        "action_post": [("/action_post", ("POST",))],
    },
    "MasterDetailView": {"list": [("/list/", ("GET",)), ("/list/<pk>", ("GET",))]},
    "MultipleView": {"list": [("/list/", ("GET",))]},
    "CompactCRUDMixin": {
        "list": [("/list/", _GP)],
        "add": [("/add/", _GP)],
        "edit": [("/edit/<pk>", _GP)],
        "delete": [("/delete/<pk>", _GP)],
    },
    "GroupByChartView": _CHART,
    "DirectByChartView": _CHART,
    "ChartView": _CHART,
    "DirectChartView": _CHART,
    "TimeChartView": {"chart": [("/chart/<group_by>/<period>", ("GET",)), ("/chart/", ("GET",))]},
    "ModelRestApi": {
        "info": [("/_info", ("GET",))],
        "get": [("/<int:pk>", ("GET",))],
        "get_list": [("/", ("GET",))],
        "post": [("/", ("POST",))],
        "put": [("/<pk>", ("PUT",))],
        "delete": [("/<pk>", ("DELETE",))],
    },
    "AuthView": {"login": [("/login/", _GP)], **_LOGOUT},
    "AuthDBView": {"login": [("/login/", _GP)], **_LOGOUT},
    "AuthLDAPView": {"login": [("/login/", _GP)], **_LOGOUT},
    "AuthOIDView": {"login": [("/login/", _GP)], **_LOGOUT},
    "AuthRemoteUserView": {"login": [("/login/", ("GET",))], **_LOGOUT},
    "AuthOAuthView": {
        "login": [("/login/", ("GET",)), ("/login/<provider>", ("GET",))],
        "oauth_authorized": [("/oauth-authorized/<provider>", ("GET",))],
        **_LOGOUT,
    },
}
# Their `route_base` when it is not the class's lowercased name.
_FAB_ROUTE_BASES = {
    "IndexView": "",
    "UtilView": "",
    "AuthView": "",
    "AuthDBView": "",
    "AuthLDAPView": "",
    "AuthOIDView": "",
    "AuthRemoteUserView": "",
    "AuthOAuthView": "",
}
# The methods of those routes that require a login (`@has_access`, `@protect()`).
_FAB_PUBLIC = frozenset({"index", "back", "login", "logout", "oauth_authorized"})


def _is_fab(ref: Ref, name: str | None = None) -> bool:
    """Whether `ref` is Flask-AppBuilder's class `name` (any of its classes when None)."""
    if ref.kind != "external" or not ref.name.startswith(_FAB_PACKAGE):
        return False
    return name is None or last(ref.name) == name


def converter_schema(converter: str | None, args: str | None) -> dict[str, Any]:
    if converter == "int":
        return {"type": "integer"}
    if converter == "float":
        return {"type": "number"}
    if converter == "uuid":
        return {"type": "string", "format": "uuid"}
    if converter == "any" and args:
        return {"type": "string", "enum": [a.strip().strip("'\"") for a in args.split(",") if a.strip()]}
    return {"type": "string"}


@dataclass(slots=True)
class _Object:
    key: tuple[str, str, str]
    kind: str  # "app" | "blueprint"
    prefix: str | None
    line: int
    auth: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Rule:
    file: str
    line: int
    rule: str | None
    methods: list[str]
    handler: str
    auth: list[str]
    # query parameters the view reads (`request.args.get(...)`), by HTTP method; "*": all
    queries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    conditions: list[str] = field(default_factory=list)  # the `if` tests around the declaration


@dataclass(slots=True)
class _Edge:
    file: str
    line: int
    child: tuple[str, str, str]
    prefix: str | None
    has_prefix: bool
    conditions: list[str] = field(default_factory=list)  # the `if` tests around the registration


class FlaskScanner(PythonFrameworkScanner):
    name = "flask"
    manifest_names = ("flask", "Flask")
    import_names = frozenset({"flask"})

    def linker(self, project: PythonProject) -> _Linker:
        return _Linker(project)


class _Linker:
    def __init__(self, project: PythonProject) -> None:
        self.project = project
        self.warnings: list[ScanWarning] = []
        self.objects: dict[tuple[str, str, str], _Object] = {}
        self.rules: dict[tuple[str, str, str], list[_Rule]] = {}
        self.edges: dict[tuple[str, str, str], list[_Edge]] = {}
        # Api(app) / api.init_app(app): parents resolved once every object is known.
        self._pending: list[tuple[str, str, Expr | None, tuple[str, str, str], int, str | None]] = []
        self._conversions: dict[str, tuple[str, list[tuple[str, str | None, str | None]]]] = {}
        self._path_names: dict[str, list[str]] = {}
        self._auth_names: dict[str, bool] = {}
        # `bp = construct_blueprint(store)`: bp -> the blueprint the factory builds and returns.
        self._aliases: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        # `add_routes(bp, store)`: (file, function scope, parameter) -> the blueprint passed.
        self._parameters: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        self._factories: set[str] = set()

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        for path, facts in self.project.facts.items():
            self._collect_objects(path, facts)
        if not self.objects:
            return [], []
        self._collect_factory_results()
        for path, facts in self.project.facts.items():
            self._collect_namespaces(path, facts)
            self._collect_parameters(path, facts)
        for path, facts in self.project.facts.items():
            self._collect_decorated(path, facts)
            self._collect_calls(path, facts)
            self._collect_resources(path, facts)
        for path, scope, parent_expr, child, line, _how in self._pending:
            parent = self._object(path, scope, parent_expr)
            if parent is not None:
                self.edges.setdefault(parent, []).append(_Edge(path, line, child, None, False))
        endpoints: list[DiscoveredEndpoint] = []
        seen: set[tuple[str, str]] = set()
        apps = prefer_non_test([k[0] for k, o in self.objects.items() if o.kind == "app"])
        for key, obj in self.objects.items():
            if obj.kind == "app" and key[0] in apps:
                self._walk(key, [], [], [key], endpoints, seen)
        # An AppBuilder whose application was walked above has been served (and warned about).
        attached = {
            edge.child
            for key, obj in self.objects.items()
            if obj.kind == "app" and key[0] in apps
            for edge in self.edges.get(key, ())
        }
        builders = prefer_non_test([k[0] for k, o in self.objects.items() if o.kind == "appbuilder"])
        for key, obj in self.objects.items():
            if obj.kind == "appbuilder" and key[0] in builders and key not in attached:
                self._walk(key, [], [], [key], endpoints, seen)
        return endpoints, self.warnings

    def _object(self, path: str, scope: str, e: Expr | None) -> tuple[str, str, str] | None:
        path, scope, e = self.project.located(path, scope, e)
        name = name_of(e)
        return self._named_object(path, scope, name) if name else None

    def _named_object(self, path: str, scope: str, name: str) -> tuple[str, str, str] | None:
        if self._parameters and "." not in name:
            inner = scope
            while inner:  # a parameter of the function, or of one around it
                passed = self._parameters.get((path, inner, name))
                if passed is not None:
                    return passed
                inner = inner.rsplit(".", 1)[0] if "." in inner else ""
        key = self.project.assigned_key(path, scope, name, self.objects)
        if key is None and self._aliases:
            alias = self.project.assigned_key(path, scope, name, self._aliases)
            key = self._aliases[alias] if alias is not None else None
        return key

    def _collect_factory_results(self) -> None:
        """`bp = construct_blueprint(store)`: `bp` is the blueprint (or app) that the project
        function builds and returns (one object per factory, whatever the call site)."""
        for facts in self.project.facts.values():
            for function in facts["functions"]:
                if "rn" in function:
                    self._factories.add(function["name"])
        if not self._factories:
            return
        # ... and the names they are imported as (`import construct_blueprint as construct_tags`).
        self._factories.update(
            imp[0]
            for facts in self.project.facts.values()
            for imp in facts["imports"]
            if imp[3] in self._factories
        )
        pending = [
            (path, assign)
            for path, facts in self.project.facts.items()
            for assign in facts["assigns"]
            if last(call_func(assign["v"])) in self._factories
        ]
        # A factory may return what another factory returns: resolved over a few rounds.
        for _round in range(4):
            found = False
            for path, assign in pending:
                child = self._factory_result(path, assign["s"], assign["v"])
                if child is None:
                    continue
                for target in assign["t"]:
                    key = (path, assign["s"], target)
                    if key not in self.objects and key not in self._aliases:
                        self._aliases[key] = child
                        found = True
            if not found:
                break

    def _factory_result(self, path: str, scope: str, call: Expr | None) -> tuple[str, str, str] | None:
        """The blueprint or app a call to a project factory function returns (`return bp`)."""
        path, scope, call = self.project.located(path, scope, call)
        if not self._factories or last(call_func(call)) not in self._factories:
            return None
        ref = self.project.resolve_expr(path, scope, call["call"])  # type: ignore[index]
        if ref is None or ref.kind != "function" or ref.rest or "rn" not in ref.obj:
            return None
        inner = f"{ref.scope}.{ref.name}" if ref.scope else ref.name
        found = {self._named_object(ref.file, inner, name) for name in ref.obj["rn"]}
        found.discard(None)
        return found.pop() if len(found) == 1 else None

    def _collect_parameters(self, path: str, facts: dict[str, Any]) -> None:
        """`add_routes(bp, store)` passing a blueprint to a project function that routes on its
        parameter (`@blueprint.route(...)` on functions nested in it)."""
        for call in facts["calls"]:
            e, scope = call["e"], call["s"]
            func = call_func(e)
            if not func or last(func) in _REGISTRATIONS:
                continue
            passed = [
                (index, keyword, key)
                for index, keyword, value in [
                    *((i, None, a) for i, a in enumerate(e["args"])),
                    *((None, k, v) for k, v in e["kw"].items()),
                ]
                if (name := name_of(value)) and (key := self._named_object(path, scope, name)) is not None
            ]
            if not passed:
                continue
            ref = self.project.resolve(path, scope, func)
            if ref is None or ref.kind != "function" or ref.rest:
                continue
            inner = f"{ref.scope}.{ref.name}" if ref.scope else ref.name
            parameters = [a["name"] for a in ref.obj["args"]]
            for index, keyword, key in passed:
                name = keyword if index is None else parameters[index] if index < len(parameters) else None
                if name in parameters:
                    self._parameters[(ref.file, inner, name)] = key

    def _collect_objects(self, path: str, facts: dict[str, Any]) -> None:
        for assign in facts["assigns"]:
            value = assign["v"]
            if not call_func(value):
                if not assign["s"] and value is not None and value.get("n") == "current_app":
                    self._collect_current_app(path, assign)
                continue
            scope = assign["s"]
            ref = self.project.resolve_expr(path, scope, value["call"])
            if ref is not None and ref.kind == "external" and ref.name.split(".", 1)[0] in _RESTFUL_PACKAGES:
                self._collect_restful(path, assign, last(ref.name))
                continue
            if ref is not None and _is_fab(ref, "AppBuilder"):
                self._collect_appbuilder(path, assign)
                continue
            kind = self.project.canonical(path, scope, value["call"])
            if kind not in ("Flask", "Blueprint", "APIBlueprint"):
                continue
            prefix_expr = value["kw"].get("url_prefix")
            prefix = "" if prefix_expr is None else self.project.eval_str(path, assign["s"], prefix_expr)
            for target in assign["t"]:
                key = (path, assign["s"], target)
                self.objects[key] = _Object(
                    key, "app" if kind == "Flask" else "blueprint", prefix, assign["line"]
                )

    def _collect_restful(self, path: str, assign: dict[str, Any], kind: str) -> None:
        """Flask-RESTful/RESTX `Api(app, prefix=...)` and RESTX `Namespace(name, path=...)`."""
        value, scope = assign["v"], assign["s"]
        if kind == "Api":
            prefix_expr = value["kw"].get("prefix")
            parent = arg(value, 0, "app")
        elif kind == "Namespace":
            prefix_expr = value["kw"].get("path")
            if prefix_expr is None:
                name = self.project.eval_str(path, scope, arg(value, 0, "name"))
                prefix_expr = {"c": f"/{name}"} if name is not None else arg(value, 0, "name")
            parent = None
        else:
            return
        prefix = "" if prefix_expr is None else self.project.eval_str(path, scope, prefix_expr)
        for target in assign["t"]:
            key = (path, scope, target)
            self.objects[key] = _Object(key, "api", prefix, assign["line"])
            if parent is not None:
                self._pending.append((path, scope, parent, key, assign["line"], None))

    def _collect_current_app(self, path: str, assign: dict[str, Any]) -> None:
        """`app: Flask = current_app` at module level (Superset's `superset.app`): while the
        module is imported, `current_app` is the application being built, so what is routed
        on the name is routed on it."""
        ref = self.project.resolve_expr(path, "", assign["v"])
        if ref is None or ref.kind != "external" or ref.name != "flask.current_app":
            return
        for target in assign["t"]:
            key = (path, "", target)
            self.objects[key] = _Object(key, "app", "", assign["line"])

    def _collect_appbuilder(self, path: str, assign: dict[str, Any]) -> None:
        """Flask-AppBuilder's `AppBuilder(app, session)`, or `AppBuilder()` then
        `appbuilder.init_app(app, session)`: its views are blueprints at the application's root.
        It is served even when the application it is given is not found (a Flask subclass,
        an application built elsewhere): what it registers is what a FAB application serves."""
        value, scope = assign["v"], assign["s"]
        parent = arg(value, 0, "app")
        for target in assign["t"]:
            key = (path, scope, target)
            self.objects[key] = _Object(key, "appbuilder", "", assign["line"])
            if parent is not None and parent.get("c", 0) is not None:
                self._pending.append((path, scope, parent, key, assign["line"], None))

    def _collect_namespaces(self, path: str, facts: dict[str, Any]) -> None:
        """`ns = api.namespace("todos", path="/todos")` creates a namespace under an Api."""
        for assign in facts["assigns"]:
            func = call_func(assign["v"])
            if not func or not func.endswith(".namespace"):
                continue
            parent = self._named_object(path, assign["s"], func.rsplit(".", 1)[0])
            if parent is None:
                continue
            value = assign["v"]
            prefix_expr = value["kw"].get("path")
            if prefix_expr is None:
                name = self.project.eval_str(path, assign["s"], arg(value, 0, "name"))
                prefix_expr = {"c": f"/{name}"} if name is not None else arg(value, 0, "name")
            prefix = self.project.eval_str(path, assign["s"], prefix_expr)
            for target in assign["t"]:
                key = (path, assign["s"], target)
                self.objects[key] = _Object(key, "api", prefix, assign["line"])
                self.edges.setdefault(parent, []).append(_Edge(path, assign["line"], key, None, False))

    def _collect_resources(self, path: str, facts: dict[str, Any]) -> None:
        """RESTX `@ns.route("/a", "/b")` on a Resource class."""
        for cls in facts["classes"]:
            for decorator in cls["dec"]:
                func = call_func(decorator)
                if not func or not func.endswith(".route"):
                    continue
                key = self._named_object(path, cls["s"], func.rsplit(".", 1)[0])
                if key is None or self.objects[key].kind != "api":
                    continue
                ref = Ref("class", path, cls["s"], cls["name"], cls)
                methods, auth = self._class_view(ref)
                queries = self._class_queries(ref)
                for url in decorator["args"]:
                    rule = self.project.eval_str(path, cls["s"], url)
                    self.rules.setdefault(key, []).append(
                        _Rule(path, decorator["line"], rule, methods, cls["name"], auth, queries, cls.get("if", []))
                    )

    def _add_resource(self, path: str, scope: str, key: tuple[str, str, str], e: Expr) -> None:
        cls = self.project.class_ref(path, scope, arg(e, 0, "resource"))
        if cls is None or cls.kind != "class":
            self.warnings.append(ScanWarning(path, "add_resource of an unresolved Resource class", e["line"]))
            return
        methods, auth = self._class_view(cls)
        queries = self._class_queries(cls)
        for url in e["args"][1:]:
            rule = self.project.eval_str(path, scope, url)
            self.rules.setdefault(key, []).append(_Rule(path, e["line"], rule, methods, cls.name, auth, queries))

    def _collect_decorated(self, path: str, facts: dict[str, Any]) -> None:
        for function in facts["functions"]:
            decorators = function["dec"]
            if not decorators:
                continue
            scope = function["s"]
            auth: list[str] | None = None  # the view's auth decorators, once it is a view
            for decorator in decorators:
                # `call_func` / `name_of` inlined (every decorator of every module comes here):
                # decorators and what they call are encoded as dicts.
                callee = decorator.get("call")
                called = callee.get("n") if callee is not None else None
                func = called or decorator.get("n")
                if not func:
                    continue
                dot = func.rfind(".")
                if dot < 0:
                    continue
                method = func[dot + 1 :]
                # Only hooks and routes are read: other methods (FastAPI's `router.get` is a
                # shortcut too) need not be resolved.
                if method != "before_request" and (not called or method not in _ROUTE_DECORATORS):
                    continue
                key = self._named_object(path, scope, func[:dot])
                if key is None:
                    continue
                if method == "before_request" and _HOOK_AUTH.search(function["name"]):
                    self.objects[key].auth.append(f"before_request {function['name']}")
                    continue
                if not called or (method != "route" and method not in _SHORTCUTS):
                    continue
                if method == "route":
                    methods = self._methods(path, scope, decorator["kw"].get("methods"), decorator["line"])
                else:
                    methods = [method.upper()]
                rule = self.project.eval_str(path, scope, arg(decorator, 0, "rule"))
                if auth is None:
                    auth = self._auth_decorators(decorators)
                self.rules.setdefault(key, []).append(
                    _Rule(path, decorator["line"], rule, methods, function["name"], auth,
                          self._function_queries(facts, function), function.get("if", []))
                )

    def _collect_calls(self, path: str, facts: dict[str, Any]) -> None:
        for call in facts["calls"]:
            e, scope = call["e"], call["s"]
            func = call_func(e)
            if not func or "." not in func:
                continue
            receiver, method = func.rsplit(".", 1)
            if method not in _REGISTRATIONS:
                continue
            key = self._named_object(path, scope, receiver)
            if key is None:
                continue
            rules, edges = len(self.rules.get(key, ())), len(self.edges.get(key, ()))
            if "loop" in call:
                for unrolled in self._unrolled(path, scope, call["loop"], e):
                    self._registration(path, scope, key, method, unrolled)
            else:
                self._registration(path, scope, key, method, e)
            if "if" in call:
                # What this call declared on `key` is there only under the tests around it.
                for declared in (*self.rules.get(key, ())[rules:], *self.edges.get(key, ())[edges:]):
                    declared.conditions = call["if"]

    def _unrolled(self, path: str, scope: str, loop: dict[str, Any], e: Expr) -> list[Expr]:
        """`e` once per item of the loops around it, the loops' names bound to the item; the
        items that are not statically known are a warning."""
        unknown: list[str] = []
        out = self._bound(path, scope, loop, e, unknown)
        if unknown:
            self.warnings.append(
                ScanWarning(
                    path,
                    "routes registered in a loop over items that are not statically known ("
                    + ", ".join(dict.fromkeys(unknown))
                    + "); their routes are not reported",
                    e["line"],
                )
            )
        return out

    def _bound(self, path: str, scope: str, loop: dict[str, Any], e: Expr, unknown: list[str]) -> list[Expr]:
        iterables: list[tuple[Expr, Expr]] = [(loop["it"], e)]
        if "in" in loop:
            # Nested loops: the enclosing loop binds the names the inner iterable may use.
            pairs = self._bound(path, scope, loop["in"], {"list": [loop["it"], e]}, unknown)
            iterables = [(pair["list"][0], pair["list"][1]) for pair in pairs]
        names = loop["t"]
        out = []
        for iterable, body in iterables:
            for file, item_scope, item in self._items(path, scope, iterable, unknown, 0):
                if isinstance(names, str):
                    bindings = {names: {"at": [file, item_scope], "e": item}}
                else:
                    values = list_items(item)
                    if (
                        values is None
                        or len(values) != len(names)
                        or any(v is None or "star" in v for v in values)
                    ):
                        unknown.append("an item that does not unpack")
                        continue
                    bindings = {
                        n: {"at": [file, item_scope], "e": v} for n, v in zip(names, values, strict=True)
                    }
                out.append(substitute(body, bindings))
        return out

    def _items(
        self, path: str, scope: str, e: Expr | None, unknown: list[str], depth: int
    ) -> list[tuple[str, str, Expr]]:
        """The items of a statically known list (a literal, a module-level name, a sum of such,
        a small helper returning one), each with where it is read; what is not known is
        described in `unknown`."""
        path, scope, e = self.project.located(path, scope, e)
        if e is None or depth > 16:
            unknown.append("an expression")
            return []
        items = list_items(e)
        if items is not None:
            if any(item is None or "star" in item for item in items):
                unknown.append("an unpacked list")
                return []
            return [(path, scope, item) for item in items]
        if e.get("op") == "Add":
            return self._items(path, scope, e["l"], unknown, depth + 1) + self._items(
                path, scope, e["r"], unknown, depth + 1
            )
        ref = self.project.resolve_expr(path, scope, e)
        if ref is not None and ref.kind == "assign" and not ref.rest:
            return self._items(ref.file, ref.scope, ref.obj["v"], unknown, depth + 1)
        if "call" in e:
            value = self.project.inline_call(path, scope, e, depth + 1)
            if value is not None:
                return self._items(path, scope, value, unknown, depth + 1)
            unknown.append(f"{call_func(e) or 'a call'}()")
            return []
        kind = e.get("?")
        comprehension = kind in ("ListComp", "GeneratorExp")
        unknown.append("a comprehension" if comprehension else name_of(e) or "an expression")
        return []

    def _registration(self, path: str, scope: str, key: tuple[str, str, str], method: str, e: Expr) -> None:
        """One `add_url_rule`/`register_blueprint`/`add_resource`/... call on object `key`."""
        if method in _FAB_REGISTRATIONS:
            if self.objects[key].kind == "appbuilder":
                self._add_fab_view(path, scope, key, e)
            return
        if method == "add_resource":
            self._add_resource(path, scope, key, e)
            return
        if method == "init_app":
            self._pending.append((path, scope, arg(e, 0, "app"), key, e["line"], "init_app"))
            return
        if method == "add_namespace":
            child = self._object(path, scope, arg(e, 0, "ns"))
            if child is not None:
                prefix_expr = e["kw"].get("path")
                prefix = None if prefix_expr is None else self.project.eval_str(path, scope, prefix_expr)
                self.edges.setdefault(key, []).append(
                    _Edge(path, e["line"], child, prefix, prefix_expr is not None)
                )
            return
        if method == "register_blueprint":
            blueprint = arg(e, 0, "blueprint")
            child = self._object(path, scope, blueprint)
            if child is None and call_func(self.project.located(path, scope, blueprint)[2]):
                child = self._factory_result(path, scope, blueprint)
            if child is None:
                self.warnings.append(
                    ScanWarning(path, "register_blueprint of an unresolved blueprint", e["line"])
                )
                return
            prefix_expr = e["kw"].get("url_prefix")
            prefix = None if prefix_expr is None else self.project.eval_str(path, scope, prefix_expr)
            self.edges.setdefault(key, []).append(
                _Edge(path, e["line"], child, prefix, prefix_expr is not None)
            )
            return
        self._add_url_rule(path, scope, key, e)

    # -- Flask-AppBuilder --

    def _add_fab_view(self, path: str, scope: str, key: tuple[str, str, str], e: Expr) -> None:
        """`appbuilder.add_view(View, "Name", ...)` / `add_view_no_menu(View)` / `add_api(Api)`:
        the view's exposed methods under its `route_base` (FAB's `create_blueprint`)."""
        view_path, view_scope, view = self.project.located(path, scope, arg(e, 0, "baseview"))
        if view is not None and "call" in view:  # an instance: `add_view_no_menu(MyView())`
            view = view["call"]
        cls = self.project.class_ref(view_path, view_scope, view)
        if cls is None or (cls.kind == "external" and last(cls.name) not in _FAB_ROUTES):
            self.warnings.append(ScanWarning(path, "Flask-AppBuilder view class is not resolved", e["line"]))
            return
        chain = self.project.ancestors(cls)
        fab = [last(r.name) for r in chain if _is_fab(r)]
        if not fab:
            self.warnings.append(
                ScanWarning(
                    path, f"{cls.name} is not a Flask-AppBuilder view; its routes are not reported", e["line"]
                )
            )
            return
        base = self._fab_route_base(cls, chain, fab, path, e["line"])
        if base is None:
            return
        include = self._fab_names(cls, "include_route_methods", path, e["line"])
        exclude = self._fab_names(cls, "exclude_route_methods", path, e["line"]) or set()
        name = last(cls.name)
        for attr, (file, line, urls, auth) in self._fab_exposed(chain).items():
            if (include is not None and attr not in include) or attr in exclude:
                continue
            for url, methods in urls:
                rule = None if url is None else base.rstrip("/") + "/" + url.lstrip("/") if url else base
                file, line = (file, line) if file else (path, e["line"])
                self.rules.setdefault(key, []).append(
                    _Rule(file, line, rule, list(methods), f"{name}.{attr}", auth)
                )

    def _fab_exposed(
        self, chain: list[Ref]
    ) -> dict[str, tuple[str, int, list[tuple[str | None, tuple[str, ...]]], list[str]]]:
        """Method name -> (file, line, [(url, methods)], auth) of the routes the class serves:
        the most derived definition of each method wins, as `getattr` does in FAB's
        `_register_urls`, and one without `@expose` serves nothing."""
        found: dict[str, tuple[str, int, list[tuple[str | None, tuple[str, ...]]], list[str]]] = {}
        for ref in chain:
            if ref.kind == "class":
                for method in ref.obj["methods"]:
                    if method["name"] in found:
                        continue
                    urls = self._fab_urls(ref, method)
                    auth = [
                        f"@{n}"
                        for d in method["dec"]
                        if (n := call_func(d) or name_of(d))
                        and (_FAB_AUTH.search(last(n)) or AUTH_DECORATOR.search(last(n)))
                    ]
                    found[method["name"]] = (ref.file, method["line"], urls, auth)
            elif _is_fab(ref):
                cls_name = last(ref.name)
                for attr, urls in _FAB_ROUTES.get(cls_name, {}).items():
                    if attr not in found:
                        public = attr in _FAB_PUBLIC or cls_name == "PublicFormView"
                        protection = "@protect()" if cls_name == "ModelRestApi" else "@has_access"
                        auth = [] if public else [protection]
                        found[attr] = ("", 0, list(urls), auth)
        return found

    def _fab_urls(self, ref: Ref, method: dict[str, Any]) -> list[tuple[str | None, tuple[str, ...]]]:
        urls: list[tuple[str | None, tuple[str, ...]]] = []
        for decorator in method["dec"]:
            func = call_func(decorator)
            if not func or last(func) not in _FAB_EXPOSE:
                continue
            target = self.project.resolve(ref.file, ref.scope, func)
            if target is not None and not _is_fab(target):
                continue  # a project's own `expose`
            exposed = last(func)
            if exposed == "expose":
                url_expr = arg(decorator, 0, "url")
                url = "/" if url_expr is None else self.project.eval_str(ref.file, ref.scope, url_expr)
                methods_expr = arg(decorator, 1, "methods")
            else:  # expose_api(name, url, methods): the url defaults to `/api/{name}`
                url_expr, name_expr = arg(decorator, 1, "url"), arg(decorator, 0, "name")
                url = self.project.eval_str(ref.file, ref.scope, url_expr) if url_expr is not None else None
                if not url:
                    name = self.project.eval_str(ref.file, ref.scope, name_expr) if name_expr else ""
                    url = None if name is None else f"/api/{name}"
                methods_expr = arg(decorator, 2, "methods")
            methods = (
                ["GET"] if methods_expr is None
                else self._methods(ref.file, ref.scope, methods_expr, decorator["line"])
            )
            urls.append((url, tuple(methods)))
        return urls

    def _fab_route_base(self, cls: Ref, chain: list[Ref], fab: list[str], path: str, line: int) -> str | None:
        """`route_base`, else FAB's default: `/api/{version}/{resource_name}` for an API,
        `/{class name lowercased}` for a view; None (and a warning) when not a constant."""
        name = last(cls.name)
        declared = self._fab_attribute(cls, "route_base")
        if declared is not None:
            ref, value = declared
            if value.get("c", "") is not None:
                text = self.project.eval_str(ref.file, ref.scope, value)
                if text is None:
                    self.warnings.append(
                        ScanWarning(path, f"route_base of {name} is not a constant string", line)
                    )
                return text
        for ref in chain:
            if _is_fab(ref) and last(ref.name) in _FAB_ROUTE_BASES:
                return _FAB_ROUTE_BASES[last(ref.name)]
        if not _FAB_APIS.intersection(fab):
            return "/" + name.lower()
        texts = []
        for attribute, default in (("version", "v1"), ("resource_name", name.lower())):
            declared = self._fab_attribute(cls, attribute)
            text = default
            if declared is not None and declared[1].get("c", "") is not None:
                text = self.project.eval_str(declared[0].file, declared[0].scope, declared[1])
                if text is None:
                    self.warnings.append(
                        ScanWarning(path, f"{attribute} of {name} is not a constant string", line)
                    )
                    return None
            texts.append(text)
        return f"/api/{texts[0]}/{texts[1].lower()}"

    def _fab_attribute(self, cls: Ref, attribute: str) -> tuple[Ref, Expr] | None:
        return self.project.class_attribute_default(cls, attribute) if cls.kind == "class" else None

    def _fab_names(self, cls: Ref, attribute: str, path: str, line: int) -> set[str] | str | None:
        """`include_route_methods` / `exclude_route_methods`: a set of method names, built
        with `|`, `-`, `&` from literals and other classes' attributes (Superset's
        `RouteMethod.REST_MODEL_VIEW_CRUD_SET | {"related"}`); None when not declared.

        A single string (`include_route_methods = RouteMethod.LIST`) is returned as is: FAB
        tests `name in include_route_methods`, which for a string keeps every method whose
        name is a substring of it (`"api_read"` keeps `api` as well)."""
        declared = self._fab_attribute(cls, attribute)
        if declared is None or declared[1].get("c", "") is None:
            return None
        owner = declared[0]
        text = self._class_str(owner.file, owner.scope, declared[1], owner)
        if text is not None:
            return text
        names = self._name_set(owner.file, owner.scope, declared[1], owner)
        if names is None:
            self.warnings.append(
                ScanWarning(path, f"{attribute} of {last(cls.name)} is not statically known; ignored", line)
            )
        return names

    def _name_set(
        self, path: str, scope: str, e: Expr | None, owner: Ref | None, depth: int = 0
    ) -> set[str] | None:
        """The strings of a set expression read in the body of class `owner` (whose other
        attributes its names may be: `READ_SET = {GET, GET_LIST}`)."""
        path, scope, e = self.project.located(path, scope, e)
        if e is None or depth > 16:
            return None
        operator = e.get("op")
        if operator in ("BitOr", "Sub", "BitAnd", "Add"):
            left = self._name_set(path, scope, e["l"], owner, depth + 1)
            right = self._name_set(path, scope, e["r"], owner, depth + 1)
            if left is None or right is None:
                return None
            if operator == "Sub":
                return left - right
            return left & right if operator == "BitAnd" else left | right
        if "list" in e:
            out: set[str] = set()
            for item in e["list"]:
                text = self._class_str(path, scope, item, owner)
                if text is None:
                    return None
                out.add(text)
            return out
        func = call_func(e)
        if func in ("set", "frozenset", "list", "tuple"):
            return self._name_set(path, scope, e["args"][0], owner, depth + 1) if e["args"] else set()
        found = self._class_value(path, scope, e, owner)
        if found is not None:
            return self._name_set(found[0].file, found[0].scope, found[1], found[2], depth + 1)
        return None

    def _class_str(self, path: str, scope: str, e: Expr | None, owner: Ref | None) -> str | None:
        found = self._class_value(path, scope, e, owner)
        if found is not None:
            return self.project.eval_str(found[0].file, found[0].scope, found[1])
        return self.project.eval_str(path, scope, e)

    def _class_value(
        self, path: str, scope: str, e: Expr | None, owner: Ref | None
    ) -> tuple[Ref, Expr, Ref | None] | None:
        """What name `e` is bound to: an attribute of `owner` (read in its body), of another
        class (`RouteMethod.EXPORT`) or a module-level name; (where, value, its class)."""
        name = name_of(e)
        if not name:
            return None
        if owner is not None and "." not in name:
            found = self.project.class_attribute_default(owner, name)
            if found is not None:
                return found[0], found[1], found[0]
        ref = self.project.resolve(path, scope, name)
        if ref is not None and ref.kind == "assign" and not ref.rest:
            return ref, ref.obj["v"], None
        if ref is not None and ref.kind == "class" and len(ref.rest) == 1:
            found = self.project.class_attribute_default(ref, ref.rest[0])
            if found is not None:
                return found[0], found[1], found[0]
        return None

    def _add_url_rule(self, path: str, scope: str, key: tuple[str, str, str], e: Expr) -> None:
        rule = self.project.eval_str(path, scope, arg(e, 0, "rule"))
        # A view bound by a loop (`for path, view in routes:`) is read where the list is.
        view_path, view_scope, view = self.project.located(path, scope, arg(e, 2, "view_func"))
        explicit = e["kw"].get("methods")
        methods = self._methods(path, scope, explicit, e["line"]) if explicit is not None else None
        handler, auth, queries = "", [], {}
        as_view = call_func(view)
        if as_view and as_view.endswith(".as_view"):
            cls = self.project.resolve(view_path, view_scope, as_view.rsplit(".", 1)[0])
            if cls is None or cls.kind != "class" or cls.rest:
                self.warnings.append(ScanWarning(path, f"unresolved view class {as_view}", e["line"]))
                return
            handler = cls.name
            class_methods, auth = self._class_view(cls)
            queries = self._class_queries(cls)
            methods = methods if methods is not None else class_methods
        else:
            target = self.project.resolve_expr(view_path, view_scope, view)
            if target is not None and target.kind == "function":
                handler = target.name
                auth = self._auth_decorators(target.obj["dec"])
                queries = self._function_queries(self.project.facts[target.file], target.obj)
            elif view is not None:
                handler = name_of(view) or ""
        self.rules.setdefault(key, []).append(
            _Rule(path, e["line"], rule, methods if methods is not None else ["GET"], handler, auth, queries)
        )

    def _function_queries(
        self, facts: dict[str, Any], function: dict[str, Any]
    ) -> dict[str, list[dict[str, Any]]]:
        """What `function`, defined in the module of `facts`, reads from the query string."""
        reads = facts.get("queries", {}).get(str(function["line"]))
        return {"*": reads} if reads else {}

    def _class_queries(self, cls: Ref) -> dict[str, list[dict[str, Any]]]:
        """What each handler method of a class view (its own or inherited) reads."""
        queries: dict[str, list[dict[str, Any]]] = {}
        for ref in self.project.ancestors(cls):
            if ref.kind != "class":
                continue
            reads_by_line = self.project.facts[ref.file].get("queries", {})
            for method in ref.obj["methods"]:
                upper = method["name"].upper()
                reads = reads_by_line.get(str(method["line"]))
                if reads and upper in HTTP_METHODS:
                    queries.setdefault(upper, reads)
        return queries

    def _class_view(self, cls: Ref) -> tuple[list[str], list[str]]:
        chain = self.project.ancestors(cls)
        names = [last(r.name) for r in chain]
        declared: list[str] | None = None
        handlers: list[str] = []
        auth: list[str] = []
        for ref in chain:
            if ref.kind != "class":
                continue
            for fld in ref.obj["fields"]:
                if fld["name"] == "method_decorators":
                    items = list_items(fld["v"])
                    if items is None and isinstance(fld["v"], dict) and "dict" in fld["v"]:
                        items = [v for _k, v in fld["v"]["dict"]]
                        items = [i for v in items for i in (list_items(v) or [v])]
                    auth += self._auth_decorators(items or [])
                if fld["name"] == "methods" and declared is None:
                    try:
                        declared = [
                            str(m).upper() for m in self.project.literal(ref.file, ref.scope, fld["v"])
                        ]
                    except ValueError:
                        declared = None
                if fld["name"] == "decorators":
                    auth += self._auth_decorators(list_items(fld["v"]) or [])
            for method in ref.obj["methods"]:
                upper = method["name"].upper()
                if upper in HTTP_METHODS and upper not in handlers:
                    handlers.append(upper)
        if declared is not None:
            return [m for m in declared if m in HTTP_METHODS and m not in _AUTO_METHODS], auth
        if "MethodView" in names or "Resource" in names:
            return [m for m in handlers if m not in _AUTO_METHODS], auth
        return ["GET"], auth

    def _auth_decorators(self, decorators: list[Expr]) -> list[str]:
        found = []
        for decorator in decorators:
            callee = decorator.get("call")  # `call_func(decorator) or name_of(decorator)`, inlined
            name = (callee.get("n") if callee is not None else None) or decorator.get("n")
            if name:
                # The same few decorators (`bp.route`, `login_required`) over and over.
                is_auth = self._auth_names.get(name)
                if is_auth is None:
                    is_auth = self._auth_names[name] = AUTH_DECORATOR.search(last(name)) is not None
                if is_auth:
                    found.append(f"@{name}")
        return found

    def _methods(self, path: str, scope: str, e: Expr | None, line: int) -> list[str]:
        if e is None:
            return ["GET"]
        items = e.get("list")
        if items is not None and all("c" in item for item in items):
            values = [item["c"] for item in items]  # `methods=["GET", "POST"]`, what `literal` gives
        else:
            try:
                values = self.project.literal(path, scope, e)
            except ValueError:
                self.warnings.append(ScanWarning(path, "route methods are not a constant list", line))
                return []
        upper = [str(v).upper() for v in values]
        return [m for m in upper if m in HTTP_METHODS and m not in _AUTO_METHODS]

    # -- traversal --

    def _converted(self, text: str) -> tuple[str, list[tuple[str, str | None, str | None]]]:
        """(`text` with converters as `{name}`, its converters as (name, converter, args)), memoized."""
        found = self._conversions.get(text)
        if found is None:
            found = self._conversions[text] = (
                _CONVERTER.sub(r"{\g<name>}", text),
                [m.group("name", "conv", "args") for m in _CONVERTER.finditer(text)],
            )
        return found

    def _full_rule(
        self, base: str, prefix_converters: list[tuple[str, str | None, str | None]], text: str
    ) -> tuple[str, list[str], dict[str, dict[str, Any]]]:
        """(full path, its parameter names, their converter schemas) of rule `text` under `base`."""
        # `<any(a, b):x>` has a comma and parentheses the generic normalizer does not expect.
        rule_text, rule_converters = self._converted(text)
        full = join_paths(base, rule_text)
        # Converters may sit in a prefix (`/<int:org_id>`) as well as in the rule.
        converters = {
            name: converter_schema(conv, args) for name, conv, args in [*prefix_converters, *rule_converters]
        }
        names = self._path_names.get(full)
        if names is None:
            names = self._path_names[full] = path_parameter_names(full)
        return full, names, converters

    def _walk(
        self,
        key: tuple[str, str, str],
        prefixes: list[str],
        auth: list[str],
        stack: list[tuple[str, str, str]],
        out: list[DiscoveredEndpoint],
        seen: set[tuple[str, str]],
        conditions: tuple[str, ...] = (),
    ) -> None:
        obj = self.objects[key]
        auth = [*auth, *obj.auth]
        # What depends on the prefixes alone is worked out once for all the rules below
        # (`join_paths(base, rule)` equals `join_paths(*prefixes, rule)`), and what depends on
        # a rule's text alone once per distinct text: blueprints repeat the same rules.
        converted = [self._converted(prefix) for prefix in prefixes]
        base = "/".join(text.strip("/") for text, _ in converted if text and text.strip("/"))
        prefix_converters = [c for _, found in converted for c in found]
        # Under these prefixes, a rule's text alone decides its full path, path parameters
        # and their converters; a blueprint's rules repeat a few texts (`/items`, `/items/<id>`).
        by_text: dict[str, tuple[str, list[str], dict[str, dict[str, Any]]]] = {}
        for rule in self.rules.get(key, []):
            if rule.rule is None:
                self.warnings.append(ScanWarning(rule.file, "route rule is not a constant string", rule.line))
                continue
            known = by_text.get(rule.rule)
            if known is None:
                known = by_text[rule.rule] = self._full_rule(base, prefix_converters, rule.rule)
            full, names, converters = known
            rule_auth = [*auth, *rule.auth]
            auth_text = ", ".join(dict.fromkeys(rule_auth))
            for method in rule.methods:
                endpoint_key = (method, full)  # the endpoint's `key`: a route already seen is not built
                if endpoint_key in seen:
                    continue
                seen.add(endpoint_key)
                parameters = [
                    Parameter(name, "path", True, dict(converters.get(name, _STRING))) for name in names
                ]
                reads = rule.queries.get(method) or rule.queries.get("*")
                if reads:
                    parameters.extend(
                        Parameter(read["name"], "query", read["required"], dict(read["schema"]))
                        for read in reads
                        if read["name"] not in names
                    )
                out.append(
                    DiscoveredEndpoint(
                        method=method,
                        path=full,
                        framework="flask",
                        file=rule.file,
                        line=rule.line,
                        handler=rule.handler,
                        parameters=parameters,
                        auth_required=bool(rule_auth),
                        auth=auth_text,
                        conditions=[*conditions, *rule.conditions],
                    )
                )
        for edge in self.edges.get(key, []):
            if edge.child in stack:
                continue
            child = self.objects[edge.child]
            prefix = edge.prefix if edge.has_prefix else child.prefix
            if prefix is None:
                self.warnings.append(
                    ScanWarning(
                        edge.file,
                        "blueprint registered with a dynamic url_prefix; its routes are not reported",
                        edge.line,
                    )
                )
                continue
            self._walk(
                edge.child, [*prefixes, prefix], auth, [*stack, edge.child], out, seen,
                (*conditions, *edge.conditions),
            )
