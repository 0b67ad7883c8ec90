"""OpenAPI 3.0/3.1 and Swagger 2.0 importer: a specification document → discovered endpoints.

The document (JSON or YAML, loaded with ``yaml.safe_load``) is validated just enough to be
imported faithfully; anything malformed raises `SpecImportError` with a location — a dotted
path into the document (``paths./users.get.responses``) or ``line L, column C`` for a
syntax error — which the API turns into a 400.

Rules:

* local ``$ref``s (``#/components/...``, ``#/definitions/...``) are resolved, JSON-pointer
  escapes included; a ``$ref`` to nowhere is an error; remote ``$ref``s are never fetched
  (a warning, and the schema becomes ``{}``);
* a recursive schema is kept as ``{"$ref": "#/$defs/Name"}`` with ``Name`` defined once in
  the top-level schema's ``$defs``, so resolution always terminates;
* the path of ``servers[0].url`` (variables replaced by their defaults; path-item and
  operation ``servers`` override) or Swagger's ``basePath`` prefixes every path;
* path-level and operation-level parameters are merged by ``(name, in)``, the operation's
  winning; path parameters are always required;
* the request body is the ``application/json`` (or ``*/*``, ``+json``) schema; Swagger 2
  uses the ``in: body`` parameter, and ``formData`` parameters become an object schema;
* responses map each status to ``{"description", "schema"}`` (``schema`` only when given);
* the operation's ``security`` overrides the document's; ``[]`` — or a requirement ``{}``,
  which makes authentication optional — means public;
* OpenAPI 3.0 ``nullable: true`` (and Swagger's ``x-nullable``) becomes a ``"null"`` type;
* schemas are inlined, so shared subtrees are copied per use: past ``_MAX_SCHEMA_NODES``
  nodes (an alias bomb, or a gigantic spec) the remaining schemas are truncated to ``{}``
  with a warning rather than exhausting memory.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from scanning.scanners.base import (
    HTTP_METHODS,
    DiscoveredEndpoint,
    Parameter,
    ScanWarning,
    join_paths,
    path_parameter_names,
)

_OPERATION_KEYS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCATIONS = ("path", "query", "header", "cookie")
_MAX_REF_HOPS = 32
_MAX_SCHEMA_NODES = 2_000_000
# Swagger 2 parameter keywords that are JSON Schema keywords.
_V2_SCHEMA_KEYS = (
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
)


class SpecImportError(Exception):
    """The document cannot be imported; `location` says where."""

    def __init__(self, message: str, location: str = "") -> None:
        super().__init__(f"{message} (at {location})" if location else message)
        self.message = message
        self.location = location


@dataclass
class ImportResult:
    endpoints: list[DiscoveredEndpoint] = field(default_factory=list)
    warnings: list[ScanWarning] = field(default_factory=list)
    title: str = ""
    version: str = ""


def import_spec(text_or_bytes: str | bytes, *, source_name: str = "spec") -> ImportResult:
    """Import an OpenAPI 3.x or Swagger 2.0 document (JSON or YAML)."""
    document = _load(text_or_bytes)
    return _Importer(document, source_name).run()


def _load(text_or_bytes: str | bytes) -> dict[str, Any]:
    if isinstance(text_or_bytes, bytes):
        try:
            text = text_or_bytes.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SpecImportError("the document is not UTF-8 text", f"byte {error.start}") from error
    else:
        text = text_or_bytes.lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise SpecImportError("the document is empty", "line 1, column 1")
    if stripped[0] in "{[":
        try:
            # NaN/Infinity are not JSON values a database accepts: keep their spelling as text.
            document = json.loads(text, parse_constant=str)
        except json.JSONDecodeError as error:
            raise SpecImportError(
                f"invalid JSON: {error.msg}", f"line {error.lineno}, column {error.colno}"
            ) from error
    else:
        try:
            document = yaml.safe_load(text)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            location = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise SpecImportError(f"invalid YAML: {error.problem or error}", location) from error
        except yaml.YAMLError as error:
            raise SpecImportError(f"invalid YAML: {error}", "") from error
        document = _plain(document, [], {})
    if not isinstance(document, dict):
        raise SpecImportError("the document is not a mapping", "")
    return document


def _plain(value: Any, path: list[int], done: dict[int, Any]) -> Any:
    """YAML's extra types as JSON ones: dates → ISO strings, non-string keys → strings.

    Endpoints are stored as JSON, and a YAML anchor may refer to itself (`&a [*a]`):
    such a document is rejected instead of recursing forever. Aliases stay shared
    (`done`), so a "billion laughs" document is not expanded here.
    """
    if isinstance(value, (dict, list, set, tuple)):
        if id(value) in done:
            return done[id(value)]
        if id(value) in path:
            raise SpecImportError("a YAML alias refers to itself", "")
        path.append(id(value))
        try:
            if isinstance(value, dict):
                converted: Any = {_plain_key(k): _plain(v, path, done) for k, v in value.items()}
            else:
                converted = [_plain(v, path, done) for v in value]
        finally:
            path.pop()
        done[id(value)] = converted
        return converted
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


def _plain_key(key: Any) -> Any:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    if isinstance(key, (int, float, datetime.date)):
        return key.isoformat() if isinstance(key, datetime.date) else str(key)
    return key


class _Importer:
    def __init__(self, document: dict[str, Any], source_name: str) -> None:
        self.document = document
        self.source = source_name
        self.warnings: list[ScanWarning] = []
        self.version = self._version()
        # Shared subtrees (YAML aliases, $refs used everywhere) are copied per use: bound the work.
        self.budget = _MAX_SCHEMA_NODES
        self.truncated = False

    def _version(self) -> int:
        if "openapi" in self.document:
            value = str(self.document["openapi"])
            if re.fullmatch(r"3\.[01](\.\d+)?(-[\w.]+)?", value):
                return 3
            raise SpecImportError(f"unsupported OpenAPI version {value!r}", "openapi")
        if "swagger" in self.document:
            value = str(self.document["swagger"])
            if value in ("2.0", "2"):
                return 2
            raise SpecImportError(f"unsupported Swagger version {value!r}", "swagger")
        raise SpecImportError("neither an `openapi` nor a `swagger` version field", "")

    # -- entry --

    def run(self) -> ImportResult:
        info = self.document.get("info") or {}
        if not isinstance(info, dict):
            raise SpecImportError("`info` is not a mapping", "info")
        paths = self.document.get("paths")
        if paths is None:
            if (
                self.version == 3
                and str(self.document["openapi"]).startswith("3.1")
                and ("webhooks" in self.document or "components" in self.document)
            ):
                return ImportResult([], [], str(info.get("title", "")), str(info.get("version", "")))
            raise SpecImportError("the document has no `paths`", "paths")
        if not isinstance(paths, dict):
            raise SpecImportError("`paths` is not a mapping", "paths")
        base = self._base_path(self.document, "")
        global_security = self.document.get("security")
        endpoints: list[DiscoveredEndpoint] = []
        for raw_path, item in paths.items():
            location = f"paths.{raw_path}"
            if not isinstance(raw_path, str) or not raw_path.startswith("/"):
                raise SpecImportError("a path must start with '/'", location)
            item = self._deref(item, location)
            if not isinstance(item, dict):
                raise SpecImportError("a path item must be a mapping", location)
            item_base = self._base_path(item, location) if self.version == 3 and item.get("servers") else base
            shared = self._parameter_list(item.get("parameters"), f"{location}.parameters")
            for method in _OPERATION_KEYS:
                if method not in item:
                    continue
                op_location = f"{location}.{method}"
                operation = item[method]
                if not isinstance(operation, dict):
                    raise SpecImportError("an operation must be a mapping", op_location)
                if method.upper() not in HTTP_METHODS:
                    self.warnings.append(
                        ScanWarning(self.source, f"{method.upper()} {raw_path} is not imported")
                    )
                    continue
                op_base = (
                    self._base_path(operation, op_location)
                    if self.version == 3 and operation.get("servers")
                    else item_base
                )
                endpoints.append(
                    self._operation(
                        method, raw_path, op_base, operation, shared, global_security, op_location
                    )
                )
        return ImportResult(
            endpoints, self.warnings, str(info.get("title", "")), str(info.get("version", ""))
        )

    def _base_path(self, holder: dict[str, Any], location: str) -> str:
        if self.version == 2:
            base = holder.get("basePath") or ""
            if not isinstance(base, str):
                raise SpecImportError("`basePath` is not a string", "basePath")
            return base
        servers = holder.get("servers")
        if not servers:
            return ""
        here = f"{location}.servers" if location else "servers"
        if not isinstance(servers, list) or not isinstance(servers[0], dict):
            raise SpecImportError("`servers` is not a list of server objects", here)
        url = str(servers[0].get("url", ""))
        variables = servers[0].get("variables") or {}
        for name, variable in variables.items() if isinstance(variables, dict) else []:
            default = variable.get("default", "") if isinstance(variable, dict) else ""
            url = url.replace("{" + str(name) + "}", str(default))
        if re.search(r"\{[^}]*\}", url):
            self.warnings.append(ScanWarning(self.source, f"server URL {url!r} has undefined variables"))
            url = re.sub(r"\{[^}]*\}", "", url)
        return unquote(urlsplit(url).path) if "://" in url or url.startswith("//") else url.split("?", 1)[0]

    # -- operations --

    def _operation(
        self,
        method: str,
        raw_path: str,
        base: str,
        operation: dict[str, Any],
        shared: dict[tuple[str, str], tuple[dict[str, Any], str]],
        global_security: Any,
        location: str,
    ) -> DiscoveredEndpoint:
        path = join_paths(base, raw_path)
        merged = dict(shared)
        merged.update(self._parameter_list(operation.get("parameters"), f"{location}.parameters"))
        parameters: list[Parameter] = []
        body: dict[str, Any] | None = None
        form: list[tuple[dict[str, Any], str]] = []
        for (_name, where), (param, param_location) in merged.items():
            if where == "body":
                body = self._schema(param.get("schema", {}), f"{param_location}.schema")
            elif where == "formData":
                form.append((param, param_location))
            elif where in _LOCATIONS:
                parameters.append(self._parameter(param, param_location))
            else:
                raise SpecImportError(f"unknown parameter location {where!r}", f"{param_location}.in")
        declared = {p.name for p in parameters if p.location == "path"}
        for name in path_parameter_names(path):
            if name not in declared:
                self.warnings.append(
                    ScanWarning(self.source, f"path parameter {name!r} of {raw_path} is not declared")
                )
                parameters.append(Parameter(name, "path", True, {"type": "string"}))
        if form:
            body = self._form_schema(form)
        if self.version == 3 and "requestBody" in operation:
            body = self._request_body(operation["requestBody"], f"{location}.requestBody")
        security = operation.get("security", global_security)
        auth_required, auth = self._security(security, location)
        tags = operation.get("tags") or []
        return DiscoveredEndpoint(
            method=method.upper(),
            path=path,
            framework="openapi",
            file=self.source,
            line=0,
            handler="",
            operation_id=str(operation.get("operationId", "") or ""),
            summary=str(operation.get("summary", "") or ""),
            parameters=parameters,
            request_body=body,
            responses=self._responses(operation.get("responses"), f"{location}.responses"),
            auth_required=auth_required,
            auth=auth,
            tags=[str(t) for t in tags] if isinstance(tags, list) else [],
        )

    def _parameter_list(self, raw: Any, location: str) -> dict[tuple[str, str], tuple[dict[str, Any], str]]:
        if raw is None:
            return {}
        if not isinstance(raw, list):
            raise SpecImportError("`parameters` is not a list", location)
        out: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for position, item in enumerate(raw):
            here = f"{location}.{position}"
            param = self._deref(item, here)
            if not isinstance(param, dict) or "name" not in param or "in" not in param:
                raise SpecImportError("a parameter needs `name` and `in`", here)
            out[(str(param["name"]), str(param["in"]))] = (param, here)
        return out

    def _parameter(self, param: dict[str, Any], location: str) -> Parameter:
        where = str(param["in"])
        if self.version == 3:
            if "schema" in param:
                schema = self._schema(param["schema"], f"{location}.schema")
            elif isinstance(param.get("content"), dict) and param["content"]:
                media = next(iter(param["content"].values())) or {}
                schema = self._schema(media.get("schema", {}), f"{location}.content")
            else:
                schema = {}
        else:
            schema = self._v2_inline_schema(param, location)
        required = True if where == "path" else bool(param.get("required", False))
        return Parameter(str(param["name"]), where, required, schema, str(param.get("description", "") or ""))

    def _v2_inline_schema(self, param: dict[str, Any], location: str) -> dict[str, Any]:
        schema = {key: param[key] for key in _V2_SCHEMA_KEYS if key in param}
        if schema.get("type") == "file":
            schema = {"type": "string", "format": "binary"}
        if "items" in schema:
            schema["items"] = self._schema(schema["items"], f"{location}.items")
        if param.get("x-nullable") and isinstance(schema.get("type"), str):
            schema["type"] = [schema["type"], "null"]
        return schema

    def _form_schema(self, form: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
        properties = {str(p["name"]): self._v2_inline_schema(p, loc) for p, loc in form}
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        required = [str(p["name"]) for p, _ in form if p.get("required")]
        if required:
            schema["required"] = required
        return schema

    def _request_body(self, raw: Any, location: str) -> dict[str, Any] | None:
        body = self._deref(raw, location)
        if not isinstance(body, dict):
            raise SpecImportError("`requestBody` is not a mapping", location)
        content = body.get("content")
        if not isinstance(content, dict):
            raise SpecImportError("`requestBody` has no `content` mapping", f"{location}.content")
        media_type = _json_media_type(content)
        if media_type is None:
            return None
        media = content[media_type] or {}
        if not isinstance(media, dict) or "schema" not in media:
            return {}
        return self._schema(media["schema"], f"{location}.content.{media_type}.schema")

    def _responses(self, raw: Any, location: str) -> dict[str, dict[str, Any]]:
        if raw is None:
            # Required by 3.0 and Swagger 2, optional in 3.1; its absence loses nothing to import.
            return {}
        if not isinstance(raw, dict):
            raise SpecImportError("`responses` is not a mapping", location)
        out: dict[str, dict[str, Any]] = {}
        for status, item in raw.items():
            here = f"{location}.{status}"
            if str(status).startswith("x-"):
                continue
            if not re.fullmatch(r"[1-5](\d\d|XX)|default", str(status)):
                raise SpecImportError(f"{status!r} is not a response status", here)
            response = self._deref(item, here)
            if not isinstance(response, dict):
                raise SpecImportError("a response must be a mapping", here)
            entry: dict[str, Any] = {"description": str(response.get("description", "") or "")}
            if self.version == 2:
                if "schema" in response:
                    entry["schema"] = self._schema(response["schema"], f"{here}.schema")
            else:
                content = response.get("content")
                if isinstance(content, dict):
                    media_type = _json_media_type(content)
                    media = content.get(media_type) if media_type else None
                    if isinstance(media, dict) and "schema" in media:
                        entry["schema"] = self._schema(media["schema"], f"{here}.content.{media_type}.schema")
            out[str(status)] = entry
        return out

    def _security(self, security: Any, location: str) -> tuple[bool, str]:
        if security is None:
            return False, ""
        if not isinstance(security, list):
            raise SpecImportError("`security` is not a list", f"{location}.security")
        names: list[str] = []
        for requirement in security:
            if not isinstance(requirement, dict):
                raise SpecImportError("a security requirement must be a mapping", f"{location}.security")
            if not requirement:
                return False, ""
            names.extend(str(n) for n in requirement)
        return (bool(names), ", ".join(dict.fromkeys(names)))

    # -- references --

    def _pointer(self, ref: str, location: str) -> Any:
        if not ref.startswith("#"):
            raise _RemoteRef(ref)
        node: Any = self.document
        pointer = unquote(ref[1:])
        if pointer in ("", "/"):
            return node
        for raw_segment in pointer.lstrip("/").split("/"):
            segment = raw_segment.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and segment in node:
                node = node[segment]
            elif isinstance(node, list) and segment.isdigit() and int(segment) < len(node):
                node = node[int(segment)]
            else:
                raise SpecImportError(f"$ref {ref!r} points to nothing", location)
        return node

    def _deref(self, node: Any, location: str) -> Any:
        """Follow `$ref` chains of a non-schema object (parameter, response, path item...)."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            hops += 1
            if hops > _MAX_REF_HOPS:
                raise SpecImportError("$ref chain loops", location)
            try:
                node = self._pointer(node["$ref"], location)
            except _RemoteRef as remote:
                self.warnings.append(ScanWarning(self.source, f"remote $ref {remote.ref!r} is not fetched"))
                return {}
        return node

    def _schema(self, node: Any, location: str) -> Any:
        if isinstance(node, bool):  # 3.1 boolean schemas
            return {} if node else {"not": {}}
        if not isinstance(node, dict):
            raise SpecImportError("a schema must be a mapping", location)
        context = _SchemaContext()
        schema = self._resolve_schema(node, location, context, [])
        if context.defs_wanted:
            defs: dict[str, Any] = {}
            while len(defs) < len(context.defs_wanted):
                for ref, name in list(context.defs_wanted.items()):
                    if name not in defs:
                        target = self._pointer(ref, location)
                        defs[name] = self._resolve_schema(target, location, context, [ref])
            if isinstance(schema, dict):
                schema = {**schema, "$defs": {**schema.get("$defs", {}), **defs}}
        if not isinstance(schema, dict):
            raise SpecImportError("a schema must be a mapping", location)
        return schema

    def _resolve_schema(self, node: Any, location: str, context: _SchemaContext, stack: list[str]) -> Any:
        if isinstance(node, (list, dict)):
            if self.budget <= 0:
                if not self.truncated:
                    self.truncated = True
                    self.warnings.append(
                        ScanWarning(
                            self.source,
                            f"schemas expand to more than {_MAX_SCHEMA_NODES} nodes once references are "
                            f"resolved; the rest are truncated to {{}} (first at {location})",
                        )
                    )
                return {} if isinstance(node, dict) else []
            self.budget -= 1
        if isinstance(node, list):
            return [self._resolve_schema(item, location, context, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            if ref in stack:
                return {"$ref": f"#/$defs/{context.def_name(ref)}"}
            try:
                target = self._pointer(ref, location)
            except _RemoteRef:
                self.warnings.append(ScanWarning(self.source, f"remote $ref {ref!r} is not fetched"))
                return {}
            resolved = self._resolve_schema(target, location, context, [*stack, ref])
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if siblings and isinstance(resolved, dict):
                resolved = {**resolved, **self._resolve_schema(siblings, location, context, stack)}
            return resolved
        out = {}
        for key, value in node.items():
            # Keys naming properties, not keywords, must not be mistaken for schemas keywords.
            if key in (
                "properties",
                "patternProperties",
                "$defs",
                "definitions",
                "dependentSchemas",
            ) and isinstance(value, dict):
                out[key] = {k: self._resolve_schema(v, location, context, stack) for k, v in value.items()}
            elif key in ("enum", "const", "default", "example", "examples", "required"):
                out[key] = value
            else:
                out[key] = self._resolve_schema(value, location, context, stack)
        if out.pop("nullable", False) is True or out.pop("x-nullable", False) is True:
            if isinstance(out.get("type"), str):
                out["type"] = [out["type"], "null"]
                if isinstance(out.get("enum"), list) and None not in out["enum"]:
                    out["enum"] = [*out["enum"], None]
            elif "type" not in out:
                out = {"anyOf": [out, {"type": "null"}]} if out else out
        return out


class _RemoteRef(Exception):
    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


class _SchemaContext:
    def __init__(self) -> None:
        self.defs_wanted: dict[str, str] = {}  # ref -> def name

    def def_name(self, ref: str) -> str:
        if ref not in self.defs_wanted:
            base = (
                re.sub(r"[^\w.-]", "_", ref.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~"))
                or "schema"
            )
            name, number = base, 2
            while name in self.defs_wanted.values():
                name, number = f"{base}{number}", number + 1
            self.defs_wanted[ref] = name
        return self.defs_wanted[ref]


def _json_media_type(content: dict[str, Any]) -> str | None:
    for media_type in content:
        if media_type.split(";", 1)[0].strip() == "application/json":
            return media_type
    for media_type in content:
        base = media_type.split(";", 1)[0].strip()
        if base.endswith("+json") or base in ("*/*", "application/*", "text/json"):
            return media_type
    return None
