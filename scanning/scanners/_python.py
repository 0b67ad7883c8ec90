"""Shared `ast` machinery for the Python scanners (FastAPI, Flask, Django/DRF).

The scanned code is parsed, never executed or imported. Extraction turns one module into
plain JSON facts in a single pass over its statements:

* expressions are encoded as small dicts (``{"c": const}``, ``{"n": "a.b"}``,
  ``{"call": f, "args": [...], "kw": {...}, "line": n}``, ``{"list": [...]}``, ...);
* ``imports`` are kept *unresolved* (level, module, name) because facts are cached by
  content hash and the same content may live at another path;
* assignments, expression-statement calls (with the ``for`` loops around them), functions
  (with decorators and arguments; small module-level helpers with their ``return``s) and
  classes (bases, class-body fields, methods, inner ``Meta``/``Config`` classes; what an
  ``__init__`` changes in ``self.routes``, as DRF router subclasses do).

The facts are identical for the three scanners, so they are computed once per
``SourceFile`` and shared. Linking (`PythonProject`) maps module names to files, resolves
names through imports and re-exports, evaluates constant strings and builds JSON Schema
from pydantic models and Python type hints.
"""

from __future__ import annotations

import ast
import math
import posixpath
import re
import sys
from abc import abstractmethod
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scanning.scanners._py_queries import query_reads
from scanning.scanners.base import DiscoveredEndpoint, RepositoryIndex, ScanWarning, Scanner, SourceFile

Expr = dict[str, Any]

_FACTS_ATTR = "_python_module_facts"
_PLAIN_CONVERSIONS = re.compile(r"%[sd%]")
_MAX_DEPTH = 16
_NO_NAMES: dict[str, Any] = {}
_UNKNOWN: Any = object()  # "not memoized yet", where None is a memoized answer
# Packages a scanned tree is never imported as (see `PythonProject.package_aliases`): the
# standard library and the web stacks the scanners read, whose module names (`urls`, `views`,
# `routing`, `app`) are also what applications call their own modules.
_NEVER_ALIASED = frozenset(sys.stdlib_module_names) | frozenset({
    "django", "rest_framework", "ninja", "fastapi", "starlette", "pydantic", "flask", "werkzeug",
    "flask_restful", "flask_restx", "flask_smorest", "sqlalchemy", "celery", "kombu",
})


# --- Extraction ----------------------------------------------------------------------------


def expr(node: ast.AST | None) -> Expr | None:
    """Encode an expression as JSON-serializable data."""
    # Every expression of every kept statement comes through here: the commonest kinds are
    # tested first, and the usual `a.b` and plain strings skip the general helpers.
    if node is None:
        return None
    kind = type(node)
    if kind is ast.Name:
        return {"n": node.id}  # type: ignore[attr-defined]
    if kind is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if type(value) is str:
            return {"c": value if value.isascii() and "\x00" not in value else _json_safe(value)}
        if value is None or type(value) is int or type(value) is bool:
            return {"c": value}  # the commonest others, as the last line would encode them
        if value is Ellipsis:
            return {"ellipsis": True}
        if isinstance(value, bytes):
            return {"c": _json_safe(value.decode("utf-8", errors="replace"))}
        if isinstance(value, str):
            return {"c": _json_safe(value)}
        if isinstance(value, complex) or (isinstance(value, float) and not math.isfinite(value)):
            return {"?": type(value).__name__}
        return {"c": value}
    if kind is ast.Attribute:
        owner = node.value  # type: ignore[attr-defined]
        if type(owner) is ast.Name:
            return {"n": f"{owner.id}.{node.attr}"}  # type: ignore[attr-defined]
        name = dotted_name(node)
        if name is not None:
            return {"n": name}
        return {"attr": node.attr, "of": expr(owner)}  # type: ignore[attr-defined]
    if kind is ast.Call:
        keywords: dict[str, Any] = {}
        for keyword in node.keywords:  # type: ignore[attr-defined]
            keywords[keyword.arg or "**"] = expr(keyword.value)
        return {
            "call": expr(node.func),  # type: ignore[attr-defined]
            "args": [expr(a) for a in node.args],  # type: ignore[attr-defined]
            "kw": keywords,
            "line": node.lineno,  # type: ignore[attr-defined]
        }
    if kind is ast.Subscript:
        return {"sub": expr(node.value), "idx": expr(node.slice)}  # type: ignore[attr-defined]
    if kind in _SEQUENCES:
        return {"list": [expr(e) for e in node.elts]}  # type: ignore[attr-defined]
    if kind is ast.Dict:
        return {"dict": [[expr(k), expr(v)] for k, v in zip(node.keys, node.values, strict=True)]}  # type: ignore[attr-defined]
    if kind is ast.JoinedStr:
        parts: list[Any] = []
        for value in node.values:  # type: ignore[attr-defined]
            parts.append({"c": value.value} if isinstance(value, ast.Constant) else expr(value.value))
        return {"fstr": parts}
    if kind is ast.BinOp:
        return {"op": type(node.op).__name__, "l": expr(node.left), "r": expr(node.right)}  # type: ignore[attr-defined]
    if kind is ast.Starred:
        return {"star": expr(node.value)}  # type: ignore[attr-defined]
    if kind is ast.UnaryOp and isinstance(node.op, ast.USub):  # type: ignore[attr-defined]
        operand = node.operand  # type: ignore[attr-defined]
        if isinstance(operand, ast.Constant) and isinstance(operand.value, (int, float)):
            return {"c": -operand.value}
    return {"?": kind.__name__}


_SEQUENCES = frozenset({ast.List, ast.Tuple, ast.Set})


def _json_safe(text: str) -> str:
    """Facts are stored as JSON (PostgreSQL jsonb): no NUL characters, no lone surrogates."""
    if text.isascii():
        return text.replace("\x00", "\ufffd") if "\x00" in text else text
    return text.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "\ufffd")


def dotted_name(node: ast.AST) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _arguments(args: ast.arguments) -> list[dict[str, Any]]:
    """Parameters as `{"name", "ann"?, "def"?}`; absent keys keep the cached facts small."""
    out: list[dict[str, Any]] = []
    positional = [*args.posonlyargs, *args.args] if args.posonlyargs else args.args
    defaults = args.defaults
    # The last len(defaults) positional parameters have them. Indexing instead of zipping
    # with padded lists: this runs for every function of every module.
    first_default = len(positional) - len(defaults)
    for index, parameter in enumerate(positional):
        item: dict[str, Any] = {"name": parameter.arg}
        if parameter.annotation is not None:
            item["ann"] = expr(parameter.annotation)
        if index >= first_default:
            item["def"] = expr(defaults[index - first_default])
        out.append(item)
    if not args.kwonlyargs:
        return out  # the usual case; even an empty zip(strict=True) is not free
    for parameter, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        item = {"name": parameter.arg}
        if parameter.annotation is not None:
            item["ann"] = expr(parameter.annotation)
        if default is not None:
            item["def"] = expr(default)
        out.append(item)
    return out


def _function(node: ast.FunctionDef | ast.AsyncFunctionDef, scope: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "name": node.name,
        "s": scope,
        "line": node.lineno,
        # no comprehension (a call of its own) for the many functions without decorators
        "dec": [expr(d) for d in node.decorator_list] if node.decorator_list else [],
        "args": _arguments(node.args),
    }
    if node.returns is not None:
        info["ret"] = expr(node.returns)
    if not scope and not node.decorator_list and len(node.body) <= 3:
        returns = _returns(node.body)
        if returns:
            info["returns"] = returns
    return info


_RETURNED = frozenset(
    {ast.Constant, ast.Name, ast.Attribute, ast.JoinedStr, ast.BinOp, ast.Call, ast.List, ast.Tuple}
)


def _returns(body: list[ast.stmt]) -> list[dict[str, Any]] | None:
    """A small helper's body made only of `return`s and `if`s, as data the linker can evaluate:
    ``{"ret": value}`` and ``{"if": test, "then": [...], "else": [...]}``; None for any other body.

    Route paths are often built by such helpers (``_add_static_prefix("/health")``,
    ``def api_routes(): return [("/a", view, ["GET"])]``).
    """
    out: list[dict[str, Any]] = []
    for index, stmt in enumerate(body):
        kind = type(stmt)
        if kind is ast.Return:
            if type(stmt.value) not in _RETURNED:  # type: ignore[attr-defined]
                return None  # `return {...}`, `return x > 0`: nothing a route is built from
            out.append({"ret": expr(stmt.value)})  # type: ignore[attr-defined]
        elif kind is ast.If:
            test = stmt.test  # type: ignore[attr-defined]
            then = _returns(stmt.body)  # type: ignore[attr-defined]
            orelse = _returns(stmt.orelse) if stmt.orelse else []  # type: ignore[attr-defined]
            if then is None or orelse is None:
                return None
            # `if prefix := os.environ.get(X):` tests the value the name is bound to.
            value = test.value if isinstance(test, ast.NamedExpr) else test
            out.append({"if": expr(value), "then": then, "else": orelse})
        elif not index and kind is ast.Expr and type(stmt.value) is ast.Constant:  # type: ignore[attr-defined]
            continue  # docstring
        else:
            return None
    return out


def _class(node: ast.ClassDef, scope: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = []
    methods: list[dict[str, Any]] = []
    inner: dict[str, Any] = {}
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            fields.append(
                {
                    "name": stmt.target.id,
                    "ann": expr(stmt.annotation),
                    "v": expr(stmt.value),
                    "line": stmt.lineno,
                }
            )
        elif isinstance(stmt, ast.Assign):
            value = expr(stmt.value)
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    fields.append({"name": target.id, "ann": None, "v": value, "line": stmt.lineno})
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            method: dict[str, Any] = {
                "name": stmt.name,
                "line": stmt.lineno,
                "dec": [expr(d) for d in stmt.decorator_list],
            }
            if stmt.name == "__init__":
                edits = _route_edits(stmt.body)
                if edits:
                    method["routes"] = edits
            methods.append(method)
        elif isinstance(stmt, ast.ClassDef):
            inner[stmt.name] = _class(stmt, "")
    return {
        "name": node.name,
        "s": scope,
        "line": node.lineno,
        "bases": [expr(b) for b in node.bases],
        "kw": {k.arg: expr(k.value) for k in node.keywords if k.arg},
        "dec": [expr(d) for d in node.decorator_list],
        "fields": fields,
        "methods": methods,
        "inner": inner,
    }


def _on_self_routes(node: ast.expr) -> bool:
    """Whether `node` is `self.routes` or reached from it (`self.routes[0].mapping.update`)."""
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        owner = node.value
        if isinstance(node, ast.Attribute) and node.attr == "routes":
            if isinstance(owner, ast.Name) and owner.id == "self":
                return True
        node = owner
    return False


def _route_edits(body: list[ast.stmt]) -> list[dict[str, Any]]:
    """How an `__init__` changes `self.routes` (a DRF router subclass adapting its route table):
    ``{"call": e}`` for ``self.routes[0].mapping.update({...})``/``self.routes.append(Route(...))``,
    ``{"set": target, "v": value}`` for ``self.routes[0].mapping["put"] = "bulk_update"`` or
    ``self.routes = [...]``, ``{"add": target, "v": value}`` for ``self.routes += [...]``."""
    edits: list[dict[str, Any]] = []
    for stmt in body:
        if isinstance(stmt, ast.Expr):
            if isinstance(stmt.value, ast.Call) and _on_self_routes(stmt.value.func):
                edits.append({"call": expr(stmt.value), "line": stmt.lineno})
        elif isinstance(stmt, ast.Assign):
            if len(stmt.targets) == 1 and _on_self_routes(stmt.targets[0]):
                edits.append({"set": expr(stmt.targets[0]), "v": expr(stmt.value), "line": stmt.lineno})
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.op, ast.Add) and _on_self_routes(stmt.target):
                edits.append({"add": expr(stmt.target), "v": expr(stmt.value), "line": stmt.lineno})
    return edits


# Inside function bodies only these statements can declare routing structure (application
# factories); keeping the rest of every handler body would bloat the cached facts.
_FACTORY_CALLS = frozenset(
    {
        "FastAPI",
        "APIRouter",
        "Flask",
        "Blueprint",
        "APIBlueprint",
        "Api",
        "Namespace",
        "DefaultRouter",
        "SimpleRouter",
        "NestedSimpleRouter",
        "NestedDefaultRouter",
        "ExtendedSimpleRouter",
        "ExtendedDefaultRouter",
        "path",
        "re_path",
        "url",
        "include",
        "as_view",
        "namespace",
    }
)
_STRUCTURE_METHODS = frozenset(
    {
        "include_router",
        "mount",
        "add_api_route",
        "register_blueprint",
        "add_url_rule",
        "register",
        "add_resource",
        "init_app",
        "add_namespace",
        "add_view",
        "add_view_no_menu",
        "add_api",
        "append",
        "extend",
        "insert",
    }
)


def _kept_in_function(value: ast.expr) -> bool:
    if isinstance(value, ast.Call):
        func = value.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name in _FACTORY_CALLS or name in _STRUCTURE_METHODS
    return isinstance(value, (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple))


# Statement kinds `_visit` reads; any other statement (return, raise, pass, del, assert,
# match...) declares nothing it keeps, and function bodies are mostly such statements.
_VALUE_STATEMENTS = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Expr})
_FUNCTION_DEFS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef})
_BLOCKS = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith})
_TRY_BLOCKS = frozenset({ast.Try, getattr(ast, "TryStar", ast.Try)})
_VISITED = (
    _VALUE_STATEMENTS
    | _FUNCTION_DEFS
    | _BLOCKS
    | _TRY_BLOCKS
    | {ast.Import, ast.ImportFrom, ast.ClassDef, ast.Return}
)
_LOOPS = frozenset({ast.For, ast.AsyncFor})
_ASSIGNS = frozenset({ast.Assign, ast.AnnAssign})
_MOUNTS = frozenset({"include_router", "mount"})


class _FunctionBody:
    """What `_visit` notes in one function body to keep an application factory's wiring.

    ``api = create_api_app()`` then ``app.mount("/api", api)``, or ``app = MyApp()`` then
    ``@app.get(...)`` on a nested function: the body's call assignments are kept when it
    mounts or includes something or decorates a nested function (`wires`); ``return app`` is
    kept when it also builds an application or router (`_FACTORY_CALLS`).
    """

    __slots__ = ("call_assigns", "wires", "factory", "returns", "lists", "built", "owner", "objects")

    def __init__(self, owner: str = "") -> None:
        self.call_assigns: list[ast.Assign | ast.AnnAssign] = []
        self.wires = False
        self.factory = False
        self.returns: list[str] = []
        self.lists: set[str] = set()  # local names bound to a list literal
        self.built: list[Expr] = []  # returned list literals of calls (`return [path(...)]`)
        # In a method body (or a function nested in one): the class's scope. There
        # `self.router = APIRouter()` is kept as the class's `self.router` (see `_visit_methods`).
        self.owner = owner
        # names bound to what a `_FACTORY_CALLS` call builds (`bp = Blueprint(...)`): a call
        # passing one on (`add_routes(bp, store)`) is kept, the callee may route on it.
        self.objects: set[str] = set()


def _call_name(value: ast.expr) -> str:
    func = value.func  # type: ignore[attr-defined]
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _dynamic_getattr(value: ast.Call) -> bool:
    """`getattr(obj, name)` with a name that is not a constant."""
    return (
        type(value.func) is ast.Name
        and value.func.id == "getattr"
        and len(value.args) == 2
        and type(value.args[0]) is ast.Name
        and type(value.args[1]) is not ast.Constant
    )


def _self_attributes(stmt: ast.Assign | ast.AnnAssign) -> list[str]:
    """`self.x` targets of an assignment, as the names ``"self.x"``."""
    targets = stmt.targets if type(stmt) is ast.Assign else [stmt.target]  # type: ignore[union-attr]
    return [
        f"self.{t.attr}"
        for t in targets
        if type(t) is ast.Attribute and type(t.value) is ast.Name and t.value.id == "self"
    ]


def _passes(call: ast.Call, names: set[str]) -> bool:
    """Whether `call` passes one of `names` as an argument."""
    return any(type(a) is ast.Name and a.id in names for a in call.args) or any(
        type(k.value) is ast.Name and k.value.id in names for k in call.keywords
    )


def _keep_registered(
    call: ast.Call, scope: str, facts: dict[str, list[Any]], function: _FunctionBody
) -> None:
    """`child = construct_child(store)` then `parent.register_blueprint(child)` in a function
    body: the assignment is kept (the linker resolves what the factory returns)."""
    first = call.args[0] if call.args else None
    if type(first) is not ast.Name:
        return
    name = first.id  # type: ignore[attr-defined]
    for assign in function.call_assigns:
        if type(assign) is ast.Assign:
            assigned = assign.targets
        else:
            assigned = [assign.target]  # type: ignore[union-attr]
        if any(type(t) is ast.Name and t.id == name for t in assigned):  # type: ignore[attr-defined]
            function.call_assigns.remove(assign)
            facts["assigns"].append({"t": [name], "v": expr(assign.value), "line": assign.lineno, "s": scope})
            return


def _augassign(stmt: ast.AugAssign, scope: str) -> dict[str, Any]:
    """`name += value` (or another operator) as facts; the target is a plain name."""
    return {
        "t": stmt.target.id,  # type: ignore[attr-defined]
        "op": type(stmt.op).__name__,
        "v": expr(stmt.value),
        "line": stmt.lineno,
        "s": scope,
    }


def _visit(
    body: list[ast.stmt],
    scope: str,
    facts: dict[str, list[Any]],
    function: _FunctionBody | None = None,
    methods: bool = False,
) -> None:
    for stmt in body:
        kind = type(stmt)
        if kind not in _VISITED:
            continue
        if kind in _VALUE_STATEMENTS:
            value = stmt.value  # type: ignore[attr-defined]
            if function is not None and function.owner and kind in _ASSIGNS and type(value) is ast.Call:
                attributes = _self_attributes(stmt)  # type: ignore[arg-type]
                if attributes:
                    facts["assigns"].append(
                        {"t": attributes, "v": expr(value), "line": stmt.lineno, "s": function.owner}
                    )
                    continue
            if scope and (value is None or not _kept_in_function(value)):
                if (
                    kind is ast.AugAssign
                    and function is not None
                    and type(stmt.target) is ast.Name  # type: ignore[attr-defined]
                    and stmt.target.id in function.lists  # type: ignore[attr-defined]
                ):
                    # `patterns += import_module(name).urlpatterns` growing a list the function
                    # builds: kept so that the linker reads it or warns that it cannot. Dropped,
                    # the function would look like it returns an empty list.
                    facts["augassigns"].append(_augassign(stmt, scope))  # type: ignore[arg-type]
                    continue
                if function is not None and type(value) is ast.Call:
                    if kind is ast.Assign and _dynamic_getattr(value):
                        # `route = getattr(router, method)`: kept so that the linker can warn
                        # about routes whose method is only known at run time.
                        names = [t.id for t in stmt.targets if type(t) is ast.Name]  # type: ignore[attr-defined]
                        if names:
                            facts["assigns"].append({"t": names, "v": expr(value), "line": stmt.lineno, "s": scope})
                            continue
                    if kind in _ASSIGNS:
                        function.call_assigns.append(stmt)  # type: ignore[arg-type]
                    elif kind is ast.Expr and function.objects and _passes(value, function.objects):
                        facts["calls"].append({"e": expr(value), "s": scope})
                continue
            if function is not None and type(value) is ast.Call:
                name = _call_name(value)
                if kind is ast.Expr:
                    function.wires = function.wires or name in _MOUNTS
                    if name == "register_blueprint" and function.call_assigns:
                        _keep_registered(value, scope, facts, function)  # type: ignore[arg-type]
                elif name in _FACTORY_CALLS:
                    function.factory = True
                    if kind is ast.Assign:
                        targets = stmt.targets  # type: ignore[attr-defined]
                        function.objects.update(t.id for t in targets if type(t) is ast.Name)
            if kind is ast.Assign:
                names = [t.id for t in stmt.targets if type(t) is ast.Name]  # type: ignore[attr-defined]
                if names:
                    facts["assigns"].append({"t": names, "v": expr(value), "line": stmt.lineno, "s": scope})
                    if function is not None and type(value) is ast.List:
                        function.lists.update(names)
            elif kind is ast.Expr:
                if type(value) is ast.Call:
                    facts["calls"].append({"e": expr(value), "s": scope})
            elif kind is ast.AnnAssign:
                if type(stmt.target) is ast.Name and value is not None:  # type: ignore[attr-defined]
                    facts["assigns"].append(
                        {"t": [stmt.target.id], "v": expr(value), "line": stmt.lineno, "s": scope}  # type: ignore[attr-defined]
                    )
                    if function is not None and type(value) is ast.List:
                        function.lists.add(stmt.target.id)  # type: ignore[attr-defined]
            elif type(stmt.target) is ast.Name:  # type: ignore[attr-defined]  # AugAssign
                facts["augassigns"].append(_augassign(stmt, scope))  # type: ignore[arg-type]
        elif kind in _FUNCTION_DEFS:
            if function is not None and stmt.decorator_list:  # type: ignore[attr-defined]
                function.wires = True
            info = _function(stmt, scope)  # type: ignore[arg-type]
            facts["functions"].append(info)
            inner = f"{scope}.{stmt.name}" if scope else stmt.name  # type: ignore[attr-defined]
            notes = _FunctionBody(function.owner if function is not None else "")
            _visit(stmt.body, inner, facts, notes, methods)  # type: ignore[attr-defined]
            if notes.wires and notes.call_assigns:
                _keep_call_assigns(notes, inner, facts)
            if (notes.factory or notes.wires and notes.call_assigns) and notes.returns:
                info["rn"] = notes.returns  # names the factory returns
            if notes.returns and _returns_parameter(stmt, notes.returns):  # type: ignore[arg-type]
                # `def decorate_urlpatterns(urlpatterns, decorator): ...; return urlpatterns`:
                # a call of it is its argument (changed in place at most).
                info["ri"] = notes.returns[0]
            if notes.built or notes.lists:
                # A function building a list of calls (Django's `def build_urlpatterns(client)`):
                # the list literals and comprehensions and the local lists it returns.
                built = notes.built + [{"n": n} for n in notes.returns if n in notes.lists]
                if built:
                    info["rl"] = built
        elif kind is ast.Return:
            if function is not None:
                value = stmt.value  # type: ignore[attr-defined]
                if type(value) is ast.Name:
                    function.returns.append(value.id)
                elif type(value) is ast.List and value.elts and type(value.elts[0]) is ast.Call:
                    function.built.append(expr(value))  # type: ignore[arg-type]
                elif (
                    type(value) is ast.BinOp
                    and type(value.op) is ast.Add
                    and type(value.left) is ast.List
                    and value.left.elts
                    and type(value.left.elts[0]) is ast.Call
                ):
                    # `return [path(...)] + viewset.get_urlpatterns()`
                    function.built.append(expr(value))
                elif isinstance(value, ast.ListComp) and isinstance(value.elt, ast.Call):
                    comprehension = _comprehension(value)
                    if comprehension is not None:
                        function.built.append(comprehension)
        elif kind is ast.ImportFrom:
            for alias in stmt.names:  # type: ignore[attr-defined]
                if alias.name == "*":
                    facts["star_imports"].append([stmt.level, stmt.module or "", scope])  # type: ignore[attr-defined]
                    continue
                facts["imports"].append(
                    [alias.asname or alias.name, stmt.level, stmt.module or "", alias.name, scope]  # type: ignore[attr-defined]
                )
        elif kind is ast.Import:
            for alias in stmt.names:  # type: ignore[attr-defined]
                if alias.asname:
                    facts["imports"].append([alias.asname, 0, alias.name, None, scope])
                else:
                    head = alias.name.split(".", 1)[0]
                    facts["imports"].append([head, 0, head, None, scope])
        elif kind is ast.ClassDef:
            info = _class(stmt, scope)  # type: ignore[arg-type]
            facts["classes"].append(info)
            if methods:
                _visit_methods(stmt, info, scope, facts)  # type: ignore[arg-type]
        elif kind is ast.If:
            _visit_if(stmt, scope, facts, function, methods)  # type: ignore[arg-type]
        elif kind in _BLOCKS:
            first_call = len(facts["calls"])
            first_assign, first_aug = len(facts["assigns"]), len(facts["augassigns"])
            _visit(stmt.body, scope, facts, function, methods)  # type: ignore[attr-defined]
            if kind is ast.For and (len(facts["assigns"]) > first_assign or len(facts["augassigns"]) > first_aug):
                # `for fn in hooks.get_hooks("urls"): urls = fn(); urlpatterns += urls`: a list
                # grown in a loop over a hook registry, which the linker unrolls.
                _loop(stmt, facts["assigns"][first_assign:] + facts["augassigns"][first_aug:])  # type: ignore[arg-type]
            if len(facts["calls"]) > first_call:
                if kind in _LOOPS:
                    # `for router in ROUTERS: app.include_router(router)`: the linker unrolls the
                    # loop over a literal list for the calls `c` (indexes into `calls`) it holds.
                    facts.setdefault("loops", []).append(
                        {
                            "t": expr(stmt.target),  # type: ignore[attr-defined]
                            "it": expr(stmt.iter),  # type: ignore[attr-defined]
                            "s": scope,
                            "line": stmt.lineno,
                            "c": [first_call, len(facts["calls"])],
                        }
                    )
                if kind is ast.For:
                    _loop(stmt, facts["calls"][first_call:])  # type: ignore[arg-type]
            _visit(getattr(stmt, "orelse", ()), scope, facts, function, methods)
        else:  # try
            _visit(stmt.body, scope, facts, function, methods)  # type: ignore[attr-defined]
            for handler in stmt.handlers:  # type: ignore[attr-defined]
                _visit(handler.body, scope, facts, function, methods)
            _visit(stmt.orelse, scope, facts, function, methods)  # type: ignore[attr-defined]
            _visit(stmt.finalbody, scope, facts, function, methods)  # type: ignore[attr-defined]


# The facts an `if` may guard: what declares a route, a router, an include or a list of routes.
_GUARDED = ("assigns", "augassigns", "calls", "functions", "classes")


def _visit_if(
    stmt: ast.If, scope: str, facts: dict[str, list[Any]], function: _FunctionBody | None, methods: bool
) -> None:
    """Both branches of an `if`, each fact they declare tagged with the branch's condition.

    A fact under ``if a:`` gets ``"if": ["a"]`` (its `else` branch ``"not (a)"``, an `elif`
    ``"not (a)", "b"``), outermost first: a route registered there is served only under that
    condition, which the scan cannot know. A branch statically always taken (``if True:``,
    the `else` of ``if False:``) adds nothing; ``if TYPE_CHECKING:`` adds nothing to either
    branch, as it only ever guards imports for annotations, which must still resolve.
    """
    # Most branches declare nothing that is kept (function bodies): the test is only read
    # for a branch that did.
    before = _sizes(facts)
    _visit(stmt.body, scope, facts, function, methods)
    after = _sizes(facts)
    if after != before:
        _guard_branch(stmt.test, facts, before, True)
    if stmt.orelse:
        _visit(stmt.orelse, scope, facts, function, methods)
        if _sizes(facts) != after:
            _guard_branch(stmt.test, facts, after, False)


def _sizes(facts: dict[str, list[Any]]) -> list[int]:
    return [len(facts[name]) for name in _GUARDED]


def _guard_branch(test: ast.expr, facts: dict[str, list[Any]], before: list[int], then: bool) -> None:
    truth = _static_truth(test)
    if truth is _TRANSPARENT or truth is then:
        return
    text = _test_text(test, facts)
    _guard(facts, before, text if then else f"not ({text})")


_TRANSPARENT: Any = object()
# Where `module_facts` leaves the module's content for `_test_text` while it visits (split
# into lines by the first test read).
_LINES = "_lines"


def _test_text(test: ast.expr, facts: dict[str, Any]) -> str:
    """The test as written when it fits on one line (what a reader finds in the code), else
    normalized by `ast.unparse`."""
    lines = facts.get(_LINES)
    if isinstance(lines, bytes):
        lines = facts[_LINES] = lines.splitlines()
    if lines is not None and test.lineno == test.end_lineno and test.lineno <= len(lines):
        # Column offsets count UTF-8 bytes.
        segment = lines[test.lineno - 1][test.col_offset : test.end_col_offset]
        return segment.decode("utf-8", errors="replace")
    return ast.unparse(test)


def _static_truth(test: ast.expr) -> Any:
    """True/False for a test decided by literals alone, `_TRANSPARENT` for `TYPE_CHECKING`
    (possibly negated), None otherwise."""
    kind = type(test)
    if kind is ast.Constant:
        return bool(test.value)  # type: ignore[attr-defined]
    if kind is ast.Name or kind is ast.Attribute:
        return _TRANSPARENT if dotted_name(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING") else None
    if kind is ast.UnaryOp and type(test.op) is ast.Not:  # type: ignore[attr-defined]
        inner = _static_truth(test.operand)  # type: ignore[attr-defined]
        return not inner if isinstance(inner, bool) else inner
    if kind is ast.BoolOp:
        values = [_static_truth(v) for v in test.values]  # type: ignore[attr-defined]
        if all(isinstance(v, bool) for v in values):
            return all(values) if type(test.op) is ast.And else any(values)  # type: ignore[attr-defined]
    return None


def _guard(facts: dict[str, list[Any]], before: list[int], condition: str) -> None:
    """Put `condition` first on the facts appended since `before` (inner `if`s tagged them already)."""
    for name, start in zip(_GUARDED, before, strict=True):
        for record in facts[name][start:]:
            record.setdefault("if", []).insert(0, condition)


def _visit_methods(node: ast.ClassDef, info: dict[str, Any], scope: str, facts: dict[str, list[Any]]) -> None:
    """A server class wiring its app in its methods (``self.router = APIRouter()``, then
    ``self.router.add_api_route("/reset", self.reset)``): the method bodies are visited as
    function bodies (scope ``Class.method``), ``self.x = Call(...)`` is kept as an assignment
    of ``"self.x"`` in the class's scope, and every method entry gets its ``args`` (and
    ``ret``), as a method can be the endpoint."""
    owner = f"{scope}.{node.name}" if scope else node.name
    entries = info["methods"]
    index = 0
    for stmt in node.body:
        if type(stmt) not in _FUNCTION_DEFS:
            continue
        entry = entries[index]
        index += 1
        entry["args"] = _arguments(stmt.args)  # type: ignore[attr-defined]
        if stmt.returns is not None:  # type: ignore[attr-defined]
            entry["ret"] = expr(stmt.returns)  # type: ignore[attr-defined]
        inner = f"{owner}.{stmt.name}"  # type: ignore[attr-defined]
        notes = _FunctionBody(owner)
        _visit(stmt.body, inner, facts, notes, True)  # type: ignore[attr-defined]
        if notes.wires and notes.call_assigns:
            _keep_call_assigns(notes, inner, facts)


def _returns_parameter(node: ast.FunctionDef | ast.AsyncFunctionDef, returned: list[str]) -> bool:
    """Whether every `return` of the function returns the same parameter, which it never
    rebinds. `returned` (the names its `_visit`ed returns return) makes this cheap: only a
    function returning a bare parameter name is walked, and the walk checks the returns
    `_visit` does not see (`return`, `return f(x)`, returns inside `match`)."""
    name = returned[0]
    if any(n != name for n in returned):
        return False
    args = node.args
    if not any(a.arg == name for a in (*args.posonlyargs, *args.args)):  # its position is its index
        return False
    unvisited: list[ast.AST] = list(node.body)
    while unvisited:
        current = unvisited.pop()
        kind = type(current)
        if kind in _FUNCTION_DEFS or kind is ast.ClassDef or kind is ast.Lambda:
            if kind is not ast.Lambda and current.name == name:  # type: ignore[attr-defined]
                return False
            continue  # their own returns and locals
        if kind is ast.Return:
            value = current.value  # type: ignore[attr-defined]
            if type(value) is not ast.Name or value.id != name:
                return False
        elif kind is ast.Name:
            if current.id == name and type(current.ctx) is not ast.Load:  # type: ignore[attr-defined]
                return False
        elif kind in (ast.Global, ast.Nonlocal):
            if name in current.names:  # type: ignore[attr-defined]
                return False
        elif kind is ast.ExceptHandler or kind is ast.MatchAs or kind is ast.MatchStar:
            if current.name == name:  # type: ignore[attr-defined]
                return False
        elif kind is ast.alias:
            if (current.asname or current.name.split(".", 1)[0]) == name:  # type: ignore[attr-defined]
                return False
        unvisited.extend(ast.iter_child_nodes(current))
    return True


def _keep_call_assigns(notes: _FunctionBody, scope: str, facts: dict[str, list[Any]]) -> None:
    """A wiring body's call assignments (`api = create_api_app()`), kept in its scope."""
    for assign in notes.call_assigns:
        targets = assign.targets if type(assign) is ast.Assign else [assign.target]  # type: ignore[union-attr]
        names = [t.id for t in targets if type(t) is ast.Name]
        if names:
            facts["assigns"].append({"t": names, "v": expr(assign.value), "line": assign.lineno, "s": scope})


def _loop_names(target: ast.expr) -> list[str] | str | None:
    """A loop target as the name it binds, or the names a tuple of names unpacks to."""
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Tuple) and all(isinstance(t, ast.Name) for t in target.elts):
        return [t.id for t in target.elts]  # type: ignore[attr-defined]
    return None


def _comprehension(node: ast.ListComp) -> dict[str, Any] | None:
    """`[path(f"{prefix}/{name}/", view) for name, view in views]` returned by a function, as its
    element and the loop around it (``{"comp": elt, "t": names, "it": iterable}``), so that the
    linker can unroll it over a known iterable; None for filtered or nested comprehensions."""
    if len(node.generators) != 1:
        return None
    generator = node.generators[0]
    names = _loop_names(generator.target)
    if generator.ifs or generator.is_async or names is None:
        return None
    return {"comp": expr(node.elt), "t": names, "it": expr(generator.iter), "line": node.lineno}


def _loop(stmt: ast.For, calls: list[dict[str, Any]]) -> None:
    """Calls made in the body of `for a, b in iterable:` carry the loop under "loop", so that a
    linker can unroll it over a statically known iterable (routes registered in a loop)."""
    names = _loop_names(stmt.target)
    if names is None:
        return
    loop = {"t": names, "it": expr(stmt.iter), "line": stmt.lineno}
    for call in calls:
        inner = call.get("loop")
        if inner is None:
            call["loop"] = loop
            continue
        while "in" in inner:  # a call in nested loops: the innermost loop, "in" its enclosing one
            inner = inner["in"]
        if inner is not loop:
            inner["in"] = loop


# Method bodies are only visited in modules that can wire a FastAPI app in them: most
# classes (models, serializers, views) declare no routing in their methods.
# Flask-AppBuilder registers its views in methods too (Superset's `init_views(self)`).
_METHOD_WIRING_MARKERS = (b"fastapi", b"APIRouter", b"add_api_route", b"include_router", b"appbuilder")


def _visits_methods(content: bytes) -> bool:
    return any(marker in content for marker in _METHOD_WIRING_MARKERS)


def module_facts(source: SourceFile) -> dict[str, Any]:
    """The facts of one Python module, computed once per SourceFile for every scanner."""
    cached = source.__dict__.get(_FACTS_ATTR)
    if cached is not None:
        return cached
    try:
        tree = source.python_ast
    except (RecursionError, MemoryError) as error:
        raise ValueError("the module is too deeply nested to parse") from error
    facts: dict[str, Any] = {
        "imports": [],
        "star_imports": [],
        "assigns": [],
        "augassigns": [],
        "calls": [],
        "functions": [],
        "classes": [],
    }
    facts[_LINES] = source.content
    try:
        _visit(tree.body, "", facts, None, _visits_methods(source.content))
        queries = query_reads(tree, source.content)
    except RecursionError as error:
        # Generated code can nest expressions deeper than the interpreter's stack.
        raise ValueError("expressions nested too deeply to analyse") from error
    finally:
        del facts[_LINES]
    if queries:
        facts["queries"] = queries  # def line -> query parameters the function reads
    source.__dict__[_FACTS_ATTR] = facts
    return facts


def is_test_path(path: str) -> bool:
    """Test code declares throwaway apps and URLconfs that the service does not serve."""
    parts = path.split("/")
    name = parts[-1]
    return (
        any(p in ("tests", "test", "testing") for p in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name in ("conftest.py", "tests.py")
    )


def prefer_non_test(paths: list[str]) -> list[str]:
    """`paths` without test files, unless test files are all there is."""
    kept = [p for p in paths if not is_test_path(p)]
    return kept if kept else paths


def imported_modules(facts: dict[str, Any]) -> set[str]:
    """Top-level package names a module imports absolutely (for framework detection)."""
    return {imp[2].split(".", 1)[0] for imp in facts.get("imports", []) if imp[1] == 0 and imp[2]} | {
        s[1].split(".", 1)[0] for s in facts.get("star_imports", []) if s[0] == 0 and s[1]
    }


# --- Expression helpers --------------------------------------------------------------------


def name_of(e: Expr | None) -> str | None:
    return e.get("n") if isinstance(e, dict) else None


def call_func(e: Expr | None) -> str | None:
    """The dotted name called by a call expression (`a.b` for `a.b(...)`)."""
    # `name_of` inlined: asked of every decorator, marker and assignment of every module.
    if isinstance(e, dict):
        callee = e.get("call")
        if isinstance(callee, dict):
            return callee.get("n")
    return None


def last(dotted: str | None) -> str:
    return dotted.rsplit(".", 1)[-1] if dotted else ""


def const(e: Expr | None, default: Any = None) -> Any:
    if isinstance(e, dict) and "c" in e:
        return e["c"]
    return default


def arg(call: Expr, position: int, keyword: str | None = None) -> Expr | None:
    # Shared empty defaults rather than a new `{}` / `[]` per call: asked of every route.
    if keyword and keyword in call.get("kw", _NO_NAMES):
        return call["kw"][keyword]
    args = call.get("args", ())
    if position is not None and 0 <= position < len(args) and "star" not in (args[position] or _NO_NAMES):
        return args[position]
    return None


def substitute(e: Any, bindings: dict[str, Expr]) -> Any:
    """`e` with the names bound in `bindings` replaced (`x` and the head of `x.attr`)."""
    if isinstance(e, list):
        return [substitute(item, bindings) for item in e]
    if not isinstance(e, dict):
        return e
    if "call" in e:
        return {
            "call": substitute(e["call"], bindings),
            "args": substitute(e["args"], bindings),
            "kw": {key: substitute(value, bindings) for key, value in e["kw"].items()},
            "line": e["line"],
        }
    name = e.get("n")
    if isinstance(name, str):
        head, dot, rest = name.partition(".")
        bound = bindings.get(head)
        if bound is None:
            return e
        if not dot:
            return bound
        at, value = bound["at"], bound["e"]
        while isinstance(value, dict) and "at" in value:
            at, value = value["at"], value["e"]
        if isinstance(value, dict) and "n" in value:  # `handler.__name__` with `handler` bound to `view`
            return {"at": at, "e": {"n": f"{value['n']}.{rest}"}}
        return {"?": "attribute of a bound value"}
    if "at" in e:
        return e  # already read elsewhere
    return {key: substitute(value, bindings) for key, value in e.items()}


def list_items(e: Expr | None) -> list[Expr] | None:
    if isinstance(e, dict) and "list" in e:
        return e["list"]
    return None


# --- Linking -------------------------------------------------------------------------------


@dataclass(slots=True)
class Ref:
    """What a name resolves to."""

    kind: str  # "module" | "class" | "function" | "assign" | "external"
    file: str = ""
    scope: str = ""
    name: str = ""  # the defining name; for "external" the canonical dotted path
    obj: Any = None
    rest: list[str] = field(default_factory=list)  # attributes left after resolution

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.file, self.scope, self.name)


def _python_facts(facts_by_file: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p: f for p, f in facts_by_file.items() if p.endswith(".py") and f}


class PythonProject:
    """All Python modules of a repository, for resolving names across files."""

    def __init__(self, facts_by_file: dict[str, dict[str, Any]]) -> None:
        self.facts = _python_facts(facts_by_file)
        self.modules: dict[str, list[str]] = {}
        for path in self.facts:
            parts = path[:-3].split("/")
            if parts[-1] == "__init__":
                parts = parts[:-1]
            for start in range(len(parts)):
                self.modules.setdefault(".".join(parts[start:]), []).append(path)
        self._scopes: dict[str, dict[str, dict[str, tuple[int, str, Any]]]] = {}
        self._resolved: dict[tuple[str, str, str], Ref | None] = {}
        self._ancestors: dict[tuple[str, str, str], list[Ref]] = {}
        self._canonical: dict[tuple[str, str, str], str] = {}
        self._base_names: dict[tuple[str, str, str], frozenset[str]] = {}
        self._aliases: dict[str, str] | None = None
        self._imports: dict[tuple[str, int, str, str | None], Ref] = {}  # see `import_target`

    def built_from(self, facts_by_file: dict[str, dict[str, Any]]) -> bool:
        """Whether this project is over the very same facts documents as `facts_by_file`."""
        facts = _python_facts(facts_by_file)
        return len(facts) == len(self.facts) and all(self.facts.get(p) is f for p, f in facts.items())

    # -- modules --

    def module_file(self, dotted: str, importer: str = "", *, lenient: bool = False) -> str | None:
        """The file of module `dotted` as imported from `importer`.

        `lenient` accepts a single candidate even where its root is not an ancestor of the
        importer: Django resolves ``include("users.urls")`` against ``sys.path``, which
        settings may extend with an ``apps/`` directory.
        """
        candidates = self.modules.get(dotted)
        if not candidates:
            return self._aliased(dotted)
        depth = dotted.count(".") + 1
        plausible = []
        importer_dir = posixpath.dirname(importer)
        for candidate in candidates:
            segments = candidate[:-3].split("/")
            if segments[-1] == "__init__":
                segments = segments[:-1]
            root = "/".join(segments[: len(segments) - depth])
            # A module is importable as `dotted` only if its root is on sys.path; the
            # importer's own ancestors (or the repository root) are the plausible ones.
            if not root or importer_dir == root or importer_dir.startswith(root + "/") or not importer:
                plausible.append((len(root), candidate))
        if not plausible:
            return candidates[0] if lenient and len(candidates) == 1 else None
        plausible.sort(key=lambda item: (item[0], item[1]))
        return plausible[0][1]

    def package_aliases(self) -> dict[str, str]:
        """The dotted names the scanned tree (or a top-level package of it) is imported as.

        Scanning a sub-directory of a repository (`prefect/server`) leaves its modules
        importing each other by their full names (`from prefect.server.api import flows`),
        which no path suffix matches. The tree's own absolute imports tell the name: prefix
        `P` is the tree's root package (or `P.x` its top-level package `x`) when `P`'s head is
        no module of the tree nor of `_NEVER_ALIASED`, at least two imports under it name
        modules of the tree, and none names a module the tree lacks (an import of
        `prefect.settings` refutes "prefect is the root" for a tree without `settings`). A
        tree whose imports support two prefixes for the same directory gets neither.
        Computed once, on the first module the registry does not know; `{prefix: directory}`.
        """
        if self._aliases is not None:
            return self._aliases
        self._aliases = {}
        top = {path.split("/", 1)[0].removesuffix(".py") for path in self.facts}
        imported: set[tuple[str, str | None]] = set()
        for facts in self.facts.values():
            for imp in facts["imports"]:
                module = imp[2]
                if not imp[1] and module and module.split(".", 1)[0] not in top:
                    imported.add((module, imp[3]))
            for level, module, _scope in facts["star_imports"]:
                if not level and module and module.split(".", 1)[0] not in top:
                    imported.add((module, None))
        hypotheses: set[tuple[str, str]] = set()
        root_package = "__init__.py" in self.facts
        for module, name in imported:
            parts = f"{module}.{name}".split(".") if name else module.split(".")
            if parts[0] in _NEVER_ALIASED:
                continue
            for k in range(1, len(parts)):
                if parts[k] not in top:
                    continue
                if root_package:
                    hypotheses.add((".".join(parts[:k]), ""))
                elif f"{parts[k]}/__init__.py" in self.facts:
                    hypotheses.add((".".join(parts[: k + 1]), parts[k]))
        accepted: dict[str, list[str]] = {}
        for prefix, directory in sorted(hypotheses):
            support = 0
            for module, name in imported:
                if module != prefix and not module.startswith(prefix + "."):
                    continue
                if self._names_tree_module(self._aliased_path(directory, module[len(prefix) + 1:]), name):
                    support += 1
                else:
                    support = 0
                    break
            if support >= 2:
                accepted.setdefault(directory, []).append(prefix)
        for directory, prefixes in accepted.items():
            # A prefix that is itself a package of the tree under another prefix
            # (`prefect.server.events.storage` under `prefect.server`) is not the tree's name.
            kept = [
                prefix for prefix in prefixes
                if not any(
                    prefix.startswith(other + ".")
                    and self._module_at(self._aliased_path(directory, prefix[len(other) + 1:]))
                    for other in prefixes
                )
            ]
            if len(kept) == 1:
                self._aliases[kept[0]] = directory
        return self._aliases

    def _names_tree_module(self, base: str, name: str | None) -> bool:
        """Whether `from <base> import name` (`import <base>` for no name) names the tree's code."""
        if name and self._module_at(f"{base}/{name}" if base else name):
            return True
        file = self._module_at(base)
        if file is None or not name:
            return file is not None
        return self.lookup(file, "", name) is not None or bool(self.facts[file]["star_imports"])

    @staticmethod
    def _aliased_path(directory: str, rest: str) -> str:
        return "/".join(p for p in (directory, rest.replace(".", "/")) if p)

    def _module_at(self, base: str) -> str | None:
        if not base:
            return "__init__.py" if "__init__.py" in self.facts else None
        return self._file_at(base)

    def _aliased(self, dotted: str) -> str | None:
        """The file of `dotted` through `package_aliases`, for a name no path suffix matches."""
        for prefix, directory in self.package_aliases().items():
            if dotted == prefix or dotted.startswith(prefix + "."):
                return self._module_at(self._aliased_path(directory, dotted[len(prefix) + 1:]))
        return None

    def module_name(self, path: str) -> str:
        parts = path[:-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        return ".".join(parts)

    def _package_dir(self, path: str) -> str:
        return posixpath.dirname(path)

    def _file_at(self, base: str) -> str | None:
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            if candidate in self.facts:
                return candidate
        return None

    def submodule(self, module_path: str, name: str) -> str | None:
        if not module_path.endswith("/__init__.py"):
            return None
        return self._file_at(f"{posixpath.dirname(module_path)}/{name}")

    def import_target(self, path: str, imp: list[Any]) -> Ref:
        # Sibling modules import the same things (`from fastapi import APIRouter, Depends`)
        # and the answer depends on the importer's directory alone (`module_file` and relative
        # imports read nothing else of `path`): memoized per directory. The Ref is shared,
        # like `resolve`'s.
        _local, level, module, name, _scope = imp
        key = (path.rpartition("/")[0], level, module, name)
        found = self._imports.get(key)
        if found is None:
            found = self._imports[key] = self._import_target(path, level, module, name)
        return found

    def _import_target(self, path: str, level: int, module: str, name: str | None) -> Ref:
        if level:
            base = posixpath.dirname(path)
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            mod_base = "/".join(p for p in [base, module.replace(".", "/")] if p)
            if name is not None:
                sub = self._file_at(f"{mod_base}/{name}" if mod_base else name)
                if sub:
                    return Ref("module", sub)
                target = self._file_at(mod_base) if mod_base else None
                if target:
                    return Ref("symbol", target, name=name)
            return Ref("external", name="." * level + ".".join(p for p in [module, name] if p))
        if name is None:
            target = self.module_file(module, path)
            return Ref("module", target) if target else Ref("external", name=module)
        full = f"{module}.{name}"
        target = self.module_file(full, path)
        if target:
            return Ref("module", target)
        target = self.module_file(module, path)
        if target:
            return Ref("symbol", target, name=name)
        return Ref("external", name=full)

    # -- scopes --

    def scopes(self, path: str) -> dict[str, dict[str, tuple[int, str, Any]]]:
        """scope -> name -> (line, kind, definition); later definitions win, as at run time."""
        cached = self._scopes.get(path)
        if cached is not None:
            return cached
        facts = self.facts[path]
        module: dict[str, tuple[int, str, Any]] = {}
        scopes: dict[str, dict[str, tuple[int, str, Any]]] = {"": module}
        # Binding in this order and replacing on an equal or later line is what a stable sort
        # of all definitions by line would give (imports carry no line: any local definition
        # shadows them), without building and sorting that list for every file. Most
        # definitions are at module level, whose names are at hand; assignments are apart as
        # the only definitions binding several names.
        for imp in facts["imports"]:
            if imp[4]:
                names = scopes.get(imp[4])
                if names is None:
                    names = scopes[imp[4]] = {}
            else:
                names = module
            names[imp[0]] = (0, "import", imp)
        for obj in facts["assigns"]:
            line = obj["line"]
            names = module if not obj["s"] else scopes.get(obj["s"])
            if names is None:
                names = scopes[obj["s"]] = {}
            for name in obj["t"]:
                bound = names.get(name)
                if bound is None or bound[0] <= line:
                    names[name] = (line, "assign", obj)
        for kind, items in (("function", facts["functions"]), ("class", facts["classes"])):
            for obj in items:
                line = obj["line"]
                names = module if not obj["s"] else scopes.get(obj["s"])
                if names is None:
                    names = scopes[obj["s"]] = {}
                name = obj["name"]
                bound = names.get(name)
                if bound is None or bound[0] <= line:
                    names[name] = (line, kind, obj)
        self._scopes[path] = scopes
        return scopes

    def lookup(self, path: str, scope: str, name: str) -> tuple[str, str, Any] | None:
        scopes = self._scopes.get(path) or self.scopes(path)
        current = scope
        while True:
            found = scopes.get(current, _NO_NAMES).get(name)
            if found is not None:
                return (current, found[1], found[2])
            if not current:
                return None
            current = current.rsplit(".", 1)[0] if "." in current else ""

    def assigned_key(self, path: str, scope: str, name: str, known: Collection[tuple[str, str, str]]
                     ) -> tuple[str, str, str] | None:
        """The (file, scope, name) of the assignment `name` denotes, when it is one of `known`.

        How a linker recognizes its objects by name: an app, router or blueprint is the
        variable it was assigned to (`router = APIRouter()`), wherever it is used from.
        """
        ref = self.resolve(path, scope, name)
        if ref is not None and ref.kind == "assign" and not ref.rest:
            key = (ref.file, ref.scope, ref.name)
            if key in known:
                return key
        return None

    def resolve(self, path: str, scope: str, dotted: str, depth: int = 0) -> Ref | None:
        """Resolve a dotted name used in `path` (inside `scope`) to its definition."""
        if depth == 0:
            # Linking asks the same questions many times (every route, field, base class).
            key = (path, scope, dotted)
            ref = self._resolved.get(key, _UNKNOWN)
            if ref is _UNKNOWN:
                ref = self._resolved[key] = self._resolve(path, scope, dotted, 0)
            return ref
        return self._resolve(path, scope, dotted, depth)

    def _resolve(self, path: str, scope: str, dotted: str, depth: int) -> Ref | None:
        if depth > _MAX_DEPTH or path not in self.facts:
            return None
        head, *rest = dotted.split(".")
        found = self.lookup(path, scope, head)
        if found is None:
            star = self._from_star_imports(path, head, depth)
            if star is None:
                return Ref("external", name=dotted)
            ref = star
        else:
            found_scope, kind, obj = found
            if kind == "import":
                ref = self._follow_import(path, obj, depth)
            else:
                ref = Ref(kind, path, found_scope, head, obj)
        return self._descend(ref, rest, depth) if rest else ref

    def _from_star_imports(self, path: str, name: str, depth: int) -> Ref | None:
        for level, module, _scope in self.facts[path]["star_imports"]:
            target = self.import_target(path, ["*", level, module, None, ""])
            if target.kind == "module" and self.lookup(target.file, "", name):
                return self.resolve(target.file, "", name, depth + 1)
        return None

    def _follow_import(self, path: str, imp: list[Any], depth: int) -> Ref:
        target = self.import_target(path, imp)
        if target.kind == "module" and imp[3] is not None:
            # `from pkg.api import Watch` where pkg/api/__init__.py does `from .Watch import
            # Watch`: the package's attribute is the class it rebinds, not the submodule.
            package = self._rebinding_package(target.file, imp[3])
            if package is not None and package != path:
                return self.resolve(package, "", imp[3], depth + 1) or target
        if target.kind == "symbol":
            if (
                self.lookup(target.file, "", target.name) is None
                and self._from_star_imports(target.file, target.name, depth + 1) is None
            ):
                sub = self.submodule(target.file, target.name)
                if sub:
                    return Ref("module", sub)
                return Ref("external", name=f"{self.module_name(target.file)}.{target.name}")
            resolved = self.resolve(target.file, "", target.name, depth + 1)
            return resolved or Ref("external", name=target.name)
        return target

    def _rebinding_package(self, module_path: str, name: str) -> str | None:
        """The package `__init__.py` holding submodule `name` (at `module_path`) when it binds
        `name` to something else than that submodule (`from .Watch import Watch`)."""
        base = module_path[:-3]
        if base.endswith("/__init__"):
            base = base[: -len("/__init__")]
        if posixpath.basename(base) != name:
            return None
        package = f"{posixpath.dirname(base)}/__init__.py"
        found = self.scopes(package)[""].get(name) if package in self.facts else None
        if found is None:
            return None
        if found[1] == "import":
            _local, level, module, imported, _scope = found[2]
            dotted = f".{self.module_name(package)}"
            own = level == 1 and not module or not level and dotted.endswith(f".{module}")
            if imported == name and own:
                return None  # `from . import views`: the submodule itself
        return package

    def _descend(self, ref: Ref, rest: list[str], depth: int) -> Ref:
        while rest:
            if ref.kind == "external":
                # `import prefect.server.api` binds `prefect`: the rest may lead into the tree.
                inner = self._aliased_descend(ref.name, rest, depth) if self._aliases != {} else None
                return inner or Ref("external", name=".".join([ref.name, *rest]))
            if ref.kind != "module":
                return Ref(ref.kind, ref.file, ref.scope, ref.name, ref.obj, [*ref.rest, *rest])
            part = rest.pop(0)
            sub = self.submodule(ref.file, part)
            if sub and self.lookup(ref.file, "", part) is None:
                ref = Ref("module", sub)
                continue
            inner = self.resolve(ref.file, "", part, depth + 1)
            if inner is None:
                return Ref("external", name=".".join([part, *rest]))
            ref = inner
        return ref

    def _aliased_descend(self, name: str, rest: list[str], depth: int) -> Ref | None:
        """`name.rest...` where `name` is external, when a prefix of it is a `package_aliases` module."""
        for count in range(len(rest), 0, -1):
            file = self._aliased(".".join([name, *rest[:count]]))
            if file:
                return self._descend(Ref("module", file), rest[count:], depth)
        return None

    def resolve_expr(self, path: str, scope: str, e: Expr | None) -> Ref | None:
        if isinstance(e, dict) and "at" in e:
            path, scope, e = self.located(path, scope, e)
        name = e.get("n") if isinstance(e, dict) else None
        return self.resolve(path, scope, name) if name else None

    def canonical(self, path: str, scope: str, e: Expr | None) -> str:
        """The last segment of what `e` names, following imports (`APIRouter`, `Blueprint`)."""
        name = e.get("n") if isinstance(e, dict) else None
        if not name:
            return ""
        # Asked for every marker, annotation and decorator of every route: memoized by name.
        key = (path, scope, name)
        found = self._canonical.get(key)
        if found is not None:
            return found
        ref = self.resolve(path, scope, name)
        if ref is None:
            found = ""
        elif ref.kind == "external":
            found = last(ref.name)
        elif ref.rest:
            found = ref.rest[-1]
        else:
            found = ref.name
        self._canonical[key] = found
        return found

    # -- values --

    def eval_str(self, path: str, scope: str, e: Expr | None, depth: int = 0) -> str | None:
        """A constant string value, following names to module constants; None if dynamic."""
        if e is None or depth > _MAX_DEPTH:
            return None
        if "c" in e:
            return e["c"] if isinstance(e["c"], str) else None
        if "fstr" in e:
            parts = [self._format_part(path, scope, part, depth + 1) for part in e["fstr"]]
            return None if any(p is None for p in parts) else "".join(parts)  # type: ignore[arg-type]
        if "at" in e:
            return self.eval_str(e["at"][0], e["at"][1], e["e"], depth + 1)
        if "call" in e:
            value = self.inline_call(path, scope, e, depth + 1)
            if value is None:
                value = self._environment_default(path, scope, e)
            return None if value is None else self.eval_str(path, scope, value, depth + 1)
        if e.get("op") == "Add":
            left = self.eval_str(path, scope, e["l"], depth + 1)
            right = self.eval_str(path, scope, e["r"], depth + 1)
            return left + right if left is not None and right is not None else None
        if e.get("op") == "Mod" or "sub" in e:
            return self._formatted_or_indexed(path, scope, e, depth)
        if "n" in e:
            ref = self.resolve(path, scope, e["n"])
            if ref and ref.kind == "assign" and not ref.rest:
                return self.eval_str(ref.file, ref.scope, ref.obj["v"], depth + 1)
            if ref and len(ref.rest) == 1:
                default = self.class_attribute_default(ref, ref.rest[0], depth)
                if default is not None:
                    return self.eval_str(default[0].file, default[0].scope, default[1], depth + 1)
        return None

    def _formatted_or_indexed(self, path: str, scope: str, e: Expr, depth: int) -> str | None:
        """`"%s/<int:pk>/" % prefix` (strings and integers formatted) and `prefix[0]` (a
        character of a constant string), as older Django URL helpers build their routes."""
        text = self.eval_str(path, scope, e["l"] if "op" in e else e["sub"], depth + 1)
        if text is None:
            return None
        try:
            value = self.literal(path, scope, e["r"] if "op" in e else e["idx"], depth + 1)
        except ValueError:
            return None
        if "sub" in e:
            return text[value] if isinstance(value, int) and -len(text) <= value < len(text) else None
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            return None
        if "%" in _PLAIN_CONVERSIONS.sub("", text):
            return None  # widths, precisions, mapping keys: a scanned `"%999999999s"` is no route
        try:
            return text % tuple(values)
        except (TypeError, ValueError):
            return None

    def _format_part(self, path: str, scope: str, e: Expr | None, depth: int) -> str | None:
        """An f-string part: a string, or an integer formatted (`f"/api/{version}.0"`)."""
        text = self.eval_str(path, scope, e, depth)
        if text is None and e is not None:
            try:
                value = self.literal(path, scope, e, depth)
            except ValueError:
                return None
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
        return text

    # -- small helpers --

    def located(self, path: str, scope: str, e: Expr | None) -> tuple[str, str, Expr | None]:
        """Where `e` is to be read: an expression substituted from elsewhere (a helper's
        argument, a loop item) is `{"at": [file, scope], "e": expression}`."""
        while isinstance(e, dict) and "at" in e:
            (path, scope), e = e["at"], e["e"]
        return path, scope, e

    def inline_call(self, path: str, scope: str, call: Expr, depth: int = 0) -> Expr | None:
        """What a call to a small helper of the repository returns, its parameters bound to the
        arguments; None when the callee is not such a helper or the branch taken is unknown.

        Tests reading the environment (``os.environ.get("X")``, ``os.getenv("X", "d")``) are
        read with the environment unset: the variable's literal default, else None. So
        ``_add_static_prefix("/health")``, which prepends a prefix only when a variable is
        set, is "/health".
        """
        if depth > _MAX_DEPTH:
            return None
        ref = self.resolve_expr(path, scope, call.get("call"))
        if ref is None or ref.kind != "function" or ref.rest or "returns" not in ref.obj:
            return None
        function = ref.obj
        inner = f"{ref.scope}.{ref.name}" if ref.scope else ref.name
        bindings: dict[str, Expr] = {}
        parameters = function["args"]
        positional = [a for a in call["args"]]
        if any(a is None or "star" in a for a in positional) or "**" in call["kw"]:
            return None
        for index, parameter in enumerate(parameters):
            name = parameter["name"]
            if index < len(positional):
                bindings[name] = {"at": [path, scope], "e": positional[index]}
            elif name in call["kw"]:
                bindings[name] = {"at": [path, scope], "e": call["kw"][name]}
            elif "def" in parameter:
                bindings[name] = {"at": [ref.file, ref.scope], "e": parameter["def"]}
        value = self._returned(ref.file, inner, function["returns"], depth + 1)
        if value is None or value is _UNKNOWN:
            return None
        return {"at": [ref.file, inner], "e": substitute(value, bindings)}

    def _returned(self, path: str, scope: str, body: list[dict[str, Any]], depth: int) -> Any:
        """The expression `body` returns; `_UNKNOWN` if a test cannot be read; None if it
        falls through without returning."""
        for stmt in body:
            if "ret" in stmt:
                return stmt["ret"] if stmt["ret"] is not None else _UNKNOWN
            taken = self._environment_test(path, scope, stmt["if"])
            if taken is None or depth > _MAX_DEPTH:
                return _UNKNOWN
            value = self._returned(path, scope, stmt["then"] if taken else stmt["else"], depth + 1)
            if value is not None:
                return value
        return None

    def _environment_default(self, path: str, scope: str, call: Expr | None) -> Expr | None:
        """What `os.environ.get(X[, default])` / `os.getenv(...)` gives with X unset: the
        default's expression (`{"c": None}` without one); None if `call` is no such read."""
        if not isinstance(call, dict) or "call" not in call:
            return None
        ref = self.resolve_expr(path, scope, call["call"])
        if ref is None or ref.kind != "external" or ref.name not in ("os.environ.get", "os.getenv"):
            return None
        default = arg(call, 1, "default")
        return {"c": None} if default is None else default

    def _environment_test(self, path: str, scope: str, test: Expr | None) -> bool | None:
        """The truth of a test reading the environment, with the variable unset."""
        default = self._environment_default(path, scope, test)
        if default is None:
            return None
        try:
            return bool(self.literal(path, scope, default))
        except ValueError:
            return None

    def class_attribute_default(self, ref: Ref, attribute: str, depth: int = 0) -> tuple[Ref, Expr] | None:
        """The class-level value of `Class.attribute` or `instance.attribute`.

        ``settings.API_V1_STR`` with ``settings = Settings()`` and ``API_V1_STR: str =
        "/api/v1"`` in the class (the usual pydantic-settings idiom) reads the default; the
        environment could override it, but the default is what the code declares.
        """
        cls: Ref | None = None
        if ref.kind == "class":
            cls = Ref("class", ref.file, ref.scope, ref.name, ref.obj)
        elif ref.kind == "assign" and call_func(ref.obj["v"]):
            cls = self.class_ref(ref.file, ref.scope, ref.obj["v"]["call"])
        if cls is None or cls.kind != "class" or depth > _MAX_DEPTH:
            return None
        for owner in self.ancestors(cls):
            if owner.kind != "class":
                continue
            for fld in reversed(owner.obj["fields"]):
                if fld["name"] == attribute and fld["v"] is not None:
                    return owner, fld["v"]
        return None

    def eval_list(self, path: str, scope: str, e: Expr | None, depth: int = 0) -> list[Expr] | None:
        """List/tuple items, following a name to a module-level list; None if dynamic."""
        if e is None or depth > _MAX_DEPTH:
            return None
        if "list" in e:
            return e["list"]
        if "at" in e:
            return self.eval_list(e["at"][0], e["at"][1], e["e"], depth + 1)
        if "n" in e:
            ref = self.resolve(path, scope, e["n"])
            if ref and ref.kind == "assign" and not ref.rest:
                return self.eval_list(ref.file, ref.scope, ref.obj["v"], depth + 1)
        if e.get("op") == "Add":
            left = self.eval_list(path, scope, e["l"], depth + 1)
            right = self.eval_list(path, scope, e["r"], depth + 1)
            return left + right if left is not None and right is not None else None
        return None

    def literal(self, path: str, scope: str, e: Expr | None, depth: int = 0) -> Any:
        """A plain Python value for constant data (lists, dicts, strings, numbers); raises ValueError."""
        if e is None or depth > _MAX_DEPTH:
            raise ValueError("not a literal")
        if "c" in e:
            return e["c"]
        if "at" in e:
            return self.literal(e["at"][0], e["at"][1], e["e"], depth + 1)
        if "list" in e:
            return [self.literal(path, scope, item, depth + 1) for item in e["list"]]
        if "dict" in e:
            out = {}
            for key, value in e["dict"]:
                if key is None:
                    raise ValueError("dict unpacking")
                out[self.literal(path, scope, key, depth + 1)] = self.literal(path, scope, value, depth + 1)
            return out
        text = self.eval_str(path, scope, e, depth + 1)
        if text is not None:
            return text
        if "n" in e:
            ref = self.resolve(path, scope, e["n"])
            if ref and ref.kind == "assign" and not ref.rest:
                return self.literal(ref.file, ref.scope, ref.obj["v"], depth + 1)
        raise ValueError("not a literal")

    # -- classes --

    def class_ref(self, path: str, scope: str, e: Expr | None) -> Ref | None:
        ref = self.resolve_expr(path, scope, e)
        if ref is None:
            return None
        if ref.kind == "class" and not ref.rest:
            return ref
        if ref.kind == "external":
            return ref
        return None

    def ancestors(self, ref: Ref, depth: int = 0) -> list[Ref]:
        """The class, then its bases depth-first (a simple MRO); externals appear by name.

        The returned list is shared between callers: read it, never change it.
        """
        if depth == 0 and ref.kind == "class" and not ref.rest:
            key = (ref.file, ref.scope, ref.name)
            if key not in self._ancestors:
                self._ancestors[key] = self._ancestors_of(ref, 0)
            return self._ancestors[key]
        return self._ancestors_of(ref, depth)

    def _ancestors_of(self, ref: Ref, depth: int) -> list[Ref]:
        out: list[Ref] = [ref]
        if ref.kind != "class" or depth > _MAX_DEPTH:
            return out
        for base in ref.obj["bases"]:
            if isinstance(base, dict) and "sub" in base:  # Generic[T], BaseModel[...]
                base = base["sub"]
            base_ref = self.class_ref(ref.file, ref.scope, base)
            if base_ref is not None:
                out.extend(self._ancestors_of(base_ref, depth + 1))
        return out

    def ancestor_names(self, ref: Ref) -> list[str]:
        return [last(r.name) for r in self.ancestors(ref)]

    def base_names(self, ref: Ref) -> frozenset[str]:
        """The last segments of the names of `ref`'s ancestors, itself excluded.

        Memoized under the same condition and key as `ancestors`, from which it derives:
        "is this class a model / an enum / a serializer" is asked for every annotation.
        """
        if ref.kind == "class" and not ref.rest:
            key = (ref.file, ref.scope, ref.name)
            names = self._base_names.get(key)
            if names is None:
                names = self._base_names[key] = frozenset(self.ancestor_names(ref)[1:])
            return names
        return frozenset(self.ancestor_names(ref)[1:])


# --- Type hints and pydantic models → JSON Schema ----------------------------------------

_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "bytes": {"type": "string", "format": "binary"},
    "Decimal": {"type": "number"},
    "datetime": {"type": "string", "format": "date-time"},
    "AwareDatetime": {"type": "string", "format": "date-time"},
    "NaiveDatetime": {"type": "string", "format": "date-time"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "timedelta": {"type": "string", "format": "duration"},
    "UUID": {"type": "string", "format": "uuid"},
    "UUID1": {"type": "string", "format": "uuid"},
    "UUID4": {"type": "string", "format": "uuid"},
    "EmailStr": {"type": "string", "format": "email"},
    "NameEmail": {"type": "string", "format": "email"},
    "HttpUrl": {"type": "string", "format": "uri"},
    "AnyUrl": {"type": "string", "format": "uri"},
    "AnyHttpUrl": {"type": "string", "format": "uri"},
    "IPv4Address": {"type": "string", "format": "ipv4"},
    "IPv6Address": {"type": "string", "format": "ipv6"},
    "SecretStr": {"type": "string"},
    "PositiveInt": {"type": "integer", "exclusiveMinimum": 0},
    "NegativeInt": {"type": "integer", "exclusiveMaximum": 0},
    "NonNegativeInt": {"type": "integer", "minimum": 0},
    "NonPositiveInt": {"type": "integer", "maximum": 0},
    "PositiveFloat": {"type": "number", "exclusiveMinimum": 0},
    "NonNegativeFloat": {"type": "number", "minimum": 0},
    "StrictStr": {"type": "string"},
    "StrictInt": {"type": "integer"},
    "StrictFloat": {"type": "number"},
    "StrictBool": {"type": "boolean"},
    "Any": {},
    "object": {},
    "Json": {},
    "dict": {"type": "object"},
    "Dict": {"type": "object"},
    "Mapping": {"type": "object"},
    "list": {"type": "array"},
    "List": {"type": "array"},
    "set": {"type": "array", "uniqueItems": True},
    "Set": {"type": "array", "uniqueItems": True},
    "tuple": {"type": "array"},
    "Tuple": {"type": "array"},
    "Sequence": {"type": "array"},
    "None": {"type": "null"},
    "NoneType": {"type": "null"},
}
SCALAR_NAMES = frozenset(
    n
    for n, s in _SCALARS.items()
    if s.get("type") not in ("object", "array") and n not in ("Any", "object", "Json")
)
_ARRAYS = {
    "list",
    "List",
    "Sequence",
    "MutableSequence",
    "Iterable",
    "Collection",
    "conlist",
    "Tuple",
    "tuple",
}
_SETS = {"set", "Set", "frozenset", "FrozenSet", "AbstractSet", "MutableSet", "conset"}
_MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping", "DefaultDict", "OrderedDict"}
_MODEL_BASES = {"BaseModel", "SQLModel", "GenericModel", "RootModel"}
_ENUM_BASES = {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}

# Field(...)/Query(...)/constr(...) keyword → JSON Schema keyword, by schema type.
_NUMERIC_CONSTRAINTS = {
    "ge": "minimum",
    "le": "maximum",
    "gt": "exclusiveMinimum",
    "lt": "exclusiveMaximum",
    "multiple_of": "multipleOf",
}


def apply_constraints(schema: dict[str, Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """Merge pydantic/FastAPI constraint keywords (already literal values) into `schema`."""
    kind = schema.get("type")
    for key, value in kwargs.items():
        if value is None:
            continue
        if key in _NUMERIC_CONSTRAINTS and isinstance(value, (int, float)) and not isinstance(value, bool):
            schema[_NUMERIC_CONSTRAINTS[key]] = value
        elif key in ("min_length", "max_length") and isinstance(value, int):
            if kind == "array":
                schema["minItems" if key == "min_length" else "maxItems"] = value
            else:
                schema["minLength" if key == "min_length" else "maxLength"] = value
        elif key in ("min_items", "max_items") and isinstance(value, int):
            schema["minItems" if key == "min_items" else "maxItems"] = value
        elif key in ("pattern", "regex") and isinstance(value, str):
            schema["pattern"] = value
        elif key == "description" and isinstance(value, str):
            schema["description"] = value
    return schema


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str) and "$ref" not in schema:
        out = dict(schema, type=[schema["type"], "null"])
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out
    if schema == {} or schema.get("type") == "null":
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


def _literal_schema(values: list[Any]) -> dict[str, Any]:
    schema: dict[str, Any] = {"enum": values}
    kinds = {type(v) for v in values}
    if kinds == {str}:
        schema["type"] = "string"
    elif kinds == {int}:
        schema["type"] = "integer"
    elif kinds == {bool}:
        schema["type"] = "boolean"
    return schema


class SchemaBuilder:
    """JSON Schema from type hints and pydantic models, with recursion kept as `$defs` refs."""

    def __init__(self, project: PythonProject) -> None:
        self.project = project
        self._stack: list[tuple[str, str]] = []
        self._defs_wanted: dict[str, Ref] = {}
        self._aliases: list[tuple[str, str, str]] = []
        self._models: dict[tuple[str, str], dict[str, Any]] = {}
        self._named: dict[tuple[str, str, str], tuple[str, Any]] = {}
        # (file, scope, id of the field's facts) -> `field_schema`; see `_field`
        self._fields: dict[tuple[str, str, int], tuple[str, dict[str, Any], bool]] = {}
        self._top: dict[tuple[str, str, str], dict[str, Any]] = {}  # see `top_schema`
        self._refs_emitted = 0
        self._cycles_cut = 0  # type aliases found referring to themselves (see `_named_schema`)

    def root(self, path: str, scope: str, ann: Expr | None) -> dict[str, Any]:
        """A complete schema for `ann`; recursive models end up in its `$defs`.

        Shared between callers, like model schemas (copy before changing it).
        """
        name = ann.get("n") if ann is not None else None
        if name is not None:
            # Every route's `response_model=Item`: a memoized top schema met no recursion, so
            # `finish` would add no `$defs` to it; the builder is left as `finish` leaves it.
            found = self._top.get((path, scope, name))
            if found is not None:
                self._stack = []
                self._defs_wanted = {}
                return found
        self.begin()
        return self.finish(self.top_schema(path, scope, ann))

    def top_schema(self, path: str, scope: str, ann: Expr | None) -> dict[str, Any]:
        """`type_schema` of `ann` at the top of a document (no model being built), memoized
        for plain names (`int`, `Item`): every route asks again about the few of its module.

        Shared between callers (copy before changing it). Only a schema whose building met no
        recursion (no `$ref`, no type alias cut short) is kept: it then adds nothing to the
        document's `$defs` and is the same whenever it is asked.
        """
        name = ann.get("n") if ann is not None else None
        if name is None:
            return self.type_schema(path, scope, ann)
        key = (path, scope, name)
        found = self._top.get(key)
        if found is None:
            refs_before, cuts_before = self._refs_emitted, self._cycles_cut
            found = self._named_schema(path, scope, name)
            if self._refs_emitted == refs_before and self._cycles_cut == cuts_before:
                self._top[key] = found
        return found

    def begin(self) -> None:
        """Start a document: schemas built until `finish` share one `$defs`."""
        self._stack = []
        self._defs_wanted = {}

    def finish(self, schema: dict[str, Any]) -> dict[str, Any]:
        defs: dict[str, Any] = {}
        while len(defs) < len(self._defs_wanted):
            for name, ref in list(self._defs_wanted.items()):
                if name not in defs:
                    self._stack = [(ref.file, ref.name)]
                    defs[name] = self._model_body(ref)
        self._stack = []
        if defs:
            schema = dict(schema, **{"$defs": defs})
        return schema

    # -- classification --

    def is_model(self, ref: Ref | None) -> bool:
        return (
            ref is not None
            and ref.kind == "class"
            and not self.project.base_names(ref).isdisjoint(_MODEL_BASES)
        )

    def is_enum(self, ref: Ref | None) -> bool:
        return (
            ref is not None
            and ref.kind == "class"
            and not self.project.base_names(ref).isdisjoint(_ENUM_BASES)
        )

    def unwrap_annotated(self, path: str, scope: str, ann: Expr | None) -> tuple[Expr | None, list[Expr]]:
        """(type, metadata) for `Annotated[T, m1, m2]`; (ann, []) otherwise."""
        if (
            isinstance(ann, dict)
            and "sub" in ann
            and self.project.canonical(path, scope, ann["sub"]) == "Annotated"
        ):
            items = list_items(ann["idx"]) or [ann["idx"]]
            return items[0], items[1:]
        return ann, []

    def strip_optional(self, path: str, scope: str, ann: Expr | None) -> tuple[Expr | None, bool]:
        """(inner, True) for Optional[T] / T | None / Union[T, None] with a single T."""
        if not isinstance(ann, dict) or ("op" not in ann and "sub" not in ann):
            return ann, False
        members = self._union_members(path, scope, ann)
        if members is None:
            return ann, False
        non_null = [m for m in members if not _is_none(m)]
        if len(non_null) == 1 and len(members) > 1:
            return non_null[0], True
        return ann, False

    def _union_members(self, path: str, scope: str, ann: Expr) -> list[Expr] | None:
        if ann.get("op") == "BitOr":
            left = self._union_members(path, scope, ann["l"]) or [ann["l"]]
            right = self._union_members(path, scope, ann["r"]) or [ann["r"]]
            return left + right
        if "sub" in ann:
            base = self.project.canonical(path, scope, ann["sub"])
            if base == "Optional":
                return [ann["idx"], {"c": None}]
            if base == "Union":
                return list_items(ann["idx"]) or [ann["idx"]]
        return None

    # -- schemas --

    def type_schema(self, path: str, scope: str, ann: Expr | None) -> dict[str, Any]:
        if ann is None:
            return {}
        name = ann.get("n")
        if name is not None:
            return self._named_schema(path, scope, name)
        if "c" in ann:
            if ann["c"] is None:
                return {"type": "null"}
            if isinstance(ann["c"], str):
                try:
                    parsed = expr(ast.parse(ann["c"].strip(), mode="eval").body)
                except SyntaxError:
                    return {}
                return self.type_schema(path, scope, parsed)
            return {}
        members = self._union_members(path, scope, ann)
        if members is not None:
            non_null = [m for m in members if not _is_none(m)]
            schemas = [self.type_schema(path, scope, m) for m in non_null]
            core = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
            return nullable(core) if len(non_null) < len(members) else core
        if "sub" in ann:
            return self._generic_schema(path, scope, ann)
        if "call" in ann:
            return self._constrained_call(path, scope, ann)
        return {}

    def _named_schema(self, path: str, scope: str, name: str) -> dict[str, Any]:
        """The schema of a type named `name`: a scalar, an enum, a model or a type alias."""
        # What the name is only depends on the facts; every route asks again (`int`, the
        # file's models), so the classification is memoized and the schema made from it.
        key = (path, scope, name)
        named = self._named.get(key)
        if named is None:
            named = self._named[key] = self._classify(self.project.resolve(path, scope, name))
        kind, payload = named
        if kind == "scalar":
            return dict(payload)
        if kind == "model":
            return self.model_schema(payload)
        if kind == "enum":
            return self.enum_schema(payload)
        # `UserId = Annotated[int, Field(gt=0)]` and other type aliases; a self-referencing
        # alias (`Tree = list["Tree"]`) stops at the cycle.
        alias = (payload.file, payload.scope, payload.name)
        if alias in self._aliases:
            self._cycles_cut += 1
            return {}
        self._aliases.append(alias)
        try:
            return self.type_schema(payload.file, payload.scope, payload.obj["v"])
        finally:
            self._aliases.pop()

    def _classify(self, ref: Ref | None) -> tuple[str, Any]:
        """("scalar", schema to copy) | ("enum", class) | ("model", class) | ("alias", assign)."""
        if ref is None:
            return "scalar", {}
        if ref.kind == "external":
            return "scalar", _SCALARS.get(last(ref.name), {})
        if ref.kind == "class":
            bases = self.project.base_names(ref)  # `is_enum`, then `is_model`
            if not bases.isdisjoint(_ENUM_BASES):
                return "enum", ref
            if not bases.isdisjoint(_MODEL_BASES):
                return "model", ref
            return "scalar", {}
        if ref.kind == "assign" and not ref.rest:
            return "alias", ref
        return "scalar", {}

    def _generic_schema(self, path: str, scope: str, ann: Expr) -> dict[str, Any]:
        base = self.project.canonical(path, scope, ann["sub"])
        args = list_items(ann["idx"]) or [ann["idx"]]
        if base == "Annotated":
            schema = dict(self.type_schema(path, scope, args[0]))
            for meta in args[1:]:
                if call_func(meta) and self.project.canonical(path, scope, meta["call"]) == "Field":
                    schema = apply_constraints(schema, self.literal_kwargs(path, scope, meta))
            return schema
        if base == "Literal":
            values = [const(a) for a in args if isinstance(a, dict) and "c" in a]
            return _literal_schema(values)
        if base in _ARRAYS:
            if base in ("tuple", "Tuple") and not (
                len(args) == 2 and isinstance(args[1], dict) and args[1].get("ellipsis")
            ):
                return {
                    "type": "array",
                    "prefixItems": [self.type_schema(path, scope, a) for a in args],
                    "minItems": len(args),
                    "maxItems": len(args),
                }
            return {"type": "array", "items": self.type_schema(path, scope, args[0])}
        if base in _SETS:
            return {"type": "array", "items": self.type_schema(path, scope, args[0]), "uniqueItems": True}
        if base in _MAPPINGS:
            value = self.type_schema(path, scope, args[1]) if len(args) > 1 else {}
            return {"type": "object", "additionalProperties": value} if value else {"type": "object"}
        if base in ("Optional",):
            return nullable(self.type_schema(path, scope, args[0]))
        return self.type_schema(path, scope, ann["sub"])

    def _constrained_call(self, path: str, scope: str, ann: Expr) -> dict[str, Any]:
        func = self.project.canonical(path, scope, ann["call"])
        kwargs = self.literal_kwargs(path, scope, ann)
        base = {
            "constr": {"type": "string"},
            "conint": {"type": "integer"},
            "confloat": {"type": "number"},
            "condecimal": {"type": "number"},
            "conbytes": {"type": "string", "format": "binary"},
        }.get(func)
        if base is not None:
            return apply_constraints(dict(base), kwargs)
        if func in ("conlist", "conset"):
            item = self.type_schema(path, scope, arg(ann, 0, "item_type"))
            schema = {"type": "array", "items": item}
            if func == "conset":
                schema["uniqueItems"] = True
            return apply_constraints(schema, kwargs)
        return {}

    def literal_kwargs(self, path: str, scope: str, call: Expr) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in call.get("kw", {}).items():
            try:
                out[key] = self.project.literal(path, scope, value)
            except ValueError:
                continue
        return out

    def enum_schema(self, ref: Ref) -> dict[str, Any]:
        values = []
        for fld in ref.obj["fields"]:
            if fld["name"].startswith("_") or not isinstance(fld["v"], dict):
                continue
            value = fld["v"]
            if "c" in value:
                values.append(value["c"])
            elif list_items(value) and all("c" in v for v in value["list"]):
                values.append(value["list"][0]["c"])  # (value, label) members
        return _literal_schema(values)

    def model_schema(self, ref: Ref) -> dict[str, Any]:
        """The schema of a model; shared between callers (copy before changing it)."""
        key = (ref.file, ref.name)
        if key in self._stack:
            self._defs_wanted[ref.name] = ref
            self._refs_emitted += 1
            return {"$ref": f"#/$defs/{ref.name}"}
        cached = self._models.get(key)
        if cached is not None:
            return cached
        refs_before = self._refs_emitted
        self._stack.append(key)
        try:
            body = self._model_body(ref)
        finally:
            self._stack.pop()
        # A schema holding `$ref`s depends on the enclosing document's `$defs`: not reusable.
        if self._refs_emitted == refs_before:
            self._models[key] = body
        return body

    def model_fields(self, ref: Ref) -> list[tuple[Ref, dict[str, Any]]]:
        """Annotated fields of a model and its model bases, base fields first, overrides last."""
        chain = [r for r in self.project.ancestors(ref) if r.kind == "class"]
        ordered: dict[str, tuple[Ref, dict[str, Any]]] = {}
        for cls in reversed(chain):
            if cls is not ref and not self.is_model(cls):
                continue
            for fld in cls.obj["fields"]:
                name, ann = fld["name"], fld["ann"]
                if ann is None or name.startswith("_") or name == "model_config":
                    continue
                if (
                    isinstance(ann, dict)
                    and "sub" in ann
                    and self.project.canonical(cls.file, cls.scope, ann["sub"]) == "ClassVar"
                ):
                    continue
                ordered.pop(name, None)
                ordered[name] = (cls, fld)
        return list(ordered.values())

    def _model_body(self, ref: Ref) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for cls, fld in self.model_fields(ref):
            name, schema, is_required = self._field(cls, fld)
            properties[name] = schema
            if is_required:
                required.append(name)
        schema: dict[str, Any] = {"type": "object", "title": ref.name, "properties": properties}
        if required:
            schema["required"] = required
        if self._forbids_extra(ref):
            schema["additionalProperties"] = False
        return schema

    def _field(self, cls: Ref, fld: dict[str, Any]) -> tuple[str, dict[str, Any], bool]:
        """`field_schema` of a field of class `cls`, memoized: a base model's fields are read
        again for each of its subclasses (`ItemOut(Item)`).

        Only a field whose schema met no recursion (no `$ref` to an enclosing model, no type
        alias cut short) is kept: its schema then does not depend on where it is asked from.
        The schema is shared by the models having the field, like the model bodies are.
        """
        # `fld` is one of the project's facts, alive as long as this builder; the same facts
        # may serve two files with the same content, hence the file and scope in the key.
        key = (cls.file, cls.scope, id(fld))
        found = self._fields.get(key)
        if found is None:
            refs_before, cuts_before = self._refs_emitted, self._cycles_cut
            found = self.field_schema(cls.file, cls.scope, fld["ann"], fld["v"], fld["name"])
            if self._refs_emitted == refs_before and self._cycles_cut == cuts_before:
                self._fields[key] = found
        return found

    def _forbids_extra(self, ref: Ref) -> bool:
        """`model_config = ConfigDict(extra="forbid")` (v2) or `class Config: extra = "forbid"` (v1)."""
        for cls in self.project.ancestors(ref):
            if cls.kind != "class":
                continue
            for fld in cls.obj["fields"]:
                if fld["name"] == "model_config" and call_func(fld["v"]):
                    extra = fld["v"]["kw"].get("extra")
                    return const(extra) == "forbid" or last(name_of(extra)) == "forbid"
            config = cls.obj["inner"].get("Config")
            if config is not None:
                for fld in config["fields"]:
                    if fld["name"] == "extra":
                        return const(fld["v"]) == "forbid" or last(name_of(fld["v"])) == "forbid"
        return False

    def field_schema(
        self, path: str, scope: str, ann: Expr | None, value: Expr | None, name: str
    ) -> tuple[str, dict[str, Any], bool]:
        """(property name, schema, required) of one pydantic field `name: ann = value`."""
        inner, metadata = self.unwrap_annotated(path, scope, ann)
        field_call: Expr | None = None
        for meta in metadata:
            if call_func(meta) and self.project.canonical(path, scope, meta["call"]) == "Field":
                field_call = meta
        has_default = value is not None
        default: Any = _MISSING
        if (
            value is not None
            and call_func(value)
            and self.project.canonical(path, scope, value["call"]) == "Field"
        ):
            field_call = value
            has_default = False
        if value is not None and "c" in value:
            default = value["c"]
        if field_call is not None:
            first = arg(field_call, 0, "default")
            if first is not None and not first.get("ellipsis"):
                has_default = True
                if "c" in first:
                    default = first["c"]
            if "default_factory" in field_call["kw"]:
                has_default = True
        core, optional = self.strip_optional(path, scope, inner)
        schema = self.type_schema(path, scope, core)
        if field_call is not None:
            kwargs = self.literal_kwargs(path, scope, field_call)
            schema = apply_constraints(dict(schema), kwargs)
            alias = kwargs.get("alias") or kwargs.get("validation_alias")
            if isinstance(alias, str):
                name = alias
        if optional:
            schema = nullable(schema)
        if default is not _MISSING and default is not None:
            schema = dict(schema, default=default)
        return name, schema, not has_default


class _Missing:
    pass


_MISSING: Any = _Missing()


def _is_none(e: Expr | None) -> bool:
    return isinstance(e, dict) and (("c" in e and e["c"] is None) or e.get("n") in ("None", "NoneType"))


def status_code_of(e: Expr | None) -> int | None:
    """`201`, `status.HTTP_201_CREATED`, `HTTPStatus.CREATED`-less forms → 201."""
    if e is None:
        return None
    value = const(e)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    name = name_of(e) or ""
    match = re.search(r"HTTP_(\d{3})", name)
    return int(match.group(1)) if match else None


# --- Django models and DRF serializers → JSON Schema -------------------------------------

_SERIALIZER_BASES = {"Serializer", "ModelSerializer", "HyperlinkedModelSerializer", "BaseSerializer"}
_MODEL_SERIALIZERS = {"ModelSerializer", "HyperlinkedModelSerializer"}
_STRING_FIELDS = {
    "CharField": {},
    "RegexField": {},
    "SlugField": {"pattern": r"^[-a-zA-Z0-9_]+$"},
    "EmailField": {"format": "email"},
    "URLField": {"format": "uri"},
    "UUIDField": {"format": "uuid"},
    "IPAddressField": {},
    "GenericIPAddressField": {},
    "TextField": {},
    "FilePathField": {},
}
_SIMPLE_FIELDS: dict[str, dict[str, Any]] = {
    "IntegerField": {"type": "integer"},
    "SmallIntegerField": {"type": "integer"},
    "BigIntegerField": {"type": "integer"},
    "PositiveIntegerField": {"type": "integer", "minimum": 0},
    "PositiveSmallIntegerField": {"type": "integer", "minimum": 0},
    "PositiveBigIntegerField": {"type": "integer", "minimum": 0},
    "FloatField": {"type": "number"},
    "DecimalField": {"type": "string", "format": "decimal"},
    "BooleanField": {"type": "boolean"},
    "NullBooleanField": {"type": ["boolean", "null"]},
    "DateTimeField": {"type": "string", "format": "date-time"},
    "DateField": {"type": "string", "format": "date"},
    "TimeField": {"type": "string", "format": "time"},
    "DurationField": {"type": "string"},
    "JSONField": {},
    "DictField": {"type": "object"},
    "HStoreField": {"type": "object"},
    "FileField": {"type": "string", "format": "binary"},
    "ImageField": {"type": "string", "format": "binary"},
    "BinaryField": {"type": "string", "format": "binary"},
    "ModelField": {},
    "PrimaryKeyRelatedField": {"type": "integer"},
    "SlugRelatedField": {"type": "string"},
    "HyperlinkedRelatedField": {"type": "string", "format": "uri"},
    "HyperlinkedIdentityField": {"type": "string", "format": "uri"},
    "StringRelatedField": {"type": "string"},
    "SerializerMethodField": {},
    "ReadOnlyField": {},
    "ListField": {"type": "array"},
    "MultipleChoiceField": {"type": "array", "uniqueItems": True},
    "ChoiceField": {},
}
_ALWAYS_READ_ONLY = {
    "HyperlinkedIdentityField",
    "StringRelatedField",
    "SerializerMethodField",
    "ReadOnlyField",
}
_AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}
_RELATIONS = {"ForeignKey", "OneToOneField"}


@dataclass
class SerializerField:
    name: str
    schema: dict[str, Any]
    read_only: bool = False
    write_only: bool = False
    required: bool = True


class SerializerSchemaBuilder:
    """Request and response JSON Schema of DRF serializers, models resolved from models.py."""

    def __init__(self, project: PythonProject) -> None:
        self.project = project
        self.warnings: list[tuple[str, str, int]] = []  # (file, message, line)
        self._stack: list[tuple[str, str]] = []

    def is_serializer(self, ref: Ref | None) -> bool:
        return (
            ref is not None
            and ref.kind == "class"
            and not self.project.base_names(ref).isdisjoint(_SERIALIZER_BASES)
        )

    def schemas(self, ref: Ref) -> tuple[dict[str, Any], dict[str, Any]]:
        """(request schema, response schema) of serializer class `ref`."""
        key = (ref.file, ref.name)
        if key in self._stack:
            return {"type": "object"}, {"type": "object"}
        self._stack.append(key)
        try:
            fields = self.fields(ref)
        finally:
            self._stack.pop()
        request = {
            "type": "object",
            "title": ref.name,
            "properties": {f.name: _view(f.schema, "request") for f in fields if not f.read_only},
        }
        required = [f.name for f in fields if not f.read_only and f.required]
        if required:
            request["required"] = required
        readable = [f for f in fields if not f.write_only]
        response = {
            "type": "object",
            "title": ref.name,
            "properties": {f.name: _view(f.schema, "response") for f in readable},
        }
        if readable:
            response["required"] = [f.name for f in readable]
        return request, response

    def fields(self, ref: Ref) -> list[SerializerField]:
        chain = [r for r in self.project.ancestors(ref) if r.kind == "class"]
        declared: dict[str, SerializerField | None] = {}
        for cls in reversed(chain):
            for fld in cls.obj["fields"]:
                if not call_func(fld["v"]):
                    continue
                built = self.declared_field(cls, fld["name"], fld["v"])
                if built is not False:
                    declared.pop(fld["name"], None)
                    declared[fld["name"]] = built  # type: ignore[assignment]
        names = [r.name if r.kind == "class" else last(r.name) for r in self.project.ancestors(ref)]
        if not any(n in _MODEL_SERIALIZERS for n in names):
            return [f for f in declared.values() if f is not None]
        meta = next((c.obj["inner"]["Meta"] for c in chain if "Meta" in c.obj["inner"]), None)
        owner = next((c for c in chain if "Meta" in c.obj["inner"]), ref)
        return self._model_serializer_fields(ref, owner, meta, declared)

    def declared_field(self, cls: Ref, name: str, call: Expr) -> SerializerField | None | bool:
        """A serializer field from `name = X(...)`; None for HiddenField; False if not a field."""
        path, scope = cls.file, cls.scope
        target = self.project.resolve_expr(path, scope, call["call"])
        kwargs = SchemaBuilder(self.project).literal_kwargs(path, scope, call)
        many = kwargs.get("many") is True
        if target is not None and self.is_serializer(target):
            request, response = self.schemas(target)
            if many:
                request, response = {"type": "array", "items": request}, {"type": "array", "items": response}
            # A nested serializer reads and writes different shapes (read-only fields).
            field = SerializerField(name, {"_split": {"request": request, "response": response}})
            self._apply_common(field, kwargs)
            return field
        kind = (
            last(target.name)
            if target is not None and target.kind == "external"
            else (target.name if target is not None and target.kind == "class" else "")
        )
        if kind == "HiddenField":
            return None
        if kind == "SerializerMethodField" or kind in _ALWAYS_READ_ONLY:
            field = SerializerField(name, dict(_SIMPLE_FIELDS.get(kind, {})), read_only=True, required=False)
            return field
        schema = self.field_type_schema(path, scope, kind, call, kwargs, serializer=True)
        if schema is None:
            return False
        if many:
            schema = {"type": "array", "items": schema}
        field = SerializerField(name, schema)
        self._apply_common(field, kwargs)
        return field

    def field_type_schema(
        self, path: str, scope: str, kind: str, call: Expr, kwargs: dict[str, Any], *, serializer: bool
    ) -> dict[str, Any] | None:
        if kind in _STRING_FIELDS:
            schema: dict[str, Any] = {"type": "string", **_STRING_FIELDS[kind]}
            if kwargs.get("max_length") is not None:
                schema["maxLength"] = kwargs["max_length"]
            if kwargs.get("min_length") is not None:
                schema["minLength"] = kwargs["min_length"]
            if kind == "RegexField":
                regex = self.project.eval_str(path, scope, arg(call, 0, "regex"))
                if regex:
                    schema["pattern"] = regex
            blank_ok = kwargs.get("allow_blank", False) if serializer else kwargs.get("blank", False)
            if not blank_ok and "minLength" not in schema:
                schema["minLength"] = 1
            choices = self.choices(path, scope, call)
            if choices is not None:
                schema = {"type": "string", "enum": choices}
            return schema
        if kind in _SIMPLE_FIELDS:
            schema = dict(_SIMPLE_FIELDS[kind])
            if kind in ("ChoiceField", "MultipleChoiceField"):
                choices = self.choices(path, scope, call) or []
                inner = {"enum": choices}
                if choices and all(isinstance(c, str) for c in choices):
                    inner["type"] = "string"
                elif choices and all(isinstance(c, int) for c in choices):
                    inner["type"] = "integer"
                schema = inner if kind == "ChoiceField" else {**schema, "items": inner}
            elif kind == "ListField":
                child = arg(call, -1, "child")
                if child is not None and call_func(child):
                    child_field = self.declared_field(
                        Ref("class", path, scope, "", {"fields": []}), "child", child
                    )
                    if isinstance(child_field, SerializerField):
                        schema["items"] = _request_view(child_field.schema)
                if isinstance(kwargs.get("min_length"), int):
                    schema["minItems"] = kwargs["min_length"]
                if isinstance(kwargs.get("max_length"), int):
                    schema["maxItems"] = kwargs["max_length"]
            elif kind in ("IntegerField", "FloatField", "DecimalField") or schema.get("type") == "integer":
                key_min, key_max = ("min_value", "max_value") if serializer else ("", "")
                if serializer and isinstance(kwargs.get(key_min), (int, float)):
                    schema["minimum"] = kwargs[key_min]
                if serializer and isinstance(kwargs.get(key_max), (int, float)):
                    schema["maximum"] = kwargs[key_max]
                choices = None if serializer else self.choices(path, scope, call)
                if choices is not None:
                    schema["enum"] = choices
            return schema
        return None

    def choices(self, path: str, scope: str, call: Expr) -> list[Any] | None:
        """Values of `choices=`: a list of values or (value, label) pairs, or `X.choices`."""
        e = call.get("kw", {}).get("choices")
        if e is None and call_func(call) and last(call_func(call)) in ("ChoiceField", "MultipleChoiceField"):
            e = arg(call, 0)
        if e is None:
            return None
        name = name_of(e)
        if name and name.endswith(".choices"):
            ref = self.project.resolve(path, scope, name[: -len(".choices")])
            if ref is not None and ref.kind == "class":
                return SchemaBuilder(self.project).enum_schema(ref)["enum"]
        try:
            value = self.project.literal(path, scope, e)
        except ValueError:
            return None
        if isinstance(value, dict):
            return list(value)
        if isinstance(value, list):
            return [v[0] if isinstance(v, list) and v else v for v in value]
        return None

    def _apply_common(self, field: SerializerField, kwargs: dict[str, Any]) -> None:
        if kwargs.get("read_only") is True:
            field.read_only = True
        if kwargs.get("write_only") is True:
            field.write_only = True
        if "default" in kwargs or kwargs.get("required") is False or field.read_only:
            field.required = False
        if kwargs.get("allow_null") is True:
            field.schema = _map_split(field.schema, nullable)
        if isinstance(kwargs.get("help_text"), str):
            field.schema = _map_split(field.schema, lambda s: dict(s, description=kwargs["help_text"]))

    # -- ModelSerializer --

    def _model_serializer_fields(
        self, ref: Ref, owner: Ref, meta: dict[str, Any] | None, declared: dict[str, SerializerField | None]
    ) -> list[SerializerField]:
        options: dict[str, Expr] = {f["name"]: f["v"] for f in meta["fields"]} if meta else {}
        model = self.project.class_ref(owner.file, "", options.get("model")) if "model" in options else None
        model_fields = self.model_fields(model) if model is not None and model.kind == "class" else None
        if model_fields is None:
            self.warnings.append(
                (ref.file, f"serializer {ref.name}: model fields are not parseable", ref.obj["line"])
            )
        try:
            wanted = self.project.literal(owner.file, "", options["fields"]) if "fields" in options else None
        except ValueError:
            wanted = None
        try:
            excluded = (
                set(self.project.literal(owner.file, "", options["exclude"]))
                if "exclude" in options
                else set()
            )
        except ValueError:
            excluded = set()
        try:
            read_only = set(
                self.project.literal(owner.file, "", options.get("read_only_fields", {"list": []}))
            )
        except ValueError:
            read_only = set()
        try:
            extra = (
                self.project.literal(owner.file, "", options["extra_kwargs"])
                if "extra_kwargs" in options
                else {}
            )
        except ValueError:
            extra = {}
        known = model_fields or {}
        if wanted == "__all__" or (wanted is None and excluded):
            names = [*known, *(n for n in declared if n not in known)]
        elif isinstance(wanted, list):
            names = [str(n) for n in wanted]
        else:
            names = list(declared)
        out: list[SerializerField] = []
        for name in names:
            if name in excluded:
                continue
            if name in declared:
                if declared[name] is not None:
                    out.append(declared[name])  # type: ignore[arg-type]
                continue
            field = known.get(name)
            field = (
                SerializerField(name, {}, read_only=True, required=False)
                if field is None
                else SerializerField(
                    field.name, dict(field.schema), field.read_only, field.write_only, field.required
                )
            )
            if name in read_only:
                field.read_only, field.required = True, False
            options_for = extra.get(name) if isinstance(extra, dict) else None
            if isinstance(options_for, dict):
                self._apply_common(field, options_for)
            out.append(field)
        return out

    def model_fields(self, model: Ref) -> dict[str, SerializerField] | None:
        chain = [r for r in self.project.ancestors(model) if r.kind == "class"]
        if not any(last(r.name) == "Model" for r in self.project.ancestors(model) if r.kind == "external"):
            return None
        fields: dict[str, SerializerField] = {}
        has_pk = False
        builder = SchemaBuilder(self.project)
        collected: dict[str, SerializerField] = {}
        for cls in reversed(chain):
            for fld in cls.obj["fields"]:
                call = fld["v"]
                if not call_func(call):
                    continue
                target = self.project.resolve_expr(cls.file, cls.scope, call["call"])
                if target is None or target.kind != "external":
                    continue
                kind = last(target.name)
                kwargs = builder.literal_kwargs(cls.file, cls.scope, call)
                field = self._model_field(cls, fld["name"], kind, call, kwargs)
                if field is None:
                    continue
                if kwargs.get("primary_key") is True or kind in _AUTO_FIELDS:
                    has_pk = True
                collected.pop(field.name, None)
                collected[field.name] = field
        if not has_pk:
            fields["id"] = SerializerField("id", {"type": "integer"}, read_only=True, required=False)
        fields.update(collected)
        return fields

    def _model_field(
        self, cls: Ref, name: str, kind: str, call: Expr, kwargs: dict[str, Any]
    ) -> SerializerField | None:
        if kind in _AUTO_FIELDS:
            return SerializerField(name, {"type": "integer"}, read_only=True, required=False)
        if kind in _RELATIONS:
            schema: dict[str, Any] | None = {"type": "integer"}
        elif kind == "ManyToManyField":
            return SerializerField(
                name, {"type": "array", "items": {"type": "integer"}}, required=not kwargs.get("blank", False)
            )
        else:
            schema = self.field_type_schema(cls.file, cls.scope, kind, call, kwargs, serializer=False)
        if schema is None:
            return None
        read_only = (
            kwargs.get("editable") is False
            or bool(kwargs.get("auto_now"))
            or bool(kwargs.get("auto_now_add"))
        )
        optional = (
            read_only
            or kwargs.get("blank") is True
            or kwargs.get("null") is True
            or "default" in kwargs
            or "default" in call.get("kw", {})
        )
        if kwargs.get("null") is True:
            schema = nullable(schema)
        field = SerializerField(name, schema, read_only=read_only, required=not optional)
        return field


def _map_split(schema: dict[str, Any], func: Any) -> dict[str, Any]:
    if "_split" in schema:
        return {"_split": {k: func(v) for k, v in schema["_split"].items()}}
    return func(schema)


def _view(schema: dict[str, Any], which: str) -> dict[str, Any]:
    return schema["_split"][which] if "_split" in schema else schema


def _request_view(schema: dict[str, Any]) -> dict[str, Any]:
    return _view(schema, "request")


def shared_project(facts: dict[str, dict[str, Any]], index: RepositoryIndex) -> PythonProject:
    """The `PythonProject` over `facts`, one for all the Python linkers of a scan.

    The engine links FastAPI, Flask and Django over the very same facts documents (one per
    file for the three) with the same `RepositoryIndex`; scopes, name resolution and class
    hierarchies are the same questions for the three, so the project and its memos are kept
    in the index's per-scan `shared` space. Facts are never modified, so the same documents
    mean the same answers; other documents get a project of their own.
    """
    project = index.shared.get("python")
    if not isinstance(project, PythonProject) or not project.built_from(facts):
        project = index.shared["python"] = PythonProject(facts)
    return project


class PythonFrameworkScanner(Scanner):
    """What the FastAPI, Flask and Django scanners share: one `ast` parse per file, one facts
    document per file (the very same object for all three, so the facts cache encodes and
    stores it once), detection from manifests or imports; each framework brings its linker.
    """

    language = "python"
    front_end = "python"
    # 3: one facts document per file for every Python scanner, cached once per front end.
    # 4: query parameters views read in their bodies (`queries`).
    # 5: loops holding calls (`loops`) and the loop around a call (`loop`), factories' returned
    # names (`rn`), a mounting factory's call assignments, small helpers' `returns`.
    # 6: the lists of calls a function builds and returns (`rl`); in modules mentioning FastAPI,
    # method bodies (`Class.method` scopes), `self.x = Call()` assignments (target "self.x",
    # class scope) and methods' `args`/`ret`; a factory's calls passing on what it builds
    # (`add_routes(bp)`); the assignment of a name a function body passes to
    # `register_blueprint` (`child = construct_child()`).
    # 7: `ri`, the parameter a function returns unchanged from every `return` (and never
    # rebinds): `urlpatterns = decorate_urlpatterns(urlpatterns, ...)`.
    # 8: `routes` on an `__init__` method: how it changes `self.routes` (DRF router subclasses,
    # `self.routes[0].mapping.update({...})`); returned list comprehensions of calls in `rl`
    # (`{"comp", "t", "it"}`).
    # 9: `if`, the conditions guarding an assignment, call, function or class (outermost first);
    # `+=` of a non-literal to a local list a function builds (`patterns += other.urlpatterns`).
    # 10: `loop` on assignments and `+=` made in a `for` body too (`for fn in
    # hooks.get_hooks(name): urlpatterns += fn()`); `rl` keeps `return [path(...)] + other`.
    # 11: Flask-AppBuilder registrations (`add_view`, `add_view_no_menu`, `add_api`) kept in
    # function bodies, and method bodies visited in modules mentioning `appbuilder`.
    # 12: in a function, `x = getattr(obj, name)` with a non-constant name is kept in `assigns`.
    version = "12"
    extensions = (".py",)
    manifest_names: ClassVar[tuple[str, ...]]  # strings that name the framework in a manifest
    import_names: ClassVar[frozenset[str]]  # top-level modules whose import reveals it

    def detect(self, index: RepositoryIndex, facts: dict[str, dict[str, Any]]) -> bool:
        if index.manifest_mentions(*self.manifest_names):
            return True
        return any(self.import_names & imported_modules(f) for f in facts.values() if f)

    def extract(self, source: SourceFile) -> dict[str, Any]:
        return module_facts(source)

    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        return self.linker(shared_project(facts, index)).run()

    @abstractmethod
    def linker(self, project: PythonProject) -> Any:
        """The framework's linker over `project`; it has `run() -> (endpoints, warnings)`."""
