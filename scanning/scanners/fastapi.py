"""FastAPI endpoint scanner: parses application modules with `ast` (never imports them).

Extraction shares the generic module facts of `_python`. Linking finds every ``FastAPI()``
and ``APIRouter(prefix=...)`` object, the routes declared on them (``@x.get``/``post``/...,
``@x.api_route(methods=[...])``, ``x.add_api_route(path, endpoint, methods=[...])``) and the
``include_router(router, prefix=..., dependencies=...)`` / ``mount(path, subapp)`` edges,
across modules through imports. Only routes reachable from a ``FastAPI()`` application are
served, so a router that is never included is not reported.

Wiring that is still static is followed: instances of project classes deriving from
``APIRouter``/``FastAPI`` are routers/apps; ``for router in ROUTERS: app.include_router(router)``
(and ``mount``) is unrolled when ``ROUTERS`` is a constant list or tuple (a module-level name,
imported or not; ``for prefix, router in ((..., ...), ...)`` unpacks), and is a warning
otherwise; ``api = create_api_app()`` is the app or router that factory builds and returns,
so ``app.mount("/api", api)`` serves its routes under ``/api`` (and not at the root);
``router = other.router`` is that router, and a name holding a router of its own that is
rebound to another (``enterprise_router = APIRouter()``, then in a ``try`` an optional
package's router) includes both wherever it is included. A function given the app or a
router as a parameter (``def attach_routers(app): app.include_router(...)``, or routes declared
on it) registers on each object its calls pass, with the conditions around the call; a call in
a function body is seen when it passes an object that function builds. Routes declared
through ``getattr(router, method)`` with a method read at run time are a warning. A route
path naming a parameter of the enclosing factory takes the parameter's default, and
``os.environ.get``/``os.getenv`` give their default. A route declared, or a router included
or mounted, under ``if`` carries the tests (``conditions``, outermost first, ``not (test)``
in an ``else``), and so does everything under that router. A mount of anything else than an app
(``StaticFiles`` aside) is a warning. ``@x.websocket`` routes are not HTTP operations.

A server class may build its app in its methods: ``self._app = FastAPI()`` and
``self.router = MyRouter()`` are one object per class and attribute (methods of subclasses
see a base class's), used as ``self.router.add_api_route("/reset", self.reset)`` and
``self._app.include_router(self.router)`` in any method; ``self.reset`` is the class's (or a
base class's) method, its signature read without ``self``. Objects local to a method are local
to it, as in functions. Routes registered on a parameter or an unknown ``self.x`` are a warning.

Rules:

* path parameters are the ``{name}`` segments; function parameters named like them, or
  declared with ``Path()``, are path parameters (always required);
* ``Query()`` and un-marked scalar parameters (str, int, float, bool, UUID, dates, enums,
  ``Literal``) are query parameters, required unless they have a default; ``Header()``
  names get ``_`` → ``-`` unless ``convert_underscores=False`` or an ``alias`` is set;
* a pydantic model (or list of models, ``dict``) parameter is the JSON body; several body
  parameters (or ``Body(embed=True)``) are embedded in an object keyed by parameter name;
* ``response_model=`` (else a model return annotation) and ``status_code=`` give the
  success response; ``responses={404: {...}}`` adds documented statuses;
* authentication is required when a dependency of the route, its routers or the include
  calls is a ``Security(...)``, a security scheme object (``OAuth2PasswordBearer``,
  ``HTTPBearer``, ``APIKeyHeader``...) or a ``Depends(f)`` whose name speaks of auth
  (``get_current_user``, ``verify_token``...). Otherwise the route is public (``False``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanning.scanners._python import (
    PythonFrameworkScanner,
    SCALAR_NAMES,
    Expr,
    PythonProject,
    Ref,
    SchemaBuilder,
    apply_constraints,
    arg,
    call_func,
    const,
    last,
    list_items,
    name_of,
    prefer_non_test,
    status_code_of,
)
from scanning.scanners.base import (
    HTTP_METHODS,
    DiscoveredEndpoint,
    Parameter,
    ScanWarning,
    join_paths,
    path_parameter_names,
)

_ROUTE_METHODS = {m.lower() for m in HTTP_METHODS}
_ROUTE_DECORATORS = frozenset({*_ROUTE_METHODS, "api_route"})
_SKIPPED_PARAM_TYPES = {
    "Request",
    "Response",
    "WebSocket",
    "BackgroundTasks",
    "HTTPConnection",
    "SecurityScopes",
    "StarletteRequest",
    "JSONResponse",
}
_LOCATIONS = {"Header": "header", "Cookie": "cookie"}
_PARAM_MARKERS = {"Query", "Path", "Header", "Cookie", "Body", "Form", "File", "Depends", "Security"}
_SECURITY_SCHEMES = {
    "OAuth2PasswordBearer",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2",
    "HTTPBearer",
    "HTTPBasic",
    "HTTPDigest",
    "APIKeyHeader",
    "APIKeyQuery",
    "APIKeyCookie",
    "OpenIdConnect",
}
AUTH_NAME = re.compile(
    r"auth|current_?user|user|token|login|jwt|oauth|perm|admin|api_?key|credential|verify|secur|principal|scope",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _Router:
    key: tuple[str, str, str]
    kind: str  # "app" | "router"
    prefix: str | None
    dependencies: Expr | None
    tags: list[str]
    line: int


@dataclass(slots=True)
class _Route:
    file: str
    scope: str
    line: int
    methods: list[str]
    path: str | None
    function: dict[str, Any] | None
    function_file: str
    options: dict[str, Expr]
    conditions: list[str] = field(default_factory=list)  # the `if` tests around the declaration


@dataclass(slots=True)
class _Edge:
    file: str
    scope: str
    line: int
    child: tuple[str, str, str]
    prefix: str | None
    options: dict[str, Expr]
    mount: bool = False  # `mount(path, app)` rather than `include_router`
    conditions: list[str] = field(default_factory=list)  # the `if` tests around the include


@dataclass(slots=True)
class _Annotation:
    """What a parameter's annotation says (see `_Linker._annotation`)."""

    path: str  # where the annotation is resolved: an `Annotated` alias's own module
    scope: str
    raw: Expr | None  # the annotation, `Annotated` aliases followed
    metadata: list[Expr]  # the `Annotated[T, ...]` extras
    skipped: bool  # Request, Response, BackgroundTasks...: not a parameter
    core: Expr | None  # T without `Annotated` and `Optional`
    # Whether `core` is a body type (`_is_body_type`), asked at most once per annotation.
    body: bool | None = None


@dataclass(slots=True)
class _Context:
    prefixes: list[str] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)


def _target_names(target: Expr | None) -> set[str]:
    if target is None:
        return set()
    if "n" in target:
        return {target["n"]}
    return {name for item in list_items(target) or [] for name in _target_names(item)}


class FastAPIScanner(PythonFrameworkScanner):
    name = "fastapi"
    manifest_names = ("fastapi", "FastAPI")
    import_names = frozenset({"fastapi"})

    def linker(self, project: PythonProject) -> _Linker:
        return _Linker(project)


class _Linker:
    def __init__(self, project: PythonProject) -> None:
        self.project = project
        self.schemas = SchemaBuilder(project)
        self.warnings: list[ScanWarning] = []
        self.routers: dict[tuple[str, str, str], _Router] = {}
        self.routes: dict[tuple[str, str, str], list[_Route]] = {}
        self.edges: dict[tuple[str, str, str], list[_Edge]] = {}
        # (file, scope, name) -> what `_annotation` / `_is_body_type` / `_auth_dependency` found:
        # every route asks again about the same few names of its module.
        self._annotations: dict[tuple[str, str, str | None], _Annotation] = {}
        self._body_types: dict[tuple[str, str, str], bool] = {}
        self._depends_labels: dict[tuple[str, str, str], str] = {}
        self._path_names: dict[str, list[str]] = {}  # read only
        self._router_classes: dict[tuple[str, str, str], str] = {}
        self._functions: dict[str, dict[str, dict[str, Any]]] = {}  # file -> qualified name -> function
        self._classes: dict[str, dict[str, dict[str, Any]]] = {}  # file -> qualified name -> class
        # Warnings about a class's `self.router`: only said when the object is served (a
        # library's own `FastAPI` class wires `self.router` with its parameters).
        self._pending: dict[tuple[str, str, str], list[ScanWarning]] = {}
        # A router's name rebound to other routers (`_collect_aliases`): included with it.
        self._rebound: dict[tuple[str, str, str], list[tuple[str, str, str]]] = {}
        self._calls_by_name: dict[str, list[tuple[str, dict[str, Any]]]] | None = None
        self._getattrs: list[tuple[str, dict[str, Any]]] = []

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        self._collect_routers()
        if not self.routers:
            return [], []
        self._warn_dynamic_methods()
        for path, facts in self.project.facts.items():
            self._collect_routes(path, facts)
            self._collect_edges(path, facts)
        endpoints: list[DiscoveredEndpoint] = []
        seen: set[tuple[str, str]] = set()
        # A FastAPI app mounted under another is served there, not on its own.
        mounted = {edge.child for edges in self.edges.values() for edge in edges}
        # Aliases (`api = create_api_app()`) share their app's `_Router`, keyed by the app.
        apps = prefer_non_test(
            [k[0] for k, r in self.routers.items() if r.kind == "app" and r.key == k and k not in mounted]
        )
        for key, router in self.routers.items():
            if router.kind == "app" and router.key == key and key not in mounted and key[0] in apps:
                self._walk(key, _Context(), [key], endpoints, seen)
        return endpoints, self.warnings

    # -- collection --

    def _object(self, path: str, scope: str, e: Expr | None) -> tuple[str, str, str] | None:
        name = name_of(e)
        return self._named_object(path, scope, name) if name else None

    def _named_object(self, path: str, scope: str, name: str) -> tuple[str, str, str] | None:
        if name.startswith("self."):
            # `self.router`, set in a method of the class: the object is (class, attribute).
            # Set in a method of the class, or of a base class (`Server.__init__`).
            owner = self._owner(path, scope)
            if owner is None:
                return None
            cls = self._classes[path][owner]
            for ref in self.project.ancestors(Ref("class", path, cls["s"], cls["name"], cls)):
                if ref.kind == "class":
                    qualified = f"{ref.scope}.{ref.name}" if ref.scope else ref.name
                    found = self.routers.get((ref.file, qualified, name))
                    if found is not None:
                        return found.key
            return None
        key = self.project.assigned_key(path, scope, name, self.routers)
        # `api = create_api_app()` is an alias of the app the factory returns.
        return self.routers[key].key if key is not None else None

    def _owner(self, path: str, scope: str) -> str | None:
        """The class whose method (or function nested in one) `scope` is."""
        classes = self._classes.get(path)
        if classes is None:
            classes = self._classes[path] = {
                f"{c['s']}.{c['name']}" if c["s"] else c["name"]: c for c in self.project.facts[path]["classes"]
            }
        current = scope
        while "." in current:
            current = current.rsplit(".", 1)[0]
            if current in classes:
                return current
        return None

    def _endpoint_function(self, path: str, scope: str, e: Expr | None) -> tuple[dict[str, Any] | None, str]:
        """The handler `add_api_route` names, and its file: a function, or `self.method`."""
        name = name_of(e)
        if name and name.startswith("self.") and name.count(".") == 1:
            owner = self._owner(path, scope)
            if owner is None:
                return None, path
            cls = self._classes[path][owner]
            for ref in self.project.ancestors(Ref("class", path, cls["s"], cls["name"], cls)):
                if ref.kind != "class":
                    continue
                for method in ref.obj["methods"]:
                    if method["name"] == name[5:] and "args" in method:
                        # Annotations are read where the class is written; `self` is skipped.
                        return {**method, "s": ref.obj["s"]}, ref.file
            return None, path
        endpoint = self.project.resolve_expr(path, scope, e)
        if endpoint is not None and endpoint.kind == "function":
            return endpoint.obj, endpoint.file
        return None, path

    def _warn_unresolved(self, path: str, scope: str, receiver: str, line: int) -> None:
        if self._unresolved_receiver(path, scope, receiver):
            self.warnings.append(
                ScanWarning(
                    path,
                    f"routes registered on {receiver!r}, which is not a FastAPI app or router "
                    "created in this project (a parameter or an attribute set elsewhere); "
                    "they are not reported",
                    line,
                )
            )

    def _unresolved_receiver(self, path: str, scope: str, receiver: str) -> bool:
        """Routes registered on a parameter or an unknown `self.x`: lost, so worth a warning.

        Names bound to anything (imports, other objects) are not guessed about, nor is the
        router's own `self` (an `add_api_route` override calling itself).
        """
        head = receiver.split(".", 1)[0]
        if head in ("self", "cls"):
            return receiver.count(".") == 1 and self._owner(path, scope) is not None
        return (
            "(" not in receiver
            and self.project.lookup(path, scope, head) is None
            and not self.project.facts[path]["star_imports"]
        )

    def _router_class(self, path: str, scope: str, callee: Expr) -> str:
        """"FastAPI"/"APIRouter" when `callee` is a project class deriving from one of them."""
        ref = self.project.resolve_expr(path, scope, callee)
        if ref is None or ref.kind != "class" or ref.rest:
            return ""
        found = self._router_classes.get(ref.key)
        if found is None:
            found = ""
            for ancestor in self.project.ancestors(ref)[1:]:
                if ancestor.kind == "external" and last(ancestor.name) in ("FastAPI", "APIRouter"):
                    found = last(ancestor.name)
                    break
            self._router_classes[ref.key] = found
        return found

    def _collect_routers(self) -> None:
        calls: list[tuple[str, dict[str, Any]]] = []  # other calls' results: maybe a factory's
        names: list[tuple[str, dict[str, Any]]] = []  # `router = other_router`: maybe an alias
        getattrs: list[tuple[str, dict[str, Any]]] = []  # `route = getattr(router, method)`
        for path, facts in self.project.facts.items():
            for assign in facts["assigns"]:
                value = assign["v"]
                called = call_func(value)
                if not called:
                    if "n" in value:
                        names.append((path, assign))
                    continue
                if called == "getattr":
                    getattrs.append((path, assign))
                    continue
                kind = self.project.canonical(path, assign["s"], value["call"])
                if kind not in ("FastAPI", "APIRouter"):
                    # `class PrefectRouter(APIRouter)`: its instances are routers.
                    kind = self._router_class(path, assign["s"], value["call"])
                    if not kind:
                        calls.append((path, assign))
                        continue
                prefix_expr = value["kw"].get("prefix")
                prefix = "" if prefix_expr is None else self.project.eval_str(path, assign["s"], prefix_expr)
                tags = self._strings(path, assign["s"], value["kw"].get("tags"))
                for target in assign["t"]:
                    key = (path, assign["s"], target)
                    self.routers[key] = _Router(
                        key,
                        "app" if kind == "FastAPI" else "router",
                        prefix,
                        value["kw"].get("dependencies"),
                        tags,
                        assign["line"],
                    )
                    if prefix is None:
                        self.warnings.append(
                            ScanWarning(
                                path,
                                f"APIRouter {target!r} has a dynamic prefix; its routes are not reported",
                                assign["line"],
                            )
                        )
        if not self.routers:
            return
        # `api = create_api_app()`: `api` is the app or router the factory builds and returns.
        for path, assign in calls:
            child = self._factory_result(path, assign["s"], assign["v"])
            if child is not None:
                for target in assign["t"]:
                    self.routers.setdefault((path, assign["s"], target), self.routers[child])
        self._collect_aliases(names)
        self._getattrs = getattrs

    def _warn_dynamic_methods(self) -> None:
        """`route = getattr(router, method)` with `method` read at run time (a config file): the
        routes it declares cannot be read, so they are a warning rather than a guess."""
        for path, assign in self._getattrs:
            value, scope = assign["v"], assign["s"]
            receiver = name_of(arg(value, 0))
            if receiver is None or isinstance(const(arg(value, 1)), str):
                continue
            if self._named_object(path, scope, receiver) is None and not self._passed_objects(path, scope, receiver):
                continue
            self.warnings.append(
                ScanWarning(
                    path,
                    f"routes declared through getattr({receiver}, ...), a method chosen at run time; "
                    "they are not reported",
                    assign["line"],
                )
            )

    def _collect_aliases(self, assigns: list[tuple[str, dict[str, Any]]]) -> None:
        """`router = other.router`: the name denotes that router too.

        A name bound to a router of its own and rebound to another one is the optional-package
        idiom (`enterprise_router = APIRouter()`, then in a `try` the package's router): which
        one is served depends on what is installed, so an include of the name includes both.
        """
        for path, assign in assigns:
            other = self._object(path, assign["s"], assign["v"])
            if other is None:
                continue
            for target in assign["t"]:
                key = (path, assign["s"], target)
                own = self.routers.get(key)
                if own is None:
                    self.routers[key] = self.routers[other]
                elif own.key == key != other and other not in self._rebound.get(key, ()):
                    # Only a name holding its own router: another alias rebound stays the
                    # router it first named, rather than making that router include this one.
                    self._rebound.setdefault(key, []).append(other)

    def _factory_result(self, path: str, scope: str, call: Expr) -> tuple[str, str, str] | None:
        """The app or router a call to a factory function returns (its `return name`)."""
        ref = self.project.resolve_expr(path, scope, call["call"])
        if ref is None or ref.kind != "function" or ref.rest or "rn" not in ref.obj:
            return None
        function = ref.obj
        inner = f"{function['s']}.{function['name']}" if function["s"] else function["name"]
        found = {self._named_object(ref.file, inner, name) for name in function["rn"]}
        found.discard(None)
        return found.pop() if len(found) == 1 else None

    def _collect_routes(self, path: str, facts: dict[str, Any]) -> None:
        for function in facts["functions"]:
            for decorator in function["dec"]:
                # `call_func` inlined (every decorator of every module comes here): decorators
                # and what they call are encoded as dicts.
                callee = decorator.get("call")
                func = callee.get("n") if callee is not None else None
                if not func:
                    continue
                dot = func.rfind(".")
                method = func[dot + 1 :]
                if dot < 0 or method not in _ROUTE_DECORATORS:
                    continue
                receiver = func[:dot]
                key = self._named_object(path, function["s"], receiver)
                targets = [(key, [])] if key is not None else self._passed_objects(path, function["s"], receiver)
                if not targets:
                    route_path = const(arg(decorator, 0, "path"))
                    if isinstance(route_path, str) and route_path.startswith("/"):
                        self._warn_unresolved(path, function["s"], receiver, decorator["line"])
                    continue
                for key, passed_conditions in targets:
                    if method == "api_route":
                        start = len(self.warnings)
                        methods = self._methods(
                            path, function["s"], decorator["kw"].get("methods"), decorator["line"]
                        )
                        self._defer(key, start)
                    else:
                        methods = [method.upper()]
                    route_path = self._route_path(path, function["s"], arg(decorator, 0, "path"))
                    self.routes.setdefault(key, []).append(
                        _Route(
                            path,
                            function["s"],
                            decorator["line"],
                            methods,
                            route_path,
                            function,
                            path,
                            decorator["kw"],
                            [*passed_conditions, *function.get("if", [])],
                        )
                    )
        for call in facts["calls"]:
            e, scope = call["e"], call["s"]
            func = call_func(e)
            if not func or not func.endswith(".add_api_route"):
                continue
            receiver = func.rsplit(".", 1)[0]
            key = self._named_object(path, scope, receiver)
            targets = [(key, [])] if key is not None else self._passed_objects(path, scope, receiver)
            if not targets:
                self._warn_unresolved(path, scope, receiver, e["line"])
                continue
            function, function_file = self._endpoint_function(path, scope, arg(e, 1, "endpoint"))
            for key, passed_conditions in targets:
                start = len(self.warnings)
                methods = self._methods(path, scope, e["kw"].get("methods"), e["line"])
                self._defer(key, start)
                route_path = self._route_path(path, scope, arg(e, 0, "path"))
                self.routes.setdefault(key, []).append(
                    _Route(
                        path,
                        scope,
                        e["line"],
                        methods,
                        route_path,
                        function,
                        function_file,
                        e["kw"],
                        [*passed_conditions, *call.get("if", [])],
                    )
                )

    def _route_path(self, path: str, scope: str, e: Expr | None) -> str | None:
        found = self.project.eval_str(path, scope, e)
        if found is not None or not scope:
            return found
        name = name_of(e)
        if not name or "." in name:
            return None
        # `def create_app(health_path: str = "/health")` ... `@app.get(health_path)`: the
        # parameter's default, as the route is declared when the factory is called without it.
        functions = self._functions.get(path)
        if functions is None:
            functions = self._functions[path] = {
                f"{f['s']}.{f['name']}" if f["s"] else f["name"]: f
                for f in self.project.facts[path]["functions"]
            }
        current = scope
        while current:
            function = functions.get(current)
            if function is None:
                return None
            for parameter in function["args"]:
                if parameter["name"] == name:
                    default = parameter.get("def")
                    if default is None:
                        return None
                    return self.project.eval_str(path, function["s"], default)
            current = function["s"]
        return None

    def _collect_edges(self, path: str, facts: dict[str, Any]) -> None:
        loops = facts.get("loops")
        for index, call in enumerate(facts["calls"]):
            e, scope = call["e"], call["s"]
            func = call_func(e)
            if not func or "." not in func:
                continue
            receiver, method = func.rsplit(".", 1)
            if method not in ("include_router", "mount"):
                continue
            parent = self._named_object(path, scope, receiver)
            parents = [(parent, [])] if parent is not None else self._passed_objects(path, scope, receiver)
            if not parents:
                self._warn_unresolved(path, scope, receiver, e["line"])
                continue
            for parent, passed_conditions in parents:
                start = len(self.warnings)
                conditions = [*passed_conditions, *call.get("if", [])]
                self._collect_edge(path, scope, loops, index, e, parent, method, conditions)
                self._defer(parent, start)

    def _passed_objects(
        self, path: str, scope: str, receiver: str, depth: int = 0
    ) -> list[tuple[tuple[str, str, str], list[str]]]:
        """`def register_routers(app): app.include_router(...)`, called as `register_routers(app)`.

        The apps or routers the calls of the function pass as its parameter `receiver`, each
        with the conditions around its call (and around the calls passing it on, outermost
        first). Methods are left out (their parameters come from anywhere `self` is used), and
        so are calls not kept in the facts (a function body keeps only the calls passing an
        object it builds).
        """
        if "." in receiver or not scope or depth > 4 or self._owner(path, scope) is not None:
            return []
        functions = self._functions.get(path)
        if functions is None:
            functions = self._functions[path] = {
                f"{f['s']}.{f['name']}" if f["s"] else f["name"]: f
                for f in self.project.facts[path]["functions"]
            }
        function = functions.get(scope)
        if function is None:
            return []
        index = next((i for i, p in enumerate(function["args"]) if p["name"] == receiver), None)
        if index is None:
            return []
        if self._calls_by_name is None:
            self._calls_by_name = {}
            for cpath, facts in self.project.facts.items():
                for call in facts["calls"]:
                    called = call_func(call["e"])
                    if called:
                        self._calls_by_name.setdefault(last(called), []).append((cpath, call))
        found: list[tuple[tuple[str, str, str], list[str]]] = []
        for cpath, call in self._calls_by_name.get(function["name"], ()):
            e, cscope = call["e"], call["s"]
            ref = self.project.resolve_expr(cpath, cscope, e["call"])
            if ref is None or ref.kind != "function" or ref.rest or ref.file != path:
                continue
            if (f"{ref.obj['s']}.{ref.obj['name']}" if ref.obj["s"] else ref.obj["name"]) != scope:
                continue
            passed = name_of(arg(e, index, receiver))
            if not passed:
                continue
            conditions = call.get("if", [])
            key = self._named_object(cpath, cscope, passed)
            if key is not None:
                found.append((key, list(conditions)))
                continue
            for inner, inner_conditions in self._passed_objects(cpath, cscope, passed, depth + 1):
                found.append((inner, [*inner_conditions, *conditions]))
        return found

    def _defer(self, key: tuple[str, str, str], start: int) -> None:
        """Warnings since `start` about a class's `self.x` object wait until it is walked."""
        if len(self.warnings) > start and key[2].startswith("self."):
            self._pending.setdefault(key, []).extend(self.warnings[start:])
            del self.warnings[start:]

    def _collect_edge(
        self,
        path: str,
        scope: str,
        loops: list[dict[str, Any]] | None,
        index: int,
        e: Expr,
        parent: tuple[str, str, str],
        method: str,
        conditions: list[str],
    ) -> None:
        if method == "include_router":
            child_expr, prefix_expr = arg(e, 0, "router"), e["kw"].get("prefix")
        else:
            child_expr, prefix_expr = arg(e, 1, "app"), arg(e, 0, "path")
        bindings: list[dict[str, tuple[str, str, Expr]]] = [{}]
        if loops:
            found = self._loop_bindings(path, scope, loops, index, (child_expr, prefix_expr))
            if isinstance(found, str):
                self.warnings.append(
                    ScanWarning(
                        path,
                        f"{method} in a loop over {found}, not a constant list; "
                        "its routes are not reported",
                        e["line"],
                    )
                )
                return
            bindings = found
        for binding in bindings:
            cpath, cscope, cexpr = self._bound(path, scope, child_expr, binding)
            child = self._child(cpath, cscope, cexpr)
            if child is None:
                if method == "include_router":
                    self.warnings.append(
                        ScanWarning(
                            path,
                            f"include_router of an unresolved router ({name_of(cexpr) or 'expression'})",
                            e["line"],
                        )
                    )
                elif not self._is_static_files(cpath, cscope, cexpr):
                    self.warnings.append(
                        ScanWarning(
                            path,
                            f"mount of an application that is not a FastAPI app or router "
                            f"({name_of(cexpr) or call_func(cexpr) or 'expression'}); "
                            "the FastAPI scan does not report its routes",
                            e["line"],
                        )
                    )
                continue
            ppath, pscope, pexpr = self._bound(path, scope, prefix_expr, binding)
            prefix = "" if pexpr is None else self.project.eval_str(ppath, pscope, pexpr)
            for included in (child, *self._rebound.get(child, ())):
                self.edges.setdefault(parent, []).append(
                    _Edge(path, scope, e["line"], included, prefix, e["kw"], method == "mount", conditions)
                )

    def _child(self, path: str, scope: str, e: Expr | None) -> tuple[str, str, str] | None:
        """The app or router an include or mount names, or builds with a factory call."""
        if e is not None and "call" in e:
            return self._factory_result(path, scope, e)
        return self._object(path, scope, e)

    def _is_static_files(self, path: str, scope: str, e: Expr | None) -> bool:
        """`StaticFiles(directory=...)` serves files, not API operations: mounting it is no loss."""
        if e is not None and "n" in e:
            ref = self.project.resolve(path, scope, e["n"])
            if ref is not None and ref.kind == "assign" and not ref.rest:
                path, scope, e = ref.file, ref.scope, ref.obj["v"]
        if call_func(e) is None:
            return False
        return self.project.canonical(path, scope, e["call"]) == "StaticFiles"  # type: ignore[index]

    # -- loops --

    def _loop_bindings(
        self,
        path: str,
        scope: str,
        loops: list[dict[str, Any]],
        index: int,
        used: tuple[Expr | None, ...],
    ) -> list[dict[str, tuple[str, str, Expr]]] | str:
        """One binding of loop variables per iteration, for the loops around call `index`.

        Only loops whose variables `used` names are unrolled; an empty binding stands for
        "not in such a loop". A string: what a loop iterates over, not a constant list.
        """
        heads = {n.split(".", 1)[0] for n in (name_of(u) for u in used) if n}
        bindings: list[dict[str, tuple[str, str, Expr]]] = [{}]
        for loop in loops:
            first, end = loop["c"]
            if not first <= index < end or not heads & _target_names(loop["t"]):
                continue
            if scope != loop["s"] and not scope.startswith(f"{loop['s']}."):
                continue
            items = self._loop_items(path, loop["s"], loop["it"], 0)
            if items is None:
                iterable = loop["it"]
                called = call_func(iterable)
                return name_of(iterable) or (f"{called}()" if called else "an expression")
            bindings = [
                {**binding, **self._bind(loop["t"], item)} for binding in bindings for item in items
            ]
        return bindings

    def _loop_items(
        self, path: str, scope: str, e: Expr | None, depth: int
    ) -> list[tuple[str, str, Expr]] | None:
        """Items of a literal list or tuple, or of a name bound to one; where each is written."""
        if e is None or depth > 8:
            return None
        if "list" in e:
            items: list[tuple[str, str, Expr]] = []
            for item in e["list"]:
                if item is not None and "star" in item:
                    inner = self._loop_items(path, scope, item["star"], depth + 1)
                    if inner is None:
                        return None
                    items.extend(inner)
                elif item is not None:
                    items.append((path, scope, item))
            return items
        if e.get("op") == "Add":
            left = self._loop_items(path, scope, e["l"], depth + 1)
            right = self._loop_items(path, scope, e["r"], depth + 1)
            return left + right if left is not None and right is not None else None
        if "n" in e:
            ref = self.project.resolve(path, scope, e["n"])
            if ref is None or ref.kind != "assign" or ref.rest:
                return None
            # `ROUTERS += (...)` or `.append(...)` elsewhere would change what the loop sees.
            name = ref.name
            facts = self.project.facts[ref.file]
            if any(a["t"] == name and a["s"] == ref.scope for a in facts["augassigns"]):
                return None
            if any(call_func(c["e"]) in (f"{name}.append", f"{name}.extend") for c in facts["calls"]):
                return None
            return self._loop_items(ref.file, ref.scope, ref.obj["v"], depth + 1)
        return None

    def _bind(self, target: Expr | None, item: tuple[str, str, Expr]) -> dict[str, tuple[str, str, Expr]]:
        """`for name in ...` binds the item; `for prefix, router in ...` unpacks a literal tuple."""
        if target is None:
            return {}
        if "n" in target:
            return {target["n"]: item}
        names = list_items(target)
        path, scope, value = item
        values = list_items(value)
        if values is None and names is not None and "n" in value:  # a name bound to a tuple
            ref = self.project.resolve(path, scope, value["n"])
            if ref is not None and ref.kind == "assign" and not ref.rest:
                path, scope, values = ref.file, ref.scope, list_items(ref.obj["v"])
        if names is None or values is None or len(names) != len(values):
            return {}  # unknown: names used from it stay unresolved (and warned about)
        bound: dict[str, tuple[str, str, Expr]] = {}
        for name, inner in zip(names, values, strict=True):
            bound.update(self._bind(name, (path, scope, inner)))
        return bound

    def _bound(
        self, path: str, scope: str, e: Expr | None, binding: dict[str, tuple[str, str, Expr]]
    ) -> tuple[str, str, Expr | None]:
        """`e` with a loop variable replaced by this iteration's item (`module.router` too)."""
        name = name_of(e)
        if not name or not binding:
            return path, scope, e
        head, _, rest = name.partition(".")
        if head not in binding:
            return path, scope, e
        bpath, bscope, value = binding[head]
        if not rest:
            return bpath, bscope, value
        inner = name_of(value)
        return (bpath, bscope, {"n": f"{inner}.{rest}"}) if inner else (path, scope, None)

    def _methods(self, path: str, scope: str, e: Expr | None, line: int) -> list[str]:
        if e is None:
            return ["GET"]
        try:
            values = self.project.literal(path, scope, e)
        except ValueError:
            self.warnings.append(ScanWarning(path, "route methods are not a constant list", line))
            return []
        return [str(v).upper() for v in values if str(v).upper() in HTTP_METHODS]

    def _strings(self, path: str, scope: str, e: Expr | None) -> list[str]:
        try:
            values = self.project.literal(path, scope, e) if e is not None else []
        except ValueError:
            return []
        return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []

    # -- traversal --

    def _walk(
        self,
        key: tuple[str, str, str],
        context: _Context,
        stack: list[tuple[str, str, str]],
        out: list[DiscoveredEndpoint],
        seen: set[tuple[str, str]],
    ) -> None:
        router = self.routers[key]
        if router.prefix is None:
            return
        here = _Context(
            [*context.prefixes, router.prefix],
            [*context.auth, *self._auth_in(key[0], key[1], router.dependencies)],
            [*context.tags, *router.tags],
            context.conditions,
        )
        # The prefixes joined once for every route here (`join_paths(base, path)` is
        # `join_paths(*here.prefixes, path)`), and each distinct route path once.
        base = "/".join(p.strip("/") for p in here.prefixes if p and p.strip("/"))
        full_paths: dict[str, str] = {}
        for route in self.routes.get(key, []):
            if route.path is None:
                self.warnings.append(
                    ScanWarning(route.file, "route path is not a constant string", route.line)
                )
                continue
            full_path = full_paths.get(route.path)
            if full_path is None:
                full_path = full_paths[route.path] = join_paths(base, route.path)
            for method in route.methods:
                # Built even when its key was seen: the order in which models are first read
                # can matter to their schemas (type aliases cut short), so it stays the same.
                endpoint = self._endpoint(route, method, full_path, here)
                endpoint_key = (method, full_path)  # `endpoint.key`
                if endpoint_key not in seen:
                    seen.add(endpoint_key)
                    if here.conditions or route.conditions:
                        endpoint.conditions = list(dict.fromkeys([*here.conditions, *route.conditions]))
                    out.append(endpoint)
        pending = self._pending.pop(key, None)
        if pending:
            self.warnings.extend(pending)
        for edge in self.edges.get(key, []):
            if edge.child in stack:
                continue
            if edge.prefix is None:
                self.warnings.append(
                    ScanWarning(
                        edge.file,
                        "application mounted at a dynamic path; its routes are not reported"
                        if edge.mount
                        else "router included with a dynamic prefix; its routes are not reported",
                        edge.line,
                    )
                )
                continue
            child_context = _Context(
                [*here.prefixes, edge.prefix],
                [*here.auth, *self._auth_in(edge.file, edge.scope, edge.options.get("dependencies"))],
                [*here.tags, *self._strings(edge.file, edge.scope, edge.options.get("tags"))],
                [*here.conditions, *edge.conditions],
            )
            self._walk(edge.child, child_context, [*stack, edge.child], out, seen)

    # -- auth --

    def _auth_in(self, path: str, scope: str, dependencies: Expr | None) -> list[str]:
        found = []
        for item in list_items(dependencies) or []:
            label = self._auth_dependency(path, scope, item)
            if label:
                found.append(label)
        return found

    def _auth_dependency(self, path: str, scope: str, marker: Expr | None) -> str:
        """A label when the Depends/Security marker is an authentication dependency."""
        if not call_func(marker):
            return ""
        kind = self.project.canonical(path, scope, marker["call"])  # type: ignore[index]
        return self._dependency_label(path, scope, marker, kind)  # type: ignore[arg-type]

    def _dependency_label(self, path: str, scope: str, marker: Expr, kind: str) -> str:
        """`_auth_dependency` of a marker call whose canonical name `kind` is known."""
        target = arg(marker, 0, "dependency")
        target_name = name_of(target) or (call_func(target) or "")
        if kind == "Security":
            return f"Security({target_name})"
        if kind != "Depends" or not target_name:
            return ""
        key = (path, scope, target_name)
        label = self._depends_labels.get(key)
        if label is None:
            label = self._depends_labels[key] = self._depends_label(path, scope, target_name)
        return label

    def _depends_label(self, path: str, scope: str, target_name: str) -> str:
        ref = self.project.resolve(path, scope, target_name)
        if ref is not None and ref.kind == "assign" and call_func(ref.obj["v"]):
            scheme = self.project.canonical(ref.file, ref.scope, ref.obj["v"]["call"])
            if scheme in _SECURITY_SCHEMES:
                return f"Depends({target_name})"
        if AUTH_NAME.search(last(target_name)):
            return f"Depends({target_name})"
        return ""

    # -- endpoints --

    def _endpoint(self, route: _Route, method: str, full_path: str, context: _Context) -> DiscoveredEndpoint:
        options = route.options
        # Most routes have no `dependencies=`, `tags=`, `operation_id=` or `summary=`: the
        # helpers evaluating them are only called when there is something to evaluate.
        dependencies = options.get("dependencies")
        auth = [*context.auth]
        if dependencies is not None:
            auth.extend(self._auth_in(route.file, route.scope, dependencies))
        function = route.function
        parameters: list[Parameter] = []
        body: dict[str, Any] | None = None
        if function is not None:
            parameters, body, param_auth = self._parameters(route.function_file, function, full_path)
            auth.extend(param_auth)
        else:
            parameters = [
                Parameter(n, "path", True, {"type": "string"}) for n in path_parameter_names(full_path)
            ]
        tags = context.tags
        if "tags" in options:
            tags = [*tags, *self._strings(route.file, route.scope, options["tags"])]
        operation_id = options.get("operation_id")
        summary = options.get("summary")
        return DiscoveredEndpoint(
            method=method,
            path=full_path,
            framework="fastapi",
            file=route.file,
            line=route.line,
            handler=function["name"] if function else "",
            operation_id=self._option_str(route, operation_id) if operation_id is not None else "",
            summary=self._option_str(route, summary) if summary is not None else "",
            parameters=parameters,
            request_body=body,
            responses=self._responses(route, function),
            auth_required=bool(auth),
            auth=", ".join(dict.fromkeys(auth)) if auth else "",
            tags=list(dict.fromkeys(tags)) if len(tags) > 1 else list(tags),
        )

    def _option_str(self, route: _Route, e: Expr) -> str:
        return self.project.eval_str(route.file, route.scope, e) or ""

    def _parameters(
        self, path: str, function: dict[str, Any], full_path: str
    ) -> tuple[list[Parameter], dict[str, Any] | None, list[str]]:
        scope = function["s"]
        path_list = self._path_names.get(full_path)
        if path_list is None:
            path_list = self._path_names[full_path] = path_parameter_names(full_path)
        path_names = set(path_list)
        parameters: list[Parameter] = []
        bodies: list[tuple[str, dict[str, Any], bool, bool]] = []  # name, schema, required, embed
        auth: list[str] = []
        schemas = self.schemas
        schemas.begin()
        for parameter in function["args"]:
            name = parameter["name"]
            if name == "self" or name == "cls":
                continue
            annotation = self._annotation(path, scope, parameter.get("ann"))
            apath, ascope = annotation.path, annotation.scope
            default = parameter.get("def")
            marker: Expr | None = None
            marker_kind = ""
            mpath, mscope = path, scope
            if default is not None and "call" in default:
                kind = self.project.canonical(path, scope, default["call"])
                if kind in _PARAM_MARKERS:
                    marker, marker_kind = default, kind
            if marker is None:
                for candidate in annotation.metadata:
                    if call_func(candidate):
                        kind = self.project.canonical(apath, ascope, candidate["call"])  # type: ignore[index]
                        if kind in _PARAM_MARKERS:
                            marker, marker_kind, mpath, mscope = candidate, kind, apath, ascope
                            break
            if marker_kind in ("Depends", "Security"):
                label = self._dependency_label(mpath, mscope, marker, marker_kind)  # type: ignore[arg-type]
                if label:
                    auth.append(label)
                continue
            if annotation.skipped or marker_kind in ("Form", "File"):
                continue
            has_default = default is not None and marker is not default
            default_source = default  # where a default value is written, if it is
            if marker is not None:
                first = default_source = arg(marker, 0, "default")
                if first is not None and not first.get("ellipsis"):
                    has_default = True
                if "default_factory" in marker["kw"]:
                    has_default = True
            core = annotation.core
            kwargs = schemas.literal_kwargs(mpath, mscope, marker) if marker is not None else {}
            # `Path(alias="id")`, `Query(alias="page-size")`: the name on the wire
            alias = kwargs.get("alias") if isinstance(kwargs.get("alias"), str) else None
            wire_name = alias or name
            if marker_kind == "Body" or (
                not marker_kind and wire_name not in path_names and self._is_body(annotation)
            ):
                schema = schemas.type_schema(apath, ascope, annotation.raw)
                bodies.append(
                    (kwargs.get("alias") or name, schema, not has_default, bool(kwargs.get("embed")))
                )
                continue
            # An optional query parameter is simply omitted; its schema is the inner type's.
            schema = schemas.top_schema(apath, ascope, core)
            schema = apply_constraints(dict(schema), kwargs) if kwargs else dict(schema)
            default_value = const(default_source)
            if isinstance(default_value, (str, int, float, bool)):
                schema["default"] = default_value
            if marker_kind == "Path" or wire_name in path_names:
                parameters.append(Parameter(wire_name, "path", True, schema, kwargs.get("description", "") or ""))
                continue
            location = _LOCATIONS.get(marker_kind, "query")
            if location == "header" and alias is None and kwargs.get("convert_underscores", True):
                wire_name = name.replace("_", "-")
            parameters.append(
                Parameter(wire_name, location, not has_default, schema, kwargs.get("description", "") or "")
            )
        if path_list:
            declared = {p.name for p in parameters if p.location == "path"}
            for missing in path_list:
                if missing not in declared:
                    parameters.append(Parameter(missing, "path", True, {"type": "string"}))
        body: dict[str, Any] | None = None
        if len(bodies) == 1 and not bodies[0][3]:
            body = bodies[0][1]
        elif bodies:
            body = {
                "type": "object",
                "properties": {name: schema for name, schema, _r, _e in bodies},
            }
            required = [name for name, _s, req, _e in bodies if req]
            if required:
                body["required"] = required
        if body is not None:
            body = self.schemas.finish(body)
        return parameters, body, auth

    def _annotation(self, path: str, scope: str, ann: Expr | None) -> _Annotation:
        """What a parameter annotation says; memoized for plain names (`int`, `Item`, `CurrentUser`)."""
        if ann is not None and "n" not in ann:
            return self._read_annotation(path, scope, ann)
        key = (path, scope, ann["n"] if ann is not None else None)
        found = self._annotations.get(key)
        if found is None:
            found = self._annotations[key] = self._read_annotation(path, scope, ann)
        return found

    def _read_annotation(self, path: str, scope: str, ann: Expr | None) -> _Annotation:
        # `CurrentUser = Annotated[User, Depends(get_current_user)]` aliases: the annotation
        # is resolved where the alias is written.
        apath, ascope, raw = self._annotated_alias(path, scope, ann)
        inner, metadata = self.schemas.unwrap_annotated(apath, ascope, raw)
        skipped = inner is not None and self.project.canonical(apath, ascope, inner) in _SKIPPED_PARAM_TYPES
        core, _optional = self.schemas.strip_optional(apath, ascope, inner)
        return _Annotation(apath, ascope, raw, metadata, skipped, core)

    def _annotated_alias(self, path: str, scope: str, ann: Expr | None) -> tuple[str, str, Expr | None]:
        for _ in range(8):
            ref = self.project.resolve_expr(path, scope, ann) if ann is not None and "n" in ann else None
            if ref is None or ref.kind != "assign" or ref.rest:
                break
            value = ref.obj["v"]
            if (
                not (isinstance(value, dict) and "sub" in value)
                or self.project.canonical(ref.file, ref.scope, value["sub"]) != "Annotated"
            ):
                break
            path, scope, ann = ref.file, ref.scope, value
        return path, scope, ann

    def _is_body(self, annotation: _Annotation) -> bool:
        found = annotation.body
        if found is None:
            found = annotation.body = self._is_body_type(annotation.path, annotation.scope, annotation.core)
        return found

    def _is_body_type(self, path: str, scope: str, ann: Expr | None) -> bool:
        """Scalars (and lists of scalars with Query) are query; models, dicts and lists are bodies."""
        if ann is None:
            return False
        name = ann.get("sub", ann).get("n")
        if not name:
            return False
        # Only what `name` resolves to matters: memoized, as every route asks.
        key = (path, scope, name)
        found = self._body_types.get(key)
        if found is None:
            found = self._body_types[key] = self._is_body_ref(self.project.resolve(path, scope, name))
        return found

    def _is_body_ref(self, ref: Ref | None) -> bool:
        if ref is None:
            return False
        if ref.kind == "class":
            return self.schemas.is_model(ref)
        if ref.kind == "external":
            name = last(ref.name)
            if name in SCALAR_NAMES or name in ("Literal", "Optional", "Union"):
                return False
            return name in ("dict", "Dict", "list", "List", "set", "Set", "Any")
        if ref.kind == "assign":
            return self._is_body_type(ref.file, ref.scope, ref.obj["v"])
        return False

    def _responses(self, route: _Route, function: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
        options = route.options
        status = (status_code_of(options["status_code"]) or 200) if "status_code" in options else 200
        success: dict[str, Any] = {"description": "Successful Response"}
        model = options.get("response_model")
        if model is not None and const(model, 0) is not None:
            success["schema"] = self.schemas.root(route.file, route.scope, model)
        elif model is None and function is not None and function.get("ret") is not None:
            ret = function["ret"]
            target = self.project.resolve_expr(route.function_file, function["s"], ret.get("sub", ret))
            if target is not None and (
                target.kind == "class"
                and self.schemas.is_model(target)
                or (target.kind == "external" and last(target.name) in ("list", "List") and "sub" in ret)
            ):
                success["schema"] = self.schemas.root(route.function_file, function["s"], ret)
        responses = {str(status): success}
        documented = options.get("responses")
        if documented is not None and "dict" in documented:
            for key, value in documented["dict"]:
                code = status_code_of(key) if key is not None else None
                if code is None and key is not None and isinstance(const(key), str) and const(key).isdigit():
                    code = int(const(key))
                if code is None or str(code) in responses:
                    continue
                entry: dict[str, Any] = {"description": ""}
                if value is not None and "dict" in value:
                    for item_key, item_value in value["dict"]:
                        if const(item_key) == "description" and isinstance(const(item_value), str):
                            entry["description"] = const(item_value)
                        elif const(item_key) == "model":
                            entry["schema"] = self.schemas.root(route.file, route.scope, item_value)
                responses[str(code)] = entry
        return responses
