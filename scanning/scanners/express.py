"""Express endpoint scanner: tree-sitter facts per file, a mount graph across files.

Extraction is shared with Fastify (:func:`scanning.scanners._treesitter.extract_js_module`).
Linking builds the graph Express builds at run time, without running anything:

* objects are call sites of ``express()`` (an *app*) or ``express.Router()`` / ``Router()``
  (a *router*), or parameters of functions that receive one (``module.exports = (app) => ...``
  called as ``require('./routes')(app)``);
* ``X.use('/prefix', ..., router)`` mounts a router or sub-app; the router is found through
  ``require``/``import`` bindings and ``module.exports``/``exports.x``/``export default``/named
  exports, factory functions (``createRouter(db)``) and index files;
* an app or router a function creates and returns (``createExpressApp(settings)``) is a new
  object per call site of the function: three files calling the factory make three apps, and
  the factory's own calls on the object (middleware it installs) apply to each. An object
  created outside the function (a module-level router it returns) stays one object;
* a class method that returns a router (``api.use('/', new FilesRouter().expressRouter())``,
  ``this.app.use('/api', this.apiRouter())``, ``Server.promiseRouter()`` for a static one) is
  such a factory: each call site mounts a router of its own;
* a route whose method is computed at run time (``router[route.method](route.path, h)``,
  ``expressApp[m].call(expressApp, ...)``: a route table handed to Express in a loop) is a
  warning where the object is served; the table's content is data, not read;
* an app mounted into itself, or into an app or router mounted in it, is a warning (the mount
  is skipped); an app mounted only inside such a cycle is still served;
* routes (``X.get/post/put/patch/delete/all(path, ...mw, handler)`` and
  ``X.route(path).get().post()``) are served only when their object is reachable from a
  root app — an ``express()`` that nothing mounts. A router never mounted is not served;
* a chain of app/router methods that return the object (``express().set('json spaces', 2)``,
  ``return router.get(p, h).post(p, h)``) is that object (see ``JsProgram.resolve``);
* compiled CommonJS reads like the ES modules it came from: Babel's and tsc's interop
  helpers (``_interopRequireDefault(require("x"))``, ``__importStar``, ``tslib_1.__importDefault``)
  are the ``require``, ``(0, _api.default)(app)`` is ``api(app)``, ``exports.default = x`` the
  default export and ``exports.app`` inside its own module the exported ``app`` (tsc);
* a path with optional parameters (``/:pkg/:rev?/:v?``) is one endpoint per path Express
  serves (``/{pkg}``, ``/{pkg}/{rev}``, ``/{pkg}/{rev}/{v}``), see :func:`optional_variants`;
* a regular-expression path (``/^\\/nodes\\/([^\\/]+)$/``) is the path template it spells
  when it has one (``/nodes/{param1}``), see :func:`regex_path_template`; otherwise a warning.
* a route, or a ``use`` mounting a router, inside an ``if`` statement
  (``if (process.env.METRICS) app.use('/metrics', metrics)``) carries the tests as
  ``conditions`` (outermost first, ``not (test)`` in an ``else``), and so does every route of
  what such a ``use`` mounts; a branch a literal test always takes (``if (true)``) adds none.

A path that is not known statically is skipped with a warning saying why when it can: a
constant of an npm package not in the tree (compiled apps often import their route tables
from sibling packages), or a function parameter (``router.use(`/${key}`, ...)`` over data).

Auth: an auth-looking middleware (``auth``, ``passport.authenticate``, ``requireRole``...) in a
route's own chain, in ``use`` calls before it on any router on the way, or in the ``use`` that
mounts it.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from operator import itemgetter
from typing import Any, ClassVar

from scanning.scanners._js_queries import HandlerQueries, query_reads
from scanning.scanners._nest_config import config_namespaces
from scanning.scanners._treesitter import (
    JS_EXTENSIONS,
    JS_FACTS_VERSION,
    JS_FRONT_END,
    JS_SCANNER_EXTENSIONS,
    TSCONFIG_NAMES,
    JsProgram,
    extract_js_module,
    extract_tsconfig,
    is_auth_name,
    js_language,
)
from scanning.scanners.base import (
    DiscoveredEndpoint,
    Parameter,
    RepositoryIndex,
    Scanner,
    ScanWarning,
    SourceFile,
    join_paths,
    path_parameter_names,
)

ROUTE_METHODS = {
    "get": ("GET",), "post": ("POST",), "put": ("PUT",), "patch": ("PATCH",), "delete": ("DELETE",),
    "del": ("DELETE",), "head": ("HEAD",), "options": ("OPTIONS",),
    "all": ("GET", "POST", "PUT", "PATCH", "DELETE"),
}
ROUTER_PACKAGES = {"express-promise-router", "express-async-router"}
_SKIPPED_DIRS = ("node_modules/", "dist/", "build/", "coverage/", ".next/", "vendor/")
_TEST_MARKERS = ("__tests__/", "/test/", "/tests/", ".test.", ".spec.", "__mocks__/")

MSG_MOUNT_CYCLE = (
    "app or router mounted into itself or into an app or router mounted in it; mount skipped"
)
MSG_DYNAMIC_PATH = "route path is not a literal string; endpoint skipped"
MSG_REGEX_PATH = (
    "route path is a regular expression that cannot be written as a path template; endpoint skipped"
)
MSG_COMPUTED_METHOD = (
    "route registered with a method computed at run time ({name}[...]), e.g. from a route table; "
    "its endpoints are skipped"
)
MSG_DYNAMIC_PREFIX = "mount prefix is not a literal string; routes under it are skipped"
MSG_UNRESOLVED_MODULE = "cannot resolve module {src!r}; routes mounted from it are skipped"
MSG_PACKAGE_PATH = (
    "route path {name} is a constant of package {package!r}, which is not in the scanned tree; endpoint skipped"
)
MSG_PACKAGE_PREFIX = (
    "mount prefix {name} is a constant of package {package!r}, which is not in the scanned tree; "
    "routes under it are skipped"
)
MSG_RUNTIME_PATH = (
    "route path {name} depends on a function parameter, known only at run time; endpoint skipped"
)
MSG_RUNTIME_PREFIX = (
    "mount prefix {name} depends on a function parameter, known only at run time "
    "(e.g. read from data or configuration); routes under it are skipped"
)

# a regular-expression literal as a route path: `/^\/nodes\/([^\/]+)$/i`
_REGEX_LITERAL = re.compile(r"/(.+)/([dgimsuvy]*)", re.S)
# characters a regular expression does not read as themselves
_REGEX_SPECIAL = frozenset(".*+?[]{}|^$()")


def _structure(body: str, start: int = 0) -> Iterator[tuple[int, str, int, bool]]:
    """(index, token, depth, outside) for the tokens of a regular expression from `start`: an
    escape (`\\/`) is one token; `outside` is false for the characters of a character class
    (`[^/|]`), whose `(`, `)` and `|` mean themselves; `depth` counts the groups open after
    the token (a `(` outside a class opens one, a `)` closes one)."""
    depth = 0
    in_class = False
    i = start
    while i < len(body):
        c = body[i]
        if c == "\\":
            yield i, body[i:i + 2], depth, not in_class
            i += 2
            continue
        outside = not in_class
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        yield i, c, depth, outside
        i += 1


def _group_end(body: str, start: int) -> int | None:
    """Index of the `)` closing the group opened at `start` (escapes and classes skipped)."""
    return next((i for i, token, depth, outside in _structure(body, start)
                 if outside and token == ")" and depth == 0), None)


def _top_level_alternatives(body: str) -> list[str]:
    """`body` split at its `|` outside groups and classes."""
    parts: list[str] = []
    current = ""
    for _, token, depth, outside in _structure(body):
        if outside and token == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += token
    parts.append(current)
    return parts


def regex_path_template(text: str) -> str | None:
    """The path template of a regular-expression route path, or None when it has none.

    The pattern must be anchored at the start (`^`) and made of literal characters (escaped
    or not) and groups: each capturing group at the top level, whatever it matches (one
    segment or several), is a parameter `{paramN}` (N counting those groups from 1) or, for a
    named group `(?<name>...)`, `{name}`. The path ends at `$`, at a final `\\/?$` (optional
    trailing slash), at a final non-capturing group with an empty or `$` alternative
    (`(?:$|\\/(.*))`: the path without the optional tail) or at the end of the pattern (an
    unanchored pattern also matches longer paths; the template is the shortest). Anything
    else (classes or quantifiers outside groups, optional groups, alternatives) has no
    template."""
    match = _REGEX_LITERAL.fullmatch(text)
    if match is None:
        return None
    body = match.group(1)
    if not body.startswith("^"):
        return None
    out: list[str] = []
    count = 0
    i, size = 1, len(body)
    while i < size:
        c = body[i]
        if c == "\\":
            if i + 1 >= size or body[i + 1].isalnum():
                return None  # `\\d`, `\\w`...: a class
            c = body[i + 1]
            i += 2
            if i < size and body[i] == "?":
                if c == "/" and body[i + 1:] in ("$", ""):
                    break  # an optional trailing slash
                return None
            if i < size and body[i] in "*+{":
                return None
            out.append(c)
            continue
        if c == "(":
            end = _group_end(body, i)
            if end is None or (end + 1 < size and body[end + 1] in "?*+{"):
                return None
            inner = body[i + 1:end]
            i = end + 1
            if inner.startswith("?:"):
                if i == size and any(alt in ("", "$") for alt in _top_level_alternatives(inner[2:])):
                    break
                return None
            named = re.match(r"\?<([A-Za-z_]\w*)>", inner)
            if inner.startswith("?") and named is None:
                return None  # a lookahead or lookbehind
            count += 1
            out.append("{%s}" % (named.group(1) if named else f"param{count}"))
            continue
        if c == "$":
            if i != size - 1:
                return None
            break
        if c in _REGEX_SPECIAL or c in ":*":
            return None
        if i + 1 < size and body[i + 1] in "?*+{":
            return None
        out.append(c)
        i += 1
    path = "".join(out)
    return path if path.startswith("/") else None


# `:rev?` (or `:rev(\\d+)?`) as a whole path segment: Express matches the path with or without it
_OPTIONAL_SEGMENT = re.compile(r":[A-Za-z_]\w*(?:\([^)]*\))?\?")
_MAX_VARIANTS = 16


def is_test_file(path: str) -> bool:
    padded = "/" + path
    return any(marker in padded for marker in _TEST_MARKERS)


def wants_js(source: SourceFile) -> bool:
    # Express, Fastify and NestJS all ask about every JS file: answer once per file.
    wanted = source.__dict__.get("_wants_js")
    if wanted is None:
        path = "/" + source.rel_path
        if source.rel_path.rsplit("/", 1)[-1] in TSCONFIG_NAMES:
            wanted = not any("/" + d in path for d in _SKIPPED_DIRS)
        else:
            wanted = (
                source.extension in JS_EXTENSIONS
                and not source.rel_path.endswith((".d.ts", ".min.js"))
                and not any("/" + d in path for d in _SKIPPED_DIRS)
            )
        source.__dict__["_wants_js"] = wanted
    return wanted


def package_dependencies(index: RepositoryIndex) -> set[str]:
    names: set[str] = set()
    for path, text in index.manifests.items():
        if not path.endswith("package.json"):
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        for key in ("dependencies", "devDependencies", "peerDependencies"):
            section = data.get(key)
            if isinstance(section, dict):
                names.update(section)
    return names


def extract_js(source: SourceFile) -> dict[str, Any]:
    """The shared JS/TS facts of a file, walked once for every JS scanner that asks."""
    if source.rel_path.rsplit("/", 1)[-1] in TSCONFIG_NAMES:
        return extract_tsconfig(source.text)
    cached = source.__dict__.get("_js_module_facts")
    if cached is None:
        try:
            tree = source.tree_sitter(js_language(source.extension))
            cached = extract_js_module(tree)
        except RecursionError as error:
            raise ValueError("expressions nested too deeply to analyse") from error
        if b".query" in source.content:
            queries = query_reads(tree.root_node, source.content)
            if queries:
                cached["queries"] = queries  # function id -> query parameters it reads
        if b"registerAs" in source.content:
            namespaces = config_namespaces(tree.root_node)
            if namespaces:
                cached["config"] = namespaces  # @nestjs/config namespace -> key -> default value
        source.__dict__["_js_module_facts"] = cached
    return cached


def literal_strings(program: JsProgram, file: str, desc: dict[str, Any]) -> list[str] | None:
    """The path(s) an argument denotes, or None when it is not statically known."""
    kind = desc.get("t")
    if kind == "str":
        return [desc["v"]]
    if kind == "arr":
        out: list[str] = []
        for item in desc["v"]:
            values = literal_strings(program, file, item)
            if values is None:
                return None
            out.extend(values)
        return out
    if kind == "tpl":
        text = ""
        for part in desc["parts"]:
            if isinstance(part, str):
                text += part
                continue
            target = program.resolve(file, part)
            if target is None or target[0] != "lit" or not isinstance(target[1], str):
                return None
            text += target[1]
        return [text]
    if kind == "ref":
        target = program.resolve(file, desc["ref"])
        if target is not None and target[0] == "lit":
            value = target[1]
            if isinstance(value, str):
                return [value]
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                return list(value)
    return None


_NAMED_WILDCARD = re.compile(r"(?<=/)\*([A-Za-z_]\w*)(?=/|$)")


def optional_variants(path: str) -> list[str]:
    """The paths an Express route with optional parameters serves, longest first.

    `/:package/:_rev?/:revision?` serves `/p`, `/p/r` and `/p/r/v`: each run of consecutive
    optional segments keeps a prefix of itself (`/p/v` is `/p/r` to Express, not a variant of
    its own). A path with more than `_MAX_VARIANTS` variants is reported as written.
    """
    if "?" not in path:
        return [path]
    segments = path.split("/")
    optional = [bool(_OPTIONAL_SEGMENT.fullmatch(s)) for s in segments]
    if not any(optional):
        return [path]
    variants: list[list[str]] = [[]]
    i = 0
    while i < len(segments):
        if not optional[i]:
            for variant in variants:
                variant.append(segments[i])
            i += 1
            continue
        j = i
        while j < len(segments) and optional[j]:
            j += 1
        run = segments[i:j]
        variants = [v + run[:k] for v in variants for k in range(len(run), -1, -1)]
        if len(variants) > _MAX_VARIANTS:
            return [path]
        i = j
    return ["/".join(v) or "/" for v in variants]


def is_path_like(program: JsProgram, file: str, desc: dict[str, Any]) -> bool:
    """Whether the first argument of `use` is a path (literal or not) rather than a handler."""
    kind = desc.get("t")
    if kind in ("str", "dyn", "tpl"):
        return True
    if kind == "arr":
        return any(item.get("t") in ("str", "dyn", "tpl") for item in desc["v"])
    if kind == "ref":
        target = program.resolve(file, desc["ref"])
        if target is not None and target[0] == "lit":
            return isinstance(target[1], (str, list))
        ref = desc["ref"]
        # `app.use(config.prefix, router)`: a member of a non-function object used as a path
        # (or of a package: `router.use(_middleware.WebUrlsNamespace.root, ...)` in compiled code)
        return ref.get("k") == "attr" and (target is None or target[0] == "pkg") and desc["name"].lower().endswith(
            ("prefix", "path", "base", "url", "root"))
    return False


class JsFrameworkScanner(Scanner):
    """What the Express, Fastify and NestJS scanners share: the JavaScript front end (one
    tree-sitter walk and one facts document per file for the three) and detection from
    package.json dependencies or imported packages; each framework brings its linker.
    """

    language = "javascript"
    front_end = JS_FRONT_END
    version = JS_FACTS_VERSION
    extensions = JS_SCANNER_EXTENSIONS
    dependency_names: ClassVar[frozenset[str]]  # package.json dependencies that reveal the framework
    import_names: ClassVar[frozenset[str]]  # imported packages that reveal it
    # `options = parse(options)` binds `options` to a call that takes `options`: read in place,
    # the two refs are one cycle; the engine cuts it to "not known" (see engine.checked_facts).
    unknown_value: ClassVar[Any] = {"k": "none"}

    def wants(self, source: SourceFile) -> bool:
        return wants_js(source)

    def detect(self, index: RepositoryIndex, facts: dict[str, dict[str, Any]]) -> bool:
        if not self.dependency_names.isdisjoint(package_dependencies(index)):
            return True
        return any(not self.import_names.isdisjoint(f.get("packages", ())) for f in facts.values())

    def extract(self, source: SourceFile) -> dict[str, Any]:
        return extract_js(source)


class ExpressScanner(JsFrameworkScanner):
    name = "express"
    dependency_names = import_names = frozenset({"express"})

    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        return _ExpressLinker(facts).run()


# a node's entries: its own file's first, then by file, then in source order
_ENTRY_ORDER = itemgetter(0, 2, 1)


def _object_kind(callee: tuple[Any, ...]) -> str | None:
    if callee[0] != "pkg":
        return None
    package, attrs = callee[1], callee[2]
    if package == "express":
        if attrs in ((), ("default",)):
            return "app"
        if attrs in (("Router",), ("default", "Router")):
            return "router"
    if package in ROUTER_PACKAGES and attrs in ((), ("default",)):
        return "router"
    return None


class _ExpressLinker:
    def __init__(self, facts: dict[str, dict[str, Any]]) -> None:
        self.facts = {path: f for path, f in facts.items() if "calls" in f}
        self.program = JsProgram(facts)
        self.queries = HandlerQueries(self.program)
        self.warnings: list[ScanWarning] = []
        self.endpoints: dict[tuple[str, str], DiscoveredEndpoint] = {}
        self.entries: dict[tuple[Any, ...], list[tuple[int, int, str, dict[str, Any]]]] = defaultdict(list)
        self.kinds: dict[tuple[Any, ...], str] = {}
        self.mounted: set[tuple[Any, ...]] = set()
        # object made by a factory call -> the object the factory creates (its calls there)
        self.origins: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}
        self.touched_files: set[str] = set()
        self.visited: set[tuple[Any, ...]] = set()
        self._warned: set[tuple[str, int, str]] = set()
        # `join_paths` and `path_parameter_names` of the same few strings, over and over
        self._joined: dict[tuple[str, ...], str] = {}
        self._path_params: dict[str, list[str]] = {}
        self._targets: dict[tuple[str, int], tuple[dict[str, Any], tuple[Any, ...] | None]] = {}
        # The `if` tests around the `use` calls mounting what is being walked, outermost first.
        self.conditions: tuple[str, ...] = ()

    def join(self, *parts: str) -> str:
        joined = self._joined.get(parts)
        if joined is None:
            joined = join_paths(*parts)
            if "*" in joined:
                # Express 5 names its wildcards (`/files/*filepath`): a path parameter. A bare
                # `*` (Express 4's wildcard) or one inside a segment (`/ab*cd`) is left as written.
                joined = _NAMED_WILDCARD.sub(r"{\1}", joined)
            self._joined[parts] = joined
        return joined

    def node_of(self, file: str, ref: dict[str, Any]) -> tuple[Any, ...] | None:
        return self.node_of_target(self.resolve(file, ref))

    def resolve(self, file: str, ref: dict[str, Any]) -> tuple[Any, ...] | None:
        """`JsProgram.resolve`, remembered per file and ref object: a `use` argument is resolved
        when mounts are noted and again when the tree is walked (facts do not change meanwhile;
        identical files may share one facts object, hence the file in the key)."""
        key = (file, id(ref))
        known = self._targets.get(key)
        if known is not None and known[0] is ref:
            return known[1]
        target = self.program.resolve(file, ref)
        self._targets[key] = (ref, target)
        return target

    def node_of_target(self, target: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        if target is None:
            return None
        if target[0] == "call":
            kind = _object_kind(target[3])
            if kind is None:
                return None
            node = ("call", target[1], target[2])
            self.kinds[node] = kind
            if len(target) > 4 and node not in self.origins:
                # made by a factory: what the factory does to the object it creates applies
                # to this one (the origin is not an object of its own)
                self.origins[node] = self.node_of_target(target[4])
            return node
        if target[0] == "param":
            node = ("param", target[1], target[2], target[3])
            self.kinds.setdefault(node, "param")
            return node
        return None

    def warn(self, file: str, line: int, message: str) -> None:
        key = (file, line, message)
        if key not in self._warned:
            self._warned.add(key)
            self.warnings.append(ScanWarning(file=file, line=line, message=message))

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        for file in sorted(self.facts):
            f = self.facts[file]
            # A file's calls mostly share one owner (`router.get`, `router.post`...): an owner
            # equal to the previous one resolves to the same node.
            last_owner: dict[str, Any] | None = None
            node = kind = None
            test_file: bool | None = None  # asked once, on the first `use`
            for call in f["calls"]:
                owner = call["owner"]
                if owner != last_owner:
                    node = self.node_of(file, owner)
                    kind = self.kinds.get(node)
                    last_owner = owner
                elif node is not None and node[0] == "call":
                    self.kinds[node] = kind  # as `node_of` would set it again
                if node is not None:
                    self.entries[node].append((0 if file == node[1] else 1, call["seq"], file, call))
                    if call["m"] == "use":
                        if test_file is None:
                            test_file = is_test_file(file)
                        if not test_file:
                            # a test harness mounting the real app does not make it a sub-app
                            self._note_mounts(file, call, node)
            for inv in f.get("invocations", []):
                callee = self.program.resolve(file, inv["callee"])
                if callee is None or callee[0] != "fn":
                    continue
                for i, arg in enumerate(inv["args"]):
                    node = self.node_of(file, arg)
                    if node is not None:
                        alias = {"m": "__alias__", "target": ("param", callee[1], callee[2], i),
                                 "line": inv["line"], "seq": inv["seq"]}
                        self.entries[node].append((0 if file == node[1] else 1, inv["seq"], file, alias))
                        self.mounted.add(alias["target"])
        for entries in self.entries.values():
            entries.sort(key=_ENTRY_ORDER)
        made_by_factories = set(self.origins.values())
        roots = sorted(
            (n for n, kind in self.kinds.items()
             if kind == "app" and n not in self.mounted and n not in made_by_factories
             and not is_test_file(n[1])),
            key=lambda n: (n[1], str(n[2])),
        )
        for root in roots:
            self.walk(root, "", [], (root,))
        for node in sorted(self.mounted - self.visited, key=lambda n: (n[1], str(n[2:]))):
            # an app mounted only inside its own sub-apps (a cycle no root reaches) is served
            # all the same: walked from itself, the mount closing the cycle is a warning
            if (node not in self.visited and self.kinds.get(node) == "app" and node not in made_by_factories
                    and not is_test_file(node[1]) and self._mounts_itself(node)):
                self.walk(node, "", [], (node,))
        endpoints = list(self.endpoints.values())
        if any(e.auth_required for e in endpoints):
            for endpoint in endpoints:
                if endpoint.auth_required is None:
                    endpoint.auth_required = False
        for file in sorted(self.facts):
            f = self.facts[file]
            if f.get("errors") and (file in self.touched_files or "express" in f.get("packages", ())):
                for error in f["errors"][:1]:
                    self.warn(file, error["line"], error["message"] + "; declarations in it may be missed")
        return endpoints, self.warnings

    def _note_mounts(self, file: str, call: dict[str, Any], owner: tuple[Any, ...]) -> None:
        for desc in call["args"]:
            for item in desc["v"] if desc["t"] == "arr" else [desc]:
                if item.get("t") == "ref":
                    node = self.node_of(file, item["ref"])
                    if node is not None and node != owner:
                        # an app mounted into itself is still a root: the walk warns
                        self.mounted.add(node)

    def _mounts_itself(self, node: tuple[Any, ...]) -> bool:
        """Whether `node` is mounted in an app or router it mounts (directly or further down)."""
        seen: set[tuple[Any, ...]] = set()
        unvisited = [node]
        while unvisited:
            current = unvisited.pop()
            for _, _, file, entry in self._entries_of(current):
                if entry["m"] != "use":
                    continue
                for desc in entry["args"]:
                    for item in desc["v"] if desc["t"] == "arr" else [desc]:
                        if item.get("t") != "ref":
                            continue
                        child = self.node_of(file, item["ref"])
                        if child == node:
                            return True
                        if child is not None and child not in seen:
                            seen.add(child)
                            unvisited.append(child)
        return False

    def walk(self, node: tuple[Any, ...], prefix: str, chain: list[str], stack: tuple[Any, ...]) -> None:
        self.touched_files.add(node[1])
        self.visited.add(node)
        active: list[tuple[list[str] | None, list[str]]] = []
        for _, _, file, entry in self._entries_of(node):
            self.touched_files.add(file)
            verb = entry["m"]
            if verb == "__alias__":
                target = entry["target"]
                if target not in stack:
                    self.walk(target, prefix, chain + self._active_names(active, None), stack + (target,))
            elif verb == "use":
                self._use(file, entry, prefix, chain, active, stack)
            elif verb in ROUTE_METHODS:
                self._route(file, entry, prefix, chain, active)
            elif verb == "[]":
                self.warn(file, entry["line"], MSG_COMPUTED_METHOD.format(name=entry["name"]))

    def _entries_of(self, node: tuple[Any, ...]) -> list[tuple[int, int, str, dict[str, Any]]]:
        """The node's calls; for an object a factory made, the factory's calls on the object
        it creates come first (they run before the factory returns)."""
        origin = self.origins.get(node)
        if origin is None:
            return self.entries.get(node, [])
        chain = [node]
        while origin is not None and origin not in chain:
            chain.append(origin)
            origin = self.origins.get(origin)
        return [e for n in reversed(chain) for e in self.entries.get(n, [])]

    def _active_names(self, active: list[tuple[list[str] | None, list[str]]], path: str | None) -> list[str]:
        names: list[str] = []
        if not active:
            return names
        join = self.join
        for prefixes, mw in active:
            if prefixes is None or (path is not None and any(
                join(path) == join(p) or join(path).startswith(join(p).rstrip("/") + "/")
                for p in prefixes
            )):
                names.extend(mw)
        return names

    def _use(self, file: str, entry: dict[str, Any], prefix: str, chain: list[str],
             active: list[tuple[list[str] | None, list[str]]], stack: tuple[Any, ...]) -> None:
        args = entry["args"]
        if not args:
            return
        prefixes: list[str] | None = None
        dynamic_prefix = False
        if is_path_like(self.program, file, args[0]):
            prefixes = literal_strings(self.program, file, args[0])
            dynamic_prefix = prefixes is None
            args = args[1:]
        items: list[dict[str, Any]] = []
        for desc in args:
            items.extend(desc["v"] if desc["t"] == "arr" else [desc])
        middleware: list[str] = []
        for item in items:
            if item.get("t") != "ref":
                continue
            target = self.resolve(file, item["ref"])
            child = self.node_of_target(target)
            if child is None:
                if target is not None and target[0] == "unresolved":
                    self.warn(file, entry["line"], MSG_UNRESOLVED_MODULE.format(src=target[1]))
                name = item.get("name") or ""
                if target is not None and target[0] == "fn":
                    name = self.program.fn_name(target[1], target[2]) or name
                middleware.append(name)
                continue
            if dynamic_prefix:
                self.warn(file, entry["line"], self._dynamic_message(
                    file, entry["args"][0], MSG_DYNAMIC_PREFIX, MSG_PACKAGE_PREFIX, MSG_RUNTIME_PREFIX))
                continue
            if child in stack:
                self.warn(file, entry["line"], MSG_MOUNT_CYCLE)
                continue
            inherited = chain + self._active_names(active, None) + middleware
            for p in prefixes or [""]:
                child_prefix = self.join(prefix, p)
                route_chain = inherited + self._active_names(active, p) if prefixes else inherited
                outer = self.conditions
                self.conditions = (*outer, *entry.get("if", ()))
                self.walk(child, child_prefix, route_chain, stack + (child,))
                self.conditions = outer
        if middleware and not dynamic_prefix:
            active.append((prefixes, middleware))

    def _route(self, file: str, entry: dict[str, Any], prefix: str, chain: list[str],
               active: list[tuple[list[str] | None, list[str]]]) -> None:
        args = entry["args"]
        if "route" in entry:
            path_desc, handlers = entry["route"], args
        else:
            if len(args) < 2:
                return  # `app.get('env')` reads a setting
            path_desc, handlers = args[0], args[1:]
        if entry.get("err"):
            return
        paths = [path_desc["v"]] if path_desc.get("t") == "str" else literal_strings(self.program, file, path_desc)
        if paths is None:
            text = path_desc.get("text") or "" if path_desc.get("t") == "dyn" else ""
            if text.startswith("/"):
                # only a regular-expression literal starts so (no expression starts with `/`)
                template = regex_path_template(text)
                if template is None:
                    self.warn(file, entry["line"], MSG_REGEX_PATH)
                    return
                paths = [template]
            else:
                self.warn(file, entry["line"], self._dynamic_message(
                    file, path_desc, MSG_DYNAMIC_PATH, MSG_PACKAGE_PATH, MSG_RUNTIME_PATH))
                return
        names: list[str] = []
        for desc in handlers:
            kind = desc["t"]
            if kind == "ref" and desc.get("name"):
                names.append(desc["name"])  # what `_handler_name` gives, without the call
            elif kind == "arr":
                names.extend(self._handler_name(file, d) for d in desc["v"])
            else:
                names.append(self._handler_name(file, desc))
        if not names:
            return
        handler = names[-1]
        endpoints = self.endpoints
        methods = ROUTE_METHODS[entry["m"]]
        queries = self._queries(file, handlers) if self.queries.active else []
        for path in paths if len(paths) == 1 and "?" not in paths[0] else [
                v for p in paths for v in optional_variants(p)]:
            full = self.join(prefix, path)
            auth = ""
            for name in (chain + self._active_names(active, path) if active else chain) + names[:-1]:
                if is_auth_name(name):
                    auth = name
                    break
            param_names = self._path_params.get(full)
            if param_names is None:
                param_names = self._path_params[full] = path_parameter_names(full)
            for method in methods:
                key = (method, full)
                if key in endpoints:
                    continue
                parameters = [Parameter(name=p, location="path", required=True, schema={"type": "string"})
                              for p in param_names]
                if queries:
                    parameters += [Parameter(name=q, location="query", required=False, schema={"type": "string"})
                                   for q in queries if q not in param_names]
                endpoints[key] = DiscoveredEndpoint(
                    method=method, path=full, framework="express", file=file, line=entry["line"],
                    handler=handler, parameters=parameters, auth_required=True if auth else None, auth=auth,
                    conditions=[*self.conditions, *entry.get("if", ())],
                )

    def _dynamic_message(self, file: str, desc: dict[str, Any], generic: str, from_package: str,
                         at_run_time: str) -> str:
        """Why a path is not known: a constant of an npm package (compiled apps import their
        route tables from sibling packages that are not in the tree), a function parameter
        (`router.use(`/${key}`, ...)` in a loop over data), or anything else."""
        refs: list[tuple[dict[str, Any], str]] = []
        if desc.get("t") == "ref":
            refs.append((desc["ref"], desc.get("name") or ""))
        elif desc.get("t") == "tpl":
            refs.extend((part, desc.get("text") or "") for part in desc["parts"] if not isinstance(part, str))
        for ref, name in refs:
            name = name if name.startswith("`") else f"`{name}`"
            target = self.resolve(file, ref)
            if target is not None and target[0] == "pkg":
                return from_package.format(name=name, package=target[1])
            if target is not None and target[0] == "param":
                return at_run_time.format(name=name)
        return generic

    def _queries(self, file: str, handlers: list[dict[str, Any]]) -> list[str]:
        """The query parameters the route's functions (middleware and handler) read."""
        names: dict[str, None] = {}
        query_names = self.queries.names
        for desc in handlers:
            for item in desc["v"] if desc["t"] == "arr" else (desc,):
                if item["t"] == "ref":
                    for name in query_names(file, item["ref"]):
                        names[name] = None
        return list(names)

    def _handler_name(self, file: str, desc: dict[str, Any]) -> str:
        if desc.get("t") != "ref":
            return ""
        name = desc.get("name") or ""
        if not name and desc["ref"].get("k") == "fn":
            return self.program.fn_name(file, desc["ref"]["id"])
        return name
