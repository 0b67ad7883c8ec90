"""Shared tree-sitter machinery for the JavaScript/TypeScript and Java scanners.

JavaScript/TypeScript: :func:`extract_js_module` reads one parsed file *once* and records the
facts the Express, Fastify and NestJS scanners all need (the three share one walk per file).
The nodes it dispatches on come from a tree-sitter query, so the tree is traversed in C (and
not at all inside the handler bodies the walk skips, see `_JsExtractor.run`); nesting
(function scopes, classes, skipped handler bodies) is rebuilt from byte ranges, and a
variable's value is turned into a ref only if something looks the variable up:

* ``bindings`` are not kept; instead every reference is resolved inside the file to a *ref*,
  a small JSON object that :class:`JsProgram` resolves across files at link time:

  ``{"k": "call", "id", "callee", "args"}``  a call site (``express()``, ``Router()``,
  ``fastify()``, a router factory, ``fp(plugin)``); call sites are the identity of objects;
  ``{"k": "param", "fn", "i"}``  the i-th parameter of a function (``function (app) {...}``,
  a Fastify plugin's instance); ``{"k": "fn", "id"}`` a function; ``{"k": "imp", "src",
  "name"}`` an import/require binding (``name`` is ``"module"`` for ``require``,
  ``"default"``, ``"*"`` or an export name); ``{"k": "attr", "of", "name"}`` a member access;
  ``{"k": "lit", "v"}`` a literal constant.
* ``calls``: every ``X.m(...)`` whose ``m`` is a routing verb (``get``, ``use``,
  ``register``, ``route``...), with its owner ref and argument descriptors, in source order;
  ``X.route('/p').get(h).post(h)`` chains are unrolled.
* ``invocations``: ``f(app, ...)`` calls that hand an object to a function (the
  ``require('./routes')(app)`` idiom); ``fns``: functions with their ``return`` refs;
  ``exports``; ``packages`` imported; ``errors``: tree-sitter syntax errors.
* ``classes``: decorated classes, their decorated methods and parameters, and the fields of
  DTO classes and interfaces (NestJS); ``classbind``: ``this.x`` members that something refers
  to (class-based Express apps); ``methods``: a class's instance methods that return something,
  by name (``new FilesRouter().expressRouter()``), and ``statics``, its static ones; ``enums``: TypeScript enum values.

Compiled CommonJS (Babel, tsc, swc, esbuild) is read as the modules it came from: an interop
helper around a ``require`` (``_interopRequireDefault``, ``__importDefault``, ``__importStar``...)
is that ``require``; ``(0, f)(...)`` is ``f(...)`` (`unwrap` takes a comma expression's last
operand); ``exports.default = ...`` is the default export and ``module.exports =
exports.default`` changes nothing; ``exports.x`` read inside the module is its export ``x``
(resolved at link time); tsc's re-exports (``__exportStar(require("./x"), exports)``,
``Object.defineProperty(exports, "x", {get: ...})``) are ``export * from``/``export {x} from``.

``tsconfig.json``/``jsconfig.json`` yield ``{"kind": "tsconfig", "base_url", "paths"}`` so
that aliased imports (``@/routes/users``) resolve like relative ones.

Code is parsed, never executed. Argument descriptors: ``{"t": "str", "v"}``, ``{"t": "arr",
"v": [...]}``, ``{"t": "obj", "v": json}`` (object literals converted to JSON, non-literal
values kept as ``{"__js__": {"ref", "name"}}`` markers), ``{"t": "ref", "ref", "name"}``,
``{"t": "dyn", "text"}`` for anything that cannot be known statically (with the ``default`` ref of
``opt ?? CONST`` / ``opt || CONST`` as its ``ref``).
"""
from __future__ import annotations

import json
import posixpath
import re
from bisect import bisect_right
from functools import lru_cache
from operator import attrgetter
from typing import Any

from tree_sitter import Query, QueryCursor

JS_EXTENSIONS = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
# tsconfig path aliases decide where `@/routes/users` points; matched by name, not extension
JS_SCANNER_EXTENSIONS = JS_EXTENSIONS + ("tsconfig.json", "jsconfig.json")
# The JavaScript scanners' shared front end: `extract_js` facts, cached once per file for all
# of them. Bump the version whenever what `extract_js_module`/`extract_tsconfig` return changes.
JS_FRONT_END = "javascript"
# 6: functions' end positions (objects a factory creates are one per call); 7: `x ?? CONST` refs;
# 8: exported enums and abstract classes, classes' base refs, @nestjs/config namespaces (`config`)
# 9: `if`, the tests of the `if` statements around a call (outermost first)
# 10: `methods`/`statics`, the methods of a class that return an object (`new X().router()`);
#     `"m": "[]"` calls, a verb computed at run time (`router[route.method](route.path, h)`)
JS_FACTS_VERSION = "10"
RESOLVE_EXTENSIONS = (".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".mts", ".cts")

ROUTE_VERBS = frozenset(
    {"get", "post", "put", "patch", "delete", "del", "all", "head", "options", "use", "route",
     "register", "addHook", "setGlobalPrefix", "enableVersioning"}
)
# `.get`, `.use`, `.route`...: a route call whose arguments the walk skips may be there (see `run`)
_SKIPPING_VERB = re.compile(
    rb"\.\s*(?:" + b"|".join(sorted(v.encode() for v in ROUTE_VERBS if v != "register")) + rb")(?![\w$])"
)
_END_OF_TREE = 0xFFFFFFFF
# bytes from a mark to the next below which the mark does not end a stretch (see `run`)
_MIN_SKIP = 64
_START_BYTE = attrgetter("start_byte")
_END_BYTE = attrgetter("end_byte")
JS_MARKER = "__js__"
SCHEMA_BUILDER = re.compile(r"^(Type|T|t)\.[A-Z]\w*$")
SPREAD_MARKER = "__spread__"

_FUNCTION_TYPES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "generator_function",
     "generator_function_declaration", "method_definition"}
)
_FUNCTION, _CALL, _DECLARATOR, _IMPORT, _EXPORT, _ASSIGNMENT, _RETURN, _CLASS, _ENUM, _IF = range(10)
_DISPATCH: dict[str, int] = {
    **{t: _FUNCTION for t in _FUNCTION_TYPES},
    "call_expression": _CALL, "variable_declarator": _DECLARATOR, "import_statement": _IMPORT,
    "export_statement": _EXPORT, "assignment_expression": _ASSIGNMENT, "return_statement": _RETURN,
    "class_declaration": _CLASS, "abstract_class_declaration": _CLASS, "interface_declaration": _CLASS,
    "enum_declaration": _ENUM, "if_statement": _IF,
}
_RETURNABLE = frozenset({"identifier", "call_expression", "new_expression", "member_expression",
                         "arrow_function", "function_expression"})
# the arguments of a call that a call ref keeps (`createRouter(db)`, `fp(plugin)`)
_CALL_ARG_REFS = frozenset({"identifier", "member_expression", "call_expression", "arrow_function",
                            "function_expression"})
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "non_null_expression", "satisfies_expression",
     "await_expression", "type_assertion", "sequence_expression"}
)
# Methods of an Express app or router (and of a Fastify instance) that return the object they
# are called on, so that a chain of them is still that object
_FLUENT_METHODS = frozenset(
    {"set", "enable", "disable", "engine", "param", "use", "get", "post", "put", "patch", "delete",
     "del", "all", "head", "options", "register", "addHook", "decorate"}
)
# how tsc (and Babel, for `export { x } from`) write re-exports; `__exportStar` may come from
# tslib (`tslib_1.__exportStar(...)`)
_REEXPORTERS = frozenset({"__exportStar", "defineProperty"})
_DEFAULT_EXPORT_TEXTS = frozenset({"exports.default", "module.exports.default"})
# What Babel, TypeScript (tsc, tslib), swc and esbuild wrap a `require` in to emulate ES module
# imports in CommonJS: `_interopRequireDefault(require("express"))`, `__importStar(...)`,
# `tslib_1.__importDefault(...)`, `_interop_require_default._(...)`, `__toESM(...)`. Each
# returns the module, with `.default` its default export (or the module itself when it is
# plain CommonJS), which is what a `require` ref means at link time.
_INTEROP_HELPER = re.compile(
    r"(?:[\w$]+\.)?(?:_interopRequireDefault|_interopRequireWildcard|__importDefault|__importStar|"
    r"__toESM|_interop_require_default|_interop_require_wildcard)(?:\._)?"
)

AUTH_NAME = re.compile(
    r"auth|jwt|passport|login|logged|protect|guard|verify_?token|verifyuser|bearer|api_?key|"
    r"require_?(user|role|admin|scope)|is_?admin|permission|acl|session_?required",
    re.IGNORECASE,
)


LOGIN_STRATEGY = re.compile(r"\(\s*'(local|anonymous)'")


# Asked for every middleware of every route, with the same few names: remembered.
@lru_cache(maxsize=4096)
def is_auth_name(name: str) -> bool:
    return bool(name) and bool(AUTH_NAME.search(name)) and not LOGIN_STRATEGY.search(name)


def _is_statement(node: Any) -> bool:
    parent = node.parent
    while parent is not None and parent.type in ("await_expression", "parenthesized_expression"):
        parent = parent.parent
    return parent is not None and parent.type == "expression_statement"


def js_language(extension: str) -> str:
    if extension == ".tsx":
        return "tsx"
    if extension in (".ts", ".mts", ".cts"):
        return "typescript"
    return "javascript"


def node_text(node: Any) -> str:
    data = node.text
    try:
        return data.decode()  # the fast path; invalid UTF-8 is rare
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def _source_text(source: bytes) -> Any:
    """`node_text` for the nodes of a tree parsed from `source`, slicing it: several times
    cheaper than `Node.text`, which builds a memoryview and copies twice per call."""

    def text(node: Any) -> str:
        data = source[node.start_byte:node.end_byte]
        try:
            return data.decode()
        except UnicodeDecodeError:
            return data.decode("utf-8", errors="replace")

    return text


def syntax_errors(root: Any, limit: int = 3) -> list[dict[str, Any]]:
    """Lines of the first ERROR/MISSING nodes; descends only into subtrees that hold one."""
    found: list[dict[str, Any]] = []
    if not root.has_error:
        return found
    stack = [root]
    while stack and len(found) < limit:
        node = stack.pop()
        if node.is_error or node.is_missing:
            kind = "missing " + node.type if node.is_missing else "unexpected syntax"
            found.append({"line": node.start_point[0] + 1, "message": f"syntax error: {kind}"})
            continue
        stack.extend(reversed([c for c in node.children if c.has_error or c.is_missing]))
    return found


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f", "v": "\v"}


def js_string(node: Any, text: Any = node_text) -> str | None:
    """The value of a string literal or a template literal without substitutions."""
    typ = node.type
    if typ not in ("string", "template_string"):
        return None
    raw = text(node)
    # Most literals (route paths, module names) have no escape (`\`), JSX entity (`&amp;`) or
    # substitution (`${`): their value is the text between the quotes, one slice instead of a
    # child list and a text per fragment. `has_error` keeps unterminated literals on the long way.
    if (len(raw) >= 2 and raw[0] == raw[-1] and "\\" not in raw and "&" not in raw
            and (typ == "string" or "${" not in raw) and not node.has_error):
        return raw[1:-1]
    parts: list[str] = []
    for child in node.named_children:
        kind = child.type
        if kind == "string_fragment":
            parts.append(text(child))
        elif kind == "escape_sequence":
            raw = text(child)[1:]
            parts.append(_ESCAPES.get(raw, raw))
        elif kind == "template_substitution":
            return None
    return "".join(parts)


def unwrap(node: Any) -> Any:
    while node is not None:
        typ = node.type
        if typ not in _WRAPPERS:
            break
        if typ == "sequence_expression":
            # `(0, _express.default)`: compilers call imports through a comma expression
            # (so that `this` is undefined); its value is the last operand
            operands = [c for c in node.named_children if c.type != "comment"]
            node = operands[-1] if operands else None
            continue
        inner = [c for c in node.named_children if c.type not in ("type_annotation", "predefined_type",
                                                                   "type_identifier", "generic_type")]
        node = inner[0] if inner else None
    return node


def _param_names(fn: Any, text: Any = node_text) -> list[str | None]:
    """Parameter names of a function (None for patterns); `text` as `_source_text` gives it
    when the caller has the file's bytes (cheaper than `Node.text`)."""
    single = fn.child_by_field_name("parameter")
    if single is not None:
        return [text(single)]
    params = fn.child_by_field_name("parameters")
    if params is None:
        return []
    names: list[str | None] = []
    for p in params.named_children:
        if p.type == "comment":
            continue
        target = p
        if p.type in ("required_parameter", "optional_parameter"):
            target = p.child_by_field_name("pattern")
        elif p.type == "assignment_pattern":
            target = p.child_by_field_name("left")
        names.append(text(target) if target is not None and target.type == "identifier" else None)
    return names


class _JsExtractor:
    def __init__(self, root: Any) -> None:
        self.root = root
        self.parents: dict[str, str] = {"": ""}
        self.bindings: dict[str, dict[str, Any]] = {"": {}}
        self.fns: dict[str, dict[str, Any]] = {}
        self.calls: list[dict[str, Any]] = []
        self.invocations: list[dict[str, Any]] = []
        self.exports: dict[str, Any] = {}
        self.packages: set[str] = set()
        self.classes: list[dict[str, Any]] = []
        self.classbind: dict[str, dict[str, Any]] = {}
        # (class id, method name, function id) of every instance method; `_finish` keeps those
        # that return something
        self._methods: list[tuple[str, str, str, bool]] = []
        self.current_class = ""
        self.enums: dict[str, list[Any]] = {}
        self.seq = 0
        self.pending_names: dict[str, str] = {}
        self.fn_nodes: dict[str, Any] = {}
        self.this_used: set[tuple[str, str]] = set()
        self._locals: list[dict[str, Any]] = []
        self._done: set[int] = set()
        # (end byte, id) of the enclosing functions and classes while walking
        self._scopes: list[tuple[int, str]] = [(1 << 62, "")]
        self._classes: list[tuple[int, str]] = [(1 << 62, "")]
        # (end byte, node) of the `if` statements around the walk; which branch a route call
        # is in, and its test, are only read for route calls (see `_guard`)
        self._ifs: list[tuple[int, Any]] = [(1 << 62, None)]
        # the file's bytes, so that byte offsets index it (`root.text` starts at the root,
        # after any leading blank lines)
        source = root.text
        if source is not None and root.start_byte:
            source = bytes(root.start_byte) + source
        self._source: bytes | None = source
        self._text = node_text if self._source is None else _source_text(self._source)

    # --- walking -------------------------------------------------------------------------

    def run(self, language: Any) -> dict[str, Any]:
        # The nodes that matter come from a tree-sitter query (the tree is traversed in C);
        # nesting is rebuilt from byte ranges, so Python never visits the other ~95 % of nodes.
        #
        # Even in C, traversing the whole tree costs about half a parse, and most of a route file
        # is handler bodies the walk skips. So the query runs in stretches, each ending where a
        # route call may start skipping (a `.get`, `.use`, `.route`... in the text); the next
        # stretch starts after that call's arguments if the walk did skip them. The marks only
        # decide where stretches end, never what is visited: a node is visited, in the same
        # (start, -end) order, exactly when one query over the whole tree would visit it.
        root = self.root
        cursor = QueryCursor(_dispatch_query(language))
        source = self._source
        marks = [] if source is None else [m.start() for m in _SKIPPING_VERB.finditer(source)]
        if marks:
            # A stretch costs a query from the root (in a file of many statements, a pass over
            # them all). Arguments shorter than the gap to the next mark cost less to traverse
            # than a stretch of their own (`app.use('/r1', require('./r1'))` line after line):
            # such marks do not end a stretch. Which nodes are visited does not change.
            ends = marks[1:] + [len(source)]
            marks = [mark for mark, end in zip(marks, ends) if end - mark >= _MIN_SKIP]
        frontier = 0  # every node that starts before it has been visited or skipped
        while True:
            i = bisect_right(marks, frontier)
            stretch_end = marks[i] if i < len(marks) else _END_OF_TREE
            cursor.set_byte_range(frontier, stretch_end)
            nodes = cursor.captures(root).get("n")
            if nodes:
                if len(nodes) > 1:  # (a stretch between two route calls often holds just the second)
                    # document order, enclosing nodes first: by start, then longest first (two
                    # stable sorts on C-level keys are cheaper than one on a Python key function)
                    nodes.sort(key=_END_BYTE, reverse=True)
                    nodes.sort(key=_START_BYTE)
                frontier = self._walk(nodes, frontier)
            if stretch_end == _END_OF_TREE:
                break
            frontier = max(frontier, stretch_end)
        return self._finish()

    def _walk(self, nodes: list[Any], frontier: int) -> int:
        """Dispatch the sorted `nodes` that start at or after `frontier` and outside the ranges
        skipped on the way; returns the end of the last skipped range (or `frontier`)."""
        scopes = self._scopes
        classes = self._classes
        dispatch = _DISPATCH
        for node in nodes:
            start = node.start_byte
            if start < frontier:
                continue  # inside a skipped range, or an ancestor visited in an earlier stretch
            while scopes[-1][0] <= start:
                scopes.pop()
            while classes[-1][0] <= start:
                classes.pop()
            ifs = self._ifs
            while ifs[-1][0] <= start:
                ifs.pop()
            self.current_class = classes[-1][1]
            scope = scopes[-1][1]
            action = dispatch[node.type]
            descend = True
            if action == _FUNCTION:
                scopes.append((node.end_byte, self._enter_function(node, scope)))
            elif action == _CALL:
                descend = self._on_call(node, scope)
            elif action == _DECLARATOR:
                self._on_declarator(node, scope)
            elif action == _IMPORT:
                self._on_import(node)
                descend = False
            elif action == _EXPORT:
                self._on_export(node, scope)
            elif action == _ASSIGNMENT:
                self._on_assignment(node, scope)
            elif action == _CLASS:
                descend = self._on_class(node, scope)
                if descend:
                    classes.append((node.end_byte, self.current_class))
            elif action == _ENUM:
                self._on_enum(node, scope)
                descend = False
            elif action == _IF:
                ifs.append((node.end_byte, node))
            elif action == _RETURN:
                named = node.named_children
                value = unwrap(named[0]) if named else None
                if value is not None and scope and value.type in _RETURNABLE:
                    self.fns[scope]["returns"].append(self.ref(value, scope))
            if not descend:
                frontier = node.end_byte
        return frontier

    def _enter_function(self, node: Any, scope: str) -> str:
        row, column = node.start_point
        fid = f"f{row + 1}:{column}"
        name_node = node.child_by_field_name("name")
        name = self._text(name_node) if name_node is not None else self.pending_names.get(fid, "")
        self.parents[fid] = scope
        self.fn_nodes[fid] = node  # parameters are bound lazily, on the first lookup through fid
        returns: list[dict[str, Any]] = []
        end_row, end_column = node.end_point
        self.fns[fid] = {"name": name, "line": row + 1, "returns": returns, "end": [end_row + 1, end_column]}
        typ = node.type
        if typ == "arrow_function":
            body = unwrap(node.child_by_field_name("body"))
            if body is not None:
                body_type = body.type
                if body_type in _RETURNABLE:
                    returns.append(self._ref(body, body_type, fid))
        elif name and typ in ("function_declaration", "generator_function_declaration"):
            self.bindings.setdefault(scope, {})[name] = {"k": "fn", "id": fid}
        return fid

    def _table(self, scope: str) -> dict[str, Any]:
        table = self.bindings.get(scope)
        if table is None:
            table = self.bindings[scope] = {}
        if scope in self.fn_nodes:
            node = self.fn_nodes.pop(scope)
            for i, pname in enumerate(_param_names(node, self._text)):
                if pname:
                    table.setdefault(pname, {"k": "param", "fn": scope, "i": i})
        return table

    def _decorators(self, nodes: list[Any], scope: str) -> list[dict[str, Any]]:
        out = []
        for deco in nodes:
            inner = deco.named_children[0] if deco.named_children else None
            if inner is None:
                continue
            if inner.type == "call_expression":
                fn = inner.child_by_field_name("function")
                args = inner.child_by_field_name("arguments")
                out.append({"name": node_text(fn) if fn is not None else "",
                            "args": self._args(args, scope) if args is not None else []})
            else:
                out.append({"name": node_text(inner), "args": []})
        return out

    def _on_enum(self, node: Any, scope: str) -> None:
        """TypeScript `enum Role { Admin = 'admin' }`: a constant object, and enum values for DTOs."""
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return
        values: dict[str, Any] = {}
        counter = 0
        for member in body.named_children:
            if member.type == "enum_assignment":
                key = self._key(member.child_by_field_name("name"))
                value = self.literal(member.child_by_field_name("value"), scope)
                if key is None or value is _UNKNOWN:
                    return
                values[key] = value
                if isinstance(value, int):
                    counter = value + 1
            elif member.type in ("property_identifier", "string"):
                key = self._key(member)
                if key is None:
                    return
                values[key] = counter
                counter += 1
        self.bindings.setdefault(scope, {})[node_text(name)] = {"k": "lit", "v": values}
        self.enums[node_text(name)] = list(values.values())

    def _on_class(self, node: Any, scope: str) -> bool:
        """Decorated classes (NestJS controllers) and the fields of DTO classes/interfaces."""
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return True
        decorators = [c for c in node.children if c.type == "decorator"]
        parent = node.parent
        if parent is not None and parent.type == "export_statement":
            decorators = [c for c in parent.children if c.type == "decorator"] + decorators
        heritage = next((c for c in node.children if c.type == "class_heritage"), None)
        extends, base = None, None
        if heritage is not None:
            clause = next((c for c in heritage.named_children if c.type == "extends_clause"), None)
            value = clause.child_by_field_name("value") if clause is not None else None
            extends = node_text(value) if value is not None else None
            # the base class itself, not just its name: controllers inherit its routes
            base = self.ref(value, scope) if value is not None else None
        cid = f"k{node.start_point[0] + 1}:{node.start_point[1]}"
        self.current_class = cid
        self.classbind[cid] = {}
        if node.type != "interface_declaration":
            self.bindings.setdefault(scope, {})[node_text(name_node)] = {"k": "class", "id": cid}
        record: dict[str, Any] = {
            "name": node_text(name_node), "line": node.start_point[0] + 1,
            "kind": "interface" if node.type == "interface_declaration" else "class",
            "decorators": self._decorators(decorators, scope), "extends": extends, "base": base,
            "fields": [], "methods": [],
        }
        body = node.child_by_field_name("body")
        pending: list[Any] = []
        for member in body.named_children if body is not None else []:
            mtype = member.type
            if mtype == "decorator":
                pending.append(member)
            elif mtype == "method_definition":
                method_name = member.child_by_field_name("name")
                keywords = {node_text(c) for c in member.children if not c.is_named}
                if method_name is not None and not keywords & {"get", "set"}:
                    # `new FilesRouter().expressRouter()`, `Server.promiseRouter()`: what it returns
                    row, column = member.start_point
                    self._methods.append(
                        (cid, node_text(method_name), f"f{row + 1}:{column}", "static" in keywords))
                params_node = member.child_by_field_name("parameters")
                params = []
                for p in params_node.named_children if params_node is not None else []:
                    if p.type not in ("required_parameter", "optional_parameter"):
                        continue
                    pattern = p.child_by_field_name("pattern")
                    params.append({
                        "name": node_text(pattern) if pattern is not None else "",
                        "decorators": self._decorators([c for c in p.children if c.type == "decorator"], scope),
                        "type": ts_type(p.child_by_field_name("type")),
                        "optional": p.type == "optional_parameter",
                    })
                if pending or any(p["decorators"] for p in params):
                    return_type = member.child_by_field_name("return_type")
                    record["methods"].append({
                        "name": node_text(method_name) if method_name is not None else "",
                        "line": (pending[0] if pending else member).start_point[0] + 1,
                        "decorators": self._decorators(pending, scope), "params": params,
                        "returns": ts_type(return_type), "err": member.has_error,
                    })
                pending = []
            elif mtype in ("public_field_definition", "property_signature", "field_definition"):
                field_name = member.child_by_field_name("name")
                if field_name is None:
                    continue
                modifiers = {node_text(c) for c in member.children if not c.is_named}
                if "static" in modifiers:
                    continue
                value_node = member.child_by_field_name("value")
                if value_node is not None:
                    # `router = Router();` as a class field: `this.router` names it
                    self.classbind[cid][node_text(field_name)] = self.ref(value_node, scope)
                record["fields"].append({
                    "name": node_text(field_name).strip("'\""),
                    "decorators": self._decorators(
                        pending + [c for c in member.children if c.type == "decorator"], scope),
                    "type": ts_type(member.child_by_field_name("type")),
                    # `tags: string[] = []` has a default: a client may leave it out
                    "optional": "?" in modifiers or member.child_by_field_name("value") is not None,
                })
                pending = []
            else:
                pending = []
        if record["decorators"] or record["methods"] or record["fields"]:
            self.classes.append(record)
        # Express apps written as classes (`this.app.use(...)`) still need their bodies walked.
        return node.type != "interface_declaration"

    def _on_declarator(self, node: Any, scope: str) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or value is None:
            return
        value = unwrap(value)
        if value is None:
            return
        table = self.bindings.get(scope)
        if table is None:
            table = self.bindings[scope] = {}
        # Most variables are never looked up by anything that matters: their refs are built
        # on first lookup (see `_finish`), not here.
        text = self._text
        name_type = name.type
        if name_type == "identifier":
            if value.type in _FUNCTION_TYPES:
                # `const list = (req, res) => ...`: the function is entered after its declarator
                row, column = value.start_point
                self.pending_names[f"f{row + 1}:{column}"] = text(name)
            table[text(name)] = _Lazy(value, scope, self.current_class)
        elif name_type == "object_pattern":
            for prop in name.named_children:
                if prop.type == "shorthand_property_identifier_pattern":
                    key = text(prop)
                    table[key] = _Lazy(value, scope, self.current_class, attr=key)
                elif prop.type == "pair_pattern":
                    key_node, val_node = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                    if key_node is not None and val_node is not None and val_node.type == "identifier":
                        key = js_string(key_node, text) if key_node.type == "string" else text(key_node)
                        table[text(val_node)] = _Lazy(value, scope, self.current_class, attr=key)

    def _on_import(self, node: Any) -> None:
        source = node.child_by_field_name("source")
        src = js_string(source) if source is not None else None
        if src is None:
            return
        self._note_package(src)
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.bindings[""][node_text(part)] = {"k": "imp", "src": src, "name": "default"}
                elif part.type == "namespace_import":
                    ids = [c for c in part.named_children if c.type == "identifier"]
                    if ids:
                        self.bindings[""][node_text(ids[0])] = {"k": "imp", "src": src, "name": "*"}
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        imported = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias") or imported
                        if imported is not None and alias is not None:
                            key = js_string(imported) if imported.type == "string" else node_text(imported)
                            self.bindings[""][node_text(alias)] = {"k": "imp", "src": src, "name": key}

    def _on_export(self, node: Any, scope: str) -> None:
        source = node.child_by_field_name("source")
        src = js_string(source) if source is not None else None
        value = node.child_by_field_name("value")
        declaration = node.child_by_field_name("declaration")
        if value is not None:
            self.exports["default"] = self.ref(value, scope)
            return
        is_default = any(c.type == "default" for c in node.children)
        if declaration is not None:
            if declaration.type in ("lexical_declaration", "variable_declaration"):
                for decl in declaration.named_children:
                    name = decl.child_by_field_name("name") if decl.type == "variable_declarator" else None
                    if name is not None and name.type == "identifier":
                        self.exports[node_text(name)] = self._local(node_text(name), "")
            else:
                name = declaration.child_by_field_name("name")
                # `export enum Routes { ... }`: route paths imported as `Routes.List`;
                # `export abstract class CrudController`: a base controller, imported to extend
                named = declaration.type.startswith("class") or declaration.type in (
                    "enum_declaration", "abstract_class_declaration")
                if declaration.type in _FUNCTION_TYPES or named:
                    fid = f"f{declaration.start_point[0] + 1}:{declaration.start_point[1]}"
                    ref: dict[str, Any] = {"k": "fn", "id": fid}
                    if named:
                        ref = self._local(node_text(name), "") if name else {"k": "none"}
                    if is_default:
                        self.exports["default"] = ref
                    if name is not None:
                        self.exports[node_text(name)] = ref
            return
        for clause in node.named_children:
            if clause.type == "export_clause":
                for spec in clause.named_children:
                    if spec.type != "export_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    local = node_text(name) if name is not None else "default"
                    exported = node_text(alias) if alias is not None else local
                    if src is not None:
                        self.exports[exported] = {"k": "imp", "src": src, "name": local}
                    else:
                        self.exports[exported] = self._local(local, "")
        if src is not None:
            self._note_package(src)
            if not any(c.type == "export_clause" for c in node.named_children):
                self.exports.setdefault("__star__", []).append(src)

    def _on_assignment(self, node: Any, scope: str) -> None:
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if left is None or right is None:
            return
        target = node_text(left)
        right = unwrap(right)
        if right is None:
            return
        if target in ("module.exports", "exports"):
            if right.type == "member_expression" and self._text(right) in _DEFAULT_EXPORT_TEXTS:
                # `module.exports = exports.default` (babel-plugin-add-module-exports): the
                # module is its default export, which is what `export` falls back to
                self.exports.pop("module", None)
                return
            if right.type == "object":
                for prop in right.named_children:
                    if prop.type == "shorthand_property_identifier":
                        self.exports[node_text(prop)] = self._local(node_text(prop), scope)
                    elif prop.type == "pair":
                        key = self._key(prop.child_by_field_name("key"))
                        value = prop.child_by_field_name("value")
                        if key is not None and value is not None:
                            self.exports[key] = self.ref(value, scope)
                self.exports["module"] = {"k": "none"}
            else:
                self.exports["module"] = self.ref(right, scope)
        elif target.startswith(("module.exports.", "exports.")) and target.count(".") == (
            2 if target.startswith("module.") else 1
        ):
            self.exports[target.rsplit(".", 1)[1]] = self.ref(right, scope)
        elif left.type == "member_expression" and target.startswith("this.") and target.count(".") == 1:
            if self.current_class:
                self.classbind[self.current_class].setdefault(target[5:], self.ref(right, scope))
        elif left.type == "identifier":
            # `app = express()` after `let app;`
            self.bindings.setdefault(scope, {}).setdefault(target, _Lazy(right, scope, self.current_class))

    def _on_call(self, node: Any, scope: str) -> bool:
        if self._done and node.start_byte in self._done:
            return True
        fn = node.child_by_field_name("function")
        if fn is None:
            return True
        fn_type = fn.type
        if fn_type == "member_expression":
            # most calls are `x.m(...)` with some other `m`: their arguments are never looked at
            prop = fn.child_by_field_name("property")
            verb = self._text(prop) if prop is not None else ""
            if verb in ROUTE_VERBS:
                args = node.child_by_field_name("arguments")
                if args is None:
                    return True
                recorded = len(self.calls)
                self._record_route_call(node, fn, verb, args, scope)
                if len(self._ifs) > 1 and len(self.calls) > recorded:
                    self._guard(node.start_byte, self.calls[recorded:])
                # Handler and middleware bodies declare no routes: skipping them is most of the
                # speed. Plugin bodies (`register(async (instance) => ...)`) are walked.
                return verb == "register"
            if verb in ("call", "apply"):
                # `expressApp[route.method].call(expressApp, route.path, handler)`
                self._record_computed_verb(node, unwrap(fn.child_by_field_name("object")), scope)
                return True
            if verb != "default":
                if verb in _REEXPORTERS:
                    self._on_reexport(verb, node, scope)
                return True
            # `_routes.default(app)`: a compiled call of an imported default export, below
        args = node.child_by_field_name("arguments")
        if args is None:
            return True
        if fn_type == "identifier":
            callee_name = self._text(fn)
            if callee_name == "require":
                self._note_require(args)
                return True
            if callee_name in _REEXPORTERS:
                self._on_reexport(callee_name, node, scope)
                return True
        elif fn_type == "import":
            self._note_require(args)
            return True
        elif fn_type == "subscript_expression":
            # `router[route.method](route.path, handler)`
            self._record_computed_verb(node, fn, scope)
            return True
        elif fn_type == "parenthesized_expression":
            # `(0, _routes.default)(app, auth)`: how Babel and tsc call an imported function
            inner = unwrap(fn)
            if inner is None or inner.type not in ("identifier", "member_expression"):
                return True
        elif fn_type not in ("call_expression", "member_expression"):
            return True
        if _is_statement(node):
            # `registerRoutes(app);`, `require('./routes')(app);`: handing an object to a
            # function is a statement; calls inside expressions are values, not wiring.
            arg_nodes = [unwrap(a) for a in args.named_children if a.type != "comment"]
            # (`exports.app`: how tsc names an exported `const app` inside its own module)
            handed = [a is not None and (a.type == "identifier" or (
                a.type == "member_expression" and self._text(a).startswith("exports."))) for a in arg_nodes]
            if any(handed):
                self.invocations.append({
                    "callee": self.ref(fn, scope),
                    "args": [self.ref(a, scope) if h else {"k": "none"} for a, h in zip(arg_nodes, handed)],
                    "line": node.start_point[0] + 1,
                    "seq": self._next_seq(),
                })
        return True

    def _guard(self, start: int, calls: list[dict[str, Any]]) -> None:
        """Give `calls`, recorded from a call starting at `start`, the tests of the `if`
        branches around it: a route registered in one is served only when its test holds
        (`if (process.env.METRICS) app.use('/metrics', metrics)`)."""
        tests = [test for _end, node in self._ifs[1:] if (test := self._branch_test(node, start))]
        if tests:
            for call in calls:
                call["if"] = tests

    def _branch_test(self, node: Any, start: int) -> str | None:
        """The test of the branch of `if` statement `node` holding byte `start` (`not (test)` in
        its `else`); None in the test itself, or in a branch a literal test always takes
        (`if (true)`, the `else` of `if (false)`)."""
        condition = node.child_by_field_name("condition")
        if condition is None or start < condition.end_byte:
            return None
        inner = [c for c in condition.named_children if c.type != "comment"]
        if len(inner) != 1:
            return None
        kind = inner[0].type
        text = " ".join(self._text(inner[0]).split())
        alternative = node.child_by_field_name("alternative")
        if alternative is not None and start >= alternative.start_byte:
            return None if kind == "false" else f"not ({text})"
        return None if kind == "true" else text

    def _on_reexport(self, helper: str, node: Any, scope: str) -> None:
        """tsc's re-exports: `__exportStar(require("./users"), exports)` (`export * from`) and
        `Object.defineProperty(exports, "usersRouter", { enumerable: true, get: function () {
        return users_1.default; } })` (`export { default as usersRouter } from`, Babel too)."""
        args = node.child_by_field_name("arguments")
        named = [unwrap(a) for a in args.named_children if a.type != "comment"] if args is not None else []
        text = self._text
        if helper == "__exportStar":
            if len(named) == 2 and named[1] is not None and text(named[1]) == "exports":
                ref = self.ref(named[0], scope)
                if ref.get("k") == "imp":
                    self.exports.setdefault("__star__", []).append(ref["src"])
            return
        if len(named) != 3 or None in named or text(named[0]) != "exports" or named[2].type != "object":
            return
        name = js_string(named[1], text)
        if not name or name == "__esModule":
            return
        for prop in named[2].named_children:
            if prop.type == "pair":
                key = self._key(prop.child_by_field_name("key"))
                value = unwrap(prop.child_by_field_name("value"))
                if key == "value" and value is not None:
                    self.exports[name] = self.ref(value, scope)
                elif key == "get" and value is not None and value.type in _FUNCTION_TYPES:
                    body = value.child_by_field_name("body")
                    if body is not None and body.type == "statement_block":
                        returned = next((c for c in body.named_children if c.type == "return_statement"), None)
                        body = returned.named_children[0] if returned is not None and returned.named_children else None
                    if body is not None:
                        self.exports[name] = self.ref(body, scope)
            elif prop.type == "method_definition" and self._key(prop.child_by_field_name("name")) == "get":
                block = prop.child_by_field_name("body")
                returned = next((c for c in block.named_children if c.type == "return_statement"), None) if block else None
                if returned is not None and returned.named_children:
                    self.exports[name] = self.ref(returned.named_children[0], scope)

    def _record_route_call(self, node: Any, fn: Any, verb: str, args: Any, scope: str) -> None:
        base = fn.child_by_field_name("object")
        base_type = base.type if base is not None else None
        if base_type != "call_expression":
            # `router.get(...)`: no chain to unroll (the common case)
            if base_type in _WRAPPERS:
                base = unwrap(base)
                base_type = base.type if base is not None else None
            if base_type not in ("identifier", "member_expression", "this"):
                return
            owner = self._ref(base, base_type, scope)
            self.seq += 1
            self.calls.append({
                "owner": owner, "m": verb, "args": self._args(args, scope),
                "line": node.start_point[0] + 1, "seq": self.seq, "err": node.has_error,
            })
            return
        # Unroll `X.route('/p').get(h).post(h)`: this node is the outermost call of the chain.
        chain: list[tuple[str, Any, Any]] = [(verb, args, node)]
        while base is not None and base.type == "call_expression":
            inner_fn = base.child_by_field_name("function")
            inner_args = base.child_by_field_name("arguments")
            if inner_fn is None or inner_fn.type != "member_expression" or inner_args is None:
                break
            prop = inner_fn.child_by_field_name("property")
            inner_verb = node_text(prop) if prop is not None else ""
            if inner_verb not in ROUTE_VERBS and inner_verb not in _FLUENT_METHODS:
                break  # `express.Router().get(...)`: the chain starts at the object that call makes
            chain.append((inner_verb, inner_args, base))
            base = inner_fn.child_by_field_name("object")
        chain.reverse()
        owner_node = unwrap(base) if base is not None else None
        if owner_node is None:
            return
        if len(chain) > 1 and chain[0][0] == "route":
            owner = self.ref(owner_node, scope)
            route_args = self._args(chain[0][1], scope)
            route_path = route_args[0] if route_args else {"t": "dyn", "text": ""}
            for verb_i, args_i, call_i in chain[1:]:
                self._done.add(call_i.start_byte)
                # the line of `.put(` rather than of the chain's start
                prop = call_i.child_by_field_name("function").child_by_field_name("property")
                self.calls.append({
                    "owner": owner, "m": verb_i, "route": route_path,
                    "args": self._args(args_i, scope), "line": prop.start_point[0] + 1,
                    "seq": self._next_seq(), "err": call_i.has_error,
                })
            return
        if len(chain) > 1:
            # `fastify.register(a).register(b)`, `app.use(x).use(y)`: chained calls return the owner.
            owner = self.ref(owner_node, scope)
            for verb_i, args_i, call_i in chain:
                self._done.add(call_i.start_byte)
                if verb_i in ROUTE_VERBS and verb_i != "route":
                    self.calls.append({
                        "owner": owner, "m": verb_i, "args": self._args(args_i, scope),
                        "line": call_i.start_point[0] + 1, "seq": self._next_seq(), "err": call_i.has_error,
                    })
            return
        if owner_node.type not in ("identifier", "member_expression", "this", "call_expression"):
            return
        # (a call owner: `express().get(p, h)`, `Router().use(mw)`, the object that call makes)
        self.calls.append({
            "owner": self.ref(owner_node, scope), "m": verb, "args": self._args(args, scope),
            "line": node.start_point[0] + 1, "seq": self._next_seq(), "err": node.has_error,
        })

    def _record_computed_verb(self, node: Any, subscript: Any, scope: str) -> None:
        """`X[m](...)` with `m` not a string: a route whose method (and mostly path) come from
        data at run time. Recorded as verb `[]` so that a scanner can say so where X is served."""
        if subscript is None or subscript.type != "subscript_expression":
            return
        index = unwrap(subscript.child_by_field_name("index"))
        base = unwrap(subscript.child_by_field_name("object"))
        if index is None or base is None or index.type in ("string", "number", "template_string"):
            return
        if base.type not in ("identifier", "member_expression", "this"):
            return
        self.calls.append({
            "owner": self._ref(base, base.type, scope), "m": "[]", "args": [], "name": self._text(base),
            "line": node.start_point[0] + 1, "seq": self._next_seq(), "err": node.has_error,
        })

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def _note_require(self, args: Any) -> None:
        named = args.named_children
        if named:
            src = js_string(named[0], self._text)
            if src is not None:
                self._note_package(src)

    def _note_package(self, src: str) -> None:
        if not src.startswith((".", "/")):
            parts = src.split("/")
            self.packages.add("/".join(parts[:2]) if src.startswith("@") else parts[0])

    # --- values --------------------------------------------------------------------------

    def _local(self, name: str, scope: str) -> dict[str, Any]:
        """A reference to variable `name` as seen from `scope`; resolved in `_finish`."""
        local = {"k": "local", "name": name, "scope": scope}
        self._locals.append(local)
        return local

    @staticmethod
    def _key(node: Any) -> str | None:
        if node is None:
            return None
        if node.type in ("property_identifier", "identifier", "private_property_identifier"):
            return node_text(node)
        if node.type == "string":
            return js_string(node)
        if node.type == "number":
            return node_text(node)
        return None

    def ref(self, node: Any, scope: str) -> dict[str, Any]:
        node = unwrap(node)
        if node is None:
            return {"k": "none"}
        return self._ref(node, node.type, scope)

    def _ref(self, node: Any, typ: str, scope: str) -> dict[str, Any]:
        """`ref` of an unwrapped node of type `typ`."""
        if typ == "identifier":
            local = {"k": "local", "name": self._text(node), "scope": scope}
            self._locals.append(local)
            return local
        if typ in _FUNCTION_TYPES:
            row, column = node.start_point
            return {"k": "fn", "id": f"f{row + 1}:{column}"}
        if typ == "member_expression":
            obj = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if obj is None or prop is None:
                return {"k": "none"}
            if obj.type == "this":
                if not self.current_class:
                    return {"k": "none"}
                self.this_used.add((self.current_class, self._text(prop)))
                return {"k": "this", "cls": self.current_class, "name": self._text(prop)}
            return {"k": "attr", "of": self.ref(obj, scope), "name": self._text(prop)}
        if typ in ("call_expression", "new_expression"):
            fn = node.child_by_field_name("function") or node.child_by_field_name("constructor")
            fn_type = fn_text = None
            if fn is not None:
                fn_type, fn_text = fn.type, self._text(fn)
                if "." in fn_text and SCHEMA_BUILDER.match(fn_text):
                    # TypeBox `Type.Object({...})` is a schema literal in disguise
                    return {"k": "lit", "v": self._marker(node, scope)}
            args = node.child_by_field_name("arguments")
            arg_nodes = [a for a in args.named_children if a.type != "comment"] if args is not None else []
            if (fn_type == "identifier" and fn_text == "require") or fn_type == "import":
                src = js_string(arg_nodes[0], self._text) if arg_nodes else None
                if src is None:
                    return {"k": "none"}
                return {"k": "imp", "src": src, "name": "module" if fn_type == "identifier" else "*"}
            if fn is None:
                return {"k": "none"}
            if arg_nodes and "_" in fn_text and _INTEROP_HELPER.fullmatch(fn_text):
                # `_interopRequireDefault(require("./api"))` is the module `require` gives
                return self.ref(arg_nodes[0], scope)
            row, column = node.start_point
            call = {"k": "call", "id": f"c{row + 1}:{column}", "callee": self.ref(fn, scope)}
            arg_refs = []
            for arg in arg_nodes[:3]:
                arg = unwrap(arg)
                arg_type = arg.type if arg is not None else None
                arg_refs.append(self._ref(arg, arg_type, scope) if arg_type in _CALL_ARG_REFS else {"k": "none"})
            call["args"] = arg_refs
            return call
        if typ == "assignment_expression":
            # `var _default = exports.default = function () {...}` (Babel): the assigned value
            return self.ref(node.child_by_field_name("right"), scope)
        if typ == "binary_expression":
            # `opts.endpoint ?? DEFAULT_ENDPOINT`: a value with a fallback, kept as both sides;
            # `resolve` does not know it (only `JsProgram.fallback` does, for who asks)
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type in ("??", "||"):
                left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
                if left is not None and right is not None:
                    return {"k": "default", "op": operator.type, "opt": self.ref(left, scope),
                            "v": self.ref(right, scope)}
            return {"k": "none"}
        literal = self.literal(node, scope)
        if literal is not _UNKNOWN:
            return {"k": "lit", "v": literal}
        return {"k": "none"}

    def literal(self, node: Any, scope: str) -> Any:
        """JSON value of a literal expression; non-literal leaves become ``__js__`` markers."""
        node = unwrap(node)
        if node is None:
            return _UNKNOWN
        typ = node.type
        if typ in ("string", "template_string"):
            value = js_string(node)
            return _UNKNOWN if value is None else value
        if typ == "number":
            text = node_text(node).replace("_", "")
            try:
                return int(text, 0) if re.fullmatch(r"0[xob][0-9a-f]+|\d+", text, re.I) else float(text)
            except ValueError:
                return _UNKNOWN
        if typ == "unary_expression":
            arg = node.child_by_field_name("argument")
            op = node.children[0].type if node.children else ""
            value = self.literal(arg, scope) if arg is not None else _UNKNOWN
            if op == "-" and isinstance(value, (int, float)) and not isinstance(value, bool):
                return -value
            return _UNKNOWN
        if typ == "true":
            return True
        if typ == "false":
            return False
        if typ == "null":
            return None
        if typ == "array":
            items = []
            for child in node.named_children:
                if child.type == "comment":
                    continue
                value = self.literal(child, scope)
                items.append(self._marker(child, scope) if value is _UNKNOWN else value)
            return items
        if typ == "object":
            out: dict[str, Any] = {}
            for prop in node.named_children:
                if prop.type == "pair":
                    key = self._key(prop.child_by_field_name("key"))
                    value_node = prop.child_by_field_name("value")
                    if key is None or value_node is None:
                        continue
                    value = self.literal(value_node, scope)
                    out[key] = self._marker(value_node, scope) if value is _UNKNOWN else value
                elif prop.type == "shorthand_property_identifier":
                    out[node_text(prop)] = self._marker(prop, scope)
                elif prop.type == "spread_element":
                    inner = prop.named_children[0] if prop.named_children else None
                    if inner is not None:
                        out.setdefault(SPREAD_MARKER, []).append(self.ref(inner, scope))
                elif prop.type == "method_definition":
                    name = prop.child_by_field_name("name")
                    if name is not None:
                        out[node_text(name)] = {JS_MARKER: {"ref": self.ref(prop, scope), "name": node_text(name)}}
            return out
        return _UNKNOWN

    def _marker(self, node: Any, scope: str) -> dict[str, Any]:
        node = unwrap(node)
        if node is None:
            return {JS_MARKER: {"ref": {"k": "none"}, "name": ""}}
        if node.type == "shorthand_property_identifier":
            return {JS_MARKER: {"ref": self._local(node_text(node), scope), "name": node_text(node)}}
        fn = node.child_by_field_name("function") or node.child_by_field_name("constructor") if node.type in (
            "call_expression", "new_expression") else None
        builder = fn is not None and bool(SCHEMA_BUILDER.match(node_text(fn)))
        marker: dict[str, Any] = {"ref": {"k": "none"} if builder else self.ref(node, scope), "name": describe(node)}
        if node.type in ("call_expression", "new_expression"):
            args = node.child_by_field_name("arguments")
            marker["callee"] = node_text(fn) if fn is not None else ""
            values = []
            for arg in args.named_children if args is not None else []:
                if arg.type == "comment":
                    continue
                value = self.literal(arg, scope)
                values.append(self._marker(arg, scope) if value is _UNKNOWN else value)
            marker["args"] = values
        return {JS_MARKER: marker}

    def _args(self, args: Any, scope: str) -> list[dict[str, Any]]:
        described = []
        describe = self._describe
        for child in args.named_children:
            typ = child.type
            if typ in _WRAPPERS:
                child = unwrap(child)
                typ = child.type if child is not None else None
            elif typ == "comment":
                continue
            described.append(describe(child, typ, scope))
        return described

    def _template(self, node: Any, scope: str) -> dict[str, Any]:
        """`${API_PREFIX}/tasks`: resolvable when every substitution names a constant."""
        parts: list[Any] = []
        for child in node.named_children:
            if child.type == "string_fragment":
                parts.append(node_text(child))
            elif child.type == "escape_sequence":
                raw = node_text(child)[1:]
                parts.append(_ESCAPES.get(raw, raw))
            elif child.type == "template_substitution":
                inner = [c for c in child.named_children if c.type != "comment"]
                if len(inner) != 1 or inner[0].type not in ("identifier", "member_expression"):
                    return {"t": "dyn", "text": node_text(node)[:120], "line": node.start_point[0] + 1}
                parts.append(self.ref(inner[0], scope))
        return {"t": "tpl", "parts": parts, "text": node_text(node)[:120]}

    def describe_arg(self, node: Any, scope: str) -> dict[str, Any]:
        node = unwrap(node)
        return self._describe(node, node.type if node is not None else None, scope)

    def _describe(self, node: Any, typ: str | None, scope: str) -> dict[str, Any]:
        """`describe_arg` of an unwrapped node of type `typ` (None for no node)."""
        if node is None:
            return {"t": "dyn", "text": ""}
        if typ == "identifier":
            # the most common argument (a handler or middleware name): one text for both
            name = self._text(node)
            local = {"k": "local", "name": name, "scope": scope}
            self._locals.append(local)
            return {"t": "ref", "ref": local, "name": name}
        if typ in ("string", "template_string"):
            value = js_string(node, self._text)
            if value is None:
                return self._template(node, scope)
            return {"t": "str", "v": value}
        if typ == "array":
            return {"t": "arr", "v": self._args(node, scope)}
        if typ == "object":
            return {"t": "obj", "v": self.literal(node, scope)}
        if typ in _FUNCTION_TYPES:
            # an inline handler: the function's id, and its name if it has one (arrow functions
            # never have one)
            row, column = node.start_point
            name_node = node.child_by_field_name("name") if typ != "arrow_function" else None
            return {"t": "ref", "ref": {"k": "fn", "id": f"f{row + 1}:{column}"},
                    "name": self._text(name_node) if name_node is not None else ""}
        if typ == "member_expression":
            # `controller.list`: what `describe` gives, its text
            return {"t": "ref", "ref": self._ref(node, typ, scope), "name": self._text(node)}
        if typ in ("call_expression", "new_expression"):
            return {"t": "ref", "ref": self._ref(node, typ, scope), "name": describe(node, self._text)}
        if typ in ("number", "true", "false", "null", "unary_expression"):
            value = self.literal(node, scope)
            if value is not _UNKNOWN:
                return {"t": "lit", "v": value}
        elif typ == "binary_expression":
            ref = self._ref(node, typ, scope)
            if ref["k"] == "default":
                # `opts.path ?? '/metrics'`: not known, but its fallback may be (`JsProgram.fallback`)
                return {"t": "dyn", "text": node_text(node)[:120], "line": node.start_point[0] + 1, "ref": ref}
        return {"t": "dyn", "text": node_text(node)[:120], "line": node.start_point[0] + 1}

    # --- finishing: resolve `local` refs against the scope chain ---------------------------

    def _evaluate(self, lazy: _Lazy) -> dict[str, Any]:
        self.current_class = lazy.cls
        ref = self.ref(lazy.node, lazy.scope)
        return {"k": "attr", "of": ref, "name": lazy.attr} if lazy.attr is not None else ref

    # Methods rather than closures inside `_finish`: a recursive closure references itself
    # through its cell, and that cycle kept every extractor (all its binding tables) alive
    # until the cyclic garbage collector ran — tens of thousands of objects per scan for it
    # to traverse, where reference counting now frees them as soon as a file is done.
    def _lookup(self, name: str, scope: str, guard: frozenset[tuple[str, str]],
                memo: dict[tuple[str, str], Any]) -> dict[str, Any]:
        bindings, fn_nodes = self.bindings, self.fn_nodes
        current = scope
        while True:
            table = bindings.get(current)
            if table is None or current in fn_nodes:
                table = self._table(current)
            if name in table:
                key = (current, name)
                if key in memo:
                    return memo[key]
                if key in guard:
                    return {"k": "none"}
                value = table[name]
                if isinstance(value, _Lazy):
                    value = table[name] = self._evaluate(value)
                if value.get("k") == "local":
                    # `const a = b`: follow the alias now; nested locals are patched below
                    value = self._lookup(value["name"], value["scope"], guard | {key}, memo)
                memo[key] = value
                return value
            if current == "":
                return {"k": "global", "name": name}
            current = self.parents.get(current, "")

    def _finish(self) -> dict[str, Any]:
        """Resolve every `local` ref in place against the scope chain (hoisting included)."""
        memo: dict[tuple[str, str], Any] = {}
        # The same names are looked up from the same scopes again and again (`router` once per
        # route): once the walk is over, the answer for (scope, name) never changes.
        resolved_in: dict[tuple[str, str], Any] = {}
        classbind: dict[str, dict[str, Any]] = {}
        done: set[tuple[str, str]] = set()
        locals_ = self._locals
        position = 0
        while True:
            # `_locals` grows while bindings are evaluated: walk it to the end
            while position < len(locals_):
                local = locals_[position]
                position += 1
                if local.get("k") == "local":
                    key = (local["scope"], local["name"])
                    resolved = resolved_in.get(key)
                    if resolved is None:
                        resolved = resolved_in[key] = self._lookup(key[1], key[0], frozenset(), memo)
                    if resolved is not local:
                        local.clear()
                        local.update(resolved)
            # `this.x` bindings only for the members something refers to (services set dozens)
            pending = self.this_used - done
            if not pending:
                break
            for cls, member in sorted(pending):
                done.add((cls, member))
                value = self.classbind.get(cls, {}).get(member)
                if isinstance(value, _Lazy):
                    value = self.classbind[cls][member] = self._evaluate(value)
                if value is not None:
                    classbind.setdefault(cls, {})[member] = value

        # anonymous functions without a useful return (route handlers) need no entry
        fns = {fid: {"name": f["name"], "line": f["line"], "returns": returns,
                     **({"end": f["end"]} if returns else {})}
               for fid, f in self.fns.items()
               for returns in [[r for r in f["returns"] if r.get("k") in ("call", "param", "imp", "attr", "fn")]]
               if f["name"] or returns}
        methods: dict[str, dict[str, str]] = {}
        statics: dict[str, dict[str, str]] = {}
        for cid, name, fid, static in self._methods:
            if fns.get(fid, {}).get("returns"):
                (statics if static else methods).setdefault(cid, {}).setdefault(name, fid)
        calls = [c for c in self.calls if c["owner"].get("k") in ("call", "param", "imp", "attr", "this")]
        invocations = [i for i in self.invocations if any(
            a.get("k") in ("call", "param") or (a.get("k") == "attr" and a["of"].get("name") == "exports")
            for a in i["args"])]
        return {
            "exports": self.exports,
            "fns": fns,
            "calls": calls,
            "invocations": invocations,
            "packages": sorted(self.packages),
            "classes": self.classes,
            "classbind": classbind,
            "methods": methods,
            "statics": statics,
            "enums": self.enums,
            "errors": syntax_errors(self.root),
        }


class _Lazy:
    """A binding's value expression, turned into a ref only if something looks it up."""

    __slots__ = ("node", "scope", "cls", "attr")

    def __init__(self, node: Any, scope: str, cls: str, attr: str | None = None) -> None:
        self.node, self.scope, self.cls, self.attr = node, scope, cls, attr


_NOT_EXPORTS: Any = object()


class _Unknown:
    __slots__ = ()


_UNKNOWN: Any = _Unknown()


_WRAPPER_NAME = re.compile(r"async|catch|wrap|handler", re.I)


def describe(node: Any, text: Any = node_text) -> str:
    """A short human name for a handler or middleware expression (`text` as for `js_string`)."""
    node = unwrap(node)
    if node is None:
        return ""
    if node.type in ("identifier", "member_expression", "this"):
        return text(node)
    if node.type in _FUNCTION_TYPES:
        name = node.child_by_field_name("name")
        return text(name) if name is not None else ""
    if node.type in ("call_expression", "new_expression"):
        fn = node.child_by_field_name("function") or node.child_by_field_name("constructor")
        args = node.child_by_field_name("arguments")
        named = [unwrap(a) for a in args.named_children] if args is not None else []
        # asyncHandler(getUsers) / catchAsync(controller.list): the wrapped function is the handler
        if named and named[-1] is not None and named[-1].type in ("identifier", "member_expression") and (
            fn is not None and _WRAPPER_NAME.search(text(fn))
        ):
            return text(named[-1])
        callee = text(fn) if fn is not None else ""
        first = js_string(named[0], text) if named and named[0] is not None else None
        # passport.authenticate('local') logs in, passport.authenticate('jwt') guards: keep the strategy
        return f"{callee}('{first}')" if first is not None else callee
    return ""


def ts_type(node: Any) -> dict[str, Any] | None:
    """A TypeScript type annotation as {"n": name, "a": [args]}: "[]" arrays, "|" unions,
    {"lit": value} literal types."""
    if node is None:
        return None
    if node.type == "type_annotation":
        inner = node.named_children[0] if node.named_children else None
        return ts_type(inner)
    typ = node.type
    if typ in ("predefined_type", "type_identifier"):
        return {"n": node_text(node), "a": []}
    if typ == "nested_type_identifier":
        return {"n": node_text(node).rsplit(".", 1)[-1], "a": []}
    if typ == "array_type":
        inner = node.named_children[0] if node.named_children else None
        return {"n": "[]", "a": [ts_type(inner) or {"n": "any", "a": []}]}
    if typ == "generic_type":
        name = node.child_by_field_name("name")
        args = node.child_by_field_name("type_arguments")
        return {"n": node_text(name) if name is not None else "",
                "a": [t for t in (ts_type(a) for a in (args.named_children if args is not None else [])) if t]}
    if typ == "union_type":
        members = [ts_type(c) for c in node.named_children]
        return {"n": "|", "a": [m for m in members if m]}
    if typ == "literal_type":
        inner = node.named_children[0] if node.named_children else None
        if inner is not None:
            if inner.type == "string":
                return {"n": "lit", "a": [], "v": js_string(inner)}
            if inner.type in ("number",):
                text = node_text(inner)
                return {"n": "lit", "a": [], "v": float(text) if "." in text else int(text)}
            if inner.type in ("true", "false"):
                return {"n": "lit", "a": [], "v": inner.type == "true"}
            if inner.type == "null":
                return {"n": "null", "a": []}
    if typ == "parenthesized_type" and node.named_children:
        return ts_type(node.named_children[0])
    return {"n": node_text(node)[:60], "a": []}


TSCONFIG_NAMES = ("tsconfig.json", "jsconfig.json")
_JSONC_NOISE = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)


def extract_tsconfig(text: str) -> dict[str, Any]:
    """`compilerOptions.baseUrl` and `paths` of a tsconfig (JSON with comments and trailing commas)."""
    stripped = _JSONC_NOISE.sub(lambda m: m.group(0) if m.group(0).startswith('"') else "", text)
    stripped = re.sub(r",(\s*[}\]])", r"\1", stripped)
    try:
        data = json.loads(stripped)
    except ValueError as error:
        raise ValueError(f"invalid tsconfig JSON: {error}") from error
    options = data.get("compilerOptions") if isinstance(data, dict) else None
    options = options if isinstance(options, dict) else {}
    paths = options.get("paths") if isinstance(options.get("paths"), dict) else {}
    base_url = options.get("baseUrl")
    return {
        "kind": "tsconfig",
        "base_url": base_url if isinstance(base_url, str) else None,
        "paths": {k: [t for t in v if isinstance(t, str)] for k, v in paths.items() if isinstance(v, list)},
    }


_QUERIES: dict[str, Any] = {}


def _dispatch_query(language: Any) -> Any:
    """One query capturing every node type the extractor dispatches on, per grammar."""
    key = language.name
    if key not in _QUERIES:
        kinds = [kind for kind in _DISPATCH if language.id_for_node_kind(kind, True)]
        _QUERIES[key] = Query(language, " ".join(f"({kind}) @n" for kind in kinds))
    return _QUERIES[key]


def extract_js_module(tree: Any) -> dict[str, Any]:
    return _JsExtractor(tree.root_node).run(tree.language)


# --- Link side: cross-file resolution ----------------------------------------------------


def _position(key: str) -> tuple[int, int]:
    """(row, column) of a `c12:4` / `f12:4` id."""
    row, _, column = key[1:].partition(":")
    return int(row), int(column)


def _inside(call_id: str, fid: str, fn: dict[str, Any]) -> bool:
    """Whether call `call_id` of a file lies in the body of function `fid` of the same file."""
    end = fn.get("end")
    if end is None:
        return False
    return _position(fid) < _position(call_id) <= (end[0], end[1])


class JsProgram:
    """Resolves refs across files: imports to exports, calls to objects or factory results."""

    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.facts = {path: f for path, f in facts.items() if "calls" in f}
        self.files = set(self.facts)
        # tsconfig.json / jsconfig.json by directory, nearest first when looked up
        self.configs = {posixpath.dirname(path): f for path, f in facts.items() if f.get("kind") == "tsconfig"}
        # (directory, specifier) -> file: every ref through an import resolves its module,
        # the same few specifiers from the same directories, and the answer depends on nothing
        # else (the file set and configs are fixed). Walking up for a tsconfig each time was
        # most of the resolution cost.
        self._modules: dict[tuple[str, str], str | None] = {}
        # the same, by importing file: most lookups repeat one (file, specifier) pair
        self._modules_of: dict[tuple[str, str], str | None] = {}

    def resolve_module(self, from_file: str, src: str) -> str | None:
        try:
            return self._modules_of[from_file, src]
        except KeyError:
            pass
        directory = posixpath.dirname(from_file)
        key = (directory, src)
        if key not in self._modules:
            if src.startswith("."):
                self._modules[key] = self._locate(posixpath.normpath(posixpath.join(directory, src)))
            else:
                self._modules[key] = self._alias(directory, src)
        found = self._modules_of[from_file, src] = self._modules[key]
        return found

    def _alias(self, directory: str, src: str) -> str | None:
        """`@/routes/users` through the nearest tsconfig's `paths`, then its `baseUrl`."""
        while True:
            config = self.configs.get(directory)
            if config is not None:
                base = posixpath.normpath(posixpath.join(directory, config.get("base_url") or "."))
                for pattern, targets in config.get("paths", {}).items():
                    if pattern.endswith("*") and src.startswith(pattern[:-1]):
                        rest = src[len(pattern) - 1:]
                    elif pattern == src:
                        rest = ""
                    else:
                        continue
                    for target in targets:
                        found = self._locate(posixpath.normpath(posixpath.join(base, target.replace("*", rest))))
                        if found is not None:
                            return found
                if config.get("base_url") is not None:
                    return self._locate(posixpath.normpath(posixpath.join(base, src)))
                return None
            if not directory:
                return None
            directory = posixpath.dirname(directory)

    def _locate(self, base: str) -> str | None:
        stems = [base]
        stem, ext = posixpath.splitext(base)
        if ext in (".js", ".mjs", ".cjs", ".jsx"):
            # TypeScript ESM imports name the compiled file: './users.js' is './users.ts'
            stems.append(stem)
        for candidate in stems:
            if candidate in self.files:
                return candidate
            for ext_ in RESOLVE_EXTENSIONS:
                if candidate + ext_ in self.files:
                    return candidate + ext_
            for ext_ in RESOLVE_EXTENSIONS:
                if f"{candidate}/index{ext_}" in self.files:
                    return f"{candidate}/index{ext_}"
        return None

    def export(self, file: str, name: str, depth: int) -> tuple[str, Any] | None:
        exports = self.facts[file].get("exports", {})
        order = [name]
        if name in ("module", "default"):
            order += ["default" if name == "module" else "module"]
        for key in order:
            value = exports.get(key)
            if value is not None and value.get("k") != "none":
                return file, value
        if name not in ("module", "default", "*"):
            for src in exports.get("__star__", []):
                target = self.resolve_module(file, src)
                if target is not None and depth < 20:
                    found = self.export(target, name, depth + 1)
                    if found is not None:
                        return found
            for key in ("module", "default"):
                value = exports.get(key)
                if value is not None and value.get("k") == "lit" and isinstance(value["v"], dict):
                    if name in value["v"]:
                        return file, {"k": "lit", "v": value["v"][name]}
        return None

    def resolve(self, file: str, ref: dict[str, Any], depth: int = 0) -> tuple[Any, ...] | None:
        """A terminal: ("call", file, id, callee_terminal[, origin]), ("param", file, fn, i),
        ("fn", file, id), ("pkg", name, attr_path), ("module", file), ("lit", value), or None.
        A call of a function returning an object it creates is that object, keyed by the call
        site; `origin` is the terminal of the creation inside the function."""
        if depth > 40 or ref is None:
            return None
        kind = ref.get("k")
        if kind == "imp":
            src, name = ref["src"], ref["name"]
            target = self.resolve_module(file, src)
            if target is None:
                if src.startswith("."):
                    return ("unresolved", src)
                if src.startswith(("@/", "~/", "#")):
                    return ("unresolved", src)  # an alias no tsconfig explains
                return ("pkg", src, () if name in ("module", "default", "*") else (name,))
            if name == "*":
                return ("module", target)
            found = self.export(target, name, depth)
            if found is None:
                return ("module", target) if name == "module" else None
            return self.resolve(found[0], found[1], depth + 1)
        if kind == "attr":
            of = ref["of"]
            if of.get("k") == "imp" and of["name"] in ("module", "*") and self.resolve_module(file, of["src"]):
                # require('./users').router, require('./esm').default, ns.router
                return self.resolve(file, {"k": "imp", "src": of["src"], "name": ref["name"]}, depth + 1)
            if of.get("k") == "global" or (of.get("k") == "attr" and of["name"] == "exports"):
                exported = self._own_export(file, of, ref["name"], depth)
                if exported is not _NOT_EXPORTS:
                    return exported
            base = self.resolve(file, of, depth + 1)
            if base is None:
                return None
            if base[0] == "pkg":
                return ("pkg", base[1], base[2] + (ref["name"],))
            if base[0] == "module":
                found = self.export(base[1], ref["name"], depth)
                return self.resolve(found[0], found[1], depth + 1) if found else None
            if base[0] == "lit" and isinstance(base[1], dict) and ref["name"] in base[1]:
                return ("lit", base[1][ref["name"]])
            if base[0] == "class":
                method = self.facts[base[1]].get("statics", {}).get(base[2], {}).get(ref["name"])
                return ("fn", base[1], method) if method is not None else None
            if base[0] == "instance":
                # `new UsersRoute().router`: a field the class constructor or initializer sets
                bound = self.facts[base[1]].get("classbind", {}).get(base[2], {}).get(ref["name"])
                if bound is not None:
                    return self.resolve(base[1], bound, depth + 1)
                # `new FilesRouter().expressRouter()`: a method, called through `call` below
                method = self.facts[base[1]].get("methods", {}).get(base[2], {}).get(ref["name"])
                return ("fn", base[1], method) if method is not None else None
            return None
        if kind == "call":
            method = ref["callee"]
            if method.get("k") == "attr" and method["name"] in _FLUENT_METHODS and (
                method["name"] != "get" or len(ref.get("args", ())) >= 2
            ):
                # `express().set('json spaces', 2)`, `return router.get(p, h).post(p, h)`: the
                # object itself (`app.get('env')`, one argument, reads a setting instead)
                base = self.resolve(file, method["of"], depth + 1)
                if base is not None and base[0] in ("call", "param"):
                    return base
            callee = self.resolve(file, ref["callee"], depth + 1)
            if callee is None:
                return None
            if callee[0] == "fn":
                fn = self.facts[callee[1]]["fns"].get(callee[2], {})
                for returned in fn.get("returns", []):
                    target = self.resolve(callee[1], returned, depth + 1)
                    if target is not None:
                        if (target[0] == "call" and target[1] == callee[1]
                                and _inside(target[2], callee[2], fn)):
                            # an object the factory creates on each call: one per call site
                            # (`const app = createApp()` in three files is three apps), the
                            # object made inside the factory kept as its origin
                            return ("call", file, ref["id"], target[3], target)
                        return target
                return None
            if callee[0] == "class":
                return ("instance", callee[1], callee[2])
            if callee[0] == "pkg" and callee[1] == "fastify-plugin" and ref.get("args"):
                return self.resolve(file, ref["args"][0], depth + 1)
            return ("call", file, ref["id"], callee)
        if kind == "param":
            return ("param", file, ref["fn"], ref["i"])
        if kind == "class":
            return ("class", file, ref["id"])
        if kind == "this":
            bound = self.facts[file].get("classbind", {}).get(ref["cls"], {}).get(ref["name"])
            if bound is not None:
                return self.resolve(file, bound, depth + 1)
            # `this.app.use('/api', this.apiRouter())`: a method of the class
            method = self.facts[file].get("methods", {}).get(ref["cls"], {}).get(ref["name"])
            return ("fn", file, method) if method is not None else None
        if kind == "fn":
            return ("fn", file, ref["id"])
        if kind == "lit":
            return ("lit", ref["v"])
        return None

    def fallback(self, file: str, ref: dict[str, Any]) -> tuple[Any, ...] | None:
        """What `opt ?? CONST` (or `opt || CONST`) is when `opt` is an option read at run time —
        a function parameter or a member of an object (`opts.readiness?.endpoint`,
        `process.env.METRICS_PATH`) — and CONST a literal: CONST, the value when the option is not
        given (`opt` itself when it turns out to be a constant); None for anything else."""
        if ref.get("k") != "default":
            return None
        opt = ref["opt"]
        if opt.get("k") not in ("attr", "param"):
            return None
        given = self.resolve(file, opt)
        if given is not None and given[0] == "lit" and (given[1] if ref["op"] == "||" else given[1] is not None):
            return given
        target = self.resolve(file, ref["v"])
        return target if target is not None and target[0] == "lit" else None

    def _own_export(self, file: str, of: dict[str, Any], name: str, depth: int) -> Any:
        """`exports.router` / `module.exports.router` read inside the module that exports it
        (tsc writes every use of an exported `const` that way): what the file exports as
        `name`; `_NOT_EXPORTS` when `of` is not the module's own exports object."""
        if of["k"] == "global":
            if of["name"] != "exports":
                return _NOT_EXPORTS
        elif of["of"].get("k") != "global" or of["of"]["name"] != "module":
            return _NOT_EXPORTS
        found = self.export(file, name, depth)
        return self.resolve(found[0], found[1], depth + 1) if found is not None else None

    def fn_name(self, file: str, fid: str) -> str:
        return self.facts[file]["fns"].get(fid, {}).get("name", "")

    def resolve_literal(self, file: str, value: Any, depth: int = 0) -> Any:
        """Replace ``__js__`` markers and spreads in a literal by the constants they name."""
        if depth > 20:
            return value
        if isinstance(value, list):
            return [self.resolve_literal(file, v, depth + 1) for v in value]
        if not isinstance(value, dict):
            return value
        if JS_MARKER in value and len(value) == 1:
            marker = value[JS_MARKER]
            target = self.resolve(file, marker["ref"])
            if target is not None and target[0] == "lit":
                return self.resolve_literal(file, target[1], depth + 1)
            if "args" in marker:
                return {JS_MARKER: {**marker, "args": self.resolve_literal(file, marker["args"], depth + 1)}}
            return value
        out: dict[str, Any] = {}
        for spread in value.get(SPREAD_MARKER, []):
            target = self.resolve(file, spread)
            if target is not None and target[0] == "lit" and isinstance(target[1], dict):
                out.update(self.resolve_literal(file, target[1], depth + 1))
        for key, item in value.items():
            if key != SPREAD_MARKER:
                out[key] = self.resolve_literal(file, item, depth + 1)
        return out


def java_string(node: Any) -> str | None:
    if node.type != "string_literal":
        return None
    parts: list[str] = []
    for child in node.named_children:
        if child.type == "string_fragment":
            parts.append(node_text(child))
        elif child.type == "escape_sequence":
            raw = node_text(child)[1:]
            parts.append(_ESCAPES.get(raw, raw))
        elif child.type == "multiline_string_fragment":
            parts.append(node_text(child))
    return "".join(parts)
