"""Express apps as compilers publish them (Babel and tsc CommonJS output), apps and routers
used through chained calls, and routes with optional parameters."""
from __future__ import annotations

import pytest

from scanning.scanners.express import (
    MSG_PACKAGE_PATH,
    MSG_RUNTIME_PREFIX,
    ExpressScanner,
    optional_variants,
)
from scanning.tests.scanners.fixtures_js import (
    EXPRESS_BABEL_REGISTRY,
    EXPRESS_BABEL_REGISTRY_ENDPOINTS,
    EXPRESS_CHAINED,
    EXPRESS_CHAINED_ENDPOINTS,
    EXPRESS_TSC_NOTES,
    EXPRESS_TSC_NOTES_ENDPOINTS,
    by_key,
    keys,
    params,
    scan_files,
)

SCANNER = ExpressScanner()


def test_it_finds_exactly_the_served_endpoints_of_a_babel_compiled_app() -> None:
    endpoints, _ = scan_files(SCANNER, EXPRESS_BABEL_REGISTRY)
    assert keys(endpoints) == EXPRESS_BABEL_REGISTRY_ENDPOINTS


def test_a_babel_router_nothing_mounts_is_not_served() -> None:
    paths = {path for _, path in keys(scan_files(SCANNER, EXPRESS_BABEL_REGISTRY)[0])}
    assert "/-/legacy" not in paths


def test_a_path_from_a_package_constant_is_a_warning_naming_the_package() -> None:
    _, warnings = scan_files(SCANNER, EXPRESS_BABEL_REGISTRY)
    assert [(w.file, w.line, w.message) for w in warnings] == [(
        "lib/app.js", 21,
        MSG_PACKAGE_PATH.format(name="`_routes.STATUS_ENDPOINTS.status`", package="@registry/routes"),
    )]


def test_babel_routes_keep_their_file_line_and_middleware() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_BABEL_REGISTRY)[0])
    publish = endpoints[("PUT", "/-/api/{package}/{_rev}/{revision}")]
    assert (publish.file, publish.line) == ("lib/api/packages.js", 13)
    assert publish.auth_required is True
    assert endpoints[("GET", "/-/api/users/{name}")].file == "lib/api/users.js"
    assert endpoints[("GET", "/-/ping")].auth_required is False


def test_it_finds_exactly_the_served_endpoints_of_a_tsc_compiled_app() -> None:
    endpoints, warnings = scan_files(SCANNER, EXPRESS_TSC_NOTES)
    assert keys(endpoints) == EXPRESS_TSC_NOTES_ENDPOINTS
    assert warnings == []


def test_tsc_routes_keep_their_auth_middleware() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_TSC_NOTES)[0])
    auth = {k for k, e in endpoints.items() if e.auth_required}
    assert auth == {("POST", "/notes"), ("DELETE", "/notes/{id}")}
    assert endpoints[("DELETE", "/notes/{id}")].auth == "auth_1.requireAuth"


def test_an_app_or_router_used_through_a_chain_of_its_methods_is_still_that_object() -> None:
    endpoints, _ = scan_files(SCANNER, EXPRESS_CHAINED)
    assert keys(endpoints) == EXPRESS_CHAINED_ENDPOINTS
    assert by_key(endpoints)[("POST", "/{resource}/{id}/{nested}")].line == 12


def test_a_prefix_built_from_data_at_run_time_is_a_precise_warning() -> None:
    _, warnings = scan_files(SCANNER, EXPRESS_CHAINED)
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("lib/server/router/index.js", 11, MSG_RUNTIME_PREFIX.format(name="`/${key}`"))]


def test_reading_a_setting_does_not_make_the_app_a_route_chain() -> None:
    files = {
        "app.js": """
            const express = require('express');
            const app = express();
            const ttl = app.get('cache ttl');
            module.exports = { app: ttl };
            app.get('/ok', (req, res) => res.send('ok'));
        """,
        "server.js": """
            const { app } = require('./app');
            app.get('/not-the-app', (req, res) => res.send(''));
        """,
    }
    assert keys(scan_files(SCANNER, files)[0]) == {("GET", "/ok")}


def test_a_call_of_something_that_is_no_interop_helper_is_not_a_module() -> None:
    files = {
        "app.js": """
            const express = require('express');
            const routes = loadRoutes(require('./routes'));
            const app = express();
            app.use('/api', routes.default);
        """,
        "routes.js": """
            const router = require('express').Router();
            router.get('/items', (req, res) => res.json([]));
            exports.default = router;
        """,
    }
    assert keys(scan_files(SCANNER, files)[0]) == set()


@pytest.mark.parametrize(("path", "variants"), [
    ("/:package/:_rev?/:revision?", ["/:package/:_rev?/:revision?", "/:package/:_rev?", "/:package"]),
    ("/:id?", ["/:id?", "/"]),
    ("/a/:x?/b/:y(\\d+)?", ["/a/:x?/b/:y(\\d+)?", "/a/:x?/b", "/a/b/:y(\\d+)?", "/a/b"]),
    ("/-/all(/since)?", ["/-/all(/since)?"]),
    ("/file.:ext?", ["/file.:ext?"]),
    ("/users/:id", ["/users/:id"]),
])
def test_optional_parameters_give_every_path_express_serves(path: str, variants: list[str]) -> None:
    assert optional_variants(path) == variants


def test_each_optional_variant_is_an_endpoint_with_its_own_path_parameters() -> None:
    files = {
        "app.js": """
            const app = require('express')();
            app.use('/-/user', require('./user'));
        """,
        "user.js": """
            const router = require('express').Router();
            router.put('/:org_couchdb_user/:_rev?/:revision?', (req, res) => res.sendStatus(201));
            module.exports = router;
        """,
    }
    endpoints = by_key(scan_files(SCANNER, files)[0])
    assert set(endpoints) == {
        ("PUT", "/-/user/{org_couchdb_user}"),
        ("PUT", "/-/user/{org_couchdb_user}/{_rev}"),
        ("PUT", "/-/user/{org_couchdb_user}/{_rev}/{revision}"),
    }
    assert [p[1] for p in params(endpoints[("PUT", "/-/user/{org_couchdb_user}/{_rev}")])] == [
        "org_couchdb_user", "_rev"]
    assert all(p[2] for e in endpoints.values() for p in params(e))
