from __future__ import annotations

from pathlib import Path

from scanning.scanners.base import DiscoveredEndpoint
from scanning.scanners.nestjs import NestJSScanner
from scanning.tests.scanners.fixtures_js import (
    NEST_APP,
    NEST_ENDPOINTS,
    by_key,
    keys,
    params,
    scan_files,
    scan_repo,
    write_repo,
)

SCANNER = NestJSScanner()
USERS = "/api/v1/users"


def nest() -> dict[tuple[str, str], DiscoveredEndpoint]:
    return by_key(scan_files(SCANNER, NEST_APP)[0])


def test_it_finds_exactly_the_controller_endpoints_under_prefix_and_version(tmp_path: Path) -> None:
    endpoints, _, detected = scan_repo(SCANNER, write_repo(tmp_path, NEST_APP))
    assert detected
    assert keys(endpoints) == NEST_ENDPOINTS


def test_query_dto_fields_and_named_queries_are_parameters() -> None:
    listing = nest()[("GET", USERS)]
    assert params(listing) == [
        ("query", "page", False, {"type": "integer", "minimum": 1}),
        ("query", "q", True, {"type": "string"}),
        ("query", "sort", False, {"type": "string"}),
    ]
    assert (listing.handler, listing.file, listing.line) == (
        "UsersController.findAll", "src/users/users.controller.ts", 10)


def test_a_parse_pipe_types_the_path_parameter_and_the_return_type_the_response() -> None:
    one = nest()[("GET", USERS + "/{id}")]
    assert params(one) == [("path", "id", True, {"type": "integer"})]
    assert one.responses == {"200": {"description": "", "schema": {
        "type": "object",
        "properties": {"id": {"type": "number"}, "name": {"type": "string"},
                       "role": {"type": "string", "enum": ["admin", "member"]}},
        "required": ["id", "name"],
    }}}


def test_body_dto_with_class_validator_becomes_json_schema() -> None:
    created = nest()[("POST", USERS)]
    assert created.request_body == {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 2, "maxLength": 40},
            "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": ["admin", "member"]},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["name", "email"],
    }
    assert created.responses == {"201": {"description": ""}}


def test_guards_and_public_tell_auth() -> None:
    endpoints = nest()
    assert (endpoints[("POST", USERS)].auth_required, endpoints[("POST", USERS)].auth) == (
        True, "@UseGuards(AuthGuard('jwt'))")
    assert endpoints[("DELETE", USERS + "/{id}")].auth == "@UseGuards(JwtAuthGuard)"
    assert endpoints[("DELETE", USERS + "/{id}")].responses == {"204": {"description": ""}}
    assert endpoints[("GET", "/api/health")].auth_required is False
    assert endpoints[("GET", USERS)].auth_required is None


def test_a_broken_method_is_skipped_with_a_warning() -> None:
    endpoints, warnings = scan_files(SCANNER, NEST_APP)
    assert ("GET", "/api/reports/weekly") not in keys(endpoints)
    assert [(w.file, w.line) for w in warnings] == [("src/reports.controller.ts", 9)]
