"""Importers turn API descriptions (OpenAPI 3.x, Swagger 2.0) into discovered endpoints."""

from __future__ import annotations

from scanning.importers.openapi import ImportResult, SpecImportError, import_spec

__all__ = ["ImportResult", "SpecImportError", "import_spec"]
