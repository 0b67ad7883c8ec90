"""Fixture repositories for the JavaScript/TypeScript scanners, a repository writer, a scan driver.

The scan driver mirrors the job layer: read the repository from disk, let the scanner pick
its files, extract each (a parse error is a warning), detect, then link.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

from scanning.engine import checked_facts
from scanning.scanners.base import (
    DiscoveredEndpoint,
    RepositoryIndex,
    Scanner,
    ScanWarning,
    SourceFile,
)


def write_repo(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def read_repo(root: Path) -> list[SourceFile]:
    sources = []
    for directory, _, names in os.walk(root):
        for name in sorted(names):
            path = Path(directory) / name
            sources.append(SourceFile(path.relative_to(root).as_posix(), path.read_bytes()))
    return sorted(sources, key=lambda s: s.rel_path)


def scan_sources(
    scanner: Scanner, sources: list[SourceFile]
) -> tuple[list[DiscoveredEndpoint], list[ScanWarning], bool]:
    facts: dict[str, dict[str, Any]] = {}
    warnings: list[ScanWarning] = []
    for source in sources:
        if not scanner.wants(source):
            continue
        try:
            entry = checked_facts(scanner, scanner.extract(source))  # what the engine links and caches
        except (SyntaxError, ValueError) as error:
            warnings.append(ScanWarning(source.rel_path, f"cannot parse: {error}", getattr(error, "lineno", 0) or 0))
            continue
        if entry.error:
            warnings.append(ScanWarning(source.rel_path, entry.error))
        else:
            facts[source.rel_path] = entry.facts
    index = RepositoryIndex(
        files=[s.rel_path for s in sources],
        manifests={s.rel_path: s.text for s in sources
                   if s.rel_path.rsplit("/", 1)[-1] in RepositoryIndex.MANIFEST_NAMES},
    )
    detected = scanner.detect(index, facts)
    endpoints, link_warnings = scanner.link(facts, index)
    return endpoints, warnings + link_warnings, detected


def scan_repo(scanner: Scanner, root: Path) -> tuple[list[DiscoveredEndpoint], list[ScanWarning], bool]:
    return scan_sources(scanner, read_repo(root))


def scan_files(scanner: Scanner, files: dict[str, str]) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
    sources = [SourceFile(p, textwrap.dedent(t).lstrip("\n").encode()) for p, t in files.items()]
    endpoints, warnings, _ = scan_sources(scanner, sources)
    return endpoints, warnings


def keys(endpoints: list[DiscoveredEndpoint]) -> set[tuple[str, str]]:
    return {e.key for e in endpoints}


def by_key(endpoints: list[DiscoveredEndpoint]) -> dict[tuple[str, str], DiscoveredEndpoint]:
    return {e.key: e for e in endpoints}


def params(endpoint: DiscoveredEndpoint) -> list[tuple[str, str, bool, dict[str, Any]]]:
    return [(p.location, p.name, p.required, p.schema) for p in endpoint.parameters]


# --- Express, CommonJS: an online shop -------------------------------------------------------

EXPRESS_SHOP: dict[str, str] = {
    "package.json": """
        {"name": "shop-api", "main": "src/server.js",
         "dependencies": {"express": "^4.19.2", "jsonwebtoken": "^9.0.2", "morgan": "^1.10.0"}}
    """,
    "src/server.js": """
        const app = require('./app');
        const PORT = process.env.PORT || 3000;
        app.listen(PORT, () => console.log(`listening on ${PORT}`));
    """,
    "src/app.js": """
        const express = require('express');
        const morgan = require('morgan');
        const { requireAuth } = require('./middleware/auth');
        const apiRouter = require('./routes');
        const adminRouter = require('./routes/admin');

        const app = express();
        app.use(express.json());
        app.use(morgan('dev'));

        app.get('/health', (req, res) => res.json({ status: 'ok' }));
        app.use('/api/v1', apiRouter);
        app.use('/admin', requireAuth, adminRouter);
        require('./routes/webhooks')(app);

        app.use((err, req, res, next) => res.status(500).json({ error: err.message }));
        module.exports = app;
    """,
    "src/routes/index.js": """
        const { Router } = require('express');
        const users = require('./users');
        const { router: products } = require('./products');
        const reports = require('./reports');

        const router = Router();
        router.use('/users', users);
        router.use('/products', products);
        router.use('/reports', reports);
        module.exports = router;
    """,
    "src/routes/users.js": """
        const express = require('express');
        const controller = require('../controllers/users');
        const { requireAuth, requireRole } = require('../middleware/auth');

        const router = express.Router();
        router.get('/', controller.list);
        router.post('/', controller.create);
        router.route('/:id')
          .get(controller.show)
          .put(requireAuth, controller.update)
          .delete(requireAuth, requireRole('admin'), controller.remove);
        module.exports = router;
    """,
    "src/routes/products.js": """
        const express = require('express');
        const router = express.Router();

        async function listProducts(req, res) {
          res.json(await req.app.locals.db.products.findAll({ limit: req.query.limit }));
        }

        router.get('/', listProducts);
        router.get(`/search`, paginate, (request, response) => response.json([request.query.q]));
        router.get('/:productId/reviews/:reviewId', function getReview(req, res) { res.json({}); });
        router.all('/:productId/ping', (req, res) => res.sendStatus(204));
        exports.router = router;

        function paginate(req, res, next) {
          req.page = Number(req.query.page || 1);
          next();
        }
    """,
    "src/routes/reports.js": """
        const express = require('express');
        const router = express.Router();
        router.get('/daily', (req, res) => res.json([]));
        router.get('/monthly', (req, res) => {
          const rows = [1, 2, 3;
          res.json(rows);
        });
        module.exports = router;
    """,
    "src/routes/admin.js": """
        const router = require('express').Router();
        const audit = require('../middleware/audit');
        router.use(audit);
        router.get('/stats', (req, res) => res.json({}));
        router.delete('/cache', (req, res) => res.sendStatus(204));
        router.get(process.env.METRICS_PATH, (req, res) => res.send(''));
        module.exports = router;
    """,
    "src/routes/webhooks.js": """
        const express = require('express');
        module.exports = function registerWebhooks(app) {
          app.post('/webhooks/stripe', express.raw({ type: 'application/json' }), handleStripe);
        };
        function handleStripe(req, res) { res.sendStatus(200); }
    """,
    "src/routes/legacy.js": """
        // Superseded by routes/products.js; no longer mounted anywhere.
        const router = require('express').Router();
        router.get('/old-catalog', (req, res) => res.json([]));
        module.exports = router;
    """,
    "src/middleware/auth.js": """
        const jwt = require('jsonwebtoken');
        function requireAuth(req, res, next) {
          try { req.user = jwt.verify(req.headers.authorization.slice(7), process.env.SECRET); next(); }
          catch (e) { res.sendStatus(401); }
        }
        const requireRole = (role) => (req, res, next) => (req.user.role === role ? next() : res.sendStatus(403));
        module.exports = { requireAuth, requireRole };
    """,
    "src/middleware/audit.js": """
        module.exports = function audit(req, res, next) { console.log(req.method, req.url); next(); };
    """,
    "src/controllers/users.js": """
        exports.list = async (req, res) => {
          const { role, active = 'true', 'sort-by': sortBy } = req.query;
          res.json({ role, active, sortBy, page: req.query['page'] });
        };
        exports.create = async (req, res) => res.status(201).json(req.body);
        exports.show = async (req, res) => res.json({ id: req.params.id });
        exports.update = async (req, res) => res.json(req.body);
        exports.remove = async (req, res) => res.sendStatus(204);
    """,
    "test/users.test.js": """
        const express = require('express');
        const users = require('../src/routes/users');
        const realApp = require('../src/app');
        const app = express();
        app.use('/under-test', users);
        app.use('/wrapped', realApp);
    """,
}

ALL = ("GET", "POST", "PUT", "PATCH", "DELETE")
EXPRESS_SHOP_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/health"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}"),
    ("PUT", "/api/v1/users/{id}"),
    ("DELETE", "/api/v1/users/{id}"),
    ("GET", "/api/v1/products"),
    ("GET", "/api/v1/products/search"),
    ("GET", "/api/v1/products/{productId}/reviews/{reviewId}"),
    *((m, "/api/v1/products/{productId}/ping") for m in ALL),
    ("GET", "/api/v1/reports/daily"),
    ("GET", "/admin/stats"),
    ("DELETE", "/admin/cache"),
    ("POST", "/webhooks/stripe"),
}


# --- Express, TypeScript ESM: a task tracker -------------------------------------------------

EXPRESS_TASKS_TS: dict[str, str] = {
    "package.json": """
        {"name": "tasks", "type": "module",
         "dependencies": {"express": "^5.0.0"}, "devDependencies": {"typescript": "^5.4.0"}}
    """,
    "tsconfig.json": '{"compilerOptions": {"module": "NodeNext", "strict": true}}',
    "src/index.ts": """
        import express, { type Express } from 'express';
        import { tasksRouter } from './routes/tasks.js';
        import projects from './routes/projects';
        import authRoutes from './routes/auth.routes';
        import { createHealthRouter } from './health';

        const app: Express = express();
        const API_PREFIX = '/api';

        app.use(express.json());
        app.use(createHealthRouter('1.4.0'));
        app.use(`${API_PREFIX}/tasks`, tasksRouter);
        app.use('/api/projects', projects);
        app.use('/auth', authRoutes);

        app.listen(Number(process.env.PORT ?? 8080));
    """,
    "src/health.ts": """
        import { Router } from 'express';

        export function createHealthRouter(version: string): Router {
          const router = Router();
          router.get('/healthz', (_req, res) => { res.json({ version }); });
          return router;
        }
    """,
    "src/routes/tasks.ts": """
        import { Router, Request, Response } from 'express';
        import { authenticate } from '../middleware/authenticate';

        export const tasksRouter = Router();
        tasksRouter.get('/', async (req: Request, res: Response) => { res.json([]); });
    """,
    "src/routes/projects/index.ts": """
        import { Router } from 'express';
        import members from './members';
        import { authenticate } from '../../middleware/authenticate';

        const router = Router({ mergeParams: true });
        router.get('/', listProjects);
        router.use(authenticate);
        router.get('/:projectId', getProject);
        router.use('/:projectId/members', members);

        async function listProjects(_req, res) { res.json([]); }
        async function getProject(req, res) { res.json({ id: req.params.projectId }); }

        export default router;
    """,
    "src/routes/projects/members.ts": """
        import express from 'express';

        const members = express.Router({ mergeParams: true });
        members.get('/', (req, res) => { res.json([]); });
        members.post('/', (req, res) => { res.status(201).json(req.body); });
        members.delete('/:userId', (req, res) => { res.sendStatus(204); });

        export default members;
    """,
    "src/routes/auth.routes.ts": """
        import { Router } from 'express';
        import passport from 'passport';

        const router = Router();
        router.post('/login', passport.authenticate('local'), (req, res) => { res.json({}); });
        router.post('/register', (req, res) => { res.status(201).json({}); });
        export default router;
    """,
    "src/routes/unused.ts": """
        import { Router } from 'express';
        export const unusedRouter = Router();
        unusedRouter.get('/never', (_req, res) => { res.end(); });
    """,
    "src/middleware/authenticate.ts": """
        import type { NextFunction, Request, Response } from 'express';
        export function authenticate(req: Request, res: Response, next: NextFunction) {
          if (!req.headers.authorization) { res.sendStatus(401); return; }
          next();
        }
    """,
}

EXPRESS_TASKS_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/healthz"),
    ("GET", "/api/tasks"),
    ("GET", "/api/projects"),
    ("GET", "/api/projects/{projectId}"),
    ("GET", "/api/projects/{projectId}/members"),
    ("POST", "/api/projects/{projectId}/members"),
    ("DELETE", "/api/projects/{projectId}/members/{userId}"),
    ("POST", "/auth/login"),
    ("POST", "/auth/register"),
}


# --- Fastify: a blog API ---------------------------------------------------------------------

FASTIFY_BLOG: dict[str, str] = {
    "package.json": """
        {"name": "blog", "dependencies": {"fastify": "^4.26.0", "@fastify/jwt": "^8.0.0",
         "fastify-plugin": "^4.5.1", "@sinclair/typebox": "^0.32.0"}}
    """,
    "src/server.js": """
        const Fastify = require('fastify');
        const authPlugin = require('./plugins/auth');
        const postRoutes = require('./routes/posts');
        const { commentRoutes } = require('./routes/comments');

        const app = Fastify({ logger: true });
        app.register(authPlugin);
        app.register(postRoutes, { prefix: '/api/posts' });
        app.register(async function adminScope(admin) {
          admin.addHook('onRequest', admin.authenticate);
          admin.get('/stats', async () => ({ posts: 0 }));
          admin.register(require('./routes/moderation'), { prefix: '/moderation' });
        }, { prefix: '/admin' });
        app.register(commentRoutes, { prefix: process.env.COMMENTS_PREFIX });
        app.register(require('./routes/feeds'), { prefix: '/feeds' });
        app.get('/health', async () => ({ ok: true }));

        app.listen({ port: 3000 });
    """,
    "src/plugins/auth.js": """
        const fp = require('fastify-plugin');
        module.exports = fp(async function auth(fastify) {
          fastify.register(require('@fastify/jwt'), { secret: process.env.JWT_SECRET });
          fastify.decorate('authenticate', async (request) => { await request.jwtVerify(); });
        });
    """,
    "src/schemas/post.js": """
        const post = {
          type: 'object',
          properties: { id: { type: 'integer' }, title: { type: 'string' }, body: { type: 'string' } },
        };
        const createPostBody = {
          type: 'object',
          required: ['title', 'body'],
          properties: {
            title: { type: 'string', minLength: 3, maxLength: 120 },
            body: { type: 'string' },
            tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
          },
        };
        module.exports = { post, createPostBody };
    """,
    "src/routes/posts.js": """
        const { post, createPostBody } = require('../schemas/post');

        const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'] };

        module.exports = async function postRoutes(fastify, opts) {
          fastify.get('/', {
            schema: {
              querystring: {
                type: 'object',
                properties: { page: { type: 'integer', default: 1 }, q: { type: 'string' } },
                required: ['q'],
              },
              response: { 200: { type: 'array', items: post } },
            },
          }, listPosts);
          fastify.get('/:id', { schema: { params: idParams, response: { 200: post } } }, getPost);
          fastify.post('/', {
            onRequest: [fastify.authenticate],
            schema: { body: createPostBody, response: { 201: post } },
          }, createPost);
          fastify.route({
            method: ['PUT', 'PATCH'],
            url: '/:id',
            preHandler: fastify.authenticate,
            schema: { params: idParams, body: createPostBody },
            handler: updatePost,
          });
          fastify.delete('/:id', { onRequest: fastify.authenticate }, async function deletePost(req, reply) {
            reply.code(204);
          });
        };

        async function listPosts(request) { return search(request.query.q, request.query.sort); }
        async function getPost(req) { return { id: req.params.id }; }
        async function createPost(req, reply) { reply.code(201); return req.body; }
        async function updatePost(req) { return req.query.dryRun ? req.body : save(req.body); }
    """,
    "src/routes/moderation.ts": """
        import { FastifyPluginAsync } from 'fastify';
        import { Type } from '@sinclair/typebox';

        const Decision = Type.Object({
          verdict: Type.Union([Type.Literal('approve'), Type.Literal('reject')]),
          reason: Type.Optional(Type.String({ maxLength: 500 })),
        });

        const moderation: FastifyPluginAsync = async (app) => {
          app.get('/queue', async () => []);
          app.post('/queue/:postId/decision', { schema: { body: Decision } }, async (req) => req.body);
        };

        export default moderation;
    """,
    "src/routes/comments.js": """
        exports.commentRoutes = async function (fastify) {
          fastify.get('/', async () => []);
        };
    """,
    "src/routes/drafts.js": """
        // Drafts were folded into posts; this plugin is not registered any more.
        module.exports = async function drafts(fastify) {
          fastify.get('/drafts', async () => []);
        };
    """,
    "src/routes/feeds.js": """
        module.exports = async function feeds(fastify) {
          fastify.get('/rss', async (request) => `<rss version="2.0" limit="${request.query.limit}"/>`);
          fastify.get('/atom', async () => {
            return { feed: true
          });
        };
    """,
}

FASTIFY_BLOG_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/health"),
    ("GET", "/feeds/rss"),
    ("GET", "/api/posts"),
    ("GET", "/api/posts/{id}"),
    ("POST", "/api/posts"),
    ("PUT", "/api/posts/{id}"),
    ("PATCH", "/api/posts/{id}"),
    ("DELETE", "/api/posts/{id}"),
    ("GET", "/admin/stats"),
    ("GET", "/admin/moderation/queue"),
    ("POST", "/admin/moderation/queue/{postId}/decision"),
}

# fastify-cli layout: no `fastify()` call; `fastify start app.js` loads the root plugin and
# @fastify/autoload turns folders into prefixes.
FASTIFY_CLI_APP: dict[str, str] = {
    "package.json": """
        {"name": "cli-app", "scripts": {"start": "fastify start -l info app.js", "dev": "fastify start -w app.js"},
         "dependencies": {"fastify": "^4.26.0", "fastify-cli": "^6.1.0", "@fastify/autoload": "^5.8.0"}}
    """,
    "app.js": """
        'use strict'
        const path = require('node:path')
        const AutoLoad = require('@fastify/autoload')

        module.exports = async function (fastify, opts) {
          fastify.register(AutoLoad, { dir: path.join(__dirname, 'routes'), options: { prefix: '/v2' } })
        }
    """,
    "routes/root.js": """
        'use strict'
        module.exports = async function (fastify, opts) {
          fastify.get('/', async function (request, reply) { return { root: true } })
        }
    """,
    "routes/users/index.js": """
        'use strict'
        module.exports = async function (fastify, opts) {
          fastify.get('/', async () => [])
          fastify.get('/:id', async (request) => ({ id: request.params.id }))
        }
    """,
}

FASTIFY_CLI_ENDPOINTS: set[tuple[str, str]] = {("GET", "/v2"), ("GET", "/v2/users"), ("GET", "/v2/users/{id}")}

# A runtime with a management API (WebSocket routes from @fastify/websocket among its HTTP ones,
# registered under a prefix) and a Prometheus server whose paths are options with constant
# defaults, as @platformatic/runtime writes them.
FASTIFY_RUNTIME: dict[str, str] = {
    "package.json": '{"name": "runtime", "dependencies": {"fastify": "^5.0.0", "@fastify/websocket": "^11.0.0"}}',
    "lib/constants.js": """
        export const DEFAULT_READINESS_ENDPOINT = '/ready'
    """,
    "lib/prom-server.js": """
        import fastify from 'fastify'
        import { DEFAULT_READINESS_ENDPOINT } from './constants.js'

        const DEFAULT_METRICS_ENDPOINT = '/metrics'
        const DEFAULT_LIVENESS_ENDPOINT = '/status'
        const quiet = { logLevel: 'warn' }

        export async function startPrometheusServer (runtime, opts) {
          opts = typeof opts === 'object' && opts !== null ? opts : {}
          const metricsEndpoint = opts.endpoint ?? DEFAULT_METRICS_ENDPOINT
          const readinessEndpoint = opts.readiness?.endpoint ?? DEFAULT_READINESS_ENDPOINT
          const livenessEndpoint = opts.liveness?.endpoint || DEFAULT_LIVENESS_ENDPOINT

          const promServer = fastify({ name: 'Prometheus server' })
          promServer.route({ url: '/', method: 'GET', handler: () => 'Hello' })
          promServer.route({ url: metricsEndpoint, method: 'GET', handler: async () => runtime.getMetrics() })
          promServer.route({ url: readinessEndpoint, method: 'GET', handler: async () => 'OK' })
          promServer.get(livenessEndpoint, quiet, async () => 'OK')
          promServer.get(opts.custom?.path ?? '/custom', async () => 'OK')
          await promServer.listen({ port: opts.port ?? 9090 })
          return promServer
        }
    """,
    "lib/management-api.js": """
        import fastify from 'fastify'
        import fastifyWebsocket from '@fastify/websocket'

        async function managementApiPlugin (app, opts) {
          app.register(fastifyWebsocket)
          const quiet = { logLevel: 'warn' }

          app.get('/status', async () => ({ status: 'ok' }))
          app.get('/applications/:id', quiet, async (request) => ({ id: request.params.id }))
          app.get('/metrics/live', { ...quiet, websocket: true }, async socket => {
            socket.send('metrics')
          })
          app.get('/logs/live', { websocket: true }, async socket => socket.close())
          app.route({ method: 'GET', url: '/applications/:id/repl', websocket: true, handler: async socket => {} })
          app.route({ method: 'POST', url: '/applications/:id/restart', handler: async () => ({}) })
        }

        export async function startManagementApi (runtime) {
          const managementApi = fastify()
          managementApi.register(managementApiPlugin, { prefix: '/api/v1' })
          await managementApi.listen({ path: '/tmp/runtime.sock' })
          return managementApi
        }
    """,
}

FASTIFY_RUNTIME_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/"), ("GET", "/metrics"), ("GET", "/ready"), ("GET", "/status"), ("GET", "/custom"),
    ("GET", "/api/v1/status"), ("GET", "/api/v1/applications/{id}"), ("POST", "/api/v1/applications/{id}/restart"),
}


# --- NestJS: a members API -------------------------------------------------------------------

NEST_APP: dict[str, str] = {
    "package.json": """
        {"name": "members", "dependencies": {"@nestjs/core": "^10.3.0", "@nestjs/common": "^10.3.0",
         "@nestjs/passport": "^10.0.0", "class-validator": "^0.14.0"}}
    """,
    "src/main.ts": """
        import { NestFactory } from '@nestjs/core';
        import { VersioningType } from '@nestjs/common';
        import { AppModule } from './app.module';

        async function bootstrap() {
          const app = await NestFactory.create(AppModule);
          app.setGlobalPrefix('api');
          app.enableVersioning({ type: VersioningType.URI });
          await app.listen(3000);
        }
        bootstrap();
    """,
    "src/users/users.controller.ts": """
        import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Query, UseGuards } from '@nestjs/common';
        import { AuthGuard } from '@nestjs/passport';
        import { CreateUserDto, ListUsersQuery, UserView } from './dto';
        import { JwtAuthGuard } from '../auth/jwt-auth.guard';

        @Controller({ path: 'users', version: '1' })
        export class UsersController {
          constructor(private readonly users: UsersService) {}

          @Get()
          findAll(@Query() query: ListUsersQuery, @Query('sort') sort?: string) {
            return this.users.list(query, sort);
          }

          @Get(':id')
          findOne(@Param('id', ParseIntPipe) id: number): Promise<UserView> {
            return this.users.get(id);
          }

          @Post()
          @UseGuards(AuthGuard('jwt'))
          create(@Body() dto: CreateUserDto) {
            return this.users.create(dto);
          }

          @Get(':id/profile')
          @Version('2')
          profile(@Param('id') id: string) {
            return this.users.profile(id);
          }

          @Delete(':id')
          @HttpCode(204)
          @UseGuards(JwtAuthGuard)
          remove(@Param('id') id: string) {
            return this.users.remove(id);
          }
        }
    """,
    "src/users/dto.ts": """
        import { IsEmail, IsEnum, IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

        export enum Role { Admin = 'admin', Member = 'member' }

        export class CreateUserDto {
          @IsString() @Length(2, 40) readonly name: string;
          @IsEmail() email: string;
          @IsOptional() @IsEnum(Role) role?: Role;
          tags: string[] = [];
        }

        export class ListUsersQuery {
          @IsOptional() @IsInt() @Min(1) page?: number;
          @IsString() q: string;
        }

        export interface UserView { id: number; name: string; role?: Role }
    """,
    "src/health.controller.ts": """
        import { All, Controller, Get } from '@nestjs/common';
        import { Public } from './auth/public.decorator';

        @Controller('health')
        export class HealthController {
          @Get()
          @Public()
          check() { return 'ok'; }

          @All('echo')
          echo() { return 'echo'; }
        }
    """,
    "src/users/users.service.ts": """
        import { Injectable } from '@nestjs/common';

        @Injectable()
        export class UsersService {
          list() { return []; }
        }
    """,
    "src/reports.controller.ts": """
        import { Controller, Get } from '@nestjs/common';

        @Controller('reports')
        export class ReportsController {
          @Get('daily')
          daily() { return []; }

          @Get('weekly')
          weekly() { return [1, 2; }
        }
    """,
}

NEST_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}"),
    ("GET", "/api/v2/users/{id}/profile"),
    ("POST", "/api/v1/users"),
    ("DELETE", "/api/v1/users/{id}"),
    ("GET", "/api/health"),
    *((m, "/api/health/echo") for m in ("GET", "POST", "PUT", "PATCH", "DELETE")),
    ("GET", "/api/reports/daily"),
}


# --- Express compiled to CommonJS by Babel: a package registry ------------------------------
# Written as @babel/preset-env emits it: interop helpers, `(0, f)()` calls, `exports.default`.

_BABEL_INTEROP = 'function _interopRequireDefault(e) { return e && e.__esModule ? e : { default: e }; }'
_BABEL_WILDCARD = (
    'function _interopRequireWildcard(e, t) { if ("function" == typeof WeakMap) var r = new WeakMap(), '
    'n = new WeakMap(); return (_interopRequireWildcard = function (e, t) { if (!t && e && e.__esModule) '
    'return e; var o, i, f = { __proto__: null, default: e }; if (null === e || "object" != typeof e && '
    '"function" != typeof e) return f; for (const t in e) "default" !== t && {}.hasOwnProperty.call(e, t) '
    '&& (f[t] = e[t]); return f; })(e, t); }'
)

EXPRESS_BABEL_REGISTRY: dict[str, str] = {
    "package.json": """
        {"name": "mini-registry", "main": "lib/server.js",
         "dependencies": {"express": "^4.21.0", "@registry/routes": "^1.0.0"}}
    """,
    "lib/server.js": f"""
        "use strict";

        var _app = _interopRequireDefault(require("./app"));
        {_BABEL_INTEROP}
        (0, _app.default)({{ storage: "./storage" }}).listen(4873);
    """,
    "lib/app.js": f"""
        "use strict";

        Object.defineProperty(exports, "__esModule", {{
          value: true
        }});
        exports.default = void 0;
        var _express = _interopRequireDefault(require("express"));
        var _routes = require("@registry/routes");
        var _api = _interopRequireDefault(require("./api"));
        var _hooks = _interopRequireDefault(require("./hooks"));
        {_BABEL_INTEROP}
        const createApp = function (config) {{
          const app = (0, _express.default)();
          app.disable('x-powered-by');
          app.use(_express.default.json());
          app.get('/-/ping', function (req, res) {{
            res.json({{}});
          }});
          app.use('/-/api', (0, _api.default)(config));
          (0, _hooks.default)(app, config);
          app.get(_routes.STATUS_ENDPOINTS.status, function (req, res) {{
            res.json({{ ok: true }});
          }});
          return app;
        }};
        var _default = exports.default = createApp;
    """,
    "lib/api/index.js": f"""
        "use strict";

        Object.defineProperty(exports, "__esModule", {{
          value: true
        }});
        exports.default = _default;
        var _express = _interopRequireWildcard(require("express"));
        var _packages = _interopRequireDefault(require("./packages"));
        {_BABEL_WILDCARD}
        {_BABEL_INTEROP}
        function _default(config) {{
          const router = (0, _express.Router)();
          router.param('package', function (req, res, next) {{
            next();
          }});
          (0, _packages.default)(router, config);
          router.use('/users', _interopRequireDefault(require("./users")).default);
          return router;
        }}
    """,
    "lib/api/packages.js": f"""
        "use strict";

        Object.defineProperty(exports, "__esModule", {{
          value: true
        }});
        exports.default = _default;
        var _constants = require("../constants");
        var _auth = require("../auth");
        function _default(route, config) {{
          route.get('/:package/:version?', function (req, res) {{
            res.json({{}});
          }});
          route.put(_constants.API.publish, (0, _auth.requireAuth)(config), function (req, res) {{
            res.status(201).json({{}});
          }});
        }}
    """,
    "lib/api/users.js": """
        "use strict";

        Object.defineProperty(exports, "__esModule", {
          value: true
        });
        exports.default = void 0;
        var _express = require("express");
        const router = (0, _express.Router)();
        router.get('/:name', function (req, res) {
          res.json({ name: req.params.name });
        });
        router.delete('/:name', function (req, res) {
          res.sendStatus(204);
        });
        var _default = exports.default = router;
        module.exports = exports.default;
    """,
    "lib/hooks.js": """
        "use strict";

        Object.defineProperty(exports, "__esModule", {
          value: true
        });
        exports.default = registerHooks;
        function registerHooks(app, config) {
          app.post('/-/hooks/:name', function (req, res) {
            res.sendStatus(202);
          });
        }
    """,
    "lib/constants.js": """
        "use strict";

        Object.defineProperty(exports, "__esModule", {
          value: true
        });
        exports.API = void 0;
        const API = exports.API = {
          publish: '/:package/:_rev?/:revision?'
        };
    """,
    "lib/auth.js": """
        "use strict";

        Object.defineProperty(exports, "__esModule", {
          value: true
        });
        exports.requireAuth = requireAuth;
        function requireAuth(config) {
          return function (req, res, next) {
            return req.headers.authorization ? next() : res.sendStatus(401);
          };
        }
    """,
    "lib/legacy.js": f"""
        "use strict";

        Object.defineProperty(exports, "__esModule", {{
          value: true
        }});
        exports.default = void 0;
        var _express = _interopRequireDefault(require("express"));
        {_BABEL_INTEROP}
        const router = _express.default.Router();
        router.get('/-/legacy', function (req, res) {{
          res.json([]);
        }});
        var _default = exports.default = router;
    """,
}

EXPRESS_BABEL_REGISTRY_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/-/ping"),
    ("POST", "/-/hooks/{name}"),
    ("GET", "/-/api/{package}/{version}"),
    ("GET", "/-/api/{package}"),
    ("PUT", "/-/api/{package}/{_rev}/{revision}"),
    ("PUT", "/-/api/{package}/{_rev}"),
    ("PUT", "/-/api/{package}"),
    ("GET", "/-/api/users/{name}"),
    ("DELETE", "/-/api/users/{name}"),
}


# --- Express compiled to CommonJS by tsc: a notes service -------------------------------------
# Written as tsc (esModuleInterop, importHelpers for one file) emits it.

_TSC_IMPORT_DEFAULT = """var __importDefault = (this && this.__importDefault) || function (mod) {
            return (mod && mod.__esModule) ? mod : { "default": mod };
        };"""
_TSC_CREATE_BINDING = """var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
            if (k2 === undefined) k2 = k;
            Object.defineProperty(o, k2, { enumerable: true, get: function() { return m[k]; } });
        }) : (function(o, m, k, k2) {
            if (k2 === undefined) k2 = k;
            o[k2] = m[k];
        }));"""
_TSC_IMPORT_STAR = _TSC_CREATE_BINDING + """
        var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
            Object.defineProperty(o, "default", { enumerable: true, value: v });
        }) : function(o, v) {
            o["default"] = v;
        });
        var __importStar = (this && this.__importStar) || function (mod) {
            if (mod && mod.__esModule) return mod;
            var result = {};
            if (mod != null) for (var k in mod) if (k !== "default" && Object.prototype.hasOwnProperty.call(mod, k)) __createBinding(result, mod, k);
            __setModuleDefault(result, mod);
            return result;
        };"""

EXPRESS_TSC_NOTES: dict[str, str] = {
    "package.json": """
        {"name": "notes-service", "main": "lib/main.js",
         "dependencies": {"express": "^4.21.0", "tslib": "^2.6.0"}}
    """,
    "lib/main.js": """
        "use strict";
        Object.defineProperty(exports, "__esModule", { value: true });
        const app_1 = require("./app");
        app_1.app.listen(process.env.PORT || 3000);
    """,
    "lib/app.js": f"""
        "use strict";
        {_TSC_IMPORT_DEFAULT}
        {_TSC_IMPORT_STAR}
        Object.defineProperty(exports, "__esModule", {{ value: true }});
        exports.app = void 0;
        const express_1 = __importDefault(require("express"));
        const admin = __importStar(require("./routes/admin"));
        const routes_1 = require("./routes");
        exports.app = (0, express_1.default)();
        exports.app.use(express_1.default.json());
        exports.app.use('/notes', routes_1.notesRouter);
        exports.app.use('/admin', admin.default);
        (0, routes_1.registerHealth)(exports.app);
    """,
    "lib/routes/index.js": f"""
        "use strict";
        {_TSC_CREATE_BINDING}
        var __exportStar = (this && this.__exportStar) || function(m, exports) {{
            for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
        }};
        {_TSC_IMPORT_DEFAULT}
        Object.defineProperty(exports, "__esModule", {{ value: true }});
        exports.notesRouter = void 0;
        var notes_1 = require("./notes");
        Object.defineProperty(exports, "notesRouter", {{ enumerable: true, get: function () {{ return __importDefault(notes_1).default; }} }});
        __exportStar(require("./health"), exports);
    """,
    "lib/routes/notes.js": """
        "use strict";
        Object.defineProperty(exports, "__esModule", { value: true });
        const express_1 = require("express");
        const auth_1 = require("../middleware/auth");
        const router = (0, express_1.Router)();
        router.get('/', (req, res) => {
            res.json([]);
        });
        router.post('/', auth_1.requireAuth, (req, res) => {
            res.status(201).json(req.body);
        });
        router.route('/:id')
            .get((req, res) => res.json({ id: req.params.id }))
            .delete(auth_1.requireAuth, (req, res) => res.sendStatus(204));
        exports.default = router;
    """,
    "lib/routes/admin.js": """
        "use strict";
        Object.defineProperty(exports, "__esModule", { value: true });
        exports.adminRouter = void 0;
        const tslib_1 = require("tslib");
        const express_1 = tslib_1.__importDefault(require("express"));
        exports.adminRouter = express_1.default.Router();
        exports.adminRouter.get('/stats', (req, res) => res.json({}));
        exports.adminRouter.delete('/cache/:key?', (req, res) => res.sendStatus(204));
        exports.default = exports.adminRouter;
    """,
    "lib/routes/health.js": """
        "use strict";
        Object.defineProperty(exports, "__esModule", { value: true });
        exports.registerHealth = void 0;
        const registerHealth = (app) => {
            app.get('/healthz', (req, res) => res.send('ok'));
        };
        exports.registerHealth = registerHealth;
    """,
    "lib/middleware/auth.js": """
        "use strict";
        Object.defineProperty(exports, "__esModule", { value: true });
        exports.requireAuth = void 0;
        const requireAuth = (req, res, next) => (req.headers.authorization ? next() : res.sendStatus(401));
        exports.requireAuth = requireAuth;
    """,
}

EXPRESS_TSC_NOTES_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/notes"),
    ("POST", "/notes"),
    ("GET", "/notes/{id}"),
    ("DELETE", "/notes/{id}"),
    ("GET", "/admin/stats"),
    ("DELETE", "/admin/cache/{key}"),
    ("DELETE", "/admin/cache"),
    ("GET", "/healthz"),
}


# --- Express apps and routers used through chained calls (json-server style) -----------------

EXPRESS_CHAINED: dict[str, str] = {
    "package.json": """
        {"name": "mock-rest", "bin": "bin/run.js", "dependencies": {"express": "^4.21.0"}}
    """,
    "lib/server/index.js": """
        "use strict";

        const express = require('express');
        module.exports = {
          create: () => express().set('json spaces', 2),
          router: require('./router')
        };
    """,
    "lib/server/router/index.js": """
        "use strict";

        const express = require('express');
        const nested = require('./nested');
        const plural = require('./plural');
        module.exports = (db, opts) => {
          const router = express.Router();
          router.get('/db', (req, res) => res.jsonp(db.getState()));
          router.use(nested(opts));
          db.forEach((value, key) => {
            router.use(`/${key}`, plural(db, key));
          });
          return router;
        };
    """,
    "lib/server/router/nested.js": """
        "use strict";

        const express = require('express');
        module.exports = opts => {
          const router = express.Router();
          function get(req, res, next) {
            next();
          }
          function post(req, res, next) {
            next();
          }
          return router.get('/:resource/:id/:nested', get).post('/:resource/:id/:nested', post);
        };
    """,
    "lib/server/router/plural.js": """
        "use strict";

        const express = require('express');
        module.exports = (db, name) => {
          const router = express.Router();
          router.route('/').get((req, res) => res.jsonp(db.get(name).value()));
          return router;
        };
    """,
    "lib/server/meta.js": """
        "use strict";

        const express = require('express');
        module.exports = express.Router().get('/meta/version', (req, res) => res.json({ version: 1 }));
    """,
    "bin/run.js": """
        "use strict";

        const jsonServer = require('../lib/server');
        const meta = require('../lib/server/meta');
        const app = jsonServer.create();
        const settings = app.get('json spaces');
        app.use(meta);
        app.use(jsonServer.router('db.json'));
        app.listen(3000);
    """,
}

EXPRESS_CHAINED_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/db"),
    ("GET", "/{resource}/{id}/{nested}"),
    ("POST", "/{resource}/{id}/{nested}"),
    ("GET", "/meta/version"),
}


# An editor/admin API in the style of Node-RED's @node-red/editor-api: one factory module makes
# every express app (`createExpressApp`), three files call it, the main app mounts the two others
# (one of which mounts a fourth app the projects module makes with the same factory), and
# module paths are regular-expression literals.
EXPRESS_EDITOR_API: dict[str, str] = {
    "package.json": '{"name": "editor-api", "dependencies": {"express": "^4.22.0"}}',
    "lib/util.js": """
        const express = require("express");

        module.exports = {
            errorHandler: function(err, req, res, next) {
                res.status(400).json({ error: err.toString() });
            },
            createExpressApp: function(settings) {
                const app = express();
                const serverSettings = Object.assign(
                    { "x-powered-by": false }, settings.httpServerOptions || {});
                for (let option in serverSettings) {
                    app.set(option, serverSettings[option]);
                }
                app.use(function ensureAuthenticated(req, res, next) { next(); });
                return app;
            }
        };
    """,
    "lib/index.js": """
        const apiUtil = require("./util");
        const auth = require("./auth");

        let adminApp;

        function init(settings, server, runtimeAPI) {
            adminApp = apiUtil.createExpressApp(settings);
            adminApp.get("/auth/login", auth.login, apiUtil.errorHandler);
            adminApp.post("/auth/token", auth.getToken, apiUtil.errorHandler);

            const editorApp = require("./editor").init(server, settings, runtimeAPI);
            adminApp.use(editorApp);

            const adminApiApp = require("./admin").init(settings, runtimeAPI);
            adminApp.use(adminApiApp);
        }

        module.exports = { init, get httpAdmin() { return adminApp; } };
    """,
    "lib/auth.js": """
        module.exports = {
            login: function(req, res) { res.json({}); },
            getToken: function(req, res) { res.json({}); },
        };
    """,
    "lib/admin/index.js": """
        const apiUtil = require("../util");
        const nodes = require("./nodes");

        module.exports = {
            init: function(settings, runtimeAPI) {
                const adminApp = apiUtil.createExpressApp(settings);
                adminApp.get("/nodes", nodes.getAll, apiUtil.errorHandler);
                adminApp.get(/^\\/nodes\\/messages/, nodes.getModuleCatalogs);
                adminApp.get(/^\\/nodes\\/((@[^\\/]+\\/)?[^\\/]+)$/, nodes.getModule);
                adminApp.put(/^\\/nodes\\/((@[^\\/]+\\/)?[^\\/]+)\\/([^\\/]+)$/, nodes.putSet);
                adminApp.get(/^\\/library\\/([^\\/]+)\\/([^\\/]+)(?:$|\\/(.*))/, nodes.getEntry);
                adminApp.get(/^\\/locales\\/(.+)\\/?$/i, nodes.getLocale);
                adminApp.delete(/^\\/nodes\\/(\\d+|latest)?$/, nodes.delete);
                return adminApp;
            }
        };
    """,
    "lib/admin/nodes.js": """
        module.exports = {
            getAll: (req, res) => res.json([]),
            getModuleCatalogs: (req, res) => res.json({}),
            getModule: (req, res) => res.json({}),
            putSet: (req, res) => res.json({}),
            getEntry: (req, res) => res.json({}),
            getLocale: (req, res) => res.json({}),
            delete: (req, res) => res.status(204).end(),
        };
    """,
    "lib/editor/index.js": """
        const apiUtil = require("../util");

        module.exports = {
            init: function(server, settings, runtimeAPI) {
                const editorApp = apiUtil.createExpressApp(settings);
                editorApp.get("/", (req, res) => res.send("editor"));
                editorApp.get("/settings", (req, res) => res.json({}));
                if (settings.editorTheme && settings.editorTheme.projects) {
                    editorApp.use("/projects", require("./projects").app());
                }
                return editorApp;
            }
        };
    """,
    "lib/editor/projects.js": """
        const apiUtil = require("../util");

        module.exports = {
            app: function() {
                const app = apiUtil.createExpressApp({});
                app.get("/", (req, res) => res.json([]));
                app.get("/:id", (req, res) => res.json({}));
                app.delete("/:id", (req, res) => res.status(204).end());
                return app;
            }
        };
    """,
}

# The admin app is the root; the editor app, the admin API app and the projects app are mounted
# into it (the projects app at /projects inside the editor app).
EXPRESS_EDITOR_API_ENDPOINTS: set[tuple[str, str]] = {
    ("GET", "/auth/login"),
    ("POST", "/auth/token"),
    ("GET", "/"),
    ("GET", "/settings"),
    ("GET", "/projects"),
    ("GET", "/projects/{id}"),
    ("DELETE", "/projects/{id}"),
    ("GET", "/nodes"),
    ("GET", "/nodes/messages"),
    ("GET", "/nodes/{param1}"),
    ("PUT", "/nodes/{param1}/{param2}"),
    ("GET", "/library/{param1}/{param2}"),
    ("GET", "/locales/{param1}"),
}
