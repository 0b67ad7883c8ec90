"""The scanners TestGen runs, by name. Each module registers its class here."""
from __future__ import annotations

from django.utils.module_loading import import_string

from scanning.scanners.base import Scanner

SCANNER_CLASSES: dict[str, str] = {
    # name: dotted path. Add a line when adding a scanner module.
    "fastapi": "scanning.scanners.fastapi.FastAPIScanner",
    "flask": "scanning.scanners.flask.FlaskScanner",
    "django": "scanning.scanners.django.DjangoScanner",
    "express": "scanning.scanners.express.ExpressScanner",
    "spring": "scanning.scanners.spring.SpringScanner",
    "fastify": "scanning.scanners.fastify.FastifyScanner",
    "nestjs": "scanning.scanners.nestjs.NestJSScanner",
}


def get_scanner(name: str) -> Scanner:
    return import_string(SCANNER_CLASSES[name])()


def all_scanners() -> list[Scanner]:
    return [import_string(path)() for path in SCANNER_CLASSES.values()]
