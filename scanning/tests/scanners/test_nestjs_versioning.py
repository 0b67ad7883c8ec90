"""NestJS URI versioning (neutral and multiple versions), global prefix exclusions, routes
inherited from base controllers and mixins, `@Sse()` streams, and constants or enums as paths.

The expected sets were checked against Nest 10 itself: the fixture booted with
`NestFactory.create` and `app.init()`, its routes read where Nest hands them to Express."""
from __future__ import annotations

from pathlib import Path

from scanning.scanners.nestjs import NestJSScanner
from scanning.tests.scanners.fixtures_js import by_key, keys, scan_files, scan_repo, write_repo

SCANNER = NestJSScanner()

STOREFRONT: dict[str, str] = {
    "package.json": """
        {"name": "storefront", "dependencies": {"@nestjs/common": "^10.3.0", "@nestjs/core": "^10.3.0"}}
    """,
    "src/main.ts": """
        import { RequestMethod, VersioningType } from '@nestjs/common';
        import { NestFactory } from '@nestjs/core';
        import { AppModule } from './app.module';

        async function bootstrap() {
          const app = await NestFactory.create(AppModule);
          app.setGlobalPrefix('api', {
            exclude: ['health', { path: 'webhooks/(.*)', method: RequestMethod.POST }],
          });
          app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
          await app.listen(3000);
        }
        bootstrap();
    """,
    "src/app.module.ts": """
        import { Module } from '@nestjs/common';
        import { HealthController } from './health.controller';
        import { CatalogModule } from './catalog/catalog.module';
        import { OrdersModule } from './orders/orders.module';
        import { WebhooksController } from './webhooks.controller';

        @Module({
          imports: [CatalogModule, OrdersModule],
          controllers: [HealthController, WebhooksController],
        })
        export class AppModule {}
    """,
    "src/routes.ts": """
        export const ROUTES = { products: 'products', byId: ':id' } as const;

        export enum OrderRoutes {
          Root = 'orders',
          Cancel = ':id/cancel',
        }
    """,
    "src/health.controller.ts": """
        import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';

        @Controller({ path: 'health', version: VERSION_NEUTRAL })
        export class HealthController {
          @Get()
          check() { return { ok: true }; }
        }
    """,
    "src/webhooks.controller.ts": """
        import { Body, Controller, Get, Post } from '@nestjs/common';

        @Controller('webhooks')
        export class WebhooksController {
          @Post('stripe')
          stripe(@Body() event: unknown) { return; }

          @Get('stripe')
          verify() { return 'ok'; }
        }
    """,
    "src/catalog/catalog.module.ts": """
        import { Module } from '@nestjs/common';
        import { ProductsController } from './products.controller';
        import { TagsController } from './tags.controller';

        @Module({ controllers: [ProductsController, TagsController] })
        export class CatalogModule {}
    """,
    "src/catalog/tags.controller.ts": """
        import { Controller, MessageEvent, Sse } from '@nestjs/common';
        import { Observable, interval, map } from 'rxjs';
        import { ReadOnlyController } from '../shared/read-only.controller';

        interface Tag { name: string }

        @Controller({ path: 'tags', version: '2' })
        export class TagsController extends ReadOnlyController<Tag>('tag') {
          @Sse('changes')
          changes(): Observable<MessageEvent> {
            return interval(5000).pipe(map(() => ({ data: { changed: true } })));
          }
        }
    """,
    "src/shared/read-only.controller.ts": """
        import { Get, Param, Type } from '@nestjs/common';

        export function ReadOnlyController<T>(resource: string): Type<unknown> {
          abstract class ReadOnly {
            @Get()
            list(): T[] { return []; }

            @Get(':name')
            one(@Param('name') name: string): T | null { return null; }
          }
          return ReadOnly;
        }
    """,
    "src/catalog/products.controller.ts": """
        import { Controller, Get, Param, Version, VERSION_NEUTRAL } from '@nestjs/common';
        import { ROUTES } from '../routes';

        @Controller({ path: ROUTES.products, version: ['1', '2'] })
        export class ProductsController {
          @Get()
          list() { return []; }

          @Version('2')
          @Get(':id/reviews')
          reviews(@Param('id') id: string) { return []; }

          @Version([VERSION_NEUTRAL, '3'])
          @Get('featured')
          featured() { return []; }
        }
    """,
    "src/shared/crud.controller.ts": """
        import { Delete, Get, Param } from '@nestjs/common';

        export abstract class CrudController<T> {
          @Get()
          findAll(): T[] { return []; }

          @Get(':id')
          findOne(@Param('id') id: string): T | null { return null; }

          @Delete(':id')
          remove(@Param('id') id: string): void {}
        }
    """,
    "src/orders/orders.module.ts": """
        import { Module } from '@nestjs/common';
        import { OrdersController } from './orders.controller';

        @Module({ controllers: [OrdersController] })
        export class OrdersModule {}
    """,
    "src/orders/orders.controller.ts": """
        import { Controller, Get, Param, Post, Put } from '@nestjs/common';
        import { CrudController } from '../shared/crud.controller';
        import { OrderRoutes, ROUTES } from '../routes';

        interface Order { id: string }

        @Controller(OrderRoutes.Root)
        export class OrdersController extends CrudController<Order> {
          @Post()
          create() { return {}; }

          @Get(`${ROUTES.byId}/lines`)
          lines(@Param('id') id: string) { return []; }

          @Put(OrderRoutes.Cancel)
          cancel(@Param('id') id: string) { return {}; }

          // redefined: Nest routes the most derived definition, so the base's GET ':id' is gone
          @Get(':orderId/summary')
          findOne(@Param('orderId') orderId: string): Order | null { return null; }
        }
    """,
}

STOREFRONT_ENDPOINTS = {
    ("GET", "/health"),
    ("POST", "/v1/webhooks/stripe"),
    ("GET", "/api/v1/webhooks/stripe"),
    ("GET", "/api/v1/products"),
    ("GET", "/api/v2/products"),
    ("GET", "/api/v2/products/{id}/reviews"),
    ("GET", "/api/products/featured"),
    ("GET", "/api/v3/products/featured"),
    ("GET", "/api/v2/tags"),
    ("GET", "/api/v2/tags/{name}"),
    ("GET", "/api/v2/tags/changes"),
    ("GET", "/api/v1/orders"),
    ("POST", "/api/v1/orders"),
    ("GET", "/api/v1/orders/{id}/lines"),
    ("PUT", "/api/v1/orders/{id}/cancel"),
    ("GET", "/api/v1/orders/{orderId}/summary"),
    ("DELETE", "/api/v1/orders/{id}"),
}


def test_it_serves_versions_exclusions_and_inherited_routes_as_nest_does(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, STOREFRONT))
    assert detected
    assert keys(endpoints) == STOREFRONT_ENDPOINTS
    assert warnings == []


def test_an_inherited_route_is_reported_where_it_is_written_under_the_subclass_name() -> None:
    endpoints, _ = scan_files(SCANNER, STOREFRONT)
    remove = by_key(endpoints)[("DELETE", "/api/v1/orders/{id}")]
    assert (remove.file, remove.handler) == ("src/shared/crud.controller.ts", "OrdersController.remove")


def test_a_base_controller_is_not_served_on_its_own() -> None:
    endpoints, _ = scan_files(SCANNER, STOREFRONT)
    assert not {e.handler for e in endpoints if e.handler.startswith(("CrudController.", "ReadOnly."))}
    assert ("GET", "/api/v1/orders/{id}") not in keys(endpoints)


def test_header_versioning_leaves_the_paths_unversioned() -> None:
    files = dict(STOREFRONT)
    files["src/main.ts"] = files["src/main.ts"].replace(
        "{ type: VersioningType.URI, defaultVersion: '1' }",
        "{ type: VersioningType.HEADER, header: 'X-API-Version', defaultVersion: '1' }")
    endpoints, _ = scan_files(SCANNER, files)
    assert ("GET", "/api/products") in keys(endpoints)
    assert ("POST", "/webhooks/stripe") in keys(endpoints)
    assert not [e for e in endpoints if "/v1" in e.path or "/v2" in e.path]


def test_a_custom_version_prefix_replaces_v() -> None:
    files = dict(STOREFRONT)
    files["src/main.ts"] = files["src/main.ts"].replace(
        "defaultVersion: '1' }", "prefix: 'version-', defaultVersion: '1' }")
    endpoints, _ = scan_files(SCANNER, files)
    assert ("GET", "/api/version-2/products") in keys(endpoints)
    assert ("POST", "/version-1/webhooks/stripe") in keys(endpoints)


def test_without_exclusions_every_route_is_under_the_prefix() -> None:
    files = dict(STOREFRONT)
    files["src/main.ts"] = files["src/main.ts"].replace(
        "exclude: ['health', { path: 'webhooks/(.*)', method: RequestMethod.POST }],", "")
    assert "exclude" not in files["src/main.ts"]
    endpoints, _ = scan_files(SCANNER, files)
    assert all(e.path.startswith("/api/") for e in endpoints)


def test_a_prefix_read_from_the_environment_with_a_fallback_is_the_fallback() -> None:
    files = dict(STOREFRONT)
    files["src/main.ts"] = files["src/main.ts"].replace(
        "setGlobalPrefix('api',", "setGlobalPrefix(process.env.API_PREFIX ?? 'api',")
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == STOREFRONT_ENDPOINTS
    assert warnings == []


def test_a_prefix_only_known_at_run_time_is_a_warning() -> None:
    files = dict(STOREFRONT)
    files["src/main.ts"] = files["src/main.ts"].replace(
        "setGlobalPrefix('api',", "setGlobalPrefix(config.getOrThrow('app.apiPrefix'),")
    endpoints, warnings = scan_files(SCANNER, files)
    assert ("GET", "/v1/products") in keys(endpoints)
    assert [(w.file, w.message) for w in warnings] == [("src/main.ts", "global prefix is not a literal string")]


def test_the_base_class_is_the_imported_one_not_another_of_the_same_name() -> None:
    files = dict(STOREFRONT)
    files["src/legacy/crud.controller.ts"] = """
        import { Get, Post } from '@nestjs/common';

        export abstract class CrudController<T> {
          @Get('legacy-list')
          list(): T[] { return []; }

          @Post('import')
          bulkImport(): void {}
        }
    """
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == STOREFRONT_ENDPOINTS
    assert warnings == []


def test_prefixes_and_versioning_set_up_by_tests_are_not_the_servers() -> None:
    files = dict(STOREFRONT)
    files["test/app.e2e-spec.ts"] = """
        import { INestApplication, VersioningType } from '@nestjs/common';
        import { Test } from '@nestjs/testing';
        import { AppModule } from '../src/app.module';

        describe('storefront', () => {
          let app: INestApplication;

          beforeAll(async () => {
            const moduleFixture = await Test.createTestingModule({ imports: [AppModule] }).compile();
            app = moduleFixture.createNestApplication();
            app.setGlobalPrefix('e2e');
            app.enableVersioning({ type: VersioningType.HEADER, header: 'X-Version' });
            await app.init();
          });
        });
    """
    files["src/app.controller.spec.ts"] = files["test/app.e2e-spec.ts"].replace("'../src/app.module'", "'./app.module'")
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == STOREFRONT_ENDPOINTS
    assert warnings == []


def test_a_prefix_held_by_a_constant_with_an_environment_fallback_is_the_fallback() -> None:
    files = dict(STOREFRONT)
    files["src/main.ts"] = files["src/main.ts"].replace(
        "app.setGlobalPrefix('api',", "const apiPrefix = process.env.API_PREFIX || 'api';\n"
        "          app.setGlobalPrefix(apiPrefix,")
    endpoints, warnings = scan_files(SCANNER, files)
    assert "const apiPrefix" in files["src/main.ts"]
    assert keys(endpoints) == STOREFRONT_ENDPOINTS
    assert warnings == []


def test_controllers_declared_in_tests_are_not_served() -> None:
    files = dict(STOREFRONT)
    files["src/orders/orders.controller.spec.ts"] = """
        import { Controller, Get } from '@nestjs/common';
        import { Test } from '@nestjs/testing';

        @Controller('probe')
        class ProbeController {
          @Get()
          ping() { return 'pong'; }
        }

        describe('orders', () => {
          it('compiles', async () => {
            await Test.createTestingModule({ controllers: [ProbeController] }).compile();
          });
        });
    """
    endpoints, _ = scan_files(SCANNER, files)
    assert keys(endpoints) == STOREFRONT_ENDPOINTS
