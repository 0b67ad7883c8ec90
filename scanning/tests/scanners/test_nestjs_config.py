"""NestJS global prefixes read from `@nestjs/config`: `configService.getOrThrow('app.apiPrefix')`
is the default its `registerAs('app', ...)` namespace gives when the environment is silent.

The expected set was checked by booting the fixture with Nest 10 and @nestjs/config 3."""
from __future__ import annotations

from pathlib import Path

from scanning.scanners.nestjs import NestJSScanner
from scanning.tests.scanners.fixtures_js import keys, scan_files, scan_repo, write_repo

SCANNER = NestJSScanner()
MSG_PREFIX = "global prefix is not a literal string"

BOILERPLATE: dict[str, str] = {
    "package.json": """
        {"name": "boilerplate", "dependencies": {"@nestjs/common": "^10.3.0", "@nestjs/config": "^3.2.0",
         "@nestjs/core": "^10.3.0"}}
    """,
    "src/main.ts": """
        import { VersioningType } from '@nestjs/common';
        import { ConfigService } from '@nestjs/config';
        import { NestFactory } from '@nestjs/core';
        import { AppModule } from './app.module';
        import { AllConfigType } from './config/config.type';

        async function bootstrap() {
          const app = await NestFactory.create(AppModule, { cors: true });
          const configService = app.get(ConfigService<AllConfigType>);
          app.setGlobalPrefix(configService.getOrThrow('app.apiPrefix', { infer: true }), {
            exclude: ['/'],
          });
          app.enableVersioning({ type: VersioningType.URI });
          await app.listen(configService.getOrThrow('app.port', { infer: true }));
        }
        void bootstrap();
    """,
    "src/config/app.config.ts": """
        import { registerAs } from '@nestjs/config';
        import { AppConfig } from './config.type';

        export default registerAs<AppConfig>('app', () => {
          return {
            nodeEnv: process.env.NODE_ENV || 'development',
            port: process.env.APP_PORT ? parseInt(process.env.APP_PORT, 10) : 3000,
            apiPrefix: process.env.API_PREFIX || 'api',
          };
        });
    """,
    "src/config/database.config.ts": """
        import { registerAs } from '@nestjs/config';

        export default registerAs('database', () => ({
          host: process.env.DATABASE_HOST ?? 'localhost',
          apiPrefix: 'not-the-app-one',
        }));
    """,
    "src/app.module.ts": """
        import { Module } from '@nestjs/common';
        import { ConfigModule } from '@nestjs/config';
        import appConfig from './config/app.config';
        import databaseConfig from './config/database.config';
        import { HomeController } from './home/home.controller';
        import { UsersController } from './users/users.controller';

        @Module({
          imports: [ConfigModule.forRoot({ isGlobal: true, load: [appConfig, databaseConfig] })],
          controllers: [HomeController, UsersController],
        })
        export class AppModule {}
    """,
    "src/home/home.controller.ts": """
        import { Controller, Get } from '@nestjs/common';

        @Controller()
        export class HomeController {
          @Get()
          appInfo() { return { name: 'app' }; }
        }
    """,
    "src/users/users.controller.ts": """
        import { Controller, Delete, Get, Param } from '@nestjs/common';

        @Controller({ path: 'users', version: '1' })
        export class UsersController {
          @Get()
          findAll() { return []; }

          @Delete(':id')
          remove(@Param('id') id: string) { return; }
        }
    """,
}


def test_the_prefix_is_the_config_namespace_default(tmp_path: Path) -> None:
    endpoints, warnings, detected = scan_repo(SCANNER, write_repo(tmp_path, BOILERPLATE))
    assert detected
    assert keys(endpoints) == {("GET", "/"), ("GET", "/api/v1/users"), ("DELETE", "/api/v1/users/{id}")}
    assert warnings == []


def test_a_key_no_namespace_defines_stays_a_warning() -> None:
    files = dict(BOILERPLATE)
    files["src/main.ts"] = files["src/main.ts"].replace("'app.apiPrefix'", "'app.globalPrefix'")
    endpoints, warnings = scan_files(SCANNER, files)
    assert ("GET", "/v1/users") in keys(endpoints)
    assert [(w.file, w.message) for w in warnings] == [("src/main.ts", MSG_PREFIX)]


def test_a_key_two_files_define_differently_stays_a_warning() -> None:
    files = dict(BOILERPLATE)
    files["src/legacy/app.config.ts"] = files["src/config/app.config.ts"].replace("|| 'api'", "|| 'api/legacy'")
    endpoints, warnings = scan_files(SCANNER, files)
    assert ("GET", "/v1/users") in keys(endpoints)
    assert [(w.file, w.message) for w in warnings] == [("src/main.ts", MSG_PREFIX)]


def test_an_environment_variable_read_without_namespace_stays_a_warning() -> None:
    files = dict(BOILERPLATE)
    files["src/main.ts"] = files["src/main.ts"].replace("'app.apiPrefix'", "'API_PREFIX'")
    _, warnings = scan_files(SCANNER, files)
    assert [(w.file, w.message) for w in warnings] == [("src/main.ts", MSG_PREFIX)]
