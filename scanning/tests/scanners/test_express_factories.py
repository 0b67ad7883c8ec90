"""Objects a factory function creates (one per call) and regular-expression route paths."""

from __future__ import annotations

from scanning.scanners.express import (
    MSG_MOUNT_CYCLE,
    MSG_REGEX_PATH,
    ExpressScanner,
    regex_path_template,
)
from scanning.tests.scanners.fixtures_js import (
    EXPRESS_EDITOR_API,
    EXPRESS_EDITOR_API_ENDPOINTS,
    by_key,
    keys,
    params,
    scan_files,
)

SCANNER = ExpressScanner()


def test_each_call_of_an_app_factory_is_its_own_app() -> None:
    endpoints, _ = scan_files(SCANNER, EXPRESS_EDITOR_API)
    assert keys(endpoints) == EXPRESS_EDITOR_API_ENDPOINTS


def test_what_the_factory_does_to_the_app_applies_to_every_app_it_makes() -> None:
    endpoints = by_key(scan_files(SCANNER, EXPRESS_EDITOR_API)[0])
    # `app.use(ensureAuthenticated)` inside createExpressApp runs before the callers' routes
    assert {e.auth for e in endpoints.values()} == {"ensureAuthenticated"}
    assert endpoints[("DELETE", "/projects/{id}")].file == "lib/editor/projects.js"


def test_regex_routes_are_path_templates_with_their_parameters() -> None:
    endpoints, warnings = scan_files(SCANNER, EXPRESS_EDITOR_API)
    put_set = by_key(endpoints)[("PUT", "/nodes/{param1}/{param2}")]
    assert (put_set.file, put_set.line, put_set.handler) == ("lib/admin/index.js", 10, "nodes.putSet")
    assert params(put_set) == [
        ("path", "param1", True, {"type": "string"}),
        ("path", "param2", True, {"type": "string"}),
    ]
    # an optional group has no single template: a precise warning, not an endpoint
    assert [(w.file, w.line, w.message) for w in warnings] == [("lib/admin/index.js", 13, MSG_REGEX_PATH)]
    assert not any(e.method == "DELETE" and e.path.startswith("/nodes") for e in endpoints)


def test_regex_path_template_rule() -> None:
    resources = r"/^\/resources\/((?:@[^\/]+\/)?[^\/]+)\/(.+)$/"
    assert regex_path_template(resources) == "/resources/{param1}/{param2}"
    assert regex_path_template(r"/^\/a\/(?<id>\d+)\/b$/i") == "/a/{id}/b"
    assert regex_path_template(r"/^\/library\/([^\/]+)(?:$|\/(.*))/") == "/library/{param1}"
    assert regex_path_template(r"/^\/users\/?$/") == "/users"
    for no_template in (
        r"/\/abc/",                  # not anchored: matches anywhere in the path
        r"/^\/a.b$/",                # `.` is any character
        r"/^\/ab?c$/",               # quantified character
        r"/^\/(a|b)?$/",             # optional group
        r"/^\/a|^\/b$/",             # alternatives
        r"/^\/\d+$/",                # a class outside a group
        r"/^\/x(?=y)/",              # lookahead
        r"/^\/x(?:\/y)/",            # non-capturing group that is not an optional end
        r"/^x$/",                    # no leading slash
    ):
        assert regex_path_template(no_template) is None, no_template


def test_a_module_level_router_imported_by_two_files_is_one_router() -> None:
    files = {
        "package.json": '{"dependencies": {"express": "^4"}}',
        "shared.js": """
            const express = require("express");
            const router = express.Router();
            router.get("/status", (req, res) => res.json({}));
            module.exports = router;
        """,
        "health.js": """
            const router = require("./shared");
            router.get("/health", (req, res) => res.end());
            module.exports = function makeHealth() { return router; };
        """,
        "app.js": """
            const express = require("express");
            const shared = require("./shared");
            const makeHealth = require("./health");
            const app = express();
            app.use("/api", shared);
            app.use("/v1", makeHealth());
            app.listen(3000);
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    # one router, with both files' routes, served under both mounts; a function returning the
    # module-level router returns that router, not a new one per call
    assert keys(endpoints) == {
        ("GET", "/api/status"), ("GET", "/api/health"), ("GET", "/v1/status"), ("GET", "/v1/health"),
    }
    assert warnings == []


def test_a_factory_called_twice_in_one_file_makes_two_routers() -> None:
    files = {
        "package.json": '{"dependencies": {"express": "^4"}}',
        "crud.js": """
            const { Router } = require("express");
            module.exports = (name) => {
                const router = Router();
                router.get("/", (req, res) => res.json([]));
                return router;
            };
        """,
        "app.js": """
            const express = require("express");
            const crud = require("./crud");
            const app = express();
            const users = crud("users");
            const teams = crud("teams");
            users.post("/invite", (req, res) => res.end());
            app.use("/users", users);
            app.use("/teams", teams);
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/users"), ("POST", "/users/invite"), ("GET", "/teams")}
    assert warnings == []


def test_an_app_mounted_into_itself_or_its_own_sub_app_is_a_warning() -> None:
    files = {
        "package.json": '{"dependencies": {"express": "^4"}}',
        "app.js": """
            const express = require("express");
            const app = express();
            const api = express.Router();
            app.get("/ok", (req, res) => res.end());
            app.use(app);
            app.use("/api", api);
            api.get("/items", (req, res) => res.json([]));
            api.use("/again", app);
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/ok"), ("GET", "/api/items")}
    assert [(w.line, w.message) for w in warnings] == [(5, MSG_MOUNT_CYCLE), (8, MSG_MOUNT_CYCLE)]
