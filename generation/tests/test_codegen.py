from __future__ import annotations

import ast
import functools
import io
import json
import os
import re
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from execution.engine import assertions as engine_assertions
from generation.codegen import (
    function_name,
    module_filename,
    render_suite_zip,
    render_test_module,
    safe_base_url,
)
from generation.models import TestCase
from generation.spec import json_path_get, spec_errors
from projects.models import Project

TOKEN = "Bearer s3cret-token-for-tests"


class ItemsApi(BaseHTTPRequestHandler):
    """A tiny in-memory items API: POST/GET/DELETE /items[/{id}], auth on item routes, GET /boom fails."""

    items: ClassVar[dict[int, dict[str, Any]]] = {}
    lock = threading.Lock()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _item_id(self) -> int | None:
        match = re.fullmatch(r"/items/(\d+)", self.path.split("?")[0])
        return int(match.group(1)) if match else None

    def do_POST(self) -> None:
        data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"null")
        if self.path != "/items" or not isinstance(data, dict) or not isinstance(data.get("name"), str):
            return self._send(422, {"detail": "name is required"})
        with self.lock:
            item = {"id": len(self.items) + 1, "name": data["name"], "tags": data.get("tags", [])}
            self.items[item["id"]] = item
        self._send(201, item, {"ETag": f'"v1-{item["id"]}"', "Location": f"/items/{item['id']}"})

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/items":
            return self._send(200, list(self.items.values()))
        if self.path == "/whoami":
            return self._send(
                200, {"tenant": self.headers.get("X-Tenant"), "key": self.headers.get("X-Api-Key")}
            )
        if self.path == "/boom":
            return self._send(500, {"detail": "boom"})
        item_id = self._item_id()
        if item_id is None:
            return self._send(404, {"detail": "not found"})
        if self.headers.get("Authorization") != TOKEN:
            return self._send(401, {"detail": "unauthorized"})
        if item_id not in self.items:
            return self._send(404, {"detail": "not found"})
        self._send(200, self.items[item_id])

    def do_DELETE(self) -> None:
        item_id = self._item_id()
        if self.headers.get("Authorization") != TOKEN:
            return self._send(401, {"detail": "unauthorized"})
        if self.items.pop(item_id, None) is None:
            return self._send(404, {"detail": "not found"})
        self._send(204)


@pytest.fixture
def live_api() -> Iterator[str]:
    ItemsApi.items = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), ItemsApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def crud_spec(*, expected_name: str = "widget") -> dict[str, Any]:
    """What the built-in generator writes for a CRUD lifecycle scenario."""
    item = {"id": "{{item_id}}"}
    return {
        "version": 1,
        "steps": [
            {
                "name": "create the item",
                "request": {
                    "method": "POST",
                    "path": "/items",
                    "body": {"name": "widget", "tags": ["new"]},
                    "headers": {"X-Request-Source": "testgen"},
                },
                "assertions": [
                    {"type": "status", "expected": 201},
                    {"type": "status", "not_expected": "5xx"},
                    {
                        "type": "json_schema",
                        "schema": {
                            "type": "object",
                            "required": ["id", "name"],
                            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
                        },
                    },
                    {"type": "header", "name": "Content-Type", "op": "contains", "value": "json"},
                    {"type": "header", "name": "ETag", "op": "present"},
                ],
                "capture": {
                    "item_id": {"from": "json_path", "path": "$.id"},
                    "etag": {"from": "header", "name": "ETag"},
                },
            },
            {
                "name": "read it back",
                "request": {"method": "GET", "path": "/items/{id}", "path_params": item},
                "assertions": [
                    {"type": "status", "expected": [200]},
                    {"type": "json_path", "path": "$.id", "op": "equals", "value": "{{item_id}}"},
                    {"type": "json_path", "path": "$.name", "op": "equals", "value": expected_name},
                    {"type": "json_path", "path": "$.tags", "op": "contains", "value": "new"},
                    {"type": "json_path", "path": "$.password", "op": "not_exists"},
                    {"type": "body", "op": "not_contains", "value": "<script>"},
                    {"type": "response_time", "max_ms": 5000},
                ],
            },
            {
                "name": "delete it",
                "request": {"method": "DELETE", "path": "/items/{id}", "path_params": item},
                "assertions": [{"type": "status", "expected": 204}],
            },
            {
                "name": "it is gone",
                "request": {"method": "GET", "path": "/items/{id}", "path_params": item},
                "assertions": [{"type": "status", "expected": "4xx"}],
            },
        ],
    }


def load_spec(path: str = "/items", *, max_error_rate: float = 0.5) -> dict[str, Any]:
    return {
        "steps": [
            {
                "request": {"method": "GET", "path": path, "auth": "none"},
                "assertions": [{"type": "status", "expected": 200}],
            }
        ],
        "load": {
            "requests": 20,
            "concurrency": 4,
            "limits": {"p95_ms": 5000, "max_error_rate": max_error_rate},
        },
    }


def make_test_case(
    spec: dict[str, Any],
    *,
    pk: int = 42,
    title: str = "Item lifecycle: create, read, delete",
    target: str = "",
) -> TestCase:
    project = Project(name="Shop API", target_base_url=target)
    return TestCase(
        pk=pk,
        project=project,
        title=title,
        type="scenario",
        priority="high",
        status="approved",
        spec=spec,
        version=3,
    )


def run_pytest(code: str, tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    path = tmp_path / "test_exported.py"
    path.write_text(code)
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TESTGEN_"))}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:django", "-p", "no:cacheprovider", str(path)],
        cwd=tmp_path,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- running the exported code ---------------------------------------------------------------


def test_exported_scenario_passes_against_a_live_api(live_api, tmp_path):
    code = render_test_module(make_test_case(crud_spec()))
    result = run_pytest(code, tmp_path, {"TESTGEN_BASE_URL": live_api, "TESTGEN_AUTH": TOKEN})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_exported_scenario_fails_on_a_wrong_expectation(live_api, tmp_path):
    code = render_test_module(make_test_case(crud_spec(expected_name="gadget")))
    result = run_pytest(code, tmp_path, {"TESTGEN_BASE_URL": live_api, "TESTGEN_AUTH": TOKEN})
    assert result.returncode == 1
    assert "expected $.name == 'gadget'" in result.stdout


def test_exported_scenario_reads_credentials_from_the_environment(live_api, tmp_path):
    code = render_test_module(make_test_case(crud_spec()))
    result = run_pytest(code, tmp_path, {"TESTGEN_BASE_URL": live_api})
    assert result.returncode == 1
    assert "expected status in 200" in result.stdout and "-> 401" in result.stdout


def test_exported_load_test_passes_within_limits_and_fails_past_them(live_api, tmp_path):
    passing = render_test_module(make_test_case(load_spec(), title="List items under load"))
    assert run_pytest(passing, tmp_path, {"TESTGEN_BASE_URL": live_api}).returncode == 0
    failing = render_test_module(
        make_test_case(load_spec("/boom", max_error_rate=0.0), title="Boom under load")
    )
    result = run_pytest(failing, tmp_path, {"TESTGEN_BASE_URL": live_api})
    assert result.returncode == 1
    assert "error rate 100.00% exceeds 0.00%" in result.stdout


def test_exported_json_equality_does_not_take_true_for_one(live_api, tmp_path):
    spec = crud_spec()
    spec["steps"][0]["assertions"].append(
        {"type": "json_path", "path": "$.id", "op": "equals", "value": True}
    )
    result = run_pytest(render_test_module(make_test_case(spec)), tmp_path, {"TESTGEN_BASE_URL": live_api})
    assert result.returncode == 1
    assert "expected $.id == True" in result.stdout


def test_every_assertion_of_a_load_step_counts_towards_the_error_rate(live_api, tmp_path):
    spec = load_spec(max_error_rate=0.0)
    spec["steps"][0]["assertions"].append({"type": "body", "op": "contains", "value": "never-there"})
    result = run_pytest(render_test_module(make_test_case(spec)), tmp_path, {"TESTGEN_BASE_URL": live_api})
    assert result.returncode == 1
    assert "error rate 100.00% exceeds 0.00%" in result.stdout


def test_a_text_body_with_a_non_json_content_type_is_sent_as_is():
    spec = {
        "steps": [
            {
                "request": {
                    "method": "POST",
                    "path": "/notes",
                    "headers": {"Content-Type": "text/plain"},
                    "body": "hello",
                }
            }
        ]
    }
    code = render_test_module(make_test_case(spec))
    assert "content='hello'," in code and "json=" not in code


# --- what the code looks like ------------------------------------------------------------------


def test_secrets_in_a_spec_are_read_from_the_environment_not_embedded():
    spec = {
        "steps": [
            {
                "request": {
                    "method": "POST",
                    "path": "/login",
                    "headers": {"X-Api-Key": "plainvalue", "X-Trace": "t-1"},
                    "body": {"email": "a@example.com", "password": "hunter2", "note": "sk-abcdefghijklmnop"},
                }
            }
        ]
    }
    code = render_test_module(make_test_case(spec))
    for secret in ("plainvalue", "hunter2", "sk-abcdefghijklmnop"):
        assert secret not in code
    assert 'os.environ.get("TESTGEN_SECRET_X_API_KEY", "")' in code
    assert 'os.environ.get("TESTGEN_SECRET_PASSWORD", "")' in code
    assert "'X-Trace': 't-1'" in code and "'email': 'a@example.com'" in code


def test_a_secret_repeated_across_steps_is_one_variable():
    step = {"request": {"method": "GET", "path": "/me", "headers": {"X-Api-Key": "k-1"}}}
    other = {"request": {"method": "GET", "path": "/me", "headers": {"X-Api-Key": "k-2"}}}
    code = render_test_module(make_test_case({"steps": [step, step, other]}))
    assert code.count('os.environ.get("TESTGEN_SECRET_X_API_KEY", "")') == 2
    assert code.count('os.environ.get("TESTGEN_SECRET_X_API_KEY_2", "")') == 1


def test_project_headers_are_sent_and_its_credentials_come_from_the_environment():
    tc = make_test_case(crud_spec())
    tc.project.plain_headers = {"X-Tenant": "acme"}
    tc.project.secret_headers = {"X-Api-Key": "ak_live_0123456789abcdef"}
    code = render_test_module(tc)
    assert "DEFAULT_HEADERS: dict[str, str] = {'X-Tenant': 'acme'}" in code
    assert "CREDENTIAL_HEADERS: dict[str, str] = {'X-Api-Key': 'TESTGEN_HEADER_X_API_KEY'}" in code
    assert "ak_live_0123456789abcdef" not in code


def test_exported_requests_carry_the_project_headers_like_a_run(live_api, tmp_path):
    def whoami(auth: str, key: object) -> dict[str, Any]:
        return {
            "request": {"method": "GET", "path": "/whoami", "auth": auth},
            "assertions": [
                {"type": "json_path", "path": "$.tenant", "op": "equals", "value": "acme"},
                {"type": "json_path", "path": "$.key", "op": "equals", "value": key},
            ],
        }

    tc = make_test_case({"steps": [whoami("default", "k-123"), whoami("none", None)]})
    tc.project.plain_headers = {"X-Tenant": "acme"}
    tc.project.secret_headers = {"X-Api-Key": "k-123"}
    env = {"TESTGEN_BASE_URL": live_api, "TESTGEN_HEADER_X_API_KEY": "k-123"}
    result = run_pytest(render_test_module(tc), tmp_path, env)
    assert result.returncode == 0, result.stdout


def test_the_default_base_url_is_the_project_target_without_credentials():
    assert safe_base_url("https://user:pw@api.example.com/v1/") == "https://api.example.com/v1"
    assert safe_base_url("") == "http://127.0.0.1:8000"
    code = render_test_module(make_test_case(crud_spec(), target="https://user:pw@api.example.com"))
    assert "os.environ.get(\"TESTGEN_BASE_URL\", 'https://api.example.com')" in code
    assert "pw@" not in code


def test_each_assertion_is_a_plain_assert_with_a_message():
    code = render_test_module(make_test_case(crud_spec()))
    (test,) = [
        n for n in ast.parse(code).body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
    ]
    asserts = [node for node in ast.walk(test) if isinstance(node, ast.Assert)]
    assert all(a.msg is not None for a in asserts)
    assert len(asserts) == sum(len(step["assertions"]) for step in crud_spec()["steps"])


def test_captures_become_variables_used_by_later_steps():
    code = render_test_module(make_test_case(crud_spec()))
    assert "item_id = capture_json(response, '$.id')" in code
    assert "'id': item_id" in code
    assert "etag = capture_header(response, 'ETag')" in code


def test_captures_named_like_generated_locals_are_renamed():
    spec = crud_spec()
    spec["steps"][0]["capture"] = {"response": {"from": "json_path", "path": "$.id"}}
    spec["steps"][1]["request"]["path_params"] = {"id": "{{response}}"}
    spec["steps"][1]["assertions"] = [{"type": "status", "expected": 200}]
    spec["steps"] = spec["steps"][:2]
    code = render_test_module(make_test_case(spec))
    assert "response_value = capture_json(response, '$.id')" in code
    assert "'id': response_value" in code


def test_the_function_and_file_are_named_after_the_public_id_and_title():
    tc = make_test_case(crud_spec(), pk=7, title="Create: an item!")
    assert function_name(tc) == "test_tc_00007_create_an_item"
    assert module_filename(tc) == "test_tc_00007_create_an_item.py"


def test_a_title_cannot_break_out_of_the_docstring():
    code = render_test_module(make_test_case(crud_spec(), title='Evil """ \\ title\nimport os'))
    ast.parse(code)


_text = st.text(max_size=12)
_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_text, children, max_size=3),
    max_leaves=8,
)
_status = (
    st.integers(100, 599)
    | st.lists(st.integers(100, 599), min_size=1, max_size=3)
    | st.sampled_from(["1xx", "2xx", "3xx", "4xx", "5xx"])
)
_assertion = st.one_of(
    st.builds(lambda e: {"type": "status", "expected": e}, _status),
    st.builds(lambda e: {"type": "status", "not_expected": e}, _status),
    st.builds(lambda s: {"type": "json_schema", "schema": s}, st.dictionaries(_text, _json, max_size=2)),
    st.builds(
        lambda p, op, v: {"type": "json_path", "path": "$." + p, "op": op, "value": v},
        _names,
        st.sampled_from(["exists", "not_exists", "equals", "not_equals", "contains"]),
        _json,
    ),
    st.builds(
        lambda n, op, v: {"type": "header", "name": n, "op": op, "value": v},
        st.text(min_size=1, max_size=8),
        st.sampled_from(["present", "absent", "equals", "contains"]),
        _text,
    ),
    st.builds(
        lambda op, v: {"type": "body", "op": op, "value": v},
        st.sampled_from(["contains", "not_contains"]),
        st.text(min_size=1, max_size=8),
    ),
    st.builds(lambda ms: {"type": "response_time", "max_ms": ms}, st.integers(1, 10_000)),
)


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """Valid specs with arbitrary text everywhere text may go, captures and all."""
    captured: list[str] = []
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        usable = st.sampled_from([f"{{{{{c}}}}}" for c in captured]) if captured else st.nothing()
        value = _text | usable | st.builds(lambda a, b: a + b, _text, usable) if captured else _text
        request: dict[str, Any] = {
            "method": draw(st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])),
            "path": "/" + draw(_text).replace("{", "").replace("}", "") + "/{p}",
            "path_params": {"p": draw(value)},
            "query": draw(st.dictionaries(_text, value, max_size=2)),
            "headers": draw(st.dictionaries(st.text(min_size=1, max_size=8), value, max_size=2)),
            "auth": draw(st.sampled_from(["default", "none", {"identity": "other user"}, {"identity": "x"}])),
        }
        if draw(st.booleans()):
            request["body"] = draw(_json)
        capture = draw(
            st.dictionaries(
                _names,
                st.sampled_from([{"from": "json_path", "path": "$.id"}, {"from": "header", "name": "ETag"}]),
                max_size=2,
            )
        )
        captured += list(capture)
        steps.append(
            {
                "name": draw(_text),
                "request": request,
                "assertions": draw(st.lists(_assertion, max_size=4)),
                "capture": capture,
            }
        )
    spec: dict[str, Any] = {"steps": steps}
    if len(steps) == 1 and draw(st.booleans()):
        spec["load"] = {"requests": 5, "concurrency": 2, "limits": {"p99_ms": 100.5, "max_error_rate": 0.1}}
    return spec


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=specs(), title=st.text(max_size=30))
def test_any_valid_spec_exports_to_valid_python(spec, title):
    assert spec_errors(spec) == []
    code = render_test_module(make_test_case(spec, title=title))
    compile(code, "exported.py", "exec")


@functools.cache
def _exported_namespace() -> dict[str, Any]:
    """The helpers of an exported module, executed, to compare with the execution engine's."""
    spec = {
        "steps": [
            {
                "request": {"method": "GET", "path": "/"},
                "assertions": [{"type": "json_path", "path": "$.a", "op": "contains", "value": 1}],
            }
        ]
    }
    namespace: dict[str, Any] = {}
    exec(compile(render_test_module(make_test_case(spec)), "exported.py", "exec"), namespace)  # noqa: S102
    return namespace


_keys = st.sampled_from(["a", "b-c", "x y", "0"])
_documents = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_keys, children, max_size=3),
    max_leaves=10,
)
_paths = st.lists(
    st.sampled_from([".a", ".b-c", "['x y']", '["0"]', "[0]", "[1]", " b", "[*]", "..a"]), max_size=4
).map(lambda parts: "$" + "".join(parts))


@settings(max_examples=200, deadline=None)
@given(document=_documents, path=_paths)
def test_exported_json_path_agrees_with_the_engines(document, path):
    exported = _exported_namespace()
    missing = exported["MISSING"]
    try:
        expected = json_path_get(document, path, missing)
    except ValueError:
        with pytest.raises(ValueError):
            exported["json_path"](document, path)
        return
    actual = exported["json_path"](document, path)
    assert actual is missing if expected is missing else actual == expected


@given(a=_documents, b=_documents)
def test_exported_json_equal_and_contains_agree_with_the_engines(a, b):
    exported = _exported_namespace()
    assert exported["json_equal"](a, b) == engine_assertions.json_equal(a, b)
    # The engine's own helper: exported tests must judge exactly as runs in TestGen do.
    assert exported["contains"](a, b) == engine_assertions._contains(a, b)


def test_the_suite_zip_holds_one_module_per_test_plus_readme_and_requirements():
    cases = [make_test_case(crud_spec(), pk=1), make_test_case(load_spec(), pk=2, title="Load")]
    archive = zipfile.ZipFile(io.BytesIO(render_suite_zip(project_name="Shop API", test_cases=cases)))
    names = sorted(archive.namelist())
    assert names == [
        "shop_api/README.md",
        "shop_api/requirements.txt",
        "shop_api/test_tc_00001_item_lifecycle_create_read_delete.py",
        "shop_api/test_tc_00002_load.py",
    ]
    for name in names:
        if name.endswith(".py"):
            ast.parse(archive.read(name).decode())
