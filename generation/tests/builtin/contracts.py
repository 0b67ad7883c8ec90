"""A realistic set of endpoint contracts: users CRUD, a login, a search, an admin delete."""

from __future__ import annotations

from typing import Any

USER = {
    "type": "object",
    "required": ["id", "email", "name", "role", "created_at"],
    "properties": {
        "id": {"type": "integer", "minimum": 1},
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "age": {"type": "integer", "minimum": 13, "maximum": 130},
        "role": {"type": "string", "enum": ["member", "editor", "admin"]},
        "is_admin": {"type": "boolean"},
        "created_at": {"type": "string", "format": "date-time"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 5},
        "address": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "minLength": 2, "maxLength": 50},
                "zip": {"type": "string", "pattern": "^[0-9]{5}$"},
            },
            "required": ["city"],
        },
    },
}
USER_INPUT = {
    "type": "object",
    "required": ["email", "name"],
    "additionalProperties": False,
    "properties": {
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "age": {"type": "integer", "minimum": 13, "maximum": 130},
        "website": {"type": "string", "format": "uri"},
        "external_id": {"type": "string", "format": "uuid"},
        "tags": {"type": "array", "items": {"type": "string", "maxLength": 20}, "maxItems": 5},
        "address": USER["properties"]["address"],
    },
}
USER_ID = {
    "name": "id",
    "location": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
    "description": "The user's id",
}


def endpoint(method: str, path: str, **fields: Any) -> dict[str, Any]:
    return {
        "method": method,
        "path": path,
        "parameters": [],
        "request_body": None,
        "responses": {},
        "auth_required": None,
        "summary": "",
        "operation_id": "",
        "tags": [],
        **fields,
    }


CONTRACTS: list[dict[str, Any]] = [
    endpoint(
        "POST",
        "/auth/login",
        auth_required=False,
        summary="Log in",
        request_body={
            "type": "object",
            "required": ["email", "password"],
            "properties": {
                "email": {"type": "string", "format": "email"},
                "password": {"type": "string", "minLength": 8, "maxLength": 128},
            },
        },
        responses={
            "200": {
                "description": "Tokens",
                "schema": {
                    "type": "object",
                    "required": ["access", "refresh"],
                    "properties": {"access": {"type": "string"}, "refresh": {"type": "string"}},
                },
            },
            "401": {"description": "Bad credentials", "schema": {}},
        },
    ),
    endpoint(
        "GET",
        "/users",
        auth_required=True,
        parameters=[
            {
                "name": "page",
                "location": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1},
                "description": "",
            }
        ],
        responses={"200": {"description": "Users", "schema": {"type": "array", "items": USER}}},
    ),
    endpoint(
        "POST",
        "/users",
        auth_required=True,
        request_body=USER_INPUT,
        responses={"201": {"description": "Created", "schema": USER}},
    ),
    endpoint(
        "GET",
        "/users/{id}",
        auth_required=True,
        parameters=[USER_ID],
        responses={"200": {"description": "A user", "schema": USER}, "404": {"description": "No such user"}},
    ),
    endpoint(
        "PUT",
        "/users/{id}",
        auth_required=True,
        parameters=[USER_ID],
        request_body=USER_INPUT,
        responses={"200": {"description": "Replaced", "schema": USER}},
    ),
    endpoint(
        "PATCH",
        "/users/{id}",
        auth_required=True,
        parameters=[USER_ID],
        request_body={**USER_INPUT, "required": []},
        responses={"200": {"description": "Updated", "schema": USER}},
    ),
    endpoint(
        "DELETE",
        "/users/{id}",
        auth_required=True,
        parameters=[USER_ID],
        responses={"204": {"description": "Deleted"}},
    ),
    endpoint(
        "GET",
        "/search",
        auth_required=False,
        parameters=[
            {
                "name": "q",
                "location": "query",
                "required": True,
                "schema": {"type": "string", "minLength": 2, "maxLength": 100},
                "description": "Search text",
            },
            {
                "name": "sort",
                "location": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["relevance", "newest", "oldest"]},
                "description": "",
            },
            {
                "name": "limit",
                "location": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                "description": "",
            },
        ],
        responses={
            "200": {
                "description": "Results",
                "schema": {
                    "type": "object",
                    "required": ["results"],
                    "properties": {
                        "results": {"type": "array", "items": {"type": "object"}},
                        "total": {"type": "integer"},
                    },
                },
            }
        },
    ),
    endpoint(
        "DELETE",
        "/admin/users/{id}",
        auth_required=True,
        auth="IsAdminUser",
        parameters=[USER_ID],
        responses={"204": {"description": "Deleted"}},
    ),
]
