"""Fastify endpoint scanner: the plugin tree, followed statically across files.

Shares extraction with Express (:func:`scanning.scanners._treesitter.extract_js_module`).
Linking rebuilds Fastify's encapsulation tree without running it:

* roots are ``fastify()`` / ``Fastify()`` instances (or, for fastify-cli applications, the
  plugin exported by the file ``fastify start`` runs);
* ``instance.register(plugin, { prefix })`` enters ``plugin`` — a function declared anywhere
  (found through ``require``/``import``, ``fastify-plugin`` wrappers, inline functions) —
  with its first parameter bound to a child instance; nested prefixes compose;
  ``@fastify/autoload`` registers every plugin file under its ``dir`` with folder prefixes;
* routes: ``instance.get/post/put/patch/delete/head/options/all(url, [opts], handler)`` and
  ``instance.route({ method, url, schema, handler })`` (``method`` may be an array); a url (or
  prefix) ``opts.endpoint ?? DEFAULT_ENDPOINT`` read from an option with a constant fallback is
  the constant (the route as declared when the option is not given); ``{ websocket: true }``
  routes (``@fastify/websocket``) are WebSocket endpoints, not HTTP operations, and are skipped;
* ``schema: { params, querystring, headers, body, response }`` object literals (constants
  and TypeBox ``Type.*`` builders included) become parameters, request body and responses;
* auth: an auth-looking ``onRequest``/``preHandler``/``preValidation`` hook on the route or
  added with ``addHook`` to its instance or any ancestor.
* a route, or a ``register``, inside an ``if`` statement carries the tests as ``conditions``
  (outermost first, ``not (test)`` in an ``else``), and so does every route of what such a
  ``register`` enters.
"""
from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from typing import Any

from scanning.scanners._js_queries import HandlerQueries
from scanning.scanners._treesitter import (
    JS_MARKER,
    SPREAD_MARKER,
    JsProgram,
    is_auth_name,
)
from scanning.scanners.base import (
    DiscoveredEndpoint,
    Parameter,
    RepositoryIndex,
    ScanWarning,
    join_paths,
    path_parameter_names,
)
from scanning.scanners.express import (
    JsFrameworkScanner,
    is_test_file,
    literal_strings,
)

VERBS = {"get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",), "delete": ("DELETE",),
         "head": ("HEAD",), "options": ("OPTIONS",), "all": ("GET", "POST", "PUT", "PATCH", "DELETE")}
AUTH_HOOKS = ("onRequest", "preHandler", "preValidation", "preParsing")
FASTIFY_START = re.compile(r"fastify\s+start\b[^&|;\"]*?([\w./-]+\.[cm]?[jt]s)\b")

MSG_DYNAMIC_PATH = "route url is not a literal string; endpoint skipped"
MSG_DYNAMIC_PREFIX = "register prefix is not a literal string; routes under it are skipped"
MSG_UNRESOLVED_MODULE = "cannot resolve module {src!r}; routes registered from it are skipped"


class FastifyScanner(JsFrameworkScanner):
    name = "fastify"
    dependency_names = import_names = frozenset({"fastify"})

    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        return _FastifyLinker(facts, index).run()


def _is_fastify(callee: tuple[Any, ...]) -> bool:
    return callee[0] == "pkg" and callee[1] == "fastify" and callee[2] in ((), ("default",), ("fastify",))


class _FastifyLinker:
    def __init__(self, facts: dict[str, dict[str, Any]], index: RepositoryIndex) -> None:
        self.facts = {path: f for path, f in facts.items() if "calls" in f}
        self.index = index
        self.program = JsProgram(facts)
        self.queries = HandlerQueries(self.program)
        self.entries: dict[tuple[Any, ...], list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
        self.roots: list[tuple[Any, ...]] = []
        self.endpoints: dict[tuple[str, str], DiscoveredEndpoint] = {}
        self.warnings: list[ScanWarning] = []
        self._warned: set[tuple[str, int, str]] = set()
        self.touched: set[str] = set()
        # The `if` tests around the registrations leading to what is being walked, outermost first.
        self.conditions: tuple[str, ...] = ()

    def warn(self, file: str, line: int, message: str) -> None:
        if (file, line, message) not in self._warned:
            self._warned.add((file, line, message))
            self.warnings.append(ScanWarning(file=file, line=line, message=message))

    def node_of(self, file: str, ref: dict[str, Any]) -> tuple[Any, ...] | None:
        target = self.program.resolve(file, ref)
        if target is None:
            return None
        if target[0] == "call" and _is_fastify(target[3]):
            while len(target) > 4:
                # made by a factory (`build()`): the instance the factory creates, as one object
                # for all its callers (the factory's routes and its callers' are one tree)
                target = target[4]
            return ("call", target[1], target[2])
        if target[0] == "param":
            return ("param", target[1], target[2], target[3])
        return None

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        roots: set[tuple[Any, ...]] = set()
        for file in sorted(self.facts):
            for call in self.facts[file]["calls"]:
                node = self.node_of(file, call["owner"])
                if node is None:
                    continue
                self.entries[node].append((call["seq"], file, call))
                if node[0] == "call" and not is_test_file(node[1]):
                    roots.add(node)
        if not roots:
            roots.update(self.cli_roots())
        for root in sorted(roots, key=lambda n: (n[1], str(n[2]))):
            self.walk(root, "", [], (root,))
        for file in sorted(self.facts):
            f = self.facts[file]
            if f.get("errors") and (file in self.touched or "fastify" in f.get("packages", ())):
                error = f["errors"][0]
                self.warn(file, error["line"], error["message"] + "; declarations in it may be missed")
        endpoints = list(self.endpoints.values())
        if any(e.auth_required for e in endpoints):
            for endpoint in endpoints:
                if endpoint.auth_required is None:
                    endpoint.auth_required = False
        return endpoints, self.warnings

    def cli_roots(self) -> list[tuple[Any, ...]]:
        """fastify-cli apps have no `fastify()` call: `fastify start app.js` loads a plugin."""
        out = []
        for manifest, text in self.index.manifests.items():
            if not manifest.endswith("package.json"):
                continue
            for match in FASTIFY_START.finditer(text):
                entry = posixpath.normpath(posixpath.join(posixpath.dirname(manifest), match.group(1)))
                if entry in self.facts:
                    plugin = self.plugin_node(entry, {"k": "imp", "src": "./" + posixpath.basename(entry),
                                                      "name": "module"})
                    if plugin is not None:
                        out.append(plugin)
        return out

    def plugin_node(self, file: str, ref: dict[str, Any]) -> tuple[Any, ...] | None:
        target = self.program.resolve(file, ref)
        if target is not None and target[0] == "fn":
            return ("param", target[1], target[2], 0)
        return None

    # --- walking the encapsulation tree --------------------------------------------------

    def walk(self, node: tuple[Any, ...], prefix: str, hooks: list[str], stack: tuple[Any, ...]) -> None:
        self.touched.add(node[1])
        entries = sorted(self.entries.get(node, []), key=lambda e: (e[1] != node[1], e[1], e[0]))
        context_hooks = list(hooks)
        for _, file, entry in entries:
            if entry["m"] == "addHook" and len(entry["args"]) >= 2:
                hook = entry["args"][0]
                if hook.get("t") == "str" and hook["v"] in AUTH_HOOKS:
                    context_hooks.extend(self.names(file, entry["args"][1]))
        for _, file, entry in entries:
            verb = entry["m"]
            if entry.get("err"):
                continue
            outer = self.conditions
            if "if" in entry:
                # A route or plugin registered inside an `if` is served only when its test holds.
                self.conditions = (*outer, *entry["if"])
            if verb == "register":
                self.register(file, entry, prefix, context_hooks, stack)
            elif verb == "route":
                self.route_object(file, entry, prefix, context_hooks)
            elif verb in VERBS:
                self.shorthand(file, entry, prefix, context_hooks)
            self.conditions = outer

    def names(self, file: str, desc: dict[str, Any] | Any) -> list[str]:
        """Middleware/hook names in an argument or an options value."""
        if isinstance(desc, dict) and "t" in desc:
            if desc["t"] == "arr":
                return [n for item in desc["v"] for n in self.names(file, item)]
            if desc["t"] == "ref":
                name = desc.get("name") or ""
                if not name and desc["ref"].get("k") == "fn":
                    name = self.program.fn_name(file, desc["ref"]["id"])
                return [name]
            return []
        if isinstance(desc, list):
            return [n for item in desc for n in self.names(file, item)]
        if isinstance(desc, dict) and JS_MARKER in desc:
            marker = desc[JS_MARKER]
            name = marker.get("name") or ""
            if not name and marker["ref"].get("k") == "fn":
                name = self.program.fn_name(file, marker["ref"]["id"])
            return [name]
        return []

    def options(self, file: str, desc: dict[str, Any] | None) -> dict[str, Any] | None:
        if desc is None:
            return None
        if desc.get("t") == "obj":
            return desc["v"]
        if desc.get("t") == "ref":
            target = self.program.resolve(file, desc["ref"])
            if target is not None and target[0] == "lit" and isinstance(target[1], dict):
                return target[1]
        return None

    def literal_string(self, file: str, value: Any) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and JS_MARKER in value:
            ref = value[JS_MARKER]["ref"]
            # `url: opts.endpoint ?? DEFAULT_ENDPOINT`: the path when the option is not given
            target = self.program.resolve(file, ref) or self.program.fallback(file, ref)
            if target is not None and target[0] == "lit" and isinstance(target[1], str):
                return target[1]
        return None

    def register(self, file: str, entry: dict[str, Any], prefix: str, hooks: list[str],
                 stack: tuple[Any, ...]) -> None:
        args = entry["args"]
        if not args or args[0].get("t") != "ref":
            return
        opts = self.options(file, args[1]) if len(args) > 1 else None
        child_prefix = prefix
        if opts is not None and "prefix" in opts:
            value = self.literal_string(file, opts["prefix"])
            if value is None:
                self.warn(file, entry["line"], MSG_DYNAMIC_PREFIX)
                return
            child_prefix = join_paths(prefix, value)
        elif len(args) > 1 and opts is None and args[1].get("t") not in ("obj", None):
            self.warn(file, entry["line"], MSG_DYNAMIC_PREFIX)
            return
        target = self.program.resolve(file, args[0]["ref"])
        if target is None:
            return
        if target[0] == "unresolved":
            self.warn(file, entry["line"], MSG_UNRESOLVED_MODULE.format(src=target[1]))
            return
        if target[0] == "module":
            # register(import('./routes')): the plugin is the module's default export
            target = self.program.resolve(file, {"k": "imp", "src": "./" + posixpath.relpath(
                target[1], posixpath.dirname(file)), "name": "default"}) or target
        if target[0] == "pkg" and target[1] == "@fastify/autoload":
            self.autoload(file, entry, opts or {}, prefix, hooks, stack)
            return
        if target[0] != "fn":
            return
        child = ("param", target[1], target[2], 0)
        if child in stack:
            return
        self.walk(child, child_prefix, hooks, stack + (child,))

    def autoload(self, file: str, entry: dict[str, Any], opts: dict[str, Any], prefix: str,
                 hooks: list[str], stack: tuple[Any, ...]) -> None:
        directory = self.autoload_dir(file, opts.get("dir"))
        if directory is None:
            self.warn(file, entry["line"], "@fastify/autoload dir is not a literal path; its plugins are skipped")
            return
        inner = opts.get("options") if isinstance(opts.get("options"), dict) else {}
        base = prefix
        if "prefix" in inner:
            value = self.literal_string(file, inner["prefix"])
            if value is None:
                self.warn(file, entry["line"], MSG_DYNAMIC_PREFIX)
                return
            base = join_paths(prefix, value)
        for plugin_file in sorted(self.facts):
            if not plugin_file.startswith(directory + "/") or is_test_file(plugin_file):
                continue
            child = self.plugin_node(plugin_file, {"k": "imp", "src": "./" + posixpath.basename(plugin_file),
                                                   "name": "module"})
            if child is None or child in stack:
                continue
            folder = posixpath.dirname(plugin_file[len(directory) + 1:])
            self.walk(child, join_paths(base, folder), hooks, stack + (child,))

    def autoload_dir(self, file: str, value: Any) -> str | None:
        here = posixpath.dirname(file)
        if isinstance(value, str):
            return posixpath.normpath(posixpath.join(here, value))
        if not (isinstance(value, dict) and JS_MARKER in value):
            return None
        marker = value[JS_MARKER]
        if marker.get("callee") not in ("path.join", "join", "path.resolve", "resolve"):
            return None
        parts: list[str] = []
        for arg in marker.get("args", []):
            if isinstance(arg, dict) and JS_MARKER in arg and arg[JS_MARKER].get("name") == "__dirname":
                parts.append(here)
            elif isinstance(arg, str):
                parts.append(arg)
            else:
                return None
        return posixpath.normpath(posixpath.join(*parts)) if parts else None

    # --- routes --------------------------------------------------------------------------

    def shorthand(self, file: str, entry: dict[str, Any], prefix: str, hooks: list[str]) -> None:
        args = entry["args"]
        if len(args) < 2:
            return
        url = args[0]
        opts: dict[str, Any] = {}
        handler_desc: dict[str, Any] | None = args[-1] if args[-1].get("t") == "ref" else None
        if args[1].get("t") == "obj" or (len(args) > 2 and self.options(file, args[1]) is not None):
            opts = self.options(file, args[1]) or {}
        if handler_desc is None and "handler" not in opts:
            return
        if opts.get("websocket") is True:
            return  # @fastify/websocket: a WebSocket endpoint, not an HTTP operation
        urls = literal_strings(self.program, file, url)
        if urls is None and url.get("t") in ("ref", "dyn") and "ref" in url:
            fallback = self.program.fallback(file, url["ref"])
            if fallback is not None and isinstance(fallback[1], str):
                urls = [fallback[1]]
        if urls is None:
            self.warn(file, entry["line"], MSG_DYNAMIC_PATH)
            return
        if handler_desc is not None:
            handler = self.names(file, handler_desc)[0]
            reads = self.queries.names(file, handler_desc["ref"])
        else:
            handler = (self.names(file, opts["handler"]) or [""])[0]
            reads = self.option_queries(file, opts["handler"])
        for path in urls:
            self.add(file, entry, VERBS[entry["m"]], join_paths(prefix, path), opts, handler, hooks, reads)

    def route_object(self, file: str, entry: dict[str, Any], prefix: str, hooks: list[str]) -> None:
        if not entry["args"]:
            return
        opts = self.options(file, entry["args"][0])
        if opts is None or opts.get("websocket") is True:
            return
        methods_value = opts.get("method")
        raw_methods = methods_value if isinstance(methods_value, list) else [methods_value]
        methods: list[str] = []
        for raw in raw_methods:
            value = self.literal_string(file, raw)
            if value is None:
                self.warn(file, entry["line"], "route method is not a literal string; endpoint skipped")
                return
            methods.extend(VERBS.get(value.lower(), (value.upper(),)))
        url = self.literal_string(file, opts.get("url", opts.get("path")))
        if url is None:
            self.warn(file, entry["line"], MSG_DYNAMIC_PATH)
            return
        handler_names = self.names(file, opts.get("handler")) if opts.get("handler") is not None else [""]
        self.add(file, entry, tuple(methods), join_paths(prefix, url), opts, handler_names[0], hooks,
                 self.option_queries(file, opts.get("handler")))

    def option_queries(self, file: str, value: Any) -> list[str]:
        """What the handler given as an option (`handler: listUsers`) reads from `request.query`."""
        marker = value.get(JS_MARKER) if isinstance(value, dict) else None
        ref = marker.get("ref") if isinstance(marker, dict) else None
        return self.queries.names(file, ref) if isinstance(ref, dict) else []

    def add(self, file: str, entry: dict[str, Any], methods: tuple[str, ...], path: str, opts: dict[str, Any],
            handler: str, hooks: list[str], reads: list[str]) -> None:
        route_hooks = [n for key in AUTH_HOOKS if key in opts for n in self.names(file, opts[key])]
        auth = next((n for n in hooks + route_hooks if is_auth_name(n)), "")
        raw_schema = opts.get("schema")
        # a schema given by name (`schema: createUserSchema`) is a marker resolved to its constant
        schema = to_json_schema(self.program.resolve_literal(file, raw_schema)) if isinstance(raw_schema, dict) else {}
        if not isinstance(schema, dict):
            schema = {}
        parameters = schema_parameters(path, schema)
        # what the handler reads from `request.query` that the schema does not declare
        declared = {p.name for p in parameters}
        parameters += [Parameter(name=name, location="query", required=False, schema={"type": "string"})
                       for name in reads if name not in declared]
        body = schema.get("body")
        responses = {}
        for code, response in (schema.get("response") or {}).items():
            if isinstance(response, dict):
                responses[str(code)] = {"description": response.get("description", ""), "schema": response}
        for method in methods:
            if method not in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
                continue
            key = (method, path)
            if key in self.endpoints:
                continue
            self.endpoints[key] = DiscoveredEndpoint(
                method=method, path=path, framework="fastify", file=file, line=entry["line"], handler=handler,
                parameters=[Parameter(p.name, p.location, p.required, dict(p.schema)) for p in parameters],
                request_body=body if isinstance(body, dict) and body else None, responses=responses,
                auth_required=True if auth else None, auth=auth, conditions=list(self.conditions),
            )


def schema_parameters(path: str, schema: dict[str, Any]) -> list[Parameter]:
    out: list[Parameter] = []
    params = _properties(schema.get("params"))
    for name in path_parameter_names(path):
        out.append(Parameter(name=name, location="path", required=True,
                             schema=params[0].get(name) or {"type": "string"}))
    for key, location in (("querystring", "query"), ("query", "query"), ("headers", "header")):
        properties, required = _properties(schema.get(key))
        for name, prop in properties.items():
            out.append(Parameter(name=name, location=location, required=name in required, schema=prop))
    return out


def _properties(schema: Any) -> tuple[dict[str, Any], list[str]]:
    if not isinstance(schema, dict):
        return {}, []
    if isinstance(schema.get("properties"), dict):
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        return schema["properties"], required
    # old shorthand: `querystring: { name: { type: 'string' } }`
    if schema and all(isinstance(v, dict) and "type" in v for v in schema.values()):
        return schema, []
    return {}, []


_TYPEBOX_SCALARS = {"String": "string", "Number": "number", "Integer": "integer", "Boolean": "boolean",
                    "Null": "null"}


def to_json_schema(value: Any) -> Any:
    """A resolved literal to plain JSON Schema: TypeBox builders expanded, unknown values dropped."""
    if isinstance(value, list):
        return [to_json_schema(v) for v in value]
    if not isinstance(value, dict):
        return value
    if JS_MARKER in value:
        schema, _ = _typebox(value[JS_MARKER])
        return schema
    return {k: to_json_schema(v) for k, v in value.items() if k != SPREAD_MARKER}


def _typebox(marker: dict[str, Any]) -> tuple[Any, bool]:
    """(schema, optional) for a `Type.X(...)` call marker; {} for anything else."""
    callee = marker.get("callee") or ""
    if "." not in callee:
        return {}, False
    kind = callee.rsplit(".", 1)[1]
    args = marker.get("args", [])
    if kind in _TYPEBOX_SCALARS:
        opts = args[0] if args and isinstance(args[0], dict) and JS_MARKER not in args[0] else {}
        return {"type": _TYPEBOX_SCALARS[kind], **to_json_schema(opts)}, False
    if kind == "Optional" and args:
        inner = to_json_schema(args[0])
        return inner, True
    if kind == "Array" and args:
        extra = to_json_schema(args[1]) if len(args) > 1 and isinstance(args[1], dict) else {}
        return {"type": "array", "items": to_json_schema(args[0]), **extra}, False
    if kind == "Object" and args and isinstance(args[0], dict):
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, prop in args[0].items():
            if isinstance(prop, dict) and JS_MARKER in prop:
                schema, optional = _typebox(prop[JS_MARKER])
            else:
                schema, optional = to_json_schema(prop), False
            properties[name] = schema
            if not optional:
                required.append(name)
        out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        if len(args) > 1 and isinstance(args[1], dict):
            out.update(to_json_schema(args[1]))
        return out, False
    if kind == "Literal" and args and not isinstance(args[0], (dict, list)):
        return {"const": args[0]}, False
    if kind == "Union" and args and isinstance(args[0], list):
        members = [to_json_schema(a) for a in args[0]]
        if all(isinstance(m, dict) and set(m) == {"const"} for m in members):
            return {"enum": [m["const"] for m in members]}, False
        return {"anyOf": members}, False
    if kind in ("Any", "Unknown"):
        return {}, False
    return {}, False
