from __future__ import annotations

import json
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanning.scanners import base
from scanning.scanners.base import SourceFile
from scanning.scanners.express import MSG_DYNAMIC_PATH, MSG_DYNAMIC_PREFIX, MSG_UNRESOLVED_MODULE, ExpressScanner
from scanning.scanners.fastify import FastifyScanner
from scanning.tests.scanners.fixtures_js import (
    EXPRESS_SHOP,
    EXPRESS_SHOP_ENDPOINTS,
    EXPRESS_TASKS_ENDPOINTS,
    EXPRESS_TASKS_TS,
    by_key,
    keys,
    params,
    scan_files,
    scan_repo,
    write_repo,
)

SCANNER = ExpressScanner()


def test_it_finds_exactly_the_served_endpoints_of_a_commonjs_app(tmp_path: Path) -> None:
    endpoints, _, detected = scan_repo(SCANNER, write_repo(tmp_path, EXPRESS_SHOP))
    assert detected
    assert keys(endpoints) == EXPRESS_SHOP_ENDPOINTS


def test_it_reports_file_line_handler_and_path_parameters() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_SHOP)[0])
    review = endpoints[("GET", "/api/v1/products/{productId}/reviews/{reviewId}")]
    assert (review.file, review.line, review.handler, review.framework) == (
        "src/routes/products.js", 10, "getReview", "express")
    assert params(review) == [
        ("path", "productId", True, {"type": "string"}),
        ("path", "reviewId", True, {"type": "string"}),
    ]
    assert endpoints[("GET", "/api/v1/products")].handler == "listProducts"
    assert endpoints[("POST", "/webhooks/stripe")].handler == "handleStripe"


def test_route_chains_report_the_line_of_each_verb() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_SHOP)[0])
    lines = {m: endpoints[(m, "/api/v1/users/{id}")].line for m in ("GET", "PUT", "DELETE")}
    assert lines == {"GET": 9, "PUT": 10, "DELETE": 11}
    assert endpoints[("PUT", "/api/v1/users/{id}")].handler == "controller.update"


def test_auth_comes_from_route_mount_and_router_middleware() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_SHOP)[0])
    auth = {k: (e.auth_required, e.auth) for k, e in endpoints.items() if e.auth_required}
    assert auth == {
        ("PUT", "/api/v1/users/{id}"): (True, "requireAuth"),
        ("DELETE", "/api/v1/users/{id}"): (True, "requireAuth"),
        ("GET", "/admin/stats"): (True, "requireAuth"),
        ("DELETE", "/admin/cache"): (True, "requireAuth"),
    }
    assert endpoints[("GET", "/api/v1/users")].auth_required is False


def test_dead_routers_and_test_apps_are_not_served() -> None:
    paths = {path for _, path in keys(scan_files(SCANNER, EXPRESS_SHOP)[0])}
    assert not {p for p in paths if "old-catalog" in p or "under-test" in p}


def test_a_syntax_error_is_a_warning_and_the_rest_of_the_file_is_still_found() -> None:
    endpoints, warnings = scan_files(SCANNER, EXPRESS_SHOP)
    assert ("GET", "/api/v1/reports/daily") in keys(endpoints)
    assert ("GET", "/api/v1/reports/monthly") not in keys(endpoints)
    assert [(w.file, w.line) for w in warnings if "syntax error" in w.message] == [("src/routes/reports.js", 5)]


def test_a_dynamic_route_path_is_a_warning_not_an_endpoint() -> None:
    _, warnings = scan_files(SCANNER, EXPRESS_SHOP)
    assert [(w.file, w.line, w.message) for w in warnings if "syntax" not in w.message] == [
        ("src/routes/admin.js", 6, MSG_DYNAMIC_PATH)]


def test_it_finds_exactly_the_served_endpoints_of_a_typescript_esm_app(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, EXPRESS_TASKS_TS))
    assert detected
    assert keys(endpoints) == EXPRESS_TASKS_ENDPOINTS
    assert warnings == []


def test_router_level_use_protects_only_the_routes_declared_after_it() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_TASKS_TS)[0])
    assert endpoints[("GET", "/api/projects")].auth_required is False
    assert endpoints[("GET", "/api/projects/{projectId}")].auth == "authenticate"
    members = endpoints[("DELETE", "/api/projects/{projectId}/members/{userId}")]
    assert (members.auth_required, members.auth, members.file) == (
        True, "authenticate", "src/routes/projects/members.ts")


def test_a_login_strategy_is_not_an_auth_requirement() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_TASKS_TS)[0])
    assert endpoints[("POST", "/auth/login")].auth_required is False


def test_a_dynamic_mount_prefix_skips_its_routes_with_a_warning() -> None:
    files = {
        "app.js": """
            const express = require('express');
            const users = require('./users');
            const app = express();
            app.use(process.env.BASE + '/users', users);
            app.get('/ok', (req, res) => res.end());
        """,
        "users.js": """
            const router = require('express').Router();
            router.get('/', (req, res) => res.end());
            module.exports = router;
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/ok")}
    assert [(w.file, w.line, w.message) for w in warnings] == [("app.js", 4, MSG_DYNAMIC_PREFIX)]


def test_an_unresolvable_module_is_a_warning() -> None:
    files = {"app.js": """
        const express = require('express');
        const app = express();
        app.use('/users', require('./missing/users'));
    """}
    endpoints, warnings = scan_files(SCANNER, files)
    assert endpoints == []
    assert [(w.line, w.message) for w in warnings] == [(3, MSG_UNRESOLVED_MODULE.format(src="./missing/users"))]


def test_sub_apps_factories_arrays_and_constant_prefixes_resolve() -> None:
    files = {
        "index.mjs": """
            import express from 'express';
            import { makeV2 } from './v2.mjs';
            import * as legacy from './legacy.cjs';
            const BASE = '/api';
            const app = express();
            const admin = express();
            admin.get('/dashboard', (req, res) => res.end());
            app.use('/admin', admin);
            app.use(BASE, makeV2());
            app.use(['/old', '/older'], legacy.router);
            app.get(['/a', `/b`], (req, res) => res.end());
            app.listen(3000);
        """,
        "v2.mjs": """
            import { Router } from 'express';
            export const makeV2 = () => {
              const r = Router();
              r.patch('/v2/items/:itemId', (req, res) => res.end());
              return r;
            };
        """,
        "legacy.cjs": """
            const express = require('express');
            const router = express.Router();
            router.head('/ping', (req, res) => res.end());
            module.exports.router = router;
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {
        ("GET", "/admin/dashboard"), ("PATCH", "/api/v2/items/{itemId}"),
        ("HEAD", "/old/ping"), ("HEAD", "/older/ping"), ("GET", "/a"), ("GET", "/b"),
    }
    assert warnings == []


def test_app_get_with_one_argument_reads_a_setting_and_is_no_route() -> None:
    files = {"app.js": """
        const app = require('express')();
        if (app.get('env') === 'production') app.set('trust proxy', 1);
        app.get('/x', (req, res) => res.end());
    """}
    assert keys(scan_files(SCANNER, files)[0]) == {("GET", "/x")}


def test_it_does_not_detect_express_in_a_repository_without_it() -> None:
    files = {"index.js": "const http = require('http'); http.createServer().listen(1);",
             "package.json": '{"dependencies": {"koa": "2"}}'}
    assert not scan_repo_files(files)


def scan_repo_files(files: dict[str, str]) -> bool:
    from scanning.tests.scanners.fixtures_js import scan_sources

    sources = [SourceFile(p, t.encode()) for p, t in files.items()]
    return scan_sources(SCANNER, sources)[2]


def test_a_file_is_parsed_once_for_all_js_scanners_and_facts_are_json(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = base._thread_parser

    class CountingParser:
        def __init__(self, language: str) -> None:
            self.language = language

        def parse(self, content: bytes) -> Any:
            calls.append(self.language)
            return real(self.language).parse(content)

    monkeypatch.setattr(base, "_thread_parser", CountingParser)
    source = SourceFile("src/app.js", EXPRESS_SHOP["src/app.js"].encode())
    express_facts = ExpressScanner().extract(source)
    fastify_facts = FastifyScanner().extract(source)
    assert calls == ["javascript"]
    for facts in (express_facts, fastify_facts):
        assert json.loads(json.dumps(facts)) == facts


def test_each_thread_reuses_its_own_parser() -> None:
    """Parsers keep state while parsing: one per thread and language, reused across files."""
    mine = base._thread_parser("javascript")
    other: list[Any] = []
    thread = threading.Thread(target=lambda: other.append(base._thread_parser("javascript")))
    thread.start()
    thread.join()
    assert base._thread_parser("javascript") is mine
    assert other[0] is not mine and base._thread_parser("java") is not mine


def test_query_parameters_read_by_handlers_and_middleware_are_parameters() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_SHOP)[0])

    def query(method: str, path: str) -> list[str]:
        return [p.name for p in endpoints[(method, path)].parameters if p.location == "query"]

    # `req.query.limit` in a named handler of the same file
    assert query("GET", "/api/v1/products") == ["limit"]
    # a middleware's reads count too; the handler names its request `request`
    assert query("GET", "/api/v1/products/search") == ["page", "q"]
    # a controller in another module: destructuring (defaults, quoted keys) and subscripts
    assert query("GET", "/api/v1/users") == ["role", "active", "sort-by", "page"]
    assert query("POST", "/api/v1/users") == []
    listing = endpoints[("GET", "/api/v1/users")]
    assert all(not p.required and p.schema == {"type": "string"} for p in listing.parameters)


def test_extract_is_a_pure_function_of_the_content() -> None:
    text = EXPRESS_SHOP["src/routes/users.js"].encode()
    first = SCANNER.extract(SourceFile("a/users.js", text))
    second = SCANNER.extract(SourceFile("b/other.js", text))
    assert first == second


# --- Property 6: a generated route table rendered as Express source is found exactly ---------

METHODS = ("get", "post", "put", "patch", "delete")
segment = st.one_of(
    st.from_regex(r"[a-z][a-z0-9\-]{0,7}", fullmatch=True).map(lambda s: ("static", s)),
    st.just(("param", "")),
)
route = st.tuples(st.sampled_from(METHODS), st.lists(segment, min_size=0, max_size=3))
router = st.tuples(
    st.lists(segment.filter(lambda s: s[0] == "static"), min_size=0, max_size=2),  # prefix
    st.lists(route, min_size=1, max_size=4),
    st.sampled_from(("cjs", "esm", "ts")),
    st.integers(min_value=0, max_value=10),  # parent choice: 0 is the app
)


def render_path(segments: list[tuple[str, str]], counter: list[int]) -> tuple[str, str]:
    """(source path, expected normalized path); parameters get globally unique names."""
    source, expected = [], []
    for kind, value in segments:
        if kind == "static":
            source.append(value)
            expected.append(value)
        else:
            counter[0] += 1
            name = f"p{counter[0]}"
            source.append(f":{name}")
            expected.append("{" + name + "}")
    return "/" + "/".join(source), "/" + "/".join(expected)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(app_routes=st.lists(route, max_size=3), routers=st.lists(router, max_size=4))
def test_property_generated_express_route_tables_are_found_exactly(
    app_routes: list[tuple[str, list[tuple[str, str]]]],
    routers: list[tuple[list[tuple[str, str]], list[tuple[str, list[tuple[str, str]]]], str, int]],
) -> None:
    counter = [0]
    files: dict[str, str] = {}
    expected: set[tuple[str, str]] = set()
    app_lines = ["const express = require('express');", "const app = express();"]
    router_lines: list[list[str]] = []
    prefixes: list[str] = [""]  # expected prefix of the app (index 0) and each router (i + 1)
    for method, segments in app_routes:
        src, exp = render_path(segments, counter)
        app_lines.append(f"app.{method}('{src}', (req, res) => res.end());")
        expected.add((method.upper(), exp))
    for i, (prefix_segments, routes, style, parent_choice) in enumerate(routers):
        parent = parent_choice % (i + 1)  # the app or an earlier router
        prefix_src, prefix_exp = render_path(prefix_segments, counter)
        prefixes.append(prefixes[parent] + (prefix_exp if prefix_segments else ""))
        ext = {"cjs": ".js", "esm": ".mjs", "ts": ".ts"}[style]
        name = f"routes/r{i}{ext}"
        if style == "cjs":
            lines = ["const express = require('express');", "const router = express.Router();"]
        else:
            lines = ["import { Router } from 'express';", "const router = Router();"]
        for method, segments in routes:
            src, exp = render_path(segments, counter)
            lines.append(f"router.{method}(`{src}`, (req, res) => res.end());")
            full = (prefixes[-1] + (exp if exp != "/" else "")) or "/"
            expected.add((method.upper(), full))
        router_lines.append(lines)
        files[name] = ""
        mount = f"'{prefix_src}', " if prefix_segments else ""
        import_path = f"./routes/r{i}" + (".mjs" if style == "esm" else "")
        if parent == 0:
            target_lines, ref_path = app_lines, import_path
        else:
            target_lines, ref_path = router_lines[parent - 1], f"./r{i}" + (".mjs" if style == "esm" else "")
        owner = "app" if parent == 0 else "router"
        target_lines.append(f"{owner}.use({mount}require('{ref_path}'){'.default' if style != 'cjs' else ''});")
    for i, (_, _, style, _) in enumerate(routers):
        ext = {"cjs": ".js", "esm": ".mjs", "ts": ".ts"}[style]
        export = "module.exports = router;" if style == "cjs" else "export default router;"
        files[f"routes/r{i}{ext}"] = "\n".join(router_lines[i] + [export])
    files["app.js"] = "\n".join(app_lines + ["module.exports = app;"])
    endpoints, warnings = scan_files(SCANNER, files)
    assert warnings == []
    assert keys(endpoints) == expected


def test_class_based_apps_and_routers_resolve_through_this() -> None:
    files = {
        "src/server.ts": """
            import express from 'express';
            import { UsersRoute } from './routes/users.route';

            class App {
              public app: express.Application;
              constructor() {
                this.app = express();
                this.app.use(express.json());
                this.app.get('/ping', (req, res) => res.send('pong'));
                this.app.use('/users', new UsersRoute().router);
              }
              public listen() { this.app.listen(3000); }
            }
            new App().listen();
        """,
        "src/routes/users.route.ts": """
            import { Router } from 'express';
            import UsersController from '../controllers/users.controller';

            export class UsersRoute {
              public router = Router();
              public usersController = new UsersController();
              constructor() { this.initializeRoutes(); }
              private initializeRoutes() {
                this.router.get('/', this.usersController.getUsers);
                this.router.post('/:id/avatar', this.usersController.uploadAvatar);
              }
            }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/ping"), ("GET", "/users"), ("POST", "/users/{id}/avatar")}
    assert by_key(endpoints)[("GET", "/users")].handler == "this.usersController.getUsers"
    assert warnings == []


def test_pathologically_nested_code_is_a_value_error_not_a_crash() -> None:
    source = SourceFile("deep.js", ("app.get('/x', " + "[" * 3000 + "]" * 3000 + ");").encode())
    with pytest.raises(ValueError):
        SCANNER.extract(source)


def test_deeply_nested_values_nothing_refers_to_are_never_analysed() -> None:
    source = SourceFile("deep.js", ("const x = " + "[" * 3000 + "]" * 3000 + ";").encode())
    assert SCANNER.extract(source)["calls"] == []


JS_TOKENS = " ".join(
    " ".join(fixture.values()) for fixture in (EXPRESS_SHOP, EXPRESS_TASKS_TS)).split()


@settings(max_examples=40, deadline=None)
@given(chunks=st.lists(st.tuples(st.integers(0, len(JS_TOKENS) - 1), st.integers(1, 120)), min_size=1, max_size=4))
def test_property_scrambled_sources_never_crash_a_js_scanner(chunks: list[tuple[int, int]]) -> None:
    files = {f"src/f{i}.ts": " ".join(JS_TOKENS[start:start + size]) for i, (start, size) in enumerate(chunks)}
    for scanner in (ExpressScanner(), FastifyScanner()):
        endpoints, _ = scan_files(scanner, files)
        assert all(e.path.startswith("/") for e in endpoints)


def test_linking_facts_replayed_from_json_gives_the_same_endpoints() -> None:
    from scanning.tests.scanners.fixtures_js import FASTIFY_BLOG, NEST_APP
    from scanning.scanners.nestjs import NestJSScanner

    for scanner, files in ((SCANNER, EXPRESS_SHOP), (SCANNER, EXPRESS_TASKS_TS),
                           (FastifyScanner(), FASTIFY_BLOG), (NestJSScanner(), NEST_APP)):
        sources = [SourceFile(p, textwrap.dedent(t).encode()) for p, t in files.items()]
        facts = {s.rel_path: scanner.extract(s) for s in sources if scanner.wants(s)}
        replayed = json.loads(json.dumps(facts))
        assert replayed == facts
        index = base.RepositoryIndex(files=list(files))
        first, second = scanner.link(facts, index), scanner.link(replayed, index)
        assert [e.to_dict() for e in first[0]] == [e.to_dict() for e in second[0]]
        assert first[0]


def test_tsconfig_paths_and_base_url_resolve_aliased_imports() -> None:
    files = {
        "tsconfig.json": """{
            // comments and trailing commas are allowed in tsconfig
            "compilerOptions": {"baseUrl": "./src", "paths": {"@/*": ["*"], "@routes": ["routes/index.ts"]},},
        }""",
        "src/main.ts": """
            import express from 'express';
            import users from '@/routes/users';
            import all from '@routes';
            import { orders } from 'routes/orders';
            import missing from '~/nowhere';
            const app = express();
            app.use('/users', users);
            app.use('/all', all);
            app.use('/orders', orders);
            app.use('/missing', missing);
        """,
        "src/routes/users.ts": "import { Router } from 'express'; const r = Router(); r.get('/', h); export default r;",
        "src/routes/index.ts": "import { Router } from 'express'; const r = Router(); r.get('/x', h); export default r;",
        "src/routes/orders.ts": "import { Router } from 'express'; export const orders = Router(); orders.post('/', h);",
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/users"), ("GET", "/all/x"), ("POST", "/orders")}
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("src/main.ts", 10, MSG_UNRESOLVED_MODULE.format(src="~/nowhere"))]


def test_an_invalid_tsconfig_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        SCANNER.extract(SourceFile("tsconfig.json", b'{"compilerOptions": {'))


EXPRESS5_FILES = {
    "package.json": '{"dependencies": {"express": "^5.1.0"}}',
    "src/app.js": """
        const express = require('express');
        const files = require('./routes/files');

        const app = express();
        app.use('/storage', files);
        app.get('/legacy/*', (req, res) => res.sendStatus(410));
        app.get('/ab*cd', (req, res) => res.sendStatus(204));
        module.exports = app;
    """,
    "src/routes/files.js": """
        const { Router } = require('express');

        const router = Router();
        router.get('/files/*filepath', function download(req, res) { res.sendFile(req.params.filepath.join('/')); });
        router.delete('/buckets/:bucket/*key/versions', function purge(req, res) { res.sendStatus(204); });
        module.exports = router;
    """,
}


def test_an_express_5_named_wildcard_is_a_path_parameter() -> None:
    endpoints, warnings = scan_files(SCANNER, EXPRESS5_FILES)
    assert keys(endpoints) == {
        ("GET", "/storage/files/{filepath}"),
        ("DELETE", "/storage/buckets/{bucket}/{key}/versions"),
        # Express 4's bare wildcard and a wildcard inside a segment stay as written.
        ("GET", "/legacy/*"),
        ("GET", "/ab*cd"),
    }
    assert params(by_key(endpoints)[("GET", "/storage/files/{filepath}")]) == [
        ("path", "filepath", True, {"type": "string"})]
    assert warnings == []
