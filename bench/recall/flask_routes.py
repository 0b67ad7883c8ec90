"""The routes a Flask application holds, for the ground-truth scripts of Flask targets."""
from __future__ import annotations

from typing import Any


def rules(app: Any) -> list[dict[str, str]]:
    """Every rule of `app.url_map` with each method it answers, static-file rules and the
    HEAD/OPTIONS Flask adds on its own left out."""
    return [
        {"method": method, "path": rule.rule, "endpoint": rule.endpoint}
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.endswith(".static")
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    ]
