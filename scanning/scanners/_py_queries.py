"""Query-string parameters a Flask or Django view reads in its body.

Flask and Django views do not declare their query parameters; they read them:
`request.args.get("page", 1, type=int)`, `request.args["q"]`, `request.GET.getlist("tag")`,
`self.request.query_params.get("search")` (DRF). Only the functions whose lines the text
search points at are walked, so a module that never reads a query string costs one regex
search. What a read tells: the name; required when read by subscript (Flask answers 400
without it); the type from `type=` or the default's type; the default; a list for `getlist`.
"""
from __future__ import annotations

import ast
import bisect
import re
from typing import Any

_READ = re.compile(rb"request\.(?:args|values|GET|query_params)\b")
_SOURCES = frozenset({"args", "values", "GET", "query_params"})
_TYPES = {"int": "integer", "float": "number", "str": "string", "bool": "boolean"}
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPE_NODES = (*_FUNCTION_NODES, ast.ClassDef)
_SCOPE_TYPES = frozenset(_SCOPE_NODES)


def query_reads(tree: ast.Module, source: bytes) -> dict[str, list[dict[str, Any]]]:
    """`def` line (as text) -> the query parameters that function reads, first read first."""
    lines = sorted({source.count(b"\n", 0, match.start()) + 1 for match in _READ.finditer(source)})
    if not lines:
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    for function in _functions(tree.body, lines):
        # only the statements the reads are on: a view's other statements can be many
        # (a nested function's reads are its own)
        own = [statement for statement in function.body if not isinstance(statement, _SCOPE_NODES)]
        statements = [statement for statement in own
                      if _covers(lines, statement.lineno, statement.end_lineno or statement.lineno)]
        # `args = request.args` then `args.get("q")`: the reads are on other lines
        aliases = frozenset(target.id for statement in statements if isinstance(statement, ast.Assign)
                            and _is_query_dict(statement.value, frozenset())
                            for target in statement.targets if isinstance(target, ast.Name))
        reads = _reads(own if aliases else statements, aliases)
        if reads:
            found[str(function.lineno)] = reads
    return found


def _covers(lines: list[int], first: int, last: int) -> bool:
    """Whether a line of `lines` (sorted) lies in first..last."""
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last


def _functions(body: list[ast.stmt], lines: list[int]) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Functions and methods a line of `lines` lies in, nested ones included (views declared
    in `create_app()`), outer ones first.

    A function or class with no such line holds none in its nested ones either (they lie
    within its lines): it is not walked.
    """
    out: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in body:
        kind = type(node)
        if kind not in _SCOPE_TYPES or not _covers(lines, node.lineno, node.end_lineno or node.lineno):
            continue
        if kind is not ast.ClassDef:
            out.append(node)  # type: ignore[arg-type]
        out.extend(_functions(node.body, lines))  # type: ignore[attr-defined]
    return out


def _is_query_dict(node: ast.expr, aliases: frozenset[str]) -> bool:
    """`request.args`, `request.GET`, `self.request.query_params`..., or a local name for one."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    if not isinstance(node, ast.Attribute) or node.attr not in _SOURCES:
        return False
    owner = node.value
    if isinstance(owner, ast.Name):
        return owner.id == "request"
    return isinstance(owner, ast.Attribute) and owner.attr == "request"


def _nodes(statement: ast.stmt) -> list[ast.AST]:
    """What `ast.walk(statement)` yields, in its (breadth-first) order, but the expression
    contexts (`Load`, `Store`), which no read is: a list built without a generator per node,
    as `ast.walk` and `ast.iter_child_nodes` have, which cost more than the reads' tests."""
    nodes: list[ast.AST] = [statement]
    position = 0
    while position < len(nodes):
        node = nodes[position]
        position += 1
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                nodes.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST) and not isinstance(value, ast.expr_context):
                nodes.append(value)
    return nodes


def _reads(statements: list[ast.stmt], aliases: frozenset[str]) -> list[dict[str, Any]]:
    reads: dict[str, dict[str, Any]] = {}
    for node in (node for statement in statements for node in _nodes(statement)):
        read: dict[str, Any] | None = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and _is_query_dict(node.func.value, aliases):
            read = _call_read(node)
        elif isinstance(node, ast.Subscript) and _is_query_dict(node.value, aliases) \
                and isinstance(node.ctx, ast.Load):
            name = node.slice
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                read = {"name": name.value, "required": True, "schema": {"type": "string"}}
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.In) \
                and _is_query_dict(node.comparators[0], aliases):
            name = node.left
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                read = {"name": name.value, "required": False, "schema": {"type": "string"}}
        if read is None or not read["name"]:
            continue
        read["line"] = node.lineno
        known = reads.get(read["name"])
        if known is None:
            reads[read["name"]] = read
        else:  # read twice: required if either read requires it; the first typed read types it
            known["required"] = known["required"] or read["required"]
            if known["schema"] == {"type": "string"} and read["schema"] != {"type": "string"}:
                known["schema"] = read["schema"]
    return sorted(reads.values(), key=lambda r: r["line"])


def _call_read(call: ast.Call) -> dict[str, Any] | None:
    method = call.func.attr  # type: ignore[attr-defined]
    if method not in ("get", "getlist") or not call.args:
        return None
    name = call.args[0]
    if not isinstance(name, ast.Constant) or not isinstance(name.value, str):
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    default = call.args[1] if len(call.args) > 1 else keywords.get("default")
    type_ = keywords.get("type")
    item: dict[str, Any] = {"type": _TYPES[type_.id]} if isinstance(type_, ast.Name) and type_.id in _TYPES else {}
    if method == "getlist":
        return {"name": name.value, "required": False,
                "schema": {"type": "array", "items": item or {"type": "string"}}}
    schema = item
    if isinstance(default, ast.Constant) and default.value is not None:
        if not schema:
            kind = type(default.value).__name__
            schema = {"type": _TYPES[kind]} if kind in _TYPES else {}
        schema = {**schema, "default": default.value} if _fits(default.value, schema) else schema
    return {"name": name.value, "required": False, "schema": schema or {"type": "string"}}


def _fits(value: Any, schema: dict[str, Any]) -> bool:
    """A default goes into the schema only when it is of the schema's type (Flask's `type=`
    converts the text of the query string; a default is returned as it is)."""
    kind = schema.get("type")
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return isinstance(value, str)
