"""Query-string parameters a JavaScript/TypeScript handler reads in its body.

Extraction (`query_reads`) records them per function; linking (`HandlerQueries`) finds them
for the functions a route names.

Express handlers do not declare their query parameters; they read them: `req.query.page`,
`req.query['page']`, `const { page, limit = 20 } = req.query`, `const q = req.query; q.page`. The extractor never walks
handler bodies (that is most of its speed), so this looks only where the text says
`.query`: each occurrence is mapped to its node, checked to be a read of the `query` of the
enclosing function's first parameter (the request), and recorded under that function's id
(`f<line>:<column>`, as the extractor names functions). A file without `.query` costs one
byte search.
"""
from __future__ import annotations

import re
from typing import Any

from scanning.scanners._treesitter import _FUNCTION_TYPES, _WRAPPERS, _param_names, _source_text

_QUERY = re.compile(rb"\.query\b")

def query_reads(root: Any, source: bytes) -> dict[str, list[dict[str, Any]]]:
    """Function id -> the query parameters it reads: [{"name", "line"}, ...], first read first."""
    found: dict[str, list[dict[str, Any]]] = {}
    text = _source_text(source)
    for match in _QUERY.finditer(source):
        start = match.start() + 1
        path = _path_to(root, start, start + 5)
        if path[-1].type != "property_identifier" or len(path) < 3:
            continue  # in a string or a comment, or `.queryString`
        member = path[-2]  # `req.query`
        if member.type != "member_expression":
            continue
        request = member.child_by_field_name("object")
        if request is None or request.type != "identifier":
            continue
        at = len(path) - 3
        while at >= 0 and path[at].type not in _FUNCTION_TYPES:
            at -= 1
        if at < 0 or _param_names(path[at], text)[:1] != [text(request)]:
            continue  # not a read of the function's first parameter, its request
        function = path[at]
        names = _names_read(path[at:-1], source)
        if not names:
            continue
        row, column = function.start_point
        reads = found.setdefault(f"f{row + 1}:{column}", [])
        line = member.start_point[0] + 1
        for name in names:
            if all(read["name"] != name for read in reads):
                reads.append({"name": name, "line": line})
    return found


def _path_to(top: Any, start: int, end: int) -> list[Any]:
    """`top` and its descendants down to the smallest node that spans [start, end): the node
    `descendant_for_byte_range` finds, with its ancestors. `Node.parent` walks down from the
    root on every call; one walk down gives every ancestor at once."""
    cursor = top.walk()
    path = [top]
    goto_child = cursor.goto_first_child_for_byte
    while goto_child(start) is not None:
        node = cursor.node
        if node.start_byte > start or node.end_byte < end:
            break
        path.append(node)
    return path


def _text(node: Any, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8", errors="replace")


def _names_read(path: list[Any], source: bytes) -> list[str]:
    """The names a use of `req.query` reads: `.page`, `['page']`, a destructuring pattern, or
    the reads of a variable it is given to (`const q = req.query; q.page`). `path` runs from
    the enclosing function down to the `req.query` node."""
    use, parent = _unwrapped(path)
    if parent is None:
        return []
    if parent.type == "variable_declarator" and parent.child_by_field_name("value") == use:
        pattern = parent.child_by_field_name("name")
        if pattern is not None and pattern.type == "object_pattern":
            return _pattern_names(pattern, source)
        if pattern is not None and pattern.type == "identifier":
            return _alias_reads(path[0], _text(pattern, source), parent.end_byte, source)
        return []
    return _property_read(use, parent, source)


def _unwrapped(path: list[Any]) -> tuple[Any, Any]:
    """The last node of `path` and its parent, past casts and parentheses:
    `(req.query as Filters).page`. None for a parent above the path."""
    i = len(path) - 1
    while i > 0 and path[i - 1].type in _WRAPPERS:
        i -= 1
    return path[i], path[i - 1] if i > 0 else None


def _property_read(use: Any, parent: Any, source: bytes) -> list[str]:
    """`use.page` or `use['page']`: the name read, if `parent` reads one of `use`."""
    if parent.type == "member_expression" and parent.child_by_field_name("object") == use:
        name = parent.child_by_field_name("property")
        return [_text(name, source)] if name is not None and name.type == "property_identifier" else []
    if parent.type == "subscript_expression" and parent.child_by_field_name("object") == use:
        index = parent.child_by_field_name("index")
        if index is not None and index.type == "string":
            return [_text(index, source)[1:-1]]
    return []


def _alias_reads(function: Any, alias: str, after: int, source: bytes) -> list[str]:
    """The properties read of variable `alias` in the rest of `function`, found by its name in
    the text (`q.page`, `q['page']`) and checked on the tree."""
    names: list[str] = []
    pattern = re.compile(rb"(?<![\w$.])" + re.escape(alias.encode()) + rb"\s*(?:\?\.|\.|\[)")
    for match in pattern.finditer(source, after, function.end_byte):
        path = _path_to(function, match.start(), match.start() + len(alias.encode()))
        if path[-1].type != "identifier":
            continue
        use, parent = _unwrapped(path)
        for name in _property_read(use, parent, source) if parent is not None else ():
            if name not in names:
                names.append(name)
    return names


def _pattern_names(pattern: Any, source: bytes) -> list[str]:
    names = []
    for part in pattern.named_children:
        if part.type == "shorthand_property_identifier_pattern":
            names.append(_text(part, source))
        elif part.type == "object_assignment_pattern":  # `limit = 20`
            left = part.child_by_field_name("left")
            if left is not None and left.type == "shorthand_property_identifier_pattern":
                names.append(_text(left, source))
        elif part.type == "pair_pattern":  # `page: pageText`, `'per-page': perPage`
            key = part.child_by_field_name("key")
            if key is not None and key.type == "property_identifier":
                names.append(_text(key, source))
            elif key is not None and key.type == "string":
                names.append(_text(key, source)[1:-1])
    return names


_NO_READS: dict[str, list[dict[str, Any]]] = {}


class HandlerQueries:
    """Linking side: the query parameters read by the function a route names, wherever it is
    declared. `program` is the scan's `JsProgram`."""

    def __init__(self, program: Any) -> None:
        self.program = program
        self.active = any("queries" in facts for facts in program.facts.values())
        self._targets: dict[tuple[Any, ...], tuple[Any, ...] | None] = {}

    def names(self, file: str, ref: dict[str, Any]) -> list[str]:
        if not self.active:
            return []
        if ref.get("k") == "fn":
            # an inline or same-file function needs no resolving (most handlers)
            facts = self.program.facts.get(file)
            reads = facts.get("queries", _NO_READS).get(ref["id"]) if facts is not None else None
        else:
            target = self._target(file, ref)
            if target is None or target[0] != "fn" or target[1] not in self.program.facts:
                return []
            reads = self.program.facts[target[1]].get("queries", _NO_READS).get(target[2])
        return [read["name"] for read in reads] if reads else []

    def _target(self, file: str, ref: dict[str, Any]) -> tuple[Any, ...] | None:
        """`resolve`, remembered for imported names (`requireAuth`, `controller.list`): such a
        ref is wholly described by the importing file, the module and the names, and the same
        middleware is named by route after route."""
        kind = ref.get("k")
        of = ref.get("of") if kind == "attr" else None
        if kind == "imp":
            key: tuple[Any, ...] = (file, ref["src"], ref["name"])
        elif of is not None and of.get("k") == "imp":
            key = (file, of["src"], of["name"], ref["name"])
        else:
            return self.program.resolve(file, ref)
        if key not in self._targets:
            self._targets[key] = self.program.resolve(file, ref)
        return self._targets[key]
