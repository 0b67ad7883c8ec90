"""The scan runner's pure parts: walk a tree, extract facts through a cache, link, merge, diff.

Nothing here touches the database; `scanning.services` feeds these functions a facts cache
and applies the resulting `Diff` in one transaction. Keeping the runner pure lets the CLI
and the benchmark run exactly the code a scan job runs.

Two-pass extraction keeps memory bounded on large repositories: the first pass reads each
file once to hash it (and to ask scanners whether they want it), the second re-reads only
the cache misses and parses them, sharing one `SourceFile` (and so one parse tree per
language) between every scanner that wants the file.
"""
from __future__ import annotations

import gc
import hashlib
import ipaddress
import json
import os
import socket
import stat
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import orjson

from scanning.models import contract_fingerprint
from scanning.scanners.base import (
    DiscoveredEndpoint,
    RepositoryIndex,
    Scanner,
    ScannerError,
    ScanWarning,
    SourceFile,
)

SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "bower_components", "jspm_packages",
    "venv", ".venv", "env", ".env", "virtualenv", "site-packages", "__pycache__",
    ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs",
    "build", "dist", "target", ".gradle", ".idea", ".vscode", ".next", ".nuxt",
    ".svelte-kit", ".cache", "coverage", ".nyc_output", "vendor",
})
SKIP_SUFFIXES = (".min.js", ".bundle.js", ".map", ".lock")
DEFAULT_MAX_FILE_BYTES = 1024 * 1024
DEFAULT_MAX_FILES = 50_000
SPEC_FILE_NAMES = frozenset({
    "openapi.json", "openapi.yaml", "openapi.yml", "swagger.json", "swagger.yaml", "swagger.yml",
})
MAX_WARNINGS = 500
KEEP_CONTENT_BYTES = 64 * 1024 * 1024

MSG_TOO_MANY_FILES = "The repository has more than {limit} source files; narrow it with a sub-directory."
MSG_UNKNOWN_FRAMEWORK = "Unknown framework '{name}'. Known: {known}."
MSG_NO_FRAMEWORK = "No supported framework was detected in the repository."
MSG_PARSE_FAILED = "Could not parse the file: {error}"
MSG_TOO_DEEP = "nesting too deep"
MSG_SELF_REFERENCE = "definitions that refer to themselves"
MSG_DUPLICATE_ROUTE = "{method} {path} is also declared in {other}; the first declaration is used."
MSG_LINK_FAILED = "The {scanner} scanner failed: {error}"
MSG_SPEC_INVALID = "The spec is invalid at {location}: {message}"
MSG_SPEC_INVALID_NO_LOCATION = "The spec is invalid: {message}"
MSG_SPEC_URL_SCHEME = "The spec URL must use http:// or https://."
MSG_SPEC_URL_PRIVATE = "The spec URL points to a private or local address."
MSG_SPEC_URL_UNRESOLVABLE = "The spec URL's host could not be resolved."
MSG_SPEC_TOO_LARGE = "The spec is larger than the limit of {limit} bytes."
MSG_SPEC_HTTP_STATUS = "Fetching the spec answered HTTP {status}."
MSG_SPEC_TIMEOUT = "Fetching the spec did not finish within {seconds} seconds."
MSG_SPEC_UNREACHABLE = "Could not reach the spec URL: {error}"
MSG_SPEC_TOO_MANY_REDIRECTS = "Fetching the spec was redirected too many times."
MSG_SPEC_NOT_TEXT = "The spec is not UTF-8 text."


class ScanFailure(Exception):
    """A scan that cannot finish. ``permanent`` failures are recorded; others retried."""

    def __init__(self, message: str, *, permanent: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent

    def __str__(self) -> str:
        return self.message


class ScanCancelled(Exception):
    """The job was cancelled while it ran; nothing may be applied."""


# --- Walking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RepoFile:
    rel_path: str  # "/"-separated, relative to the repository root
    abs_path: str
    size: int


def _is_virtualenv(directory: str, names: Collection[str]) -> bool:
    return "pyvenv.cfg" in names


def walk_repository(
    root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, max_files: int = DEFAULT_MAX_FILES
) -> list[RepoFile]:
    """Every regular file worth scanning under `root`, sorted by relative path.

    Symlinks are never followed: a repository must not make us read outside itself. Paths
    are plain strings: pathlib objects per file cost more than the walk itself.
    """
    top = str(root.resolve())
    skip = len(top) + 1
    found: list[RepoFile] = []
    for directory, dirnames, filenames in os.walk(top, followlinks=False):
        if directory != top and _is_virtualenv(directory, filenames):
            dirnames[:] = []
            continue
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.endswith(".egg-info"))
        rel_directory = directory[skip:].replace(os.sep, "/")
        for name in filenames:
            if name.endswith(SKIP_SUFFIXES):
                continue
            path = os.path.join(directory, name)
            try:
                info = os.lstat(path)
            except OSError:
                continue
            # One lstat answers both: S_ISREG on it is false for symlinks, devices, FIFOs.
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_file_bytes:
                continue
            found.append(RepoFile(f"{rel_directory}/{name}" if rel_directory else name, path, info.st_size))
            if len(found) > max_files:
                raise ScanFailure(MSG_TOO_MANY_FILES.format(limit=max_files))
    found.sort(key=lambda f: f.rel_path)
    return found


def _read(file: RepoFile) -> bytes | None:
    try:
        with open(file.abs_path, "rb") as handle:
            content = handle.read()
    except OSError:
        return None
    # Binary files (images, archives, compiled classes) carry NUL bytes early on.
    if b"\x00" in content[:8192]:
        return None
    return content


def build_index(files: list[RepoFile]) -> RepositoryIndex:
    manifest_names = set(RepositoryIndex.MANIFEST_NAMES)
    manifests: dict[str, str] = {}
    for file in files:
        if file.rel_path.rsplit("/", 1)[-1] in manifest_names:
            content = _read(file)
            if content is not None:
                manifests[file.rel_path] = content.decode("utf-8", errors="replace")
    return RepositoryIndex(files=[f.rel_path for f in files], manifests=manifests)


# --- Facts cache --------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedFacts:
    facts: dict[str, Any]
    error: str = ""
    # The facts as `encode_facts` text, when the engine has it (fresh extractions): what a
    # cache stores, so that facts are encoded once.
    text: str | None = field(default=None, compare=False, repr=False)


def encode_facts(facts: Any) -> str:
    """Facts as compact JSON text: orjson, or the standard library for what orjson refuses.

    orjson refuses integers beyond 64 bits (a Python literal can hold one) and would read
    them back as floats; the standard library's text is marked with a leading space (valid
    JSON whitespace) so `decode_facts` reads it back exactly. NaN and infinities become null
    (JSON has neither). Facts that are not a tree raise ValueError (a cycle) or
    RecursionError (nesting deeper than the interpreter's stack).
    """
    try:
        return orjson.dumps(facts).decode()
    except orjson.JSONEncodeError:
        return " " + json.dumps(facts, separators=(",", ":"), ensure_ascii=False)


def decode_facts(text: str) -> Any:
    return json.loads(text) if text.startswith(" ") else orjson.loads(text)


def cut_cycles(value: Any, stand_in: Any) -> Any:
    """A copy of `value` in which every reference back to a dict that encloses it is replaced
    by a copy of `stand_in`: a tree, which JSON (and a recursive walk) can hold.

    Only dicts are cut, so a list keeps its type (a list in a cycle is always reached again
    through a dict in that cycle, and the cut happens there). Containers shared without a
    cycle are copied once and stay shared, so a document full of shared sub-trees does not
    blow up.
    """
    open_dicts: set[int] = set()
    copies: dict[int, Any] = {}

    def copy(item: Any) -> Any:
        if not isinstance(item, (dict, list)):
            return item
        key = id(item)
        if key in open_dicts:
            return deepcopy(stand_in)
        done = copies.get(key)
        if done is not None:
            return done
        if isinstance(item, dict):
            open_dicts.add(key)
            result: Any = {name: copy(child) for name, child in item.items()}
            open_dicts.discard(key)
        else:
            result = [copy(child) for child in item]
        copies[key] = result
        return result

    return copy(value)


class FactsCache(Protocol):
    """Facts by (front end, facts version, sha256 of the file content); see `Scanner.facts_key`."""

    def get_many(self, front_end: str, version: str, sha256s: Collection[str]) -> dict[str, CachedFacts]: ...

    def put_many(self, front_end: str, version: str, entries: dict[str, CachedFacts]) -> None: ...


class MemoryFactsCache:
    """A process-local cache, for the CLI and the benchmark's bare measurements."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str, str], CachedFacts] = {}

    def get_many(self, front_end: str, version: str, sha256s: Collection[str]) -> dict[str, CachedFacts]:
        return {
            sha: self.entries[(front_end, version, sha)]
            for sha in sha256s
            if (front_end, version, sha) in self.entries
        }

    def put_many(self, front_end: str, version: str, entries: dict[str, CachedFacts]) -> None:
        for sha, cached in entries.items():
            self.entries[(front_end, version, sha)] = cached


# --- Code scan ------------------------------------------------------------------------------

ProgressCallback = Callable[[float, int, int], None]  # fraction 0..1, files_scanned, files_parsed


@dataclass
class CodeScanResult:
    endpoints: list[DiscoveredEndpoint] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)
    files_scanned: int = 0
    files_parsed: int = 0
    frameworks: list[str] = field(default_factory=list)
    spec_files: list[str] = field(default_factory=list)  # OpenAPI documents found in the tree
    # Seconds per phase ("walk", "hash", "cache_read", "cache_write", "extract:<front end>",
    # "detect", "link:<scanner>", "merge"): where a slow scan spends its time.
    timings: dict[str, float] = field(default_factory=dict)

    def add_time(self, phase: str, started: float) -> None:
        self.timings[phase] = self.timings.get(phase, 0.0) + time.perf_counter() - started


def select_scanners(scanners: Iterable[Scanner], framework: str | None) -> list[Scanner]:
    scanners = list(scanners)
    if not framework:
        return scanners
    chosen = [s for s in scanners if s.name == framework]
    if not chosen:
        known = ", ".join(sorted(s.name for s in scanners)) or "none"
        raise ScanFailure(MSG_UNKNOWN_FRAMEWORK.format(name=framework, known=known))
    return chosen


def front_ends(scanners: Iterable[Scanner]) -> dict[tuple[str, str], list[Scanner]]:
    """Scanners grouped by facts key, in order; scanners of one front end must share a version."""
    groups: dict[tuple[str, str], list[Scanner]] = {}
    versions: dict[str, str] = {}
    for scanner in scanners:
        front_end, version = scanner.facts_key
        if versions.setdefault(front_end, version) != version:
            raise ValueError(f"scanners of the {front_end!r} front end disagree on the facts version "
                             f"({versions[front_end]!r}, {version!r} for {scanner.name!r})")
        groups.setdefault((front_end, version), []).append(scanner)
    return groups


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of a scan.

    Extraction, facts decoding and linking allocate millions of small, acyclic containers
    (parse trees have no parent pointers, facts are JSON trees), and every collection re-walks
    every live object: with the default threshold (700) the collector dominated scan time (a
    6,000-row facts read: 2.7 s with it, 0.2 s without), and even a threshold of 200,000 left
    a few full collections of the ~400,000 live objects in a 2,400-file scan (0.06-0.23 s).
    Everything the scan allocates is freed by reference counting; a cycle, should one appear,
    waits for the next full collection after the scan. Nested or concurrent scans (threads of
    one process) leave the collector as the outermost found it.
    """
    global _gc_pauses
    with _gc_lock:
        if _gc_pauses == 0:
            _gc_state["enabled"] = gc.isenabled()
            gc.disable()
        _gc_pauses += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pauses -= 1
            if _gc_pauses == 0:
                _promote_survivors()
                if _gc_state["enabled"]:
                    gc.enable()


def _promote_survivors() -> None:
    """Move what the scan left alive to the oldest generation without examining it.

    The collector counts allocations even while paused, so the first allocation after a scan
    set off a young collection that traversed everything the scan had allocated and kept
    (the result's endpoints and schemas, caches filled on the way): 0.02-0.3 s at the end of
    a large scan. Those objects are acyclic and mostly die when the job has stored its
    result; left in the oldest generation, they are examined only if they are still alive
    at the next full collection. `gc.freeze()` + `gc.unfreeze()` does this move (and resets
    the allocation count) in constant time; it is skipped when something else keeps frozen
    objects (a pre-forking server's `gc.freeze()`), which `unfreeze` would release.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


_gc_lock = threading.Lock()
_gc_pauses = 0
_gc_state: dict[str, bool] = {"enabled": True}


def scan_tree(
    root: Path,
    *,
    scanners: Iterable[Scanner],
    cache: FactsCache,
    framework: str | None = None,
    progress: ProgressCallback | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    max_files: int = DEFAULT_MAX_FILES,
    batch_size: int = 2000,
) -> CodeScanResult:
    """Discover the endpoints declared in the source tree at `root`.

    With `framework`, only that scanner runs and it links whatever it extracted, without
    asking `detect()`; otherwise every scanner whose `detect()` agrees contributes.

    Fresh facts are written to `cache` every `batch_size` extractions (one per front end and
    file), so an interrupted scan keeps most of its work. Each write costs a transaction per
    front end (a commit, an fsync on SQLite), so batches are large.
    """
    with paused_gc():
        return _scan_tree(root, scanners=scanners, cache=cache, framework=framework, progress=progress,
                          max_file_bytes=max_file_bytes, max_files=max_files, batch_size=batch_size)


def _scan_tree(
    root: Path,
    *,
    scanners: Iterable[Scanner],
    cache: FactsCache,
    framework: str | None,
    progress: ProgressCallback | None,
    max_file_bytes: int,
    max_files: int,
    batch_size: int,
) -> CodeScanResult:
    chosen = select_scanners(scanners, framework)
    groups = front_ends(chosen)
    started = time.perf_counter()
    files = walk_repository(root, max_file_bytes=max_file_bytes, max_files=max_files)
    index = build_index(files)
    result = CodeScanResult(spec_files=[f.rel_path for f in files if f.rel_path.rsplit("/", 1)[-1] in SPEC_FILE_NAMES])
    result.add_time("walk", started)

    # Pass 1: hash every file some scanner wants, and note which front ends (facts keys) and
    # scanners want it. Contents are kept for pass 2 up to a memory budget; past it, misses
    # are read again.
    started = time.perf_counter()
    extensions = tuple({ext for s in chosen for ext in s.extensions})
    # Per scanner, whether `wants` must be asked once `endswith` said yes: not for the
    # default `wants` over single-dot extensions, which `endswith` already answers.
    asked = {s.name: _asks_wants(s) for s in chosen}
    plans = [(key, [(s, s.extensions, asked[s.name]) for s in members]) for key, members in groups.items()]
    wanted: list[tuple[RepoFile, str, list[tuple[tuple[str, str], list[Scanner]]]]] = []
    kept: dict[str, bytes] = {}
    kept_bytes = 0
    for file in files:
        lower = file.rel_path.lower()
        if not lower.endswith(extensions):
            continue
        content = _read(file)
        if content is None:
            continue
        source = SourceFile(file.rel_path, content)
        # `endswith` first: a C-level test that spares most scanners' `wants` (a Python call
        # each) for the files of other languages
        takers = []
        for key, members in plans:
            chosen_here = [s for s, suffixes, asks in members
                           if lower.endswith(suffixes) and (not asks or s.wants(source))]
            if chosen_here:
                takers.append((key, chosen_here))
        if takers:
            wanted.append((file, hashlib.sha256(content).hexdigest(), takers))
            if kept_bytes + len(content) <= KEEP_CONTENT_BYTES:
                kept[file.rel_path] = content
                kept_bytes += len(content)
    result.files_scanned = len(wanted)
    result.add_time("hash", started)

    started = time.perf_counter()
    facts_by_scanner: dict[str, dict[str, dict[str, Any]]] = {s.name: {} for s in chosen}
    cached: dict[tuple[str, str], dict[str, CachedFacts]] = {}
    for key in groups:
        shas = {sha for _, sha, takers in wanted for taker_key, _ in takers if taker_key == key}
        cached[key] = cache.get_many(*key, shas) if shas else {}
    result.add_time("cache_read", started)

    # Pass 2: replay hits, parse misses, once per front end; every scanner of the front end
    # that wants the file gets the same facts. `fresh` also answers identical files later in
    # this scan after their batch has been flushed to the cache.
    fresh: dict[tuple[str, str], dict[str, CachedFacts]] = {key: {} for key in groups}
    unflushed: dict[tuple[str, str], dict[str, CachedFacts]] = {key: {} for key in groups}
    pending = 0
    total = max(len(wanted), 1)
    extract_phases = {key: f"extract:{key[0]}" for key in groups}
    for position, (file, sha, takers) in enumerate(wanted, start=1):
        source: SourceFile | None = None
        parsed = False
        content = kept.pop(file.rel_path, None)
        for key, scanners_of_key in takers:
            entry = cached[key].get(sha) or fresh[key].get(sha)
            if entry is None:
                if source is None:
                    content = content if content is not None else _read(file)
                    if content is None:
                        break
                    source = SourceFile(file.rel_path, content)
                started = time.perf_counter()
                entry = _extract(scanners_of_key[0], source)
                result.add_time(extract_phases[key], started)
                fresh[key][sha] = unflushed[key][sha] = entry
                pending += 1
                parsed = True
            if entry.error:
                result.warnings.append(ScanWarning(file=file.rel_path, message=entry.error))
            else:
                for scanner in scanners_of_key:
                    facts_by_scanner[scanner.name][file.rel_path] = entry.facts
        if parsed:
            result.files_parsed += 1
        if pending >= batch_size:
            started = time.perf_counter()
            _flush(cache, unflushed)
            pending = 0
            result.add_time("cache_write", started)
        if progress is not None:
            progress(position / total, position, result.files_parsed)
    started = time.perf_counter()
    _flush(cache, unflushed)
    result.add_time("cache_write", started)

    # Link.
    seen: dict[tuple[str, str], DiscoveredEndpoint] = {}
    for scanner in chosen:
        facts = facts_by_scanner[scanner.name]
        try:
            started = time.perf_counter()
            detected = bool(framework) or scanner.detect(index, facts)
            result.add_time("detect", started)
            if not detected:
                continue
            started = time.perf_counter()
            endpoints, warnings = scanner.link(facts, index)
            result.add_time(f"link:{scanner.name}", started)
        except ScannerError as exc:
            raise ScanFailure(MSG_LINK_FAILED.format(scanner=scanner.name, error=exc.message),
                              permanent=exc.permanent) from exc
        except Exception as exc:
            # A half-linked scanner would read as "every endpoint removed": fail instead.
            raise ScanFailure(MSG_LINK_FAILED.format(scanner=scanner.name, error=exc)) from exc
        result.frameworks.append(scanner.name)
        result.warnings.extend(warnings)
        started = time.perf_counter()
        for endpoint in endpoints:
            endpoint.method = endpoint.method.upper()
            previous = seen.get(endpoint.key)
            if previous is not None:
                result.warnings.append(ScanWarning(
                    file=endpoint.file, line=endpoint.line,
                    message=MSG_DUPLICATE_ROUTE.format(
                        method=endpoint.method, path=endpoint.path,
                        other=f"{previous.file}:{previous.line}",
                    ),
                ))
                continue
            seen[endpoint.key] = endpoint
        result.add_time("merge", started)
    result.endpoints = list(seen.values())
    if not result.frameworks and wanted:
        result.warnings.append(ScanWarning(file="", message=MSG_NO_FRAMEWORK))
    return result


def _asks_wants(scanner: Scanner) -> bool:
    """Whether `scanner.wants` can say no to a file whose lower-cased path ends with one of
    its extensions: not when it is `Scanner.wants` (the extension after the last dot is one
    of them) and every extension is a lower-case single-dot suffix (".py")."""
    return type(scanner).wants is not Scanner.wants or not all(
        ext.startswith(".") and ext.count(".") == 1 and "/" not in ext and ext == ext.lower()
        for ext in scanner.extensions
    )


def _extract(scanner: Scanner, source: SourceFile) -> CachedFacts:
    try:
        facts = scanner.extract(source)
    except RecursionError:
        return CachedFacts(facts={}, error=MSG_PARSE_FAILED.format(error=MSG_TOO_DEEP))
    except Exception as exc:  # noqa: BLE001 - one bad file never stops a scan (see scanners.base)
        return CachedFacts(facts={}, error=MSG_PARSE_FAILED.format(error=_one_line(exc)))
    return checked_facts(scanner, facts)


def checked_facts(scanner: Scanner, facts: dict[str, Any]) -> CachedFacts:
    """Fresh facts with their JSON text, which the cache stores as it is.

    Encoding here, once, also proves the facts are a tree, which linkers (they walk facts
    recursively) and the cache need. A front end whose facts can refer back to themselves
    (`options = parse(options)` read as "options is parse(options)") names the value that
    stands for such a reference in `Scanner.unknown_value`; the cut facts are the ones
    linked, so a first scan and a rescan from the cache see the same thing.
    """
    try:
        return CachedFacts(facts=facts, text=encode_facts(facts))
    except ValueError:  # a cycle
        if scanner.unknown_value is None:
            return CachedFacts(facts={}, error=MSG_PARSE_FAILED.format(error=MSG_SELF_REFERENCE))
        try:
            facts = cut_cycles(facts, scanner.unknown_value)
            return CachedFacts(facts=facts, text=encode_facts(facts))
        except RecursionError:
            return CachedFacts(facts={}, error=MSG_PARSE_FAILED.format(error=MSG_TOO_DEEP))
    except RecursionError:
        return CachedFacts(facts={}, error=MSG_PARSE_FAILED.format(error=MSG_TOO_DEEP))


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def _flush(cache: FactsCache, unflushed: dict[tuple[str, str], dict[str, CachedFacts]]) -> None:
    for key, entries in unflushed.items():
        if entries:
            cache.put_many(*key, entries)
            unflushed[key] = {}


# --- Spec --------------------------------------------------------------------------------------


@dataclass
class SpecResult:
    endpoints: list[DiscoveredEndpoint]
    warnings: list[ScanWarning]
    title: str = ""
    version: str = ""


def import_spec_text(text: str, *, source_name: str) -> SpecResult:
    """Run the OpenAPI importer; a malformed document is a permanent failure with its location."""
    from scanning.importers.openapi import SpecImportError, import_spec

    try:
        imported = import_spec(text, source_name=source_name)
    except SpecImportError as exc:
        raise ScanFailure(spec_error_message(exc)) from exc
    warnings = [w if isinstance(w, ScanWarning) else ScanWarning(file=source_name, message=str(w))
                for w in imported.warnings]
    endpoints = list(imported.endpoints)
    for endpoint in endpoints:
        endpoint.method = endpoint.method.upper()
    return SpecResult(endpoints=endpoints, warnings=warnings, title=imported.title or "",
                      version=imported.version or "")


def spec_error_message(exc: Exception) -> str:
    message = getattr(exc, "message", None) or str(exc)
    location = getattr(exc, "location", None)
    if location:
        return MSG_SPEC_INVALID.format(location=location, message=message)
    return MSG_SPEC_INVALID_NO_LOCATION.format(message=message)


def _check_public_host(host: str, *, allow_private: bool) -> None:
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ScanFailure(MSG_SPEC_URL_UNRESOLVABLE, permanent=False) from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not address.is_global:
            raise ScanFailure(MSG_SPEC_URL_PRIVATE)


def fetch_spec_url(
    url: str, *, timeout: float = 15.0, max_bytes: int = 5 * 1024 * 1024, allow_private: bool = False,
    max_redirects: int = 3, transport: Any = None,
) -> str:
    """GET an http(s) spec with a timeout and a size cap.

    Redirects are followed by hand so that every hop gets the same scheme and address checks
    (a public URL must not bounce us to the metadata service). DNS is checked before the
    request; a resolver that changes its answer in between is a residual risk accepted here.
    """
    import httpx

    with httpx.Client(timeout=timeout, follow_redirects=False, transport=transport) as client:
        for _ in range(max_redirects + 1):
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ScanFailure(MSG_SPEC_URL_SCHEME)
            _check_public_host(parts.hostname, allow_private=allow_private)
            started = time.monotonic()
            try:
                with client.stream("GET", url, headers={"Accept": "application/json, application/yaml, */*"}) as response:
                    if response.is_redirect and response.headers.get("location"):
                        url = urljoin(url, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise ScanFailure(MSG_SPEC_HTTP_STATUS.format(status=response.status_code),
                                          permanent=response.status_code < 500 and response.status_code != 429)
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise ScanFailure(MSG_SPEC_TOO_LARGE.format(limit=max_bytes))
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise ScanFailure(MSG_SPEC_TOO_LARGE.format(limit=max_bytes))
                        # The read timeout is per chunk; a slow drip must still end.
                        if time.monotonic() - started > timeout:
                            raise ScanFailure(MSG_SPEC_TIMEOUT.format(seconds=int(timeout)), permanent=False)
            except httpx.TimeoutException as exc:
                raise ScanFailure(MSG_SPEC_TIMEOUT.format(seconds=int(timeout)), permanent=False) from exc
            except httpx.HTTPError as exc:
                raise ScanFailure(MSG_SPEC_UNREACHABLE.format(error=_one_line(exc)), permanent=False) from exc
            try:
                return bytes(body).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ScanFailure(MSG_SPEC_NOT_TEXT) from exc
    raise ScanFailure(MSG_SPEC_TOO_MANY_REDIRECTS)


# --- Merge and diff -------------------------------------------------------------------------


def parameters_as_dicts(endpoint: DiscoveredEndpoint) -> list[dict[str, Any]]:
    return [
        {"name": p.name, "location": p.location, "required": p.required, "schema": p.schema,
         "description": p.description}
        for p in endpoint.parameters
    ]


def merge_endpoint(code: DiscoveredEndpoint | None, spec: DiscoveredEndpoint | None) -> dict[str, Any]:
    """Endpoint fields from the code and/or spec view of one operation.

    Code is what is served, so it wins; the spec fills what static analysis could not see
    (schemas, summaries, response codes). Location fields come from code only.
    """
    primary = code or spec
    assert primary is not None
    fields: dict[str, Any] = {
        "method": primary.method.upper(),
        "path": primary.path,
        "operation_id": primary.operation_id,
        "summary": primary.summary,
        "parameters": parameters_as_dicts(primary),
        "request_body": primary.request_body,
        "responses": dict(primary.responses),
        "auth_required": primary.auth_required,
        "auth": primary.auth,
        "framework": primary.framework,
        "source_file": code.file if code else "",
        "source_line": code.line if code else 0,
        "handler": code.handler if code else "",
        "tags": list(primary.tags),
        # Only code can tell that a route is registered under an `if`; a spec cannot.
        "conditions": list(code.conditions) if code else [],
    }
    if code is not None and spec is not None:
        fields["framework"] = code.framework
        fields["operation_id"] = code.operation_id or spec.operation_id
        fields["summary"] = code.summary or spec.summary
        fields["tags"] = list(code.tags) or list(spec.tags)
        fields["request_body"] = code.request_body if code.request_body is not None else spec.request_body
        if code.auth_required is None:
            fields["auth_required"] = spec.auth_required
            fields["auth"] = code.auth or spec.auth
        by_key = {(p["location"], p["name"]): p for p in fields["parameters"]}
        for p in parameters_as_dicts(spec):
            mine = by_key.get((p["location"], p["name"]))
            if mine is None:
                fields["parameters"].append(p)
            else:
                if not mine["schema"]:
                    mine["schema"] = p["schema"]
                if not mine["description"]:
                    mine["description"] = p["description"]
        responses = fields["responses"]
        for status, response in spec.responses.items():
            if status not in responses:
                responses[status] = response
            elif not responses[status].get("schema") and response.get("schema"):
                responses[status] = {**responses[status], "schema": response["schema"]}
    fields["parameters"].sort(key=lambda p: (p["location"], p["name"]))
    fields["fingerprint"] = contract_fingerprint(
        method=fields["method"], path=fields["path"], parameters=fields["parameters"],
        request_body=fields["request_body"], responses=fields["responses"],
    )
    return fields


SNAPSHOT_FIELDS = (
    "method", "path", "parameters", "request_body", "responses", "operation_id", "summary",
    "handler", "source_file", "source_line", "framework", "auth_required", "fingerprint", "conditions",
)
# Fields that a rescan refreshes without it counting as a contract change. `conditions` is
# one: a route put behind a feature flag (or out from behind one) serves the same contract.
DESCRIPTIVE_FIELDS = (
    "operation_id", "summary", "auth_required", "auth", "framework", "source_file",
    "source_line", "handler", "tags", "conditions",
)


def snapshot(fields: dict[str, Any]) -> dict[str, Any]:
    """What history keeps of an endpoint: its contract plus where it lived, so healing can
    tell a moved route (same handler, new path) from a deleted one."""
    return {name: fields.get(name) for name in SNAPSHOT_FIELDS}


@dataclass
class ExistingEndpoint:
    id: int
    method: str
    path: str
    status: str
    in_code: bool
    in_spec: bool
    fields: dict[str, Any]  # current values of the fields merge_endpoint produces

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)

    def as_discovered(self) -> DiscoveredEndpoint:
        f = self.fields
        return DiscoveredEndpoint.from_dict({
            "method": self.method, "path": self.path, "framework": f.get("framework", ""),
            "file": f.get("source_file", ""), "line": f.get("source_line", 0),
            "handler": f.get("handler", ""), "operation_id": f.get("operation_id", ""),
            "summary": f.get("summary", ""), "parameters": f.get("parameters") or [],
            "request_body": f.get("request_body"), "responses": f.get("responses") or {},
            "auth_required": f.get("auth_required"), "auth": f.get("auth", ""),
            "tags": f.get("tags") or [], "conditions": f.get("conditions") or [],
        })


@dataclass
class Diff:
    added: list[dict[str, Any]] = field(default_factory=list)  # fields incl. in_code/in_spec
    changed: list[tuple[ExistingEndpoint, dict[str, Any]]] = field(default_factory=list)
    restored: list[tuple[ExistingEndpoint, dict[str, Any]]] = field(default_factory=list)
    removed: list[ExistingEndpoint] = field(default_factory=list)
    refreshed: list[tuple[ExistingEndpoint, dict[str, Any]]] = field(default_factory=list)  # same contract
    found: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.restored or self.removed)


def compute_diff(
    *,
    active: list[ExistingEndpoint],
    removed: list[ExistingEndpoint],
    code: list[DiscoveredEndpoint] | None,
    spec: list[DiscoveredEndpoint] | None,
) -> Diff:
    """What a scan changes. `code`/`spec` is None when the scan did not look at that source:
    then the endpoints' flag for that source is left as it was.

    An endpoint stays active while it is seen in code or in the spec; when neither holds it
    is removed (kept, status `removed`). A key seen again after removal restores its most
    recently removed row rather than creating a new one, so tests attached to it come back.
    """
    code_map = {e.key: e for e in code} if code is not None else {}
    spec_map = {e.key: e for e in spec} if spec is not None else {}
    active_map = {e.key: e for e in active}
    removed_map: dict[tuple[str, str], ExistingEndpoint] = {}
    for row in sorted(removed, key=lambda r: r.id):
        removed_map[row.key] = row  # the latest removal wins

    diff = Diff()
    for key in sorted(set(code_map) | set(spec_map)):
        existing = active_map.get(key)
        code_view = code_map.get(key)
        spec_view = spec_map.get(key)
        # A source this scan did not look at keeps its say through the stored endpoint.
        if code is None and existing is not None and existing.in_code:
            code_view = existing.as_discovered()
        if spec is None and existing is not None and existing.in_spec:
            spec_view = existing.as_discovered()
        fields = merge_endpoint(code_view, spec_view)
        fields["in_code"] = key in code_map if code is not None else bool(existing and existing.in_code)
        fields["in_spec"] = key in spec_map if spec is not None else bool(existing and existing.in_spec)
        if existing is None:
            previous = removed_map.get(key)
            (diff.restored.append((previous, fields)) if previous else diff.added.append(fields))
        elif existing.fields.get("fingerprint") != fields["fingerprint"]:
            diff.changed.append((existing, fields))
        else:
            diff.refreshed.append((existing, fields))
    for key, existing in active_map.items():
        if key in code_map or key in spec_map:
            continue
        in_code = False if code is not None else existing.in_code
        in_spec = False if spec is not None else existing.in_spec
        if (in_code, in_spec) == (existing.in_code, existing.in_spec):
            continue
        if in_code or in_spec:
            diff.refreshed.append((existing, {**existing.fields, "in_code": in_code, "in_spec": in_spec}))
        else:
            diff.removed.append(existing)
    diff.found = len(set(code_map) | set(spec_map))
    return diff
