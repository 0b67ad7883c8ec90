"""Express routers a class method builds and returns, mounted from an instance
(`api.use('/', new FilesRouter().expressRouter())`), in source and in Babel output."""
from __future__ import annotations

from scanning.scanners.express import MSG_COMPUTED_METHOD, ExpressScanner
from scanning.tests.scanners.fixtures_js import keys, scan_files

SCANNER = ExpressScanner()

MEDIA_SERVER = {
    "src/server.js": """
        const express = require('express');
        const { FilesRouter } = require('./routers/files');
        const { HooksRouter } = require('./routers/hooks');

        class MediaServer {
          static app(options) {
            const api = express();
            api.use(express.json({ limit: options.maxUploadSize }));
            api.use('/', new FilesRouter().expressRouter({ maxUploadSize: options.maxUploadSize }));
            api.use('/v2', new FilesRouter().expressRouter({ maxUploadSize: '1mb' }));
            const hooks = new HooksRouter(options.appId);
            api.use('/hooks', hooks.router());
            return api;
          }
        }

        module.exports = MediaServer;
    """,
    "src/routers/files.js": """
        const express = require('express');
        const { requireMasterKey } = require('../middlewares');

        class FilesRouter {
          expressRouter({ maxUploadSize = '20mb' } = {}) {
            const router = express.Router();
            router.get('/files/:appId/*filepath', this.getHandler);
            router.post('/files/:filename', express.raw({ limit: maxUploadSize }), this.createHandler.bind(this));
            router.delete('/files/*filepath', requireMasterKey, this.deleteHandler);
            return router;
          }

          // never called: its routes are not served
          legacyRouter() {
            const router = express.Router();
            router.get('/legacy/files/:name', this.getHandler);
            return router;
          }

          async getHandler(req, res) { res.sendFile(req.params.filepath); }
          async createHandler(req, res) { res.status(201).json({ name: req.params.filename }); }
          async deleteHandler(req, res) { res.sendStatus(204); }
        }

        module.exports = { FilesRouter };
    """,
    "src/routers/hooks.js": """
        import { Router } from 'express';

        export class HooksRouter {
          constructor(appId) { this.appId = appId; }

          router() {
            return Router()
              .get('/functions', (req, res) => res.json([]))
              .put('/functions/:name', (req, res) => res.json({ name: req.params.name }));
          }
        }
    """,
    "src/middlewares.js": """
        exports.requireMasterKey = (req, res, next) => next();
    """,
}

MEDIA_SERVER_ENDPOINTS = {
    ("GET", "/files/{appId}/{filepath}"), ("POST", "/files/{filename}"), ("DELETE", "/files/{filepath}"),
    ("GET", "/v2/files/{appId}/{filepath}"), ("POST", "/v2/files/{filename}"), ("DELETE", "/v2/files/{filepath}"),
    ("GET", "/hooks/functions"), ("PUT", "/hooks/functions/{name}"),
}


def test_it_serves_the_router_a_method_returns_once_per_mount_of_an_instance() -> None:
    endpoints, warnings = scan_files(SCANNER, MEDIA_SERVER)
    assert keys(endpoints) == MEDIA_SERVER_ENDPOINTS
    assert warnings == []


def test_a_router_built_by_a_method_nothing_calls_is_not_served() -> None:
    paths = {path for _, path in keys(scan_files(SCANNER, MEDIA_SERVER)[0])}
    assert not any("legacy" in path for path in paths)


def test_it_reads_the_method_of_a_babel_compiled_class() -> None:
    files = {
        "lib/ParseLike.js": """
            "use strict";
            Object.defineProperty(exports, "__esModule", { value: true });
            exports.default = void 0;
            var _express = _interopRequireDefault(require("express"));
            var _FilesRouter = require("./Routers/FilesRouter");
            function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
            class ParseLike {
              static app(options) {
                var api = (0, _express.default)();
                api.use('/', new _FilesRouter.FilesRouter().expressRouter({ maxUploadSize: '20mb' }));
                return api;
              }
            }
            var _default = exports.default = ParseLike;
        """,
        "lib/Routers/FilesRouter.js": """
            "use strict";
            Object.defineProperty(exports, "__esModule", { value: true });
            exports.FilesRouter = void 0;
            var _express = _interopRequireDefault(require("express"));
            function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }
            class FilesRouter {
              expressRouter({ maxUploadSize = '20mb' } = {}) {
                var router = _express.default.Router();
                router.get('/files/:appId/metadata/*filepath', this.metadataHandler);
                router.post('/files', function (req, res, next) { next(new Error('Filename not provided.')); });
                return router;
              }
            }
            exports.FilesRouter = FilesRouter;
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/files/{appId}/metadata/{filepath}"), ("POST", "/files")}
    assert warnings == []


def test_a_static_method_or_getter_of_the_same_name_is_not_an_instance_method() -> None:
    files = {
        "app.js": """
            const express = require('express');
            const { Api } = require('./api');
            const app = express();
            app.use('/a', new Api().build());
            app.use('/b', new Api().routes);
        """,
        "api.js": """
            const express = require('express');
            class Api {
              static build() {
                const router = express.Router();
                router.get('/static', (req, res) => res.end());
                return router;
              }
              get routes() {
                const router = express.Router();
                router.get('/getter', (req, res) => res.end());
                return router;
              }
            }
            module.exports = { Api };
        """,
    }
    endpoints, _ = scan_files(SCANNER, files)
    assert keys(endpoints) == set()


def test_it_serves_the_router_a_method_of_the_app_class_returns_through_this() -> None:
    files = {
        "src/app.ts": """
            import express, { Router } from 'express';
            import { OrdersController } from './orders.controller';

            export class App {
              public app = express();
              private orders = new OrdersController();

              constructor() {
                this.app.use(express.json());
                this.app.use('/api/orders', this.ordersRouter());
                this.app.get('/health', (req, res) => res.send('ok'));
              }

              private ordersRouter(): Router {
                const router = Router();
                router.get('/', this.orders.list);
                router.post('/:id/cancel', this.orders.cancel);
                return router;
              }

              // built but never mounted
              private adminRouter(): Router {
                const router = Router();
                router.delete('/purge', this.orders.purge);
                return router;
              }
            }
            new App().app.listen(3000);
        """,
        "src/orders.controller.ts": """
            export class OrdersController {
              list = async (req, res) => res.json([]);
              cancel = async (req, res) => res.sendStatus(204);
              purge = async (req, res) => res.sendStatus(204);
            }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/api/orders"), ("POST", "/api/orders/{id}/cancel"), ("GET", "/health")}
    assert warnings == []


# A project router class that keeps its routes as data and hands them to Express in a loop
# (parse-server's `PromiseRouter`): the calls into Express compute the method at run time.
TABLE_SERVER = {
    "lib/server.js": """
        const express = require('express');
        const { TableRouter } = require('./table-router');
        const { UsersRouter } = require('./routers/users');

        class Server {
          static app(options) {
            const api = express();
            api.get('/health', (req, res) => res.json({ status: 'ok' }));
            const appRouter = Server.tableRouter(options);
            api.use(appRouter.expressRouter());
            return api;
          }

          static tableRouter(options) {
            const routers = [new UsersRouter()];
            const routes = routers.reduce((memo, router) => memo.concat(router.routes), []);
            return new TableRouter(routes, options.appId);
          }
        }

        module.exports = Server;
    """,
    "lib/table-router.js": """
        const express = require('express');

        class TableRouter {
          constructor(routes = [], appId) {
            this.routes = routes;
            this.appId = appId;
            this.mountRoutes();
          }
          mountRoutes() {}
          route(method, path, handler) {
            this.routes.push({ method, path, handler });
          }
          mountOnto(expressApp) {
            this.routes.forEach(route => {
              expressApp[route.method.toLowerCase()].call(expressApp, route.path, route.handler);
            });
            return expressApp;
          }
          expressRouter() {
            return this.mountOnto(express.Router());
          }
        }

        module.exports = { TableRouter };
    """,
    "lib/routers/users.js": """
        const { TableRouter } = require('../table-router');

        class UsersRouter extends TableRouter {
          mountRoutes() {
            this.route('GET', '/users', req => this.find(req));
            this.route('POST', '/users', req => this.create(req));
          }
        }

        module.exports = { UsersRouter };
    """,
}


def test_routes_a_router_takes_with_a_computed_method_are_a_warning_not_a_guess() -> None:
    endpoints, warnings = scan_files(SCANNER, TABLE_SERVER)
    assert keys(endpoints) == {("GET", "/health")}
    assert [(w.file, w.line, w.message) for w in warnings] == [
        ("lib/table-router.js", 15, MSG_COMPUTED_METHOD.format(name="expressApp"))]


def test_a_forEach_over_a_route_table_on_a_mounted_router_is_a_warning() -> None:
    files = {
        "src/app.js": """
            const express = require('express');
            const app = express();
            app.use('/api', require('./routes'));
            module.exports = app;
        """,
        "src/routes.js": """
            const router = require('express').Router();
            const table = require('./table.json');
            router.get('/status', (req, res) => res.end());
            table.forEach(r => router[r.method](r.path, require(r.handler)));
            module.exports = router;
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/api/status")}
    assert [(w.file, w.line) for w in warnings] == [("src/routes.js", 4)]


def test_computed_calls_on_other_objects_or_unmounted_routers_are_not_warned() -> None:
    files = {
        "src/app.js": """
            const express = require('express');
            const app = express();
            const handlers = { created: () => {}, deleted: () => {} };
            app.post('/events', (req, res) => { handlers[req.body.type](req.body); res.end(); });
            const spare = express.Router();
            ['get', 'post'].forEach(m => spare[m]('/spare', (req, res) => res.end()));
            module.exports = app;
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("POST", "/events")}
    assert warnings == []
