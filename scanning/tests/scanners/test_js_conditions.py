"""Express and Fastify routes registered inside an `if` carry the tests guarding them (`conditions`)."""
from __future__ import annotations

from scanning.scanners.express import ExpressScanner
from scanning.scanners.fastify import FastifyScanner
from scanning.tests.scanners.fixtures_js import scan_files


def _conditions(endpoints) -> dict[tuple[str, str], list[str]]:
    return {(e.method, e.path): e.conditions for e in endpoints}


# An Express API: an optional metrics router, an admin router mounted by feature flag that
# mounts an audit router under another flag, a debug route in development only.
EXPRESS_CONDITIONAL: dict[str, str] = {
    "src/app.js": """
        const express = require('express');
        const config = require('./config');
        const users = require('./routes/users');
        const metrics = require('./routes/metrics');
        const admin = require('./routes/admin');

        const app = express();
        app.use('/api/users', users);

        if (process.env.METRICS_ENABLED) {
          app.use('/metrics', metrics);
        } else if (config.features.admin) {
          app.use('/api/admin', admin);
        }

        if (process.env.NODE_ENV !== 'production') app.get('/debug/routes', (req, res) => res.json([]));
        else app.get('/ready', (req, res) => res.send('ok'));

        if (true) {
          app.get('/health', (req, res) => res.send('ok'));
        }

        module.exports = app;
    """,
    "src/config.js": """
        module.exports = { features: { admin: process.env.ADMIN === '1' } };
    """,
    "src/routes/users.js": """
        const { Router } = require('express');
        const router = Router();
        router.get('/', (req, res) => res.json([]));
        router.get('/:id', (req, res) => res.json({}));
        module.exports = router;
    """,
    "src/routes/metrics.js": """
        const express = require('express');
        const router = express.Router();
        router.get('/', (req, res) => res.send(''));
        module.exports = router;
    """,
    "src/routes/admin.js": """
        const express = require('express');
        const audit = require('./audit');
        const router = express.Router();
        router.delete('/users/:id', (req, res) => res.sendStatus(204));
        if (process.env.AUDIT_LOG) {
          router.use('/audit', audit);
        }
        module.exports = router;
    """,
    "src/routes/audit.js": """
        const express = require('express');
        const router = express.Router();
        router.get('/events', (req, res) => res.json([]));
        module.exports = router;
    """,
}

EXPRESS_CONDITIONAL_EXPECTED = {
    ("GET", "/api/users"): [],
    ("GET", "/api/users/{id}"): [],
    ("GET", "/metrics"): ["process.env.METRICS_ENABLED"],
    ("DELETE", "/api/admin/users/{id}"): ["not (process.env.METRICS_ENABLED)", "config.features.admin"],
    ("GET", "/api/admin/audit/events"): [
        "not (process.env.METRICS_ENABLED)", "config.features.admin", "process.env.AUDIT_LOG",
    ],
    ("GET", "/debug/routes"): ["process.env.NODE_ENV !== 'production'"],
    ("GET", "/ready"): ["not (process.env.NODE_ENV !== 'production')"],
    ("GET", "/health"): [],
}


def test_express_routes_and_mounts_inside_ifs_carry_their_conditions():
    endpoints, warnings = scan_files(ExpressScanner(), EXPRESS_CONDITIONAL)
    assert warnings == []
    assert _conditions(endpoints) == EXPRESS_CONDITIONAL_EXPECTED


FASTIFY_CONDITIONAL: dict[str, str] = {
    "server.js": """
        const fastify = require('fastify')({ logger: true });
        const items = require('./plugins/items');
        const swagger = require('./plugins/docs');

        fastify.register(items, { prefix: '/items' });
        if (process.env.DOCS) {
          fastify.register(swagger, { prefix: '/docs' });
        }
        fastify.get('/health', async () => ({ ok: true }));
        fastify.listen({ port: 3000 });
    """,
    "plugins/items.js": """
        module.exports = async function items(fastify) {
          fastify.get('/', async () => []);
          if (fastify.config && fastify.config.allowDelete) {
            fastify.delete('/:id', async () => null);
          }
        };
    """,
    "plugins/docs.js": """
        module.exports = async function docs(fastify) {
          fastify.get('/json', async () => ({}));
        };
    """,
}

FASTIFY_CONDITIONAL_EXPECTED = {
    ("GET", "/items"): [],
    ("DELETE", "/items/{id}"): ["fastify.config && fastify.config.allowDelete"],
    ("GET", "/docs/json"): ["process.env.DOCS"],
    ("GET", "/health"): [],
}


def test_fastify_routes_and_plugins_registered_inside_ifs_carry_their_conditions():
    endpoints, warnings = scan_files(FastifyScanner(), FASTIFY_CONDITIONAL)
    assert warnings == []
    assert _conditions(endpoints) == FASTIFY_CONDITIONAL_EXPECTED


def test_the_same_test_at_two_levels_is_one_condition():
    files = {
        "app.js": """
            const express = require('express');
            const editor = require('./editor');
            const app = express();
            if (!settings.disableEditor) app.use('/editor', editor);
        """,
        "editor.js": """
            const express = require('express');
            const router = express.Router();
            if (!settings.disableEditor) router.get('/theme', (req, res) => res.json({}));
            module.exports = router;
        """,
    }
    endpoints, _ = scan_files(ExpressScanner(), files)
    assert _conditions(endpoints) == {("GET", "/editor/theme"): ["!settings.disableEditor"]}
