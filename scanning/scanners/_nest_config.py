"""`@nestjs/config` namespaces read from tree-sitter trees: the values an app serves with when
its environment leaves an option unset.

NestJS bootstraps often take the global prefix from configuration,
``app.setGlobalPrefix(configService.getOrThrow('app.apiPrefix'))``, and the namespace is a
factory ``registerAs('app', () => ({ apiPrefix: process.env.API_PREFIX || 'api' }))``.
:func:`config_namespaces` records, per file, ``{namespace: {key: value}}`` for the keys whose
value is a string literal or an environment read with a string fallback (``||`` or ``??``);
the NestJS linker looks ``app.apiPrefix`` up there. Parsed, never executed.
"""
from __future__ import annotations

from typing import Any

from scanning.scanners._treesitter import js_string, unwrap

_FUNCTIONS = ("arrow_function", "function_expression", "function")


def config_namespaces(root: Any) -> dict[str, dict[str, str]]:
    """``{namespace: {key: default}}`` of the ``registerAs(...)`` calls in a module."""
    out: dict[str, dict[str, str]] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "call_expression":
            found = _namespace(node)
            if found is not None:
                out.setdefault(found[0], {}).update(found[1])
                continue
        stack.extend(reversed(node.named_children))
    return out


def _namespace(call: Any) -> tuple[str, dict[str, str]] | None:
    fn = call.child_by_field_name("function")
    if fn is None or fn.text.decode("utf-8", "replace").rsplit(".", 1)[-1] != "registerAs":
        return None
    args = call.child_by_field_name("arguments")
    named = [unwrap(a) for a in args.named_children] if args is not None else []
    if len(named) < 2 or named[0] is None or named[1] is None or named[1].type not in _FUNCTIONS:
        return None
    name = js_string(named[0])
    returned = _returned_object(named[1])
    if name is None or returned is None:
        return None
    values: dict[str, str] = {}
    for pair in returned.named_children:
        if pair.type != "pair":
            continue
        key, value = pair.child_by_field_name("key"), unwrap(pair.child_by_field_name("value"))
        if key is None or value is None:
            continue
        key_text = js_string(key) if key.type == "string" else key.text.decode("utf-8", "replace")
        default = _default(value)
        if key_text and default is not None:
            values[key_text] = default
    return name, values


def _returned_object(fn: Any) -> Any:
    body = unwrap(fn.child_by_field_name("body"))
    if body is None:
        return None
    if body.type == "object":
        return body
    if body.type != "statement_block":
        return None
    for statement in body.named_children:
        if statement.type == "return_statement" and statement.named_children:
            value = unwrap(statement.named_children[0])
            return value if value is not None and value.type == "object" else None
    return None


def _default(value: Any) -> str | None:
    """A string literal, or the string fallback of `process.env.X || 'api'` / `?? 'api'`."""
    if value.type in ("string", "template_string"):
        return js_string(value)
    if value.type == "binary_expression":
        operator = value.child_by_field_name("operator")
        right = unwrap(value.child_by_field_name("right"))
        if operator is not None and operator.type in ("||", "??") and right is not None:
            return _default(right)
    return None
