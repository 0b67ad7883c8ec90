"""The built-in, schema-driven test generator: offline, deterministic for a given seed.

`generate(contract, seed=..., related=...)` turns one endpoint contract into test drafts
``{"title", "description", "type", "spec"}`` whose specs all validate against
`generation.spec`. `related` holds the project's other endpoints, so tests on an item path
(``/users/{id}``) can first create the resource through the collection's POST and
capture its id, and the collection's POST gets a full CRUD lifecycle scenario.

Every value comes from ``random.Random`` seeded with (seed, endpoint), so the same inputs
always give the same drafts, independently of the other endpoints in the call.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from generation.builtin.contract import EndpointContract
from generation.builtin.examples import (
    UnsatisfiableSchema,
    build_example,
    resolve,
    schema_type,
    text_of_length,
)
from generation.spec import SPEC_VERSION

# The test types of `generation.models.TestCase.Type`, in the order a `max_tests` cut favours.
FUNCTIONAL = "functional"
NEGATIVE = "negative"
EDGE_CASE = "edge_case"
SECURITY = "security"
PERFORMANCE = "performance"
SCENARIO = "scenario"
TEST_TYPES = (FUNCTIONAL, SECURITY, NEGATIVE, SCENARIO, PERFORMANCE, EDGE_CASE)

INVALID_INPUT = [400, 422]
UNAUTHORIZED = [401, 403]
FORBIDDEN_OR_HIDDEN = [403, 404]
# A body past what API gateways and body parsers commonly accept (Express's 100 kB default);
# kept modest because the spec stores it literally.
OVERSIZED_BODY_CHARS = 256 * 1024
MAX_FIELDS_PER_KIND = 5
MAX_ENUM_MEMBERS = 4
MAX_INJECTION_TARGETS = 3
READ_ONLY_NAMES = {
    "id",
    "uuid",
    "pk",
    "is_admin",
    "isadmin",
    "admin",
    "is_staff",
    "is_superuser",
    "role",
    "roles",
    "owner",
    "owner_id",
    "ownerid",
    "user_id",
    "userid",
    "created_at",
    "createdat",
    "updated_at",
    "updatedat",
    "permissions",
    "verified",
    "is_verified",
    "email_verified",
    "balance",
    "credits",
}

# One payload per category is chosen with the seed; evidence strings reveal a successful attack.
INJECTION_PAYLOADS: dict[str, dict[str, Any]] = {
    "sql": {
        "label": "SQL injection",
        "payloads": ["' OR '1'='1' --", "1; DROP TABLE users; --", "' UNION SELECT NULL, NULL --"],
        "evidence": ["SQL syntax", "SQLSTATE", "syntax error at or near"],
    },
    "nosql": {
        "label": "NoSQL injection",
        "payloads": ['{"$gt": ""}', '{"$ne": null}', "'; return true; var x='"],
        "evidence": ["MongoError", "CastError"],
    },
    "command": {
        "label": "command injection",
        "payloads": ["; cat /etc/passwd", "| id", "$(sleep 0) && cat /etc/passwd"],
        "evidence": ["root:x:0:0", "uid=0("],
    },
    "path_traversal": {
        "label": "path traversal",
        "payloads": ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "....//....//etc/passwd"],
        "evidence": ["root:x:0:0"],
    },
    "xss": {
        "label": "cross-site scripting",
        "payloads": ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "<svg onload=alert(1)>"],
        "evidence": [],
    },
}


def generate(
    contract: Any,
    *,
    seed: int = 0,
    related: Iterable[Any] = (),
    test_types: Sequence[str] | None = None,
    max_tests: int | None = None,
) -> list[dict[str, Any]]:
    """Drafts for one endpoint, interleaved by type so a `max_tests` cut keeps every type."""
    ctx = _Context.create(EndpointContract.of(contract), seed, [EndpointContract.of(r) for r in related])
    # Everything is built, then filtered, so the seeded choices do not depend on the filter.
    built = [*_functional(ctx), *_security(ctx), *_scenario(ctx), *_performance(ctx)]
    wanted = [t for t in TEST_TYPES if test_types is None or t in test_types]
    per_type = [[d for d in built if d["type"] == t] for t in wanted]
    drafts: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index in range(max((len(group) for group in per_type), default=0)):
        for group in per_type:
            if index < len(group) and group[index]["title"] not in seen:
                seen.add(group[index]["title"])
                drafts.append(group[index])
    return drafts[:max_tests] if max_tests is not None else drafts


# --- Context: the endpoint, its neighbours and the seeded choices ----------------------


@dataclass
class _Context:
    contract: EndpointContract
    seed: int
    rng: random.Random
    related: list[EndpointContract]
    creator: EndpointContract | None

    @classmethod
    def create(cls, contract: EndpointContract, seed: int, related: list[EndpointContract]) -> _Context:
        creator = None
        if contract.is_item_path and contract.collection_path:
            creator = next(
                (r for r in related if r.method == "POST" and r.path == contract.collection_path), None
            )
        return cls(contract, seed, random.Random(f"{seed}:{contract.key}"), related, creator)

    @property
    def label(self) -> str:
        return f"{self.contract.method} {self.contract.path}"

    def success(self, contract: EndpointContract | None = None) -> int | str:
        contract = contract or self.contract
        return contract.success_status if contract.success_status is not None else "2xx"

    def body(self, contract: EndpointContract | None = None) -> Any:
        contract = contract or self.contract
        if contract.request_body is None:
            return None
        return _example(contract.request_body, self.rng, contract.request_body)

    def path_values(self, contract: EndpointContract) -> dict[str, Any]:
        """Example path values, the same for a name across endpoints so parents line up."""
        declared = {p["name"]: p.get("schema") or {} for p in contract.params("path")}
        values: dict[str, Any] = {}
        for name in contract.path_param_names:
            schema = declared.get(name) or (
                {"type": "integer", "minimum": 1, "maximum": 10**6}
                if _looks_numeric_id(name)
                else {"type": "string", "pattern": "^[a-z0-9]{6,12}$"}
            )
            value = _example(schema, random.Random(f"{self.seed}:path:{name}"), schema)
            values[name] = value if isinstance(value, (str, int, float, bool)) else json.dumps(value)
        return values

    def request(
        self,
        contract: EndpointContract | None = None,
        *,
        body: Any = ...,
        auth: Any = "default",
        query: dict[str, Any] | None = None,
        path_params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        contract = contract or self.contract
        request: dict[str, Any] = {"method": contract.method, "path": contract.path}
        params = self.path_values(contract)
        params.update(path_params or {})
        if params:
            request["path_params"] = params
        query_values = self.query(contract) if query is None else query
        if query_values:
            request["query"] = query_values
        header_values = {**self.headers(contract), **(headers or {})}
        if header_values:
            request["headers"] = header_values
        body = self.body(contract) if body is ... else body
        if body is not None:
            request["body"] = body
        request["auth"] = auth
        return request

    def query(self, contract: EndpointContract) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for parameter in contract.params("query"):
            if parameter["required"]:
                values[parameter["name"]] = _query_value(
                    _example(parameter["schema"], self.rng, parameter["schema"])
                )
        return values

    def headers(self, contract: EndpointContract) -> dict[str, str]:
        values: dict[str, str] = {}
        for parameter in contract.params("header"):
            if parameter["required"] and parameter["name"].lower() not in ("authorization", "content-type"):
                value = _example(parameter["schema"], self.rng, parameter["schema"])
                values[parameter["name"]] = value if isinstance(value, str) else json.dumps(value)
        return values

    # Item endpoints first create what they address, when the collection's POST is known.

    def setup_steps(self) -> list[dict[str, Any]]:
        if self.creator is None:
            return []
        name = self.contract.path_param_names[-1]
        return [
            {
                "name": f"create the {_resource_name(self.creator.path)} under test",
                "request": self.request(self.creator),
                "assertions": [{"type": "status", "expected": self.success(self.creator)}],
                "capture": {"resource_id": {"from": "json_path", "path": id_path(self.creator, name)}},
            }
        ]

    def item_params(self) -> dict[str, Any]:
        if self.creator is None:
            return {}
        return {self.contract.path_param_names[-1]: "{{resource_id}}"}


def _looks_numeric_id(name: str) -> bool:
    return name.lower() in ("id", "pk") or name.lower().endswith("_id") or name.endswith("Id")


def _example(schema: Any, rng: random.Random, root: Any) -> Any:
    try:
        return build_example(schema, rng, root=root)
    except UnsatisfiableSchema:
        return None


def _query_value(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, list) and all(isinstance(v, (str, int, float, bool)) for v in value):
        return value
    return json.dumps(value)


def _resource_name(path: str) -> str:
    """`/users` -> `user`: a readable name for descriptions."""
    segments = [s for s in path.split("/") if s and not s.startswith("{")]
    name = segments[-1] if segments else "resource"
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def id_path(creator: EndpointContract, param_name: str) -> str:
    """Where the created resource's id sits in the creator's response."""
    props = creator.success_properties
    for candidate in ("id", param_name, "uuid", "pk"):
        if candidate in props:
            return f"$.{candidate}"
    for name in props:
        if name.lower().endswith("id"):
            return f"$.{name}"
    return "$.id"


def _draft(
    ctx: _Context,
    kind: str,
    title: str,
    description: str,
    steps: list[dict[str, Any]],
    load: dict[str, Any] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"version": SPEC_VERSION, "steps": steps}
    if load is not None:
        spec["load"] = load
    return {"title": f"{ctx.label}: {title}"[:255], "description": description, "type": kind, "spec": spec}


def _step(name: str, request: dict[str, Any], assertions: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name[:200], "request": request, "assertions": assertions}


def _status(expected: Any) -> dict[str, Any]:
    return {"type": "status", "expected": expected}


NO_SERVER_ERROR = {"type": "status", "not_expected": "5xx"}


# --- Functional ---------------------------------------------------------------------------


def _functional(ctx: _Context) -> list[dict[str, Any]]:
    c = ctx.contract
    drafts = [_happy_path(ctx)]
    item = ctx.item_params()

    def single(title: str, description: str, request: dict[str, Any], expected: Any) -> dict[str, Any]:
        steps = ctx.setup_steps() + [_step(title, request, [_status(expected), NO_SERVER_ERROR])]
        return _draft(ctx, NEGATIVE, title, description, steps)

    body_props = c.body_properties
    if c.request_body is not None and c.body_required:
        drafts.append(
            single(
                "empty body is rejected",
                "Sends no body at all although the contract requires one. The API must answer with a "
                "client error (400/415/422), not crash or create an empty record.",
                ctx.request(body=None, path_params=item),
                [400, 415, 422],
            )
        )
    for name in c.body_required[:MAX_FIELDS_PER_KIND]:
        body = ctx.body()
        if isinstance(body, dict):
            body.pop(name, None)
            drafts.append(
                single(
                    f"missing required field '{name}' is rejected",
                    f"Omits the required body field '{name}'. Validation must reject the request with "
                    "400/422 so incomplete data never reaches storage.",
                    ctx.request(body=body, path_params=item),
                    INVALID_INPUT,
                )
            )
    for parameter in [p for p in c.params("query") if p["required"]][:MAX_FIELDS_PER_KIND]:
        query = ctx.query(c)
        query.pop(parameter["name"], None)
        drafts.append(
            single(
                f"missing required query parameter '{parameter['name']}' is rejected",
                f"Leaves out the required query parameter '{parameter['name']}'; the API must answer "
                "400/422 rather than fall back to an undefined behaviour.",
                ctx.request(query=query, path_params=item),
                INVALID_INPUT,
            )
        )
    for name, schema in list(body_props.items())[:MAX_FIELDS_PER_KIND]:
        wrong = wrong_type_value(schema)
        body = ctx.body()
        if wrong is None or not isinstance(body, dict):
            continue
        body[name] = wrong
        drafts.append(
            single(
                f"wrong type for field '{name}' is rejected",
                f"Sends {json.dumps(wrong)} for '{name}', declared as {schema_type(schema)}. Type "
                "confusion must be refused (400/422), not coerced silently or turned into a 500.",
                ctx.request(body=body, path_params=item),
                INVALID_INPUT,
            )
        )
    for parameter in (c.params("query") + c.params("path"))[:MAX_FIELDS_PER_KIND]:
        kind = schema_type(parameter["schema"]) if parameter["schema"] else "string"
        if kind not in ("integer", "number", "boolean"):
            continue
        value = "not-a-number" if kind != "boolean" else "maybe"
        if parameter["location"] == "query":
            query = {**ctx.query(c), parameter["name"]: value}
            request = ctx.request(query=query, path_params=item)
            expected: Any = INVALID_INPUT
        else:
            request = ctx.request(path_params={parameter["name"]: value})
            expected = [400, 404, 422]
        drafts.append(
            _draft(
                ctx,
                NEGATIVE,
                f"non-{kind} {parameter['location']} parameter '{parameter['name']}' is rejected",
                f"Passes '{value}' where the {parameter['location']} parameter "
                f"'{parameter['name']}' must be {kind}. Parsing must fail cleanly with a "
                "client error.",
                (ctx.setup_steps() if parameter["location"] == "query" else [])
                + [_step("wrong type", request, [_status(expected), NO_SERVER_ERROR])],
            )
        )
    drafts.extend(_boundaries(ctx))
    return drafts


def _happy_path(ctx: _Context) -> dict[str, Any]:
    c = ctx.contract
    expected: Any = ctx.success()
    if ctx.creator is None and c.path_param_names:
        # Without a way to create the addressed resource, its example id may not exist: a 404
        # is then a correct answer, and the body is an error, not the documented schema.
        expected = [expected, 404] if isinstance(expected, int) else None
    assertions = [_status(expected)] if expected is not None else [NO_SERVER_ERROR]
    if c.success_schema and not isinstance(expected, list):
        assertions.append({"type": "json_schema", "schema": c.success_schema})
    documented = f" and the body matches the documented {c.success_status} schema" if c.success_schema else ""
    description = (
        f"Sends a request built from the contract's schemas and checks the documented success "
        f"status{documented}. It is the baseline every other test of {ctx.label} depends on."
    )
    if ctx.creator is not None:
        description += " The resource is created first through its collection, so the id is real."
    elif c.path_param_names:
        description += (
            " No operation here creates the addressed resource, so the example id may not exist and a 404 "
            "is accepted too."
        )
    steps = ctx.setup_steps() + [
        _step("valid request", ctx.request(path_params=ctx.item_params()), assertions)
    ]
    return _draft(ctx, FUNCTIONAL, "valid request succeeds", description, steps)


def wrong_type_value(schema: dict[str, Any]) -> Any:
    kind = schema_type(schema)
    return {
        "string": 12345,
        "integer": "not-a-number",
        "number": "not-a-number",
        "boolean": "not-a-boolean",
        "array": "not-an-array",
        "object": "not-an-object",
    }.get(kind)


def boundary_cases(schema: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    """(label, value, valid?) pairs at and just past the schema's limits."""
    cases: list[tuple[str, Any, bool]] = []
    kind = schema_type(schema)
    if schema.get("enum"):
        for member in list(schema["enum"])[:MAX_ENUM_MEMBERS]:
            cases.append((f"enum member {json.dumps(member)}", member, True))
        if all(isinstance(m, str) for m in schema["enum"]):
            cases.append(("value outside the enum", "not-a-member-" + "x" * 3, False))
        return cases
    if kind == "string" and "pattern" not in schema and "format" not in schema:
        rng = random.Random(0)
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(low, int) and low > 0:
            cases.append((f"minimum length {low}", text_of_length(rng, low, low), True))
            cases.append(
                (f"length {low - 1} below the minimum", text_of_length(rng, low - 1, low - 1), False)
            )
        if isinstance(high, int):
            cases.append((f"maximum length {high}", text_of_length(rng, high, high), True))
            cases.append((f"length {high + 1} above the maximum", "x" * (high + 1), False))
    if kind in ("integer", "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        ex_low, ex_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        step = 1
        if isinstance(low, (int, float)) and not isinstance(low, bool):
            inclusive = ex_low is not True
            if inclusive:
                cases.append((f"minimum {low}", low, True))
            cases.append(
                (
                    f"{low - step if inclusive else low} below the minimum",
                    low - step if inclusive else low,
                    False,
                )
            )
        elif isinstance(ex_low, (int, float)) and not isinstance(ex_low, bool):
            cases.append((f"exclusive minimum {ex_low}", ex_low, False))
        if isinstance(high, (int, float)) and not isinstance(high, bool):
            inclusive = ex_high is not True
            if inclusive:
                cases.append((f"maximum {high}", high, True))
            cases.append(
                (
                    f"{high + step if inclusive else high} above the maximum",
                    high + step if inclusive else high,
                    False,
                )
            )
        elif isinstance(ex_high, (int, float)) and not isinstance(ex_high, bool):
            cases.append((f"exclusive maximum {ex_high}", ex_high, False))
    return cases


def _boundaries(ctx: _Context) -> list[dict[str, Any]]:
    c = ctx.contract
    drafts: list[dict[str, Any]] = []
    targets: list[tuple[str, str, dict[str, Any]]] = [
        ("body field", name, schema) for name, schema in list(c.body_properties.items())[:MAX_FIELDS_PER_KIND]
    ] + [("query parameter", p["name"], resolve(p["schema"], p["schema"])) for p in c.params("query")][
        :MAX_FIELDS_PER_KIND
    ]
    for where, name, schema in targets:
        for label, value, valid in boundary_cases(schema):
            if where == "body field":
                body = ctx.body()
                if not isinstance(body, dict):
                    continue
                body[name] = value
                request = ctx.request(body=body, path_params=ctx.item_params())
            else:
                request = ctx.request(query={**ctx.query(c), name: value}, path_params=ctx.item_params())
            expected = ctx.success() if valid else INVALID_INPUT
            if valid and ctx.creator is None and c.path_param_names:
                expected = [ctx.success(), 404] if isinstance(ctx.success(), int) else [200, 201, 204, 404]
            verdict = "is accepted" if valid else "is rejected"
            why = (
                "Values exactly at a documented limit are valid and must be accepted; off-by-one "
                "checks commonly reject them."
                if valid
                else "Values just past a documented limit must be refused with 400/422; accepting them "
                "means the limit is not enforced."
            )
            drafts.append(
                _draft(
                    ctx,
                    EDGE_CASE if valid else NEGATIVE,
                    f"{where} '{name}' at {label} {verdict}",
                    f"Sets {where} '{name}' to {json.dumps(value)[:60]} ({label}). {why}",
                    ctx.setup_steps()
                    + [_step(f"{name} = {label}", request, [_status(expected), NO_SERVER_ERROR])],
                )
            )
    return drafts


# --- Security -----------------------------------------------------------------------------


def _security(ctx: _Context) -> list[dict[str, Any]]:
    c = ctx.contract
    drafts: list[dict[str, Any]] = []
    item = ctx.item_params()
    if c.auth_required:
        drafts.append(
            _draft(
                ctx,
                SECURITY,
                "request without credentials is refused",
                "Calls the endpoint with no credentials at all. It requires authentication, so it must "
                "answer 401/403; anything else exposes it to anonymous callers.",
                ctx.setup_steps()
                + [
                    _step(
                        "no credentials", ctx.request(auth="none", path_params=item), [_status(UNAUTHORIZED)]
                    )
                ],
            )
        )
        token = "invalid-" + "".join(ctx.rng.choice("abcdef0123456789") for _ in range(24))
        drafts.append(
            _draft(
                ctx,
                SECURITY,
                "request with invalid credentials is refused",
                "Sends a syntactically plausible but invalid bearer token. Forged or expired tokens must "
                "be refused with 401/403, never treated as an anonymous or default user.",
                ctx.setup_steps()
                + [
                    _step(
                        "invalid token",
                        ctx.request(
                            auth="none", path_params=item, headers={"Authorization": f"Bearer {token}"}
                        ),
                        [_status(UNAUTHORIZED)],
                    )
                ],
            )
        )
    if c.is_item_path and c.auth_required is not False and c.method in ("GET", "PUT", "PATCH", "DELETE"):
        setup = ctx.setup_steps()
        origin = (
            "created by the default identity in the first step" if setup else "addressed by an example id"
        )
        drafts.append(
            _draft(
                ctx,
                SECURITY,
                "another user's resource is not accessible",
                f"Broken object-level authorization (BOLA) check: a second identity ('other') requests "
                f"the resource {origin}. The API must answer 403/404; a 2xx means one user can read or "
                f"change another user's data by guessing ids.",
                setup
                + [
                    _step(
                        "access as another user",
                        ctx.request(auth={"identity": "other"}, path_params=item),
                        [_status(FORBIDDEN_OR_HIDDEN)],
                    )
                ],
            )
        )
    drafts.extend(_injections(ctx))
    if c.method in ("POST", "PUT", "PATCH") and c.request_body is not None:
        drafts.append(_oversized(ctx))
        mass = _mass_assignment(ctx)
        if mass is not None:
            drafts.append(mass)
    return drafts


def _injections(ctx: _Context) -> list[dict[str, Any]]:
    c = ctx.contract
    targets: list[tuple[str, str]] = [("path", p) for p in c.path_param_names]
    targets += [("query", p["name"]) for p in c.params("query")]
    body = ctx.body()
    string_fields = _free_text_first(c)
    if isinstance(body, dict) and (string_fields or body):
        targets.append(("body", ""))
    if not targets:
        # Nothing declared: many frameworks still read undeclared query parameters.
        targets.append(("query", "q"))
    drafts: list[dict[str, Any]] = []
    item = ctx.item_params()
    for where, name in targets[:MAX_INJECTION_TARGETS]:
        for category, info in INJECTION_PAYLOADS.items():
            payload = ctx.rng.choice(info["payloads"])
            if where == "path":
                request = ctx.request(path_params={name: payload})
                steps: list[dict[str, Any]] = []
                target = f"path parameter '{name}'"
            elif where == "query":
                request = ctx.request(query={**ctx.query(c), name: payload}, path_params=item)
                steps = ctx.setup_steps()
                target = f"query parameter '{name}'"
            else:
                fresh = ctx.body()
                fields = [n for n in string_fields if n in fresh] or list(fresh)[:1]
                for field_name in fields:
                    fresh[field_name] = payload
                request = ctx.request(body=fresh, path_params=item)
                steps = ctx.setup_steps()
                target = (
                    "body field" + ("s " if len(fields) > 1 else " ") + ", ".join(f"'{f}'" for f in fields)
                )
            assertions: list[dict[str, Any]] = [NO_SERVER_ERROR]
            if category != "path_traversal":
                assertions.append({"type": "body", "op": "not_contains", "value": payload})
            assertions += [{"type": "body", "op": "not_contains", "value": e} for e in info["evidence"]]
            drafts.append(
                _draft(
                    ctx,
                    SECURITY,
                    f"{info['label']} in {target} is neutralised",
                    f"Puts the {info['label']} payload {payload!r} in {target}. The API must not fail "
                    f"with a 5xx (a sign the payload reached an interpreter), must not reflect it back "
                    f"unescaped, and must not leak evidence of execution.",
                    steps + [_step(f"{category} payload", request, assertions)],
                )
            )
    return drafts


def _free_text_first(c: EndpointContract) -> list[str]:
    """String body fields, free text first: it reaches storage and queries, while formatted
    fields (email, uuid, enum, pattern) are usually refused before anything interesting."""
    strings = {n: s for n, s in c.body_properties.items() if schema_type(s) == "string"}
    free = [n for n, s in strings.items() if not ({"format", "enum", "pattern"} & set(s))]
    return free or list(strings)


def _oversized(ctx: _Context) -> dict[str, Any]:
    c = ctx.contract
    body = ctx.body()
    if not isinstance(body, dict):
        body = {"padding": body}
    strings = _free_text_first(c)
    target = strings[0] if strings else "padding"
    body[target] = "A" * OVERSIZED_BODY_CHARS
    return _draft(
        ctx,
        SECURITY,
        "oversized body is refused",
        f"Sends a {OVERSIZED_BODY_CHARS // 1024} KiB value in '{target}'. Unbounded bodies let one "
        "client exhaust memory or storage; the API must refuse it with 413/400/422 and never fail "
        "with a 5xx.",
        ctx.setup_steps()
        + [
            _step(
                "oversized body",
                ctx.request(body=body, path_params=ctx.item_params()),
                [_status([400, 413, 422]), NO_SERVER_ERROR],
            )
        ],
    )


def crafted_value(name: str, schema: dict[str, Any], rng: random.Random) -> Any:
    """A privileged-looking value for a server-controlled field."""
    kind = schema_type(schema)
    if schema.get("enum"):
        members = list(schema["enum"])
        return next((m for m in members if str(m).lower() in ("admin", "superuser", "owner")), members[-1])
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return 987654321
    if kind == "string" and schema.get("format") == "uuid":
        return "00000000-0000-4000-8000-" + "".join(rng.choice("0123456789abcdef") for _ in range(12))
    if kind == "string" and schema.get("format") == "date-time":
        return "1999-01-01T00:00:00Z"
    if kind == "string":
        return "admin" if "role" in name.lower() else f"attacker-{rng.randint(1000, 9999)}"
    if kind == "array":
        return ["admin"]
    return None


def _mass_assignment(ctx: _Context) -> dict[str, Any] | None:
    c = ctx.contract
    request_fields = set(c.body_properties)
    read_only = {n: s for n, s in c.success_properties.items() if n not in request_fields}
    read_only.update({n: s for n, s in c.body_properties.items() if s.get("readOnly")})
    # Sensitive names first: they are what an attacker would try to set.
    names = sorted(read_only, key=lambda n: (n.lower() not in READ_ONLY_NAMES, n))[:MAX_FIELDS_PER_KIND]
    crafted = {n: crafted_value(n, read_only[n], ctx.rng) for n in names}
    crafted = {n: v for n, v in crafted.items() if v is not None}
    if not crafted:
        return None
    body = ctx.body()
    if not isinstance(body, dict):
        return None
    body.update(crafted)
    assertions: list[dict[str, Any]] = [NO_SERVER_ERROR]
    assertions += [
        {"type": "json_path", "path": f"$.{n}", "op": "not_equals", "value": v}
        for n, v in crafted.items()
        if re.match(r"^[A-Za-z_][A-Za-z0-9_-]*$", n)
    ]
    return _draft(
        ctx,
        SECURITY,
        "read-only fields cannot be mass-assigned",
        f"Adds server-controlled fields ({', '.join(crafted)}) that appear in the response but not in "
        "the request schema, with privileged values. Binding them from the request lets a client "
        "escalate privileges or take over records; the response must not echo the sent values.",
        ctx.setup_steps()
        + [_step("send read-only fields", ctx.request(body=body, path_params=ctx.item_params()), assertions)],
    )


# --- Stateful -----------------------------------------------------------------------------


def _scenario(ctx: _Context) -> list[dict[str, Any]]:
    """A CRUD lifecycle on the collection's POST: create, read, update, delete, then 404."""
    c = ctx.contract
    if c.method != "POST" or c.is_item_path:
        return []
    items = {r.method: r for r in ctx.related if r.is_item_path and r.collection_path == c.path}
    if not items:
        return []
    any_item = next(iter(items.values()))
    param = any_item.path_param_names[-1]
    capture_path = id_path(c, param)
    steps: list[dict[str, Any]] = [
        {
            "name": "create",
            "request": ctx.request(c),
            "assertions": [_status(ctx.success(c))],
            "capture": {"resource_id": {"from": "json_path", "path": capture_path}},
        }
    ]
    ref = {param: "{{resource_id}}"}
    covered = ["create"]
    if "GET" in items:
        read = [_status(ctx.success(items["GET"]))]
        if items["GET"].success_schema:
            read.append({"type": "json_schema", "schema": items["GET"].success_schema})
        steps.append(_step("read it back", ctx.request(items["GET"], path_params=ref), read))
        covered.append("read")
    for method in ("PUT", "PATCH"):
        if method in items:
            body = ctx.body(items[method])
            if method == "PATCH" and isinstance(body, dict) and body:
                first = sorted(body)[0]
                body = {first: body[first]}
            steps.append(
                _step(
                    f"update with {method}",
                    ctx.request(items[method], path_params=ref, body=body),
                    [_status(ctx.success(items[method]))],
                )
            )
            covered.append(f"update ({method})")
    if "DELETE" in items:
        steps.append(
            _step(
                "delete",
                ctx.request(items["DELETE"], path_params=ref),
                [_status(ctx.success(items["DELETE"]))],
            )
        )
        covered.append("delete")
        if "GET" in items:
            steps.append(
                _step("gone after delete", ctx.request(items["GET"], path_params=ref), [_status(404)])
            )
            covered.append("404 after delete")
    if len(steps) < 2:
        return []
    resource = _resource_name(c.path)
    return [
        _draft(
            ctx,
            SCENARIO,
            f"{resource} lifecycle ({', '.join(covered)})",
            f"Creates a {resource} through {c.method} {c.path}, feeds the returned id "
            f"({capture_path}) to {any_item.path} and walks it through {', '.join(covered)}. It proves "
            "the operations agree on state: what is created can be read, changed and removed, and a "
            "deleted resource stays gone.",
            steps,
        )
    ]


# --- Performance -------------------------------------------------------------------------


def _performance(ctx: _Context) -> list[dict[str, Any]]:
    c = ctx.contract
    if c.method == "GET":
        requests = ctx.rng.choice([50, 100, 150, 200])
        concurrency = ctx.rng.randint(5, 10)
        # An example id may not exist: a 404 is a fast, valid answer; a 5xx is not.
        assertion = _status(ctx.success()) if not c.path_param_names else NO_SERVER_ERROR
        load = {
            "requests": requests,
            "concurrency": concurrency,
            "limits": {"p95_ms": 500, "p99_ms": 1000, "max_error_rate": 0.01},
        }
        return [
            _draft(
                ctx,
                PERFORMANCE,
                f"{requests} requests at concurrency {concurrency} stay under 500 ms p95",
                f"Bounded load test: {requests} reads with {concurrency} in flight. The 95th percentile must "
                "stay under 500 ms and the 99th under 1 s with at most 1% errors, so the endpoint holds up "
                "under ordinary concurrent use.",
                [_step("read under load", ctx.request(), [assertion])],
                load=load,
            )
        ]
    steps = ctx.setup_steps() + [
        _step(
            "timed request",
            ctx.request(path_params=ctx.item_params()),
            [NO_SERVER_ERROR, {"type": "response_time", "max_ms": 1000}],
        )
    ]
    return [
        _draft(
            ctx,
            PERFORMANCE,
            "responds within 1 s",
            f"Times one {c.method} (a write is not load-tested, to avoid flooding the target with data). "
            "It must answer within 1 s without a server error.",
            steps,
        )
    ]
