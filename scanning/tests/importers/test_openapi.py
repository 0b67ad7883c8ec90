from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanning.importers import SpecImportError, import_spec
from scanning.scanners.base import join_paths

PETSTORE_V3 = """
openapi: 3.0.3
info: {title: Pets, version: "1.2"}
servers:
  - url: "https://api.example.com/{base}"
    variables: {base: {default: v1}}
security: [{bearer: []}]
paths:
  /pets:
    get:
      operationId: listPets
      summary: List pets
      tags: [pets]
      security: []
      parameters:
        - {name: limit, in: query, schema: {type: integer, maximum: 100}}
      responses:
        "200":
          description: the pets
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/Pet"}}
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/NewPet"}
      responses:
        "201": {description: created}
  /pets/{petId}:
    parameters:
      - $ref: "#/components/parameters/PetId"
      - {name: verbose, in: query, schema: {type: boolean}}
    get:
      parameters:
        - {name: verbose, in: query, required: true, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
        - {name: session, in: cookie, required: true, schema: {type: string}}
      responses:
        "200":
          description: one pet
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Pet"}
        404: {$ref: "#/components/responses/NotFound"}
    delete:
      security: [{}]
      responses: {"204": {description: gone}}
components:
  parameters:
    PetId: {name: petId, in: path, required: true, schema: {type: integer, format: int64}}
  responses:
    NotFound: {description: missing}
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: {type: string, minLength: 1}
        tag: {type: string, nullable: true}
    Pet:
      allOf:
        - $ref: "#/components/schemas/NewPet"
        - type: object
          properties:
            id: {type: integer}
            parent: {$ref: "#/components/schemas/Pet"}
"""

PETSTORE_V2 = {
    "swagger": "2.0",
    "info": {"title": "Legacy", "version": "0.9"},
    "basePath": "/api",
    "securityDefinitions": {"key": {"type": "apiKey", "name": "X-Key", "in": "header"}},
    "security": [{"key": []}],
    "paths": {
        "/users/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": True, "type": "integer"}],
            "put": {
                "parameters": [
                    {"name": "body", "in": "body", "schema": {"$ref": "#/definitions/User"}},
                    {"name": "tags", "in": "query", "type": "array", "items": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/User"}}},
            },
        },
        "/upload": {
            "post": {
                "consumes": ["multipart/form-data"],
                "parameters": [
                    {"name": "file", "in": "formData", "type": "file", "required": True},
                    {"name": "note", "in": "formData", "type": "string"},
                ],
                "responses": {"204": {"description": "stored"}},
            }
        },
    },
    "definitions": {
        "User": {
            "type": "object",
            "required": ["email"],
            "properties": {
                "email": {"type": "string", "format": "email"},
                "nick": {"type": "string", "x-nullable": True},
            },
        }
    },
}


def _by_key(result):
    return {e.key: e for e in result.endpoints}


def _params(endpoint) -> dict[tuple[str, str], tuple[bool, dict[str, Any]]]:
    return {(p.location, p.name): (p.required, p.schema) for p in endpoint.parameters}


def test_it_imports_every_operation_under_the_server_path():
    result = import_spec(PETSTORE_V3, source_name="pets.yaml")
    assert set(_by_key(result)) == {
        ("GET", "/v1/pets"),
        ("POST", "/v1/pets"),
        ("GET", "/v1/pets/{petId}"),
        ("DELETE", "/v1/pets/{petId}"),
    }
    assert (result.title, result.version, result.warnings) == ("Pets", "1.2", [])
    assert {(e.framework, e.file, e.line) for e in result.endpoints} == {("openapi", "pets.yaml", 0)}


def test_path_level_parameters_merge_and_the_operation_wins():
    endpoint = _by_key(import_spec(PETSTORE_V3))[("GET", "/v1/pets/{petId}")]
    assert _params(endpoint) == {
        ("path", "petId"): (True, {"type": "integer", "format": "int64"}),
        ("query", "verbose"): (True, {"type": "string"}),
        ("header", "X-Trace"): (False, {"type": "string"}),
        ("cookie", "session"): (True, {"type": "string"}),
    }


def test_refs_resolve_and_a_recursive_schema_becomes_a_defs_reference():
    found = _by_key(import_spec(PETSTORE_V3))
    assert found[("POST", "/v1/pets")].request_body == {
        "type": "object",
        "required": ["name"],
        "properties": {"name": {"type": "string", "minLength": 1}, "tag": {"type": ["string", "null"]}},
    }
    pet = found[("GET", "/v1/pets/{petId}")].responses["200"]["schema"]
    assert pet["allOf"][1]["properties"]["parent"] == {"$ref": "#/$defs/Pet"}
    assert pet["$defs"]["Pet"]["allOf"][0]["required"] == ["name"]
    assert found[("GET", "/v1/pets/{petId}")].responses["404"] == {"description": "missing"}


def test_operation_security_overrides_the_global_one():
    found = _by_key(import_spec(PETSTORE_V3))
    assert (found[("POST", "/v1/pets")].auth_required, found[("POST", "/v1/pets")].auth) == (True, "bearer")
    assert found[("GET", "/v1/pets")].auth_required is False
    assert found[("DELETE", "/v1/pets/{petId}")].auth_required is False


def test_operation_metadata_is_kept():
    listing = _by_key(import_spec(PETSTORE_V3))[("GET", "/v1/pets")]
    assert (listing.operation_id, listing.summary, listing.tags) == ("listPets", "List pets", ["pets"])
    assert listing.responses["200"]["schema"]["type"] == "array"


def test_swagger_2_body_formdata_basepath_and_inline_parameter_types():
    result = import_spec(json.dumps(PETSTORE_V2))
    found = _by_key(result)
    assert set(found) == {("PUT", "/api/users/{id}"), ("POST", "/api/upload")}
    put = found[("PUT", "/api/users/{id}")]
    assert _params(put) == {
        ("path", "id"): (True, {"type": "integer"}),
        ("query", "tags"): (False, {"type": "array", "items": {"type": "string"}}),
    }
    assert put.request_body["properties"]["nick"] == {"type": ["string", "null"]}
    assert put.responses["200"]["schema"]["required"] == ["email"]
    assert (put.auth_required, put.auth) == (True, "key")
    assert found[("POST", "/api/upload")].request_body == {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
    }


def test_bytes_and_a_relative_server_url_are_accepted():
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "/base/"}],
        "paths": {"/x": {"get": {"responses": {"200": {"description": "ok"}}}}},
    }
    result = import_spec(json.dumps(doc).encode())
    assert [e.key for e in result.endpoints] == [("GET", "/base/x")]


def test_a_remote_ref_is_a_warning_and_never_fetched():
    doc = {
        "openapi": "3.0.0",
        "info": {},
        "paths": {
            "/x": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "https://example.com/s.json"}}
                            },
                        }
                    }
                }
            }
        },
    }
    result = import_spec(json.dumps(doc))
    assert result.endpoints[0].responses["200"]["schema"] == {}
    assert "remote $ref" in result.warnings[0].message


@pytest.mark.parametrize(
    ("text", "message", "location"),
    [
        ("openapi: 3.0.0\ninfo: {title: x\npaths: {}\n", "invalid YAML", "line 3, column 6"),
        ('{"openapi": "3.0.0",, }', "invalid JSON", "line 1, column 21"),
        ("openapi: 3.0.0\ninfo: {title: x}\n", "no `paths`", "paths"),
        ("openapi: 4.0.0\npaths: {}\n", "unsupported OpenAPI version", "openapi"),
        ("swagger: '1.2'\npaths: {}\n", "unsupported Swagger version", "swagger"),
        ("info: {title: x}\npaths: {}\n", "neither", ""),
        ("- a\n- b\n", "not a mapping", ""),
        (
            "openapi: 3.0.0\npaths:\n  /u:\n    get:\n      responses:\n        '200':\n"
            "          description: x\n          content:\n            application/json:\n"
            "              schema: {$ref: '#/components/schemas/Nope'}\n",
            "points to nothing",
            "paths./u.get.responses.200.content.application/json.schema",
        ),
        (
            "openapi: 3.0.0\npaths:\n  /u:\n    get:\n      responses: [1]\n",
            "not a mapping",
            "paths./u.get.responses",
        ),
        ("openapi: 3.0.0\npaths:\n  u: {}\n", "must start with '/'", "paths.u"),
        (
            "openapi: 3.0.0\npaths:\n  /u:\n    get:\n      parameters: [{in: query}]\n",
            "needs `name`",
            "paths./u.get.parameters.0",
        ),
    ],
)
def test_malformed_documents_raise_with_a_location(text, message, location):
    with pytest.raises(SpecImportError) as caught:
        import_spec(text)
    assert message in caught.value.message
    assert caught.value.location == location


# --- Property 8: generated documents import to exactly their operations -----------------------

_NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
_scalar = st.one_of(
    st.just({"type": "string"}),
    st.builds(lambda n: {"type": "string", "maxLength": n}, st.integers(1, 50)),
    st.just({"type": "string", "format": "uuid"}),
    st.builds(lambda lo: {"type": "integer", "minimum": lo}, st.integers(-5, 5)),
    st.just({"type": "number"}),
    st.just({"type": "boolean"}),
    st.builds(lambda v: {"type": "string", "enum": sorted(v)}, st.sets(_NAMES, min_size=1, max_size=3)),
)


@st.composite
def _objects(draw, children):
    properties = draw(st.dictionaries(_NAMES, children, min_size=1, max_size=4))
    required = sorted(draw(st.sets(st.sampled_from(sorted(properties)))))
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


_schemas = st.recursive(
    _scalar,
    lambda children: st.one_of(
        st.builds(lambda s: {"type": "array", "items": s}, children), _objects(children)
    ),
    max_leaves=6,
)
_segments = st.lists(
    st.one_of(st.sampled_from(["users", "orders", "items", "v2", "me"]), st.none()), min_size=1, max_size=4
)


@st.composite
def api_models(draw) -> dict[str, Any]:
    """A small API: components, a server prefix, operations with parameters and bodies."""
    components = draw(
        st.dictionaries(st.sampled_from(["User", "Order", "Item", "Error"]), _schemas, max_size=3)
    )
    prefix = draw(st.sampled_from(["", "/api", "/api/v3"]))
    paths: dict[str, dict[str, Any]] = {}
    for raw in draw(st.lists(_segments, min_size=1, max_size=5)):
        template = "/" + "/".join(s if s else f"{{p{i}}}" for i, s in enumerate(raw))
        if template in paths:
            continue
        path_params = {
            name: draw(st.sampled_from([{"type": "integer"}, {"type": "string"}]))
            for name in [f"p{i}" for i, s in enumerate(raw) if s is None]
        }
        operations = {}
        for method in draw(st.sets(st.sampled_from(["get", "post", "put", "patch", "delete"]), min_size=1)):
            params = {}
            for location in ("query", "header", "cookie"):
                for name in draw(st.sets(_NAMES, max_size=2)):
                    params[(name, location)] = (draw(st.booleans()), draw(_scalar))
            body = None
            if method in ("post", "put", "patch") and draw(st.booleans()):
                body = draw(
                    st.one_of(_schemas, st.sampled_from(sorted(components)) if components else _schemas)
                )
            response = draw(st.one_of(st.none(), _schemas))
            secured = draw(st.sampled_from([None, True, False]))
            operations[method] = {
                "params": params,
                "body": body,
                "response": response,
                "secured": secured,
                "shared_path_params": draw(st.booleans()),
            }
        paths[template] = {"path_params": path_params, "operations": operations}
    return {"components": components, "prefix": prefix, "paths": paths, "global_secured": draw(st.booleans())}


def _schema_or_ref(model, value, ref_base):
    return {"$ref": f"{ref_base}{value}"} if isinstance(value, str) else value


def render_openapi3(model) -> dict[str, Any]:
    paths = {}
    for template, item in model["paths"].items():
        rendered: dict[str, Any] = {}
        shared = [
            {"name": n, "in": "path", "required": True, "schema": s} for n, s in item["path_params"].items()
        ]
        for method, op in item["operations"].items():
            parameters = [] if op["shared_path_params"] else list(shared)
            parameters += [
                {"name": n, "in": loc, "required": req, "schema": s}
                for (n, loc), (req, s) in op["params"].items()
            ]
            operation: dict[str, Any] = {
                "parameters": parameters,
                "responses": {"200": {"description": "ok"}},
            }
            if op["response"] is not None:
                operation["responses"]["200"]["content"] = {"application/json": {"schema": op["response"]}}
            if op["body"] is not None:
                schema = _schema_or_ref(model, op["body"], "#/components/schemas/")
                operation["requestBody"] = {"content": {"application/json": {"schema": schema}}}
            if op["secured"] is not None:
                operation["security"] = [{"bearer": []}] if op["secured"] else []
            rendered[method] = operation
        if any(op["shared_path_params"] for op in item["operations"].values()) and shared:
            rendered["parameters"] = shared
        paths[template] = rendered
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "gen", "version": "1"},
        "paths": paths,
        "components": {
            "schemas": model["components"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
    if model["prefix"]:
        doc["servers"] = [{"url": "https://example.com" + model["prefix"]}]
    if model["global_secured"]:
        doc["security"] = [{"bearer": []}]
    return doc


def render_swagger2(model) -> dict[str, Any]:
    paths = {}
    for template, item in model["paths"].items():
        rendered: dict[str, Any] = {}
        shared = [{"name": n, "in": "path", "required": True, **s} for n, s in item["path_params"].items()]
        for method, op in item["operations"].items():
            parameters = [] if op["shared_path_params"] else list(shared)
            parameters += [
                {"name": n, "in": loc, "required": req, **s}
                for (n, loc), (req, s) in op["params"].items()
                if loc != "cookie"
            ]
            if op["body"] is not None:
                parameters.append(
                    {
                        "name": "payload",
                        "in": "body",
                        "schema": _schema_or_ref(model, op["body"], "#/definitions/"),
                    }
                )
            response: dict[str, Any] = {"description": "ok"}
            if op["response"] is not None:
                response["schema"] = op["response"]
            operation: dict[str, Any] = {"parameters": parameters, "responses": {"200": response}}
            if op["secured"] is not None:
                operation["security"] = [{"bearer": []}] if op["secured"] else []
            rendered[method] = operation
        if any(op["shared_path_params"] for op in item["operations"].values()) and shared:
            rendered["parameters"] = shared
        paths[template] = rendered
    doc = {
        "swagger": "2.0",
        "info": {"title": "gen", "version": "1"},
        "paths": paths,
        "definitions": model["components"],
        "securityDefinitions": {"bearer": {"type": "apiKey", "name": "Authorization", "in": "header"}},
    }
    if model["prefix"]:
        doc["basePath"] = model["prefix"]
    if model["global_secured"]:
        doc["security"] = [{"bearer": []}]
    return doc


def expected_operations(model, *, with_cookies: bool) -> dict[tuple[str, str], dict[str, Any]]:
    expected = {}
    for template, item in model["paths"].items():
        for method, op in item["operations"].items():
            params = {("path", n): (True, s) for n, s in item["path_params"].items()}
            params.update(
                {
                    (loc, n): (req, s)
                    for (n, loc), (req, s) in op["params"].items()
                    if with_cookies or loc != "cookie"
                }
            )
            body = op["body"]
            if isinstance(body, str):
                body = model["components"][body]
            secured = op["secured"] if op["secured"] is not None else model["global_secured"]
            expected[(method.upper(), join_paths(model["prefix"], template))] = {
                "params": params,
                "body": body,
                "response": op["response"],
                "auth": secured,
            }
    return expected


def _imported(result) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        e.key: {
            "params": _params(e),
            "body": e.request_body,
            "response": e.responses["200"].get("schema"),
            "auth": e.auth_required,
        }
        for e in result.endpoints
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(api_models(), st.booleans())
def test_a_generated_openapi_3_document_imports_to_exactly_its_operations(model, as_yaml):
    doc = render_openapi3(model)
    text = yaml.safe_dump(doc) if as_yaml else json.dumps(doc)
    result = import_spec(text)
    assert result.warnings == []
    assert _imported(result) == expected_operations(model, with_cookies=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(api_models())
def test_the_swagger_2_rendering_imports_to_the_same_operations(model):
    result = import_spec(json.dumps(render_swagger2(model)))
    assert result.warnings == []
    assert _imported(result) == expected_operations(model, with_cookies=False)


def test_a_non_mapping_schema_is_rejected_with_its_location():
    doc = {
        "openapi": "3.0.0",
        "paths": {"/x": {"get": {"parameters": [{"name": "a", "in": "query", "schema": [1]}]}}},
    }
    with pytest.raises(SpecImportError) as caught:
        import_spec(json.dumps(doc))
    assert caught.value.location == "paths./x.get.parameters.0.schema"


_KEYS = st.sampled_from(
    [
        "openapi",
        "paths",
        "info",
        "servers",
        "url",
        "get",
        "post",
        "parameters",
        "name",
        "in",
        "schema",
        "required",
        "responses",
        "200",
        "content",
        "application/json",
        "$ref",
        "#/components/schemas/A",
        "security",
        "tags",
        "requestBody",
        "basePath",
        "/x",
        "path",
        "query",
        "body",
        "formData",
        "type",
        "items",
        "properties",
    ]
)
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-3, 300), _KEYS, st.text(max_size=4))
_VALUES = st.recursive(
    _LEAVES,
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(_KEYS, c, max_size=4)),
    max_leaves=20,
)
_OPERATIONS = st.fixed_dictionaries(
    {},
    optional={
        "parameters": st.one_of(
            _VALUES,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "name": _LEAVES,
                        "in": st.sampled_from(["path", "query", "body", "formData", "header", "x"]),
                    },
                    optional={"schema": _VALUES, "required": _LEAVES, "type": _LEAVES, "items": _VALUES},
                ),
                max_size=3,
            ),
        ),
        "responses": st.one_of(
            _VALUES, st.dictionaries(st.sampled_from(["200", "default", "x-a", "abc"]), _VALUES)
        ),
        "requestBody": st.one_of(
            _VALUES,
            st.fixed_dictionaries(
                {
                    "content": st.dictionaries(
                        st.sampled_from(["application/json", "*/*"]),
                        st.one_of(_VALUES, st.fixed_dictionaries({"schema": _VALUES})),
                    )
                }
            ),
        ),
        "security": _VALUES,
        "tags": _VALUES,
        "servers": _VALUES,
        "operationId": _LEAVES,
    },
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([{"openapi": "3.0.0"}, {"openapi": "3.1.0"}, {"swagger": "2.0"}]),
    st.dictionaries(
        st.sampled_from(["/x", "/y/{id}"]),
        st.dictionaries(
            st.sampled_from(["get", "post", "parameters", "servers", "$ref"]),
            st.one_of(_OPERATIONS, _VALUES),
            max_size=3,
        ),
    ),
    _VALUES,
)
def test_arbitrary_documents_import_or_raise_spec_import_error(version, paths, schema):
    doc = {**version, "paths": paths, "components": {"schemas": {"A": schema}}, "definitions": {"A": schema}}
    try:
        result = import_spec(json.dumps(doc))
    except SpecImportError as error:
        assert isinstance(error.location, str)
    else:
        assert all(isinstance(p.schema, dict) for e in result.endpoints for p in e.parameters)


def test_yaml_dates_and_numeric_keys_become_json_values():
    text = (
        "openapi: 3.0.0\npaths:\n  /x:\n    get:\n      parameters:\n"
        "        - {name: since, in: query, schema: {type: string, format: date, default: 2024-01-31}}\n"
        "      responses:\n        200: {description: ok}\n"
    )
    endpoint = import_spec(text).endpoints[0]
    assert endpoint.parameters[0].schema["default"] == "2024-01-31"
    json.dumps(endpoint.to_dict(), allow_nan=False)


def test_a_self_referencing_yaml_alias_is_rejected():
    with pytest.raises(SpecImportError) as caught:
        import_spec("openapi: 3.0.0\npaths: &p\n  /x: *p\n")
    assert "refers to itself" in caught.value.message


def test_an_alias_bomb_is_truncated_with_a_warning_instead_of_expanded(monkeypatch):
    from scanning.importers import openapi

    monkeypatch.setattr(openapi, "_MAX_SCHEMA_NODES", 5_000)
    levels = ["a0: &a0 {type: string}"]
    for i in range(1, 30):
        levels.append(f"a{i}: &a{i} {{allOf: [*a{i - 1}, *a{i - 1}]}}")
    text = (
        "openapi: 3.0.0\ncomponents:\n  schemas:\n"
        + "".join(f"    {line}\n" for line in levels)
        + "paths:\n  /x:\n    post:\n      requestBody:\n        content:\n"
        "          application/json:\n            schema: {$ref: '#/components/schemas/a29'}\n"
        "      responses: {'200': {description: ok}}\n"
    )
    result = import_spec(text)
    assert [e.key for e in result.endpoints] == [("POST", "/x")]
    assert "more than 5000 nodes" in result.warnings[0].message
