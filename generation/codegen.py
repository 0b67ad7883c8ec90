"""Export of test cases as standalone, readable pytest + httpx modules.

Each module runs on its own (`pip install pytest httpx`, plus `jsonschema` when a test checks
a JSON Schema): the target comes from ``TESTGEN_BASE_URL``; credentials never appear in the
file. ``"auth": "default"`` sends the ``TESTGEN_AUTH`` variable as the ``TESTGEN_AUTH_HEADER``
header (``Authorization`` unless set), a named identity sends ``TESTGEN_AUTH_<NAME>``, and
any secret-looking literal in a spec (a credential header, a token-shaped value, a password
field) is replaced by a ``TESTGEN_SECRET_<NAME>`` variable listed in the module docstring.

Each step becomes a request followed by one plain ``assert`` per assertion, each with a
message naming the expectation and showing the response. Captures become local variables
that later steps use. A load spec becomes a thread-pool loop that computes latency
percentiles (nearest rank) and the error rate, then asserts the limits.
"""

from __future__ import annotations

import io
import keyword
import pprint
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from generation.models import TestCase
from generation.spec import _INLINE, _WHOLE
from projects.models import header_is_secret
from testgen.api.scrub import scrub

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
INDENT = "    "
LINE_WIDTH = 100
# Body and query keys whose values are credentials whatever they look like.
_SECRET_KEY = re.compile(
    r"(?i)^(password|passwd|pass|secret|client_secret|token|access_token|refresh_token|id_token|"
    r"api_?key|private_?key|authorization|otp|pin)$"
)
# Names the generated test function already uses; captures with these names get a suffix.
_RESERVED = {
    "response",
    "client",
    "body",
    "os",
    "re",
    "time",
    "httpx",
    "pytest",
    "jsonschema",
    "BASE_URL",
    "TIMEOUT",
    "AUTH_HEADER",
    "auth_headers",
    "fill_path",
    "json_body",
    "json_path",
    "contains",
    "describe",
    "schema_errors",
    "capture_json",
    "capture_header",
    "percentile",
    "one_request",
    "results",
    "latencies",
    "error_rate",
    "ThreadPoolExecutor",
    "MISSING",
    "Any",
    "elapsed_ms",
    "errors",
    "requests",
    "concurrency",
    "limits",
    "started",
    "elapsed",
    "pool",
    "json_equal",
    "json_differs",
    "math",
    "quote",
    "str",
    "int",
    "len",
    "sum",
    "float",
    "list",
    "dict",
}


# --- Python source for JSON values -----------------------------------------------------------


@dataclass(frozen=True)
class _Env:
    """A value read from an environment variable instead of being written into the file."""

    variable: str

    def source(self) -> str:
        return f'os.environ.get("{self.variable}", "")'


@dataclass(frozen=True)
class _Source:
    """Ready-made Python source (a variable, a concatenation)."""

    code: str


def _literal(value: Any) -> str:
    return pprint.pformat(value, width=LINE_WIDTH, sort_dicts=False)


def _template(text: str, variables: dict[str, str]) -> Any:
    """`text` with `{{name}}` of captured variables turned into Python; others stay literal."""
    whole = _WHOLE.match(text)
    if whole and whole.group(1) in variables:
        return _Source(variables[whole.group(1)])
    parts: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.group(1) not in variables:
            continue
        if match.start() > position:
            parts.append(repr(text[position : match.start()]))
        parts.append(f"str({variables[match.group(1)]})")
        position = match.end()
    if not parts:
        return text
    if position < len(text):
        parts.append(repr(text[position:]))
    return _Source(" + ".join(parts))


def _has_code(value: Any) -> bool:
    if isinstance(value, (_Env, _Source)):
        return True
    if isinstance(value, dict):
        return any(_has_code(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_code(v) for v in value)
    return False


def _source(value: Any) -> str:
    """Python source for a JSON value that may hold `_Env`/`_Source` leaves."""
    if isinstance(value, _Env):
        return value.source()
    if isinstance(value, _Source):
        return value.code
    if not _has_code(value):
        return _literal(value)
    if isinstance(value, dict):
        items = [f"{k!r}: {_source(v)}," for k, v in value.items()]
    else:
        items = [f"{_source(v)}," for v in value]
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    return opening + "\n" + _indent("\n".join(items), INDENT) + "\n" + closing


def _indent(text: str, prefix: str) -> str:
    # Continuation lines of a multi-line literal are inside brackets, so indenting them
    # is cosmetic and never changes the meaning.
    return "\n".join(prefix + line if line else line for line in text.split("\n"))


@dataclass
class _Module:
    """What the module being written needs: helpers, imports, environment variables."""

    helpers: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)
    secrets: dict[str, str] = field(default_factory=dict)  # variable -> where it is used
    identities: set[str] = field(default_factory=set)
    constants: list[str] = field(default_factory=list)
    by_value: dict[tuple[str, str], str] = field(default_factory=dict)

    def secret(self, hint: str, where: str, value: str) -> _Env:
        base = "TESTGEN_SECRET_" + (re.sub(r"[^A-Za-z0-9]+", "_", hint).strip("_").upper() or "VALUE")
        # One variable per distinct value: the same key sent by several steps is one secret.
        if (base, value) in self.by_value:
            return _Env(self.by_value[(base, value)])
        variable, n = base, 2
        while variable in self.secrets:
            variable, n = f"{base}_{n}", n + 1
        self.secrets[variable] = " ".join("".join(ch if ch.isprintable() else " " for ch in where).split())
        self.by_value[(base, value)] = variable
        return _Env(variable)


def _protect(
    value: Any, module: _Module, variables: dict[str, str], *, key: str = "", where: str = ""
) -> Any:
    """Substitute captures and move secrets out of `value` (body, query or path params)."""
    if isinstance(value, dict):
        return {k: _protect(v, module, variables, key=str(k), where=where) for k, v in value.items()}
    if isinstance(value, list):
        return [_protect(v, module, variables, key=key, where=where) for v in value]
    if isinstance(value, str):
        rendered = _template(value, variables)
        if isinstance(rendered, _Source):
            return rendered
        if (key and _SECRET_KEY.match(key)) or scrub(value) != value:
            return module.secret(key or "value", f"{where} {key}".strip(), value)
        return value
    return value


def _protect_headers(
    headers: dict[str, str], module: _Module, variables: dict[str, str], where: str
) -> dict[str, Any]:
    protected: dict[str, Any] = {}
    for name, value in headers.items():
        rendered = _template(value, variables)
        if isinstance(rendered, _Source):
            protected[name] = rendered
        elif header_is_secret(name, value):
            protected[name] = module.secret(name, f"{where} header {name}", value)
        else:
            protected[name] = value
    return protected


# --- helpers emitted into the module, only when used -----------------------------------------

HELPERS: dict[str, str] = {
    "describe": '''
def describe(response: httpx.Response) -> str:
    """The request and the start of the response, for assertion messages."""
    return f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:500]}"
''',
    "auth_headers": '''
def auth_headers(identity: str) -> dict[str, str]:
    """Credentials come from the environment, never from this file."""
    headers: dict[str, str] = {}
    if identity == "default":
        headers = {name: os.environ[var] for name, var in CREDENTIAL_HEADERS.items() if os.environ.get(var)}
    variable = "TESTGEN_AUTH" if identity == "default" else "TESTGEN_AUTH_" + re.sub(r"\\W+", "_", identity).upper()
    if os.environ.get(variable):
        headers[AUTH_HEADER] = os.environ[variable]
    return headers
''',
    "fill_path": """
def fill_path(template: str, params: dict[str, Any]) -> str:
    return re.sub(r"\\{([^{}]+)\\}", lambda m: quote(str(params[m.group(1)]), safe=""), template)
""",
    "json_body": """
def json_body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise AssertionError("expected a JSON response body | " + describe(response)) from None
""",
    "json_path": '''
MISSING = object()


def json_path(document: Any, path: str) -> Any:
    """`$`, `.key`, `[0]` and `['key']` paths; MISSING when the path does not exist."""
    token = re.compile(r"\\.([A-Za-z_][A-Za-z0-9_-]*)|\\[(\\d+)\\]|\\[['\\"]([^'\\"]+)['\\"]\\]")
    position, current = 1, document
    while position < len(path):
        match = token.match(path, position)
        if not match:
            raise ValueError(f"unsupported JSON path syntax at {path[position:]!r}")
        key, index, quoted = match.groups()
        if index is not None:
            if not isinstance(current, list) or int(index) >= len(current):
                return MISSING
            current = current[int(index)]
        else:
            if not isinstance(current, dict) or (key if key is not None else quoted) not in current:
                return MISSING
            current = current[key if key is not None else quoted]
        position = match.end()
    return current
''',
    "json_equal": """
def json_equal(a: Any, b: Any) -> bool:
    \"\"\"JSON equality: unlike Python's, `true` is not `1`, and `1` equals `1.0`.\"\"\"
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
""",
    "json_differs": """
def json_differs(actual: Any, expected: Any) -> bool:
    \"\"\"Present, and not equal: a missing value does not count as different.\"\"\"
    return actual is not MISSING and not json_equal(actual, expected)
""",
    "contains": """
def contains(container: Any, value: Any) -> bool:
    \"\"\"Substring of a string, element of a list, or key of an object.\"\"\"
    if isinstance(container, str):
        return isinstance(value, str) and value in container
    if isinstance(container, list):
        return any(json_equal(item, value) for item in container)
    if isinstance(container, dict):
        return isinstance(value, str) and value in container
    return False
""",
    "schema_errors": """
def schema_errors(document: Any, schema: dict[str, Any]) -> list[str]:
    validator = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)(schema)
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(document)]
""",
    "capture_json": """
def capture_json(response: httpx.Response, path: str) -> Any:
    value = json_path(json_body(response), path)
    assert value is not MISSING, f"could not capture {path}: not in the response | " + describe(response)
    return value
""",
    "capture_header": """
def capture_header(response: httpx.Response, name: str) -> str:
    value = response.headers.get(name)
    assert value is not None, f"could not capture header {name}: not in the response | " + describe(response)
    return value
""",
    "percentile": '''
def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]
''',
}
# Helpers other helpers call.
_HELPER_NEEDS = {
    "json_body": {"describe"},
    "json_differs": {"json_equal", "json_path"},
    "contains": {"json_equal"},
    "capture_json": {"json_path", "json_body", "describe"},
    "capture_header": {"describe"},
}
_HELPER_IMPORTS = {
    "fill_path": {"from urllib.parse import quote"},
    "schema_errors": {"import jsonschema"},
    "percentile": {"import math"},
}


# --- statements ---------------------------------------------------------------------------------


def _status_condition(expectation: Any) -> tuple[str, str]:
    """(condition over `response.status_code`, description) for a status expectation."""
    if isinstance(expectation, int):
        return f"response.status_code == {expectation}", f"status {expectation}"
    if isinstance(expectation, list):
        return f"response.status_code in {tuple(expectation)!r}", "status in " + ", ".join(
            map(str, expectation)
        )
    low = int(expectation[0]) * 100
    return f"{low} <= response.status_code <= {low + 99}", f"status {expectation}"


def _negated_status(expectation: Any) -> tuple[str, str]:
    if isinstance(expectation, int):
        return f"response.status_code != {expectation}", f"status other than {expectation}"
    if isinstance(expectation, list):
        return f"response.status_code not in {tuple(expectation)!r}", "status not in " + ", ".join(
            map(str, expectation)
        )
    low = int(expectation[0]) * 100
    return f"not {low} <= response.status_code <= {low + 99}", f"status other than {expectation}"


def _assert(condition: str, message: str) -> str:
    return f"assert {condition}, {message + ' | '!r} + describe(response)"


class _Writer:
    def __init__(self, test_case: TestCase) -> None:
        self.test_case = test_case
        self.module = _Module()
        self.variables: dict[str, str] = {}

    # names --------------------------------------------------------------------------------
    def variable_for(self, name: str) -> str:
        python = name if name.isidentifier() and not keyword.iskeyword(name) else f"v_{name}"
        while python in _RESERVED or python in self.variables.values():
            python = f"{python}_value"
        self.variables[name] = python
        return python

    def use(self, helper: str) -> None:
        for needed in {helper, *_HELPER_NEEDS.get(helper, set())}:
            self.module.helpers.add(needed)
            self.module.imports.update(_HELPER_IMPORTS.get(needed, set()))

    # request ------------------------------------------------------------------------------
    def request_call(self, request: dict[str, Any], where: str, client: str = "client") -> list[str]:
        method, path = request["method"], request["path"]
        if request.get("path_params"):
            self.use("fill_path")
            params = _protect(request["path_params"], self.module, self.variables, where=f"{where} path")
            url = f"fill_path({path!r}, {_source(params)})"
        else:
            url = repr(path)
        arguments = [repr(method), url]
        if request.get("query"):
            query = _protect(request["query"], self.module, self.variables, where=f"{where} query")
            arguments.append(f"params={_source(query)}")
        headers = _protect_headers(request.get("headers", {}), self.module, self.variables, where)
        auth = request.get("auth", "default")
        identity = "default" if auth == "default" else (auth["identity"] if isinstance(auth, dict) else None)
        if identity is not None:
            self.use("auth_headers")
            self.module.identities.add(identity)
            header_items = [f"**auth_headers({identity!r})"] + [
                f"{k!r}: {_source(v)}" for k, v in headers.items()
            ]
            arguments.append("headers={" + ", ".join(header_items) + "}")
        elif headers:
            arguments.append(f"headers={_source(headers)}")
        if "body" in request:
            body = _protect(request["body"], self.module, self.variables, where=f"{where} body")
            content_type = next(
                (v for k, v in request.get("headers", {}).items() if k.lower() == "content-type"), ""
            )
            # Like the execution engine: a string body with a non-JSON content type is sent as is.
            as_text = isinstance(request["body"], str) and content_type and "json" not in content_type.lower()
            arguments.append(f"{'content' if as_text else 'json'}={_source(body)}")
        return [f"response = {client}.request("] + [_indent(f"{a},", INDENT) for a in arguments] + [")"]

    # assertions ---------------------------------------------------------------------------
    def value_source(self, value: Any) -> str:
        rendered = _protect_values_only(value, self.variables)
        return _source(rendered)

    def assertion(self, assertion: dict[str, Any], step_no: int) -> list[str]:
        kind = assertion["type"]
        if kind == "status":
            if "expected" in assertion:
                condition, text = _status_condition(assertion["expected"])
                return [_assert(condition, f"expected {text}")]
            condition, text = _negated_status(assertion["not_expected"])
            return [_assert(condition, f"expected {text}")]
        if kind == "json_schema":
            self.use("schema_errors")
            self.use("json_body")
            constant = f"STEP{step_no}_SCHEMA_{len(self.module.constants) + 1}"
            self.module.constants.append(f"{constant} = {_literal(assertion['schema'])}")
            return [
                f"errors = schema_errors(json_body(response), {constant})",
                (
                    'assert not errors, "the body does not match the JSON Schema: " + "; ".join(errors) + " | " + '
                    "describe(response)"
                ),
            ]
        if kind == "json_path":
            self.use("json_path")
            self.use("json_body")
            path, op = assertion["path"], assertion["op"]
            actual = f"json_path(json_body(response), {path!r})"
            if op == "exists":
                return [_assert(f"{actual} is not MISSING", f"expected {path} to exist")]
            if op == "not_exists":
                return [_assert(f"{actual} is MISSING", f"expected {path} not to exist")]
            expected = self.value_source(assertion.get("value"))
            shown = _short(assertion.get("value"))
            value = assertion.get("value")
            if op == "equals":
                if isinstance(value, str) or value is None:
                    # Only a string equals a string, so `==` already means JSON equality here.
                    return [_assert(f"{actual} == {expected}", f"expected {path} == {shown}")]
                self.use("json_equal")
                return [_assert(f"json_equal({actual}, {expected})", f"expected {path} == {shown}")]
            if op == "not_equals":
                self.use("json_differs")
                return [_assert(f"json_differs({actual}, {expected})", f"expected {path} != {shown}")]
            self.use("contains")
            return [_assert(f"contains({actual}, {expected})", f"expected {path} to contain {shown}")]
        if kind == "header":
            name, op = assertion["name"], assertion["op"]
            if op == "present":
                return [_assert(f"{name!r} in response.headers", f"expected header {name}")]
            if op == "absent":
                return [_assert(f"{name!r} not in response.headers", f"expected no header {name}")]
            value = assertion.get("value", "")
            if op == "equals":
                return [
                    _assert(
                        f"response.headers.get({name!r}) == {value!r}", f"expected header {name}: {value}"
                    )
                ]
            return [
                _assert(
                    f"{value!r} in response.headers.get({name!r}, '')",
                    f"expected header {name} to contain {value}",
                )
            ]
        if kind == "body":
            value, op = assertion["value"], assertion["op"]
            if op == "contains":
                return [
                    _assert(f"{value!r} in response.text", f"expected the body to contain {_short(value)}")
                ]
            return [
                _assert(
                    f"{value!r} not in response.text", f"expected the body not to contain {_short(value)}"
                )
            ]
        if kind == "response_time":
            limit = assertion["max_ms"]
            return [
                "elapsed_ms = response.elapsed.total_seconds() * 1000",
                f'assert elapsed_ms <= {limit!r}, f"expected a response within {limit} ms, took {{elapsed_ms:.0f}} ms"',
            ]
        raise ValueError(f"unknown assertion type {kind!r}")

    def captures(self, captures: dict[str, Any]) -> list[str]:
        lines = []
        for name, capture in captures.items():
            python = self.variable_for(name)
            if capture["from"] == "json_path":
                self.use("capture_json")
                lines.append(f"{python} = capture_json(response, {capture['path']!r})")
            else:
                self.use("capture_header")
                lines.append(f"{python} = capture_header(response, {capture['name']!r})")
        return lines

    # tests --------------------------------------------------------------------------------
    def functional_body(self, spec: dict[str, Any]) -> list[str]:
        self.use("describe")
        lines = ["with httpx.Client(base_url=BASE_URL, timeout=TIMEOUT, headers=DEFAULT_HEADERS) as client:"]
        steps = spec["steps"]
        for number, step in enumerate(steps, start=1):
            if number > 1:
                lines.append("")
            label = step.get("name") or f"{step['request']['method']} {step['request']['path']}"
            body = [f"# Step {number} of {len(steps)}: {_one_line(label)}"]
            body += self.request_call(step["request"], f"step {number}")
            for assertion in step.get("assertions", []):
                body += self.assertion(assertion, number)
            body += self.captures(step.get("capture", {}))
            lines += [_indent(line, INDENT) for line in body]
        return lines

    def load_body(self, spec: dict[str, Any]) -> list[str]:
        self.use("percentile")
        self.module.imports.update({"import time", "from concurrent.futures import ThreadPoolExecutor"})
        step, load = spec["steps"][0], spec["load"]
        checks: list[str] = []
        for assertion in step.get("assertions", []):
            checks += self.assertion(assertion, 1)
        if checks:
            self.use("describe")
        call = self.request_call(step["request"], "load step")
        lines = [
            f"requests, concurrency = {load['requests']}, {load['concurrency']}",
            "",
            "def one_request(client: httpx.Client) -> tuple[float | None, bool]:",
            f'{INDENT}"""(latency in ms or None when no response came, whether every assertion held)."""',
            f"{INDENT}started = time.perf_counter()",
            f"{INDENT}try:",
        ]
        lines += [_indent(line, INDENT * 2) for line in call]
        lines += [
            f"{INDENT}except httpx.HTTPError:",
            f"{INDENT * 2}return None, False",
            f"{INDENT}elapsed = (time.perf_counter() - started) * 1000",
        ]
        if checks:
            lines.append(f"{INDENT}try:")
            lines += [_indent(line, INDENT * 2) for line in checks]
            lines += [
                f"{INDENT}except AssertionError:",
                f"{INDENT * 2}return elapsed, False",
                f"{INDENT}return elapsed, True",
            ]
        else:
            lines.append(f"{INDENT}return elapsed, response.status_code < 400")
        lines += [
            "",
            "limits = httpx.Limits(max_connections=concurrency)",
            "with httpx.Client(base_url=BASE_URL, timeout=TIMEOUT, headers=DEFAULT_HEADERS, limits=limits) as client:",
            f"{INDENT}with ThreadPoolExecutor(max_workers=concurrency) as pool:",
            f"{INDENT * 2}results = list(pool.map(lambda _: one_request(client), range(requests)))",
            "",
            "latencies = sorted(ms for ms, _ in results if ms is not None)",
            "error_rate = sum(1 for _, ok in results if not ok) / len(results)",
            'assert latencies, "no request got a response"',
        ]
        limits = load["limits"]
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            if key in limits:
                p = int(key[1:3])
                lines.append(
                    f"assert percentile(latencies, {p}) <= {limits[key]!r}, "
                    f'f"p{p} latency {{percentile(latencies, {p}):.0f}} ms exceeds {limits[key]} ms"'
                )
        if "max_error_rate" in limits:
            lines.append(
                f"assert error_rate <= {limits['max_error_rate']!r}, "
                f'f"error rate {{error_rate:.2%}} exceeds {limits["max_error_rate"]:.2%}"'
            )
        return lines

    def plain_headers(self) -> dict[str, str]:
        project = self.test_case.project
        return {
            k: str(v) for k, v in (project.plain_headers or {}).items() if not header_is_secret(k, str(v))
        }

    def credential_headers(self) -> dict[str, str]:
        # Only the names of the project's secret headers are written; their values stay in TestGen.
        project = self.test_case.project
        names = [*(project.secret_headers or {})]
        names += [k for k, v in (project.plain_headers or {}).items() if header_is_secret(k, str(v))]
        return {
            name: "TESTGEN_HEADER_" + (re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "X")
            for name in names
        }

    def render(self, base_url: str) -> str:
        tc = self.test_case
        spec = tc.spec
        body = self.load_body(spec) if "load" in spec else self.functional_body(spec)
        function = [f"def {function_name(tc)}() -> None:"]
        function.append(f"{INDENT}{_docstring(tc.title)}")
        function += [_indent(line, INDENT) for line in body]
        return self.header(base_url) + "\n\n\n" + "\n".join(function) + "\n"

    def header(self, base_url: str) -> str:
        tc = self.test_case
        endpoint = (
            f"{tc.endpoint.method} {tc.endpoint.path}" if tc.endpoint_id and tc.endpoint else "(scenario)"
        )
        doc = [
            f"{tc.public_id}: {_one_line(tc.title)}",
            "",
            (
                f"Type: {tc.type} | Priority: {tc.priority} | Status: {tc.status} | Version: {tc.version} | "
                f"Endpoint: {endpoint}"
            ),
            "Generated by TestGen from the test case's spec; change the spec in TestGen, not this file.",
            "",
            f"Run:   TESTGEN_BASE_URL=https://api.example.com pytest {module_filename(tc)}",
            "Needs: pip install pytest httpx"
            + (" jsonschema" if "schema_errors" in self.module.helpers else ""),
        ]
        if self.module.identities:
            doc += ["", "Credentials (never stored in this file):"]
            for identity in sorted(self.module.identities):
                variable = (
                    "TESTGEN_AUTH"
                    if identity == "default"
                    else "TESTGEN_AUTH_" + re.sub(r"\W+", "_", identity).upper()
                )
                doc.append(f"  {variable}: the {identity!r} identity's header value, e.g. 'Bearer <token>'")
            doc.append("  TESTGEN_AUTH_HEADER: the header that carries it (default Authorization)")
            if "default" in self.module.identities:
                doc += [
                    f"  {var}: the project's {name} header" for name, var in self.credential_headers().items()
                ]
        if self.module.secrets:
            doc += ["", "Secret values of the spec, read from the environment:"]
            doc += [f"  {variable}: {where}" for variable, where in self.module.secrets.items()]
        lines = ['"""' + "\n".join(doc).replace('"""', "'''").replace("\\", "\\\\") + '\n"""']
        lines.append("from __future__ import annotations")
        lines.append("")
        stdlib = {"import os", "import re", "from typing import Any", *self.module.imports} - {
            "import jsonschema"
        }
        third_party = sorted({"import httpx", *(self.module.imports & {"import jsonschema"})})
        lines += sorted(stdlib, key=lambda i: (i.startswith("from"), i.split()[1]))
        lines.append("")
        lines += third_party
        lines.append("")
        lines.append(f'BASE_URL = os.environ.get("TESTGEN_BASE_URL", {base_url!r})')
        lines.append('TIMEOUT = float(os.environ.get("TESTGEN_TIMEOUT", "30"))')
        lines.append("# The project's ordinary headers, sent with every request (as TestGen runs do).")
        lines.append(f"DEFAULT_HEADERS: dict[str, str] = {_literal(self.plain_headers())}")
        if "auth_headers" in self.module.helpers:
            lines.append('AUTH_HEADER = os.environ.get("TESTGEN_AUTH_HEADER", "Authorization")')
            lines.append("# The project's credential headers (the default identity): header -> variable.")
            lines.append(f"CREDENTIAL_HEADERS: dict[str, str] = {_literal(self.credential_headers())}")
        for constant in self.module.constants:
            lines += ["", constant]
        ordered = [name for name in HELPERS if name in self.module.helpers]
        for name in ordered:
            lines.append("")
            lines.append(HELPERS[name].rstrip("\n"))
        return "\n".join(lines)


def _protect_values_only(value: Any, variables: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {k: _protect_values_only(v, variables) for k, v in value.items()}
    if isinstance(value, list):
        return [_protect_values_only(v, variables) for v in value]
    if isinstance(value, str):
        return _template(value, variables)
    return value


def _one_line(text: str) -> str:
    # Titles and step names go into comments and docstrings: no line breaks, NULs or other
    # control characters that would end the comment or make the source unparsable.
    printable = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return " ".join(printable.split())


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _docstring(text: str) -> str:
    return '"""' + _one_line(text).replace("\\", "\\\\").replace('"""', "'''").rstrip('"') + '"""'


def _slug(text: str, limit: int = 50) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return slug[:limit].rstrip("_")


def function_name(test_case: TestCase) -> str:
    """`test_tc_00012_<title slug>`: pytest collects it, and it names the test case."""
    slug = _slug(test_case.title)
    return f"test_{test_case.public_id.lower().replace('-', '_')}" + (f"_{slug}" if slug else "")


def module_filename(test_case: TestCase) -> str:
    return f"{function_name(test_case)}.py"


def safe_base_url(url: str) -> str:
    """The project's target URL without any credentials in it, for the file's default."""
    if not url:
        return DEFAULT_BASE_URL
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def render_test_module(test_case: TestCase) -> str:
    """A standalone pytest module for one test case (see the module docstring)."""
    return _Writer(test_case).render(safe_base_url(test_case.project.target_base_url))


SUITE_README = """# {name}: approved TestGen tests

{count} test(s), one standalone pytest module each.

    pip install -r requirements.txt
    TESTGEN_BASE_URL=https://your-api.example.com TESTGEN_AUTH="Bearer <token>" pytest

Credentials are never written into these files: each module's docstring lists the
environment variables it reads.
"""
SUITE_REQUIREMENTS = "pytest>=8\nhttpx>=0.27\njsonschema>=4\n"


def render_suite_zip(*, project_name: str, test_cases: Iterable[TestCase]) -> bytes:
    """A zip of one module per test case, with a README and requirements.txt."""
    buffer = io.BytesIO()
    folder = _slug(project_name) or "testgen"
    cases = list(test_cases)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/README.md", SUITE_README.format(name=project_name, count=len(cases)))
        archive.writestr(f"{folder}/requirements.txt", SUITE_REQUIREMENTS)
        for test_case in cases:
            archive.writestr(f"{folder}/{module_filename(test_case)}", render_test_module(test_case))
    return buffer.getvalue()
