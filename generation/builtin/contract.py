"""The endpoint contract the generators read, whatever it came from.

Both `scanning.models.Endpoint` (database rows) and `scanning.scanners.base.DiscoveredEndpoint`
(scanner output) convert to `EndpointContract`, and so do plain dicts with the same keys, so
the generators stay pure functions that need no database.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Any

from generation.builtin.examples import resolve

_SUCCESS = re.compile(r"^2\d\d$")


@dataclass(frozen=True)
class EndpointContract:
    method: str
    path: str
    parameters: tuple[dict[str, Any], ...] = ()
    request_body: dict[str, Any] | None = None
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    auth_required: bool | None = None
    summary: str = ""
    operation_id: str = ""
    tags: tuple[str, ...] = ()

    @classmethod
    def of(cls, source: Any) -> EndpointContract:
        """Build from an Endpoint row, a DiscoveredEndpoint, a dict or an EndpointContract."""
        if isinstance(source, EndpointContract):
            return source
        if isinstance(source, dict):
            data = source
        elif is_dataclass(source):
            data = asdict(source)
        else:
            data = {
                name: getattr(source, name, None)
                for name in (
                    "method",
                    "path",
                    "parameters",
                    "request_body",
                    "responses",
                    "auth_required",
                    "summary",
                    "operation_id",
                    "tags",
                )
            }
        parameters = []
        for raw in data.get("parameters") or []:
            parameter = asdict(raw) if is_dataclass(raw) else dict(raw)
            parameters.append(
                {
                    "name": str(parameter.get("name", "")),
                    "location": str(parameter.get("location") or parameter.get("in") or "query"),
                    "required": bool(parameter.get("required", False)),
                    "schema": dict(parameter.get("schema") or {}),
                    "description": str(parameter.get("description") or ""),
                }
            )
        return cls(
            method=str(data.get("method", "GET")).upper(),
            path=str(data.get("path", "/")) or "/",
            parameters=tuple(parameters),
            request_body=data.get("request_body") or None,
            responses=dict(data.get("responses") or {}),
            auth_required=data.get("auth_required"),
            summary=str(data.get("summary") or ""),
            operation_id=str(data.get("operation_id") or ""),
            tags=tuple(data.get("tags") or ()),
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["parameters"] = list(self.parameters)
        data["tags"] = list(self.tags)
        return data

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    # --- Derived views used by the generators ----------------------------------------

    def params(self, location: str) -> list[dict[str, Any]]:
        return [p for p in self.parameters if p["location"] == location]

    @property
    def path_param_names(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)

    @property
    def is_item_path(self) -> bool:
        """`/users/{id}`: the last segment addresses one resource."""
        return bool(re.search(r"/\{\w+\}$", self.path))

    @property
    def collection_path(self) -> str | None:
        return re.sub(r"/\{\w+\}$", "", self.path) or "/" if self.is_item_path else None

    @property
    def body_schema(self) -> dict[str, Any] | None:
        if not isinstance(self.request_body, dict):
            return None
        return resolve(self.request_body, self.request_body)

    @property
    def body_properties(self) -> dict[str, dict[str, Any]]:
        body = self.body_schema or {}
        props = body.get("properties") if body.get("type", "object") == "object" else None
        return {k: resolve(v, self.request_body) for k, v in (props or {}).items() if isinstance(v, dict)}

    @property
    def body_required(self) -> list[str]:
        return [r for r in (self.body_schema or {}).get("required") or [] if r in self.body_properties]

    @property
    def success_status(self) -> int | None:
        """The first documented 2xx status, or None when none is documented."""
        codes = sorted(int(code) for code in self.responses if _SUCCESS.match(str(code)))
        return codes[0] if codes else None

    @property
    def success_schema(self) -> dict[str, Any] | None:
        status = self.success_status
        if status is None:
            return None
        schema = (self.responses.get(str(status)) or {}).get("schema")
        return schema if isinstance(schema, dict) and schema else None

    @property
    def success_properties(self) -> dict[str, dict[str, Any]]:
        schema = self.success_schema
        if not schema:
            return {}
        schema = resolve(schema, schema)
        props = schema.get("properties") or {}
        return {k: resolve(v, schema) for k, v in props.items() if isinstance(v, dict)}
