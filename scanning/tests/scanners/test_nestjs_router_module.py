"""NestJS `RouterModule.register(routes)`: module paths over the controllers each module lists."""
from __future__ import annotations

from pathlib import Path

from scanning.scanners.nestjs import MSG_DYNAMIC_MODULE_ROUTES, NestJSScanner
from scanning.tests.scanners.fixtures_js import keys, scan_files, scan_repo, write_repo

SCANNER = NestJSScanner()

BACKOFFICE: dict[str, str] = {
    "package.json": """
        {"name": "backoffice", "dependencies": {"@nestjs/common": "^10.3.0", "@nestjs/core": "^10.3.0"}}
    """,
    "src/main.ts": """
        import { NestFactory } from '@nestjs/core';
        import { AppModule } from './app.module';

        async function bootstrap() {
          const app = await NestFactory.create(AppModule);
          app.setGlobalPrefix('api');
          await app.listen(3000);
        }
        bootstrap();
    """,
    "src/app.module.ts": """
        import { Module } from '@nestjs/common';
        import { RouterModule } from '@nestjs/core';
        import { AdminModule } from './admin/admin.module';
        import { ReportsModule } from './admin/reports/reports.module';
        import { CatalogModule } from './catalog/catalog.module';
        import { HealthController } from './health.controller';
        import { routes } from './app.routes';

        @Module({
          imports: [AdminModule, ReportsModule, CatalogModule, RouterModule.register(routes)],
          controllers: [HealthController],
        })
        export class AppModule {}
    """,
    "src/app.routes.ts": """
        import { Routes } from '@nestjs/core';
        import { AdminModule } from './admin/admin.module';
        import { ReportsModule } from './admin/reports/reports.module';
        import { CatalogModule } from './catalog/catalog.module';

        export const routes: Routes = [
          { path: 'admin', module: AdminModule, children: [{ path: 'reports', module: ReportsModule }] },
          { path: 'shop', children: [CatalogModule] },
        ];
    """,
    "src/health.controller.ts": """
        import { Controller, Get } from '@nestjs/common';

        @Controller('health')
        export class HealthController {
          @Get()
          check() { return { ok: true }; }
        }
    """,
    "src/admin/admin.module.ts": """
        import { Module } from '@nestjs/common';
        import { UsersController } from './users.controller';

        @Module({ controllers: [UsersController] })
        export class AdminModule {}
    """,
    "src/admin/users.controller.ts": """
        import { Controller, Get, Param, Delete } from '@nestjs/common';

        @Controller('users')
        export class UsersController {
          @Get()
          findAll() { return []; }

          @Get(':id')
          findOne(@Param('id') id: string) { return { id }; }

          @Delete(':id')
          remove(@Param('id') id: string) { return; }
        }
    """,
    "src/admin/reports/reports.module.ts": """
        import { Module } from '@nestjs/common';
        import { ReportsController } from './reports.controller';

        @Module({ controllers: [ReportsController] })
        export class ReportsModule {}
    """,
    "src/admin/reports/reports.controller.ts": """
        import { Controller, Get } from '@nestjs/common';

        @Controller()
        export class ReportsController {
          @Get('monthly')
          monthly() { return []; }
        }
    """,
    "src/catalog/catalog.module.ts": """
        import { Module } from '@nestjs/common';
        import { ProductsController } from './products.controller';

        @Module({ controllers: [ProductsController] })
        export class CatalogModule {}
    """,
    "src/catalog/products.controller.ts": """
        import { Controller, Get, Post } from '@nestjs/common';

        @Controller('products')
        export class ProductsController {
          @Get()
          list() { return []; }

          @Post()
          create() { return {}; }
        }
    """,
}

BACKOFFICE_ENDPOINTS = {
    ("GET", "/api/health"),
    ("GET", "/api/admin/users"),
    ("GET", "/api/admin/users/{id}"),
    ("DELETE", "/api/admin/users/{id}"),
    ("GET", "/api/admin/reports/monthly"),
    ("GET", "/api/shop/products"),
    ("POST", "/api/shop/products"),
}


def test_router_module_paths_prefix_the_controllers_of_each_module(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, BACKOFFICE))
    assert detected
    assert keys(endpoints) == BACKOFFICE_ENDPOINTS
    assert warnings == []


def test_routes_written_inline_in_register_apply_too() -> None:
    files = dict(BACKOFFICE)
    files["src/app.module.ts"] = files["src/app.module.ts"].replace(
        "RouterModule.register(routes)",
        "RouterModule.register([{ path: 'admin', module: AdminModule, children: [{ path: 'reports', "
        "module: ReportsModule }] }, { path: 'shop', children: [CatalogModule] }])",
    )
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == BACKOFFICE_ENDPOINTS
    assert warnings == []


def test_routes_that_are_not_a_literal_array_are_a_warning_and_leave_paths_alone() -> None:
    files = dict(BACKOFFICE)
    files["src/app.module.ts"] = files["src/app.module.ts"].replace(
        "RouterModule.register(routes)", "RouterModule.register(loadRoutes())")
    endpoints, warnings = scan_files(SCANNER, files)
    assert ("GET", "/api/users") in keys(endpoints) and ("GET", "/api/monthly") in keys(endpoints)
    assert [(w.file, w.message) for w in warnings] == [("src/app.module.ts", MSG_DYNAMIC_MODULE_ROUTES)]


def test_a_module_registers_its_own_path_and_paths_may_be_constants() -> None:
    files = dict(BACKOFFICE)
    files["src/app.routes.ts"] = files["src/app.routes.ts"].replace(
        "path: 'admin'", "path: ADMIN_PATH").replace(
        "\n        export const routes", "\n        export const ADMIN_PATH = 'admin';\n\n        export const routes")
    files["src/app.module.ts"] = files["src/app.module.ts"].replace(
        "imports: [AdminModule,", "imports: [AuditModule, AdminModule,").replace(
        "import { routes } from './app.routes';",
        "import { routes } from './app.routes';\n        import { AuditModule } from './audit/audit.module';")
    files["src/audit/audit.module.ts"] = """
        import { Module } from '@nestjs/common';
        import { RouterModule } from '@nestjs/core';
        import { AuditController } from './audit.controller';

        @Module({
          imports: [RouterModule.register([{ path: '/audit', module: AuditModule }])],
          controllers: [AuditController],
        })
        export class AuditModule {}
    """
    files["src/audit/audit.controller.ts"] = """
        import { Controller, Get } from '@nestjs/common';

        @Controller('events')
        export class AuditController {
          @Get()
          list() { return []; }
        }
    """
    endpoints, warnings = scan_files(SCANNER, files)
    assert "ADMIN_PATH" in files["src/app.routes.ts"]
    assert keys(endpoints) == BACKOFFICE_ENDPOINTS | {("GET", "/api/audit/events")}
    assert warnings == []
