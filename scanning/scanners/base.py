"""The scanner interface: how a framework scanner turns source files into endpoints.

Scanning is split in two phases so that rescans are incremental and fast:

1. ``extract(source)`` runs once per (scanner, file content): it parses one file (tree-sitter
   for JavaScript/TypeScript/Java, ``ast`` for Python — the code is parsed, never executed
   or imported) and returns that file's *facts*: plain JSON-serializable data (routes
   declared, routers created, mounts with prefixes, imports, models/DTO schemas...). The
   job layer caches facts by ``(scanner.name, scanner.version, sha256(content))``, so an
   unchanged file is never parsed again.
2. ``link(facts, context)`` runs over the facts of every file and resolves what spans
   files (``app.use('/api', router)`` with ``require``, ``include_router(prefix=)``,
   Django ``include()``, Spring context paths) into the final endpoint list. It does no I/O.

A file that fails to parse yields a warning, never an exception: the scan goes on.
"""
from __future__ import annotations

import hashlib
import re
import threading
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
PARAMETER_LOCATIONS = ("path", "query", "header", "cookie")


class ScannerError(Exception):
    """A scan-level failure. ``permanent`` failures are recorded; transient ones retried."""

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


@dataclass
class Parameter:
    name: str
    location: str  # one of PARAMETER_LOCATIONS
    required: bool = False
    schema: dict[str, Any] = field(default_factory=dict)  # JSON Schema: type, enum, format, ...
    description: str = ""


@dataclass
class DiscoveredEndpoint:
    method: str  # upper case, one of HTTP_METHODS
    path: str  # normalized with normalize_path: "/users/{id}"
    framework: str  # scanner name: "express", "fastapi", "openapi", ...
    file: str = ""  # path relative to the repository root, "/"-separated
    line: int = 0  # 1-based line of the route declaration
    handler: str = ""  # function / method / class name handling the route
    operation_id: str = ""
    summary: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    request_body: dict[str, Any] | None = None  # JSON Schema of the JSON body
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)  # "200" -> {"description", "schema"}
    auth_required: bool | None = None  # None: cannot be told from the source
    auth: str = ""  # what tells: "@login_required", "permission_classes=[IsAuthenticated]", ...
    tags: list[str] = field(default_factory=list)
    # The source text of each `if` test the route's registration sits under, outermost first
    # (``"not (X)"`` in an `else`): it is served only when they hold, which a static scan
    # cannot know. Empty: always served.
    conditions: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.conditions) > 1:
            # The same test at two levels (a router mounted under `if (!opts.x)`, its routes
            # under `if (!opts.x)` again) is one condition.
            self.conditions = list(dict.fromkeys(self.conditions))

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiscoveredEndpoint:
        data = dict(data)
        data["parameters"] = [Parameter(**p) for p in data.get("parameters", [])]
        return cls(**data)


@dataclass
class ScanWarning:
    file: str
    message: str
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class _computed_once:
    """`functools.cached_property` without its lock.

    On Python 3.11 a cached_property takes a class-wide RLock on every first access; the
    engine and the scanners read four of them (`sha256`, `extension`, `text`, `python_ast`)
    on thousands of files per scan, and the lock made up most of that cost. A `SourceFile`
    belongs to one scan on one thread, so nothing needs it. As with cached_property, the
    value lands in the instance's `__dict__` (which then answers without this descriptor),
    and an exception (a file that does not parse) is raised again on the next access.
    """

    def __init__(self, func: Any) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


class SourceFile:
    """One repository file, parsed lazily and at most once per language for all scanners."""

    def __init__(self, rel_path: str, content: bytes) -> None:
        self.rel_path = rel_path
        self.content = content

    @_computed_once
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @_computed_once
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @_computed_once
    def extension(self) -> str:
        name = self.rel_path.rsplit("/", 1)[-1]
        return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""

    @_computed_once
    def python_ast(self) -> Any:
        """The `ast` module tree; raises SyntaxError for invalid Python."""
        import ast

        return ast.parse(self.content, filename=self.rel_path)

    def tree_sitter(self, language: str) -> Any:
        """A tree-sitter tree for `language` ("javascript", "typescript", "tsx", "java"), cached."""
        cache = self.__dict__.setdefault("_ts_trees", {})
        if language not in cache:
            cache[language] = _thread_parser(language).parse(self.content)
        return cache[language]


_TS_LANGUAGES: dict[str, Any] = {}


def tree_sitter_language(name: str) -> Any:
    if name not in _TS_LANGUAGES:
        from tree_sitter import Language

        if name == "javascript":
            import tree_sitter_javascript as grammar

            capsule = grammar.language()
        elif name == "typescript":
            import tree_sitter_typescript as grammar

            capsule = grammar.language_typescript()
        elif name == "tsx":
            import tree_sitter_typescript as grammar

            capsule = grammar.language_tsx()
        elif name == "java":
            import tree_sitter_java as grammar

            capsule = grammar.language()
        else:
            raise ValueError(f"no tree-sitter grammar for {name!r}")
        _TS_LANGUAGES[name] = Language(capsule)
    return _TS_LANGUAGES[name]


def tree_sitter_parser(name: str) -> Any:
    from tree_sitter import Parser

    return Parser(tree_sitter_language(name))


_PARSERS = threading.local()


def _thread_parser(name: str) -> Any:
    """This thread's parser for `name`, made once: a parser keeps its stacks and buffers
    between parses, and a fresh one per file cost about a tenth of a file's parse. Parsers
    are not thread-safe, hence one per thread."""
    parsers = _PARSERS.__dict__.setdefault("by_language", {})
    parser = parsers.get(name)
    if parser is None:
        parser = parsers[name] = tree_sitter_parser(name)
    return parser


@dataclass
class RepositoryIndex:
    """What detection and linking may look at: every file path, and manifest texts."""

    files: list[str]
    manifests: dict[str, str] = field(default_factory=dict)  # rel path -> text, for MANIFEST_NAMES
    # Scratch space for one scan's linkers: scanners sharing a front end link over the very
    # same facts and may keep work they have in common here (keyed by front end), once.
    shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    MANIFEST_NAMES: ClassVar[tuple[str, ...]] = (
        "package.json", "requirements.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg",
        "pom.xml", "build.gradle", "build.gradle.kts",
    )

    def manifest_mentions(self, *needles: str) -> bool:
        return any(n in text for text in self.manifests.values() for n in needles)


class Scanner(ABC):
    """One framework. Subclasses are stateless; one instance serves many scans."""

    name: ClassVar[str]  # "express", "fastify", "fastapi", "flask", "django", "spring"
    language: ClassVar[str]  # "javascript", "python", "java"
    version: ClassVar[str] = "1"  # bump when extract() output changes, to invalidate cached facts
    # Scanners sharing a front end (Express, Fastify and NestJS on one tree-sitter walk; the
    # Python scanners on one `ast` walk) return the same facts for a file: the engine extracts
    # and caches them once per front end, keyed by (front_end, version), so such scanners
    # must agree on `version`. Empty: the scanner is its own front end.
    front_end: ClassVar[str] = ""

    @property
    def facts_key(self) -> tuple[str, str]:
        """What the facts cache is keyed by: (front end, facts version)."""
        return (self.front_end or self.name, self.version)
    # Files this scanner extracts from, e.g. (".js", ".ts"): the engine asks `wants` only about
    # files whose lower-cased path ends with one of these.
    extensions: ClassVar[tuple[str, ...]]
    # What the facts use for a value that cannot be known, put where a fact would refer back
    # to itself (a cycle, which JSON cannot hold). None: facts never refer to themselves, and
    # a file whose facts do is a warning.
    unknown_value: ClassVar[Any] = None

    def wants(self, source: SourceFile) -> bool:
        """Cheap pre-filter before parsing; by default, the extension."""
        return source.extension in self.extensions

    @abstractmethod
    def detect(self, index: RepositoryIndex, facts: dict[str, dict[str, Any]]) -> bool:
        """Whether the repository uses this framework (manifests, or imports seen in `facts`)."""

    @abstractmethod
    def extract(self, source: SourceFile) -> dict[str, Any]:
        """Facts of one file: JSON-serializable, a pure function of the file's content.

        Raise SyntaxError/ValueError for an unparseable file; the caller records a warning.
        """

    @abstractmethod
    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        """Resolve cross-file structure into endpoints. Pure: no I/O beyond `index`."""


# --- Paths ------------------------------------------------------------------------------

_PARAM_PATTERNS = [
    re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)"),  # Django regex groups (?P<id>[0-9]+)
    re.compile(r"<(?:[\w.]+:)?(?P<name>\w+)>"),  # <id>, <int:id>, <path:rest>
    re.compile(r"\{(?P<name>\w+)(?::[^{}]*(?:\{[^{}]*\}[^{}]*)*)?\}"),  # {id}, Spring {id:\d+}
    re.compile(r"(?<![\w}]):(?P<name>[A-Za-z_]\w*)\??(?:\([^)]*\))?"),  # Express :id, :id?, :id(\d+)
]


# Pure and called for every route and every prefix joined onto it, with the same few
# strings over and over ("/", "/:id", a router's prefix): five regex passes each time were a
# visible part of linking.
@lru_cache(maxsize=8192)
def normalize_path(raw: str) -> str:
    """Canonical form of a route: leading slash, `{name}` parameters, no trailing slash.

    `:id`, `<int:id>`, `<id>`, `{id}`, `{id:\\d+}` and `(?P<id>...)` all become `{id}`;
    regex anchors and Django's `^`/`$` are dropped; `//` collapses.
    """
    path = raw.strip()
    if path.startswith("^"):
        path = path[1:]
    if path.endswith("$"):
        path = path[:-1]
    path = path.replace("\\/", "/").replace("\\.", ".")
    for pattern in _PARAM_PATTERNS:
        path = pattern.sub(lambda m: "{" + m.group("name") + "}", path)
    path = re.sub(r"/{2,}", "/", "/" + path.lstrip("/"))
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return path


def join_paths(*parts: str) -> str:
    """Join a chain of prefixes and a route, then normalize."""
    joined = "/".join(p.strip("/") for p in parts if p and p.strip("/"))
    return normalize_path("/" + joined)


def path_parameter_names(path: str) -> list[str]:
    return re.findall(r"\{(\w+)\}", path)
