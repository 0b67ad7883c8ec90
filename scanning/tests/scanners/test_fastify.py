from __future__ import annotations

from pathlib import Path

from scanning.scanners.fastify import MSG_DYNAMIC_PATH, MSG_DYNAMIC_PREFIX, FastifyScanner
from scanning.tests.scanners.fixtures_js import (
    FASTIFY_BLOG,
    FASTIFY_BLOG_ENDPOINTS,
    FASTIFY_CLI_APP,
    FASTIFY_CLI_ENDPOINTS,
    FASTIFY_RUNTIME,
    FASTIFY_RUNTIME_ENDPOINTS,
    by_key,
    keys,
    params,
    scan_files,
    scan_repo,
    write_repo,
)

SCANNER = FastifyScanner()

POST = {"type": "object", "properties": {"id": {"type": "integer"}, "title": {"type": "string"},
                                          "body": {"type": "string"}}}
CREATE_POST = {
    "type": "object",
    "required": ["title", "body"],
    "properties": {
        "title": {"type": "string", "minLength": 3, "maxLength": 120},
        "body": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
    },
}


def test_it_finds_exactly_the_served_endpoints_of_a_plugin_tree(tmp_path: Path) -> None:
    endpoints, _, detected = scan_repo(SCANNER, write_repo(tmp_path, FASTIFY_BLOG))
    assert detected
    assert keys(endpoints) == FASTIFY_BLOG_ENDPOINTS


def test_querystring_and_response_schemas_become_parameters_and_responses() -> None:
    listing = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])[("GET", "/api/posts")]
    assert params(listing) == [
        ("query", "page", False, {"type": "integer", "default": 1}),
        ("query", "q", True, {"type": "string"}),
        # read by the handler (`request.query.sort`) but not in the schema; `q` is declared there
        ("query", "sort", False, {"type": "string"}),
    ]
    assert listing.responses == {"200": {"description": "", "schema": {"type": "array", "items": POST}}}
    assert (listing.handler, listing.file, listing.line) == ("listPosts", "src/routes/posts.js", 6)


def test_query_parameters_read_by_handlers_without_a_schema() -> None:
    endpoints = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])
    assert params(endpoints[("GET", "/feeds/rss")]) == [("query", "limit", False, {"type": "string"})]
    # `fastify.route({ handler: updatePost })`: the handler given as an option
    assert ("query", "dryRun", False, {"type": "string"}) in params(endpoints[("PATCH", "/api/posts/{id}")])


def test_params_schema_types_the_path_parameter() -> None:
    one = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])[("GET", "/api/posts/{id}")]
    assert params(one) == [("path", "id", True, {"type": "integer", "minimum": 1})]


def test_body_schema_from_another_file_and_route_hook_auth() -> None:
    created = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])[("POST", "/api/posts")]
    assert created.request_body == CREATE_POST
    assert created.responses == {"201": {"description": "", "schema": POST}}
    assert (created.auth_required, created.auth) == (True, "fastify.authenticate")


def test_route_with_a_method_array_yields_one_endpoint_per_method() -> None:
    endpoints = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])
    for method in ("PUT", "PATCH"):
        update = endpoints[(method, "/api/posts/{id}")]
        assert (update.handler, update.request_body, update.auth_required) == ("updatePost", CREATE_POST, True)


def test_an_add_hook_in_a_scope_protects_it_and_nested_plugins() -> None:
    endpoints = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])
    assert endpoints[("GET", "/admin/stats")].auth == "admin.authenticate"
    assert endpoints[("GET", "/admin/moderation/queue")].auth_required is True
    assert endpoints[("GET", "/health")].auth_required is False


def test_typebox_schemas_become_json_schema() -> None:
    decision = by_key(scan_files(SCANNER, FASTIFY_BLOG)[0])[("POST", "/admin/moderation/queue/{postId}/decision")]
    assert decision.request_body == {
        "type": "object",
        "properties": {"verdict": {"enum": ["approve", "reject"]}, "reason": {"type": "string", "maxLength": 500}},
        "required": ["verdict"],
    }
    assert params(decision) == [("path", "postId", True, {"type": "string"})]


def test_warnings_for_a_dynamic_prefix_and_a_syntax_error() -> None:
    endpoints, warnings = scan_files(SCANNER, FASTIFY_BLOG)
    assert [(w.file, w.line, w.message) for w in warnings if "syntax" not in w.message] == [
        ("src/server.js", 14, MSG_DYNAMIC_PREFIX)]
    assert [(w.file, w.line) for w in warnings if "syntax" in w.message] == [("src/routes/feeds.js", 5)]
    assert ("GET", "/feeds/atom") not in keys(endpoints)


def test_unregistered_plugins_are_not_served() -> None:
    assert not [k for k in keys(scan_files(SCANNER, FASTIFY_BLOG)[0]) if "drafts" in k[1]]


def test_fastify_cli_apps_with_autoload_use_folder_prefixes(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, FASTIFY_CLI_APP))
    assert detected
    assert keys(endpoints) == FASTIFY_CLI_ENDPOINTS
    assert warnings == []


def test_esm_plugins_nested_registers_and_full_route_options() -> None:
    files = {
        "src/app.mjs": """
            import Fastify from 'fastify';
            import api from './api/index.mjs';
            const app = Fastify();
            await app.register(api, { prefix: '/api' });
            await app.listen({ port: 8080 });
        """,
        "src/api/index.mjs": """
            import v1 from './v1.mjs';
            export default async function api(fastify) {
              fastify.register(v1, { prefix: '/v1' });
              fastify.route({ method: 'GET', url: '/version', handler: async () => '1' });
            }
        """,
        "src/api/v1.mjs": """
            const headers = { type: 'object', properties: { 'x-request-id': { type: 'string' } },
                              required: ['x-request-id'] };
            export default async (fastify) => {
              fastify.get('/things/:thingId', { schema: { headers } }, async (req) => ({}));
              fastify.all('/echo', async (req) => req.body);
            };
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {
        ("GET", "/api/version"), ("GET", "/api/v1/things/{thingId}"),
        *((m, "/api/v1/echo") for m in ("GET", "POST", "PUT", "PATCH", "DELETE")),
    }
    thing = by_key(endpoints)[("GET", "/api/v1/things/{thingId}")]
    assert params(thing) == [
        ("path", "thingId", True, {"type": "string"}),
        ("header", "x-request-id", True, {"type": "string"}),
    ]
    assert warnings == []


def test_plugins_registered_through_dynamic_import_are_entered() -> None:
    files = {
        "server.mjs": """
            import Fastify from 'fastify';
            const app = Fastify();
            app.register(import('./routes/a.mjs'), { prefix: '/a' });
            app.register(import('./routes/b.js'));
        """,
        "routes/a.mjs": "export default async function (f) { f.get('/x', async () => 1); }",
        "routes/b.js": "module.exports = async (f) => { f.post('/y', async () => 1); };",
    }
    assert keys(scan_files(SCANNER, files)[0]) == {("GET", "/a/x"), ("POST", "/y")}


def test_option_paths_with_constant_defaults_and_websocket_routes(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, FASTIFY_RUNTIME))
    assert detected
    # the option paths as declared when the options are not given; WebSocket routes left out
    assert keys(endpoints) == FASTIFY_RUNTIME_ENDPOINTS
    assert by_key(endpoints)[("GET", "/metrics")].file == "lib/prom-server.js"
    assert warnings == []


def test_option_paths_without_a_constant_default_are_still_skipped_with_a_warning() -> None:
    files = {
        "server.js": """
            const fastify = require('fastify')
            const DEFAULTS = require('./defaults')
            function start (opts, env) {
              const app = fastify()
              const metrics = opts.endpoint
              app.route({ url: metrics, method: 'GET', handler: async () => '' })
              app.route({ url: opts.health ?? DEFAULTS.health, method: 'GET', handler: async () => '' })
              app.get(opts.other ?? computePath(), async () => '')
              app.get(buildPath() ?? '/built', async () => '')
              app.get(opts.ready ?? '/ready', async () => '')
              return app
            }
            module.exports = start
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    # the one option with a literal fallback is the only route served
    assert keys(endpoints) == {("GET", "/ready")}
    assert [(w.line, w.message) for w in warnings] == [
        (6, MSG_DYNAMIC_PATH), (7, MSG_DYNAMIC_PATH), (8, MSG_DYNAMIC_PATH), (9, MSG_DYNAMIC_PATH)]


def test_a_constant_option_is_its_own_value_and_a_websocket_route_is_never_http() -> None:
    files = {
        "app.js": """
            const fastify = require('fastify')
            const config = { prefix: '/v2', path: '' }
            const app = fastify()
            app.register(async (api) => {
              api.get(config.path || '/fallback', async () => '')
              api.get('/socket', { websocket: true }, (socket) => socket.close())
              api.get('/both', { websocket: false }, async () => '')
              api.get(process.env.HEALTH_PATH ?? '/health', async () => '')
            }, { prefix: config.prefix ?? '/v1' })
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    # `config.prefix` is a constant: it wins over the fallback; `''` is falsy, so `||` falls back
    assert keys(endpoints) == {("GET", "/v2/fallback"), ("GET", "/v2/both"), ("GET", "/v2/health")}
    assert warnings == []
