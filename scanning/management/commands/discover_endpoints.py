"""`manage.py discover_endpoints PATH`: run the scanners over a local tree and print the endpoints.

Runs the same engine as scan jobs, with an in-memory facts cache and no database.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from scanning import engine
from scanning.scanners.base import DiscoveredEndpoint
from scanning.scanners.registry import all_scanners

MSG_NOT_A_DIRECTORY = "{path} is not a directory."


def endpoint_row(endpoint: DiscoveredEndpoint) -> dict[str, Any]:
    return {
        "method": endpoint.method,
        "path": endpoint.path,
        "framework": endpoint.framework,
        "file": endpoint.file,
        "line": endpoint.line,
        "handler": endpoint.handler,
        "parameters": engine.parameters_as_dicts(endpoint),
        "conditions": list(endpoint.conditions),
    }


def render_table(rows: list[dict[str, Any]]) -> str:
    """One line per endpoint; when some are served only under conditions, a last column
    gives them (``if settings.DEBUG``)."""
    conditional = any(r["conditions"] for r in rows)
    headers = ("METHOD", "PATH", "FRAMEWORK", "LOCATION", *(("CONDITIONS",) if conditional else ()))
    cells = [
        (r["method"], r["path"], r["framework"], f"{r['file']}:{r['line']}",
         *((_conditions_cell(r["conditions"]),) if conditional else ()))
        for r in rows
    ]
    widths = [max([len(h), *(len(c[i]) for c in cells)]) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell, widths)).rstrip() for cell in cells]
    return "\n".join(lines)


def _conditions_cell(conditions: list[str]) -> str:
    return "if " + " and ".join(conditions) if conditions else ""


class Command(BaseCommand):
    help = "Discover the HTTP endpoints declared in a source tree."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Root of the source tree.")
        parser.add_argument("--framework", help="Only this scanner (skips framework detection).")
        parser.add_argument("--format", choices=("json", "table"), default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(options["path"]).expanduser()
        if not root.is_dir():
            raise CommandError(MSG_NOT_A_DIRECTORY.format(path=root))
        try:
            result = engine.scan_tree(root, scanners=all_scanners(), cache=engine.MemoryFactsCache(),
                                      framework=options.get("framework"))
        except engine.ScanFailure as exc:
            raise CommandError(exc.message) from exc
        rows = sorted((endpoint_row(e) for e in result.endpoints), key=lambda r: (r["path"], r["method"]))
        for warning in result.warnings:
            location = f"{warning.file}:{warning.line}" if warning.line else warning.file
            self.stderr.write(f"warning: {location}: {warning.message}" if location else f"warning: {warning.message}")
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
        else:
            self.stdout.write(render_table(rows))
            self.stdout.write(f"\n{len(rows)} endpoint(s) in {result.files_scanned} file(s); "
                              f"frameworks: {', '.join(result.frameworks) or 'none'}")
