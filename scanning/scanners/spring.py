"""Spring Boot (Spring MVC annotations) endpoint scanner over tree-sitter-java trees.

``extract`` reads the type declarations of one ``.java`` file — never method bodies, so
one pass over class members is all the tree walking there is — and records per class its
annotations, ``static final`` constants, fields (or record components) with their validation
annotations, enum constants, supertypes, type parameters, and per method its mapping
annotations, parameters and return type; ``@interface`` declarations are classes too. Test
source sets (``src/test``...) are not read: what they declare is never served.
``application[-profile].properties``/``.yml`` files yield their settings (profile-specific
documents apart), and OpenAPI YAML documents their operations by operationId.

``link`` serves methods of classes annotated ``@RestController``/``@Controller`` (mappings
inherited from implemented interfaces and superclasses included): class-level
``@RequestMapping`` paths × method-level ``@Get/Post/Put/Patch/DeleteMapping`` or
``@RequestMapping(method=...)`` paths, under the context path of the nearest application
configuration (with the profiles it activates). An application's own composed annotations
(``@AnonymousGetMapping``, a class-level ``@ApiController``) map what the Spring annotation
they carry maps. A controller implementing an interface openapi-generator writes at build
time (declared nowhere in the repository) serves its overriding methods under the operation
of the module's OpenAPI document whose operationId is the method's name. Path constants
resolve when they are ``static final String`` fields of the same class (or of a named class
in the repository, ``ApiPaths.USERS``); anything else is a warning, never a guessed path.
``@RequestBody`` DTOs become JSON Schemas built from the repository's classes, records and
enums with their Bean Validation and Jackson annotations (root wrapping included), generic
wrappers and generic base controllers with their type arguments; a ``Pageable`` is its
page/size/sort query parameters.

An application class (``@SpringBootApplication``) also serves what its build pulls in and
its configuration exposes: Spring Boot Actuator's web endpoints and springdoc-openapi's
documents and UI.

Functional endpoints (WebFlux and Spring MVC ``RouterFunction`` beans) are served too: the
body of a ``@Bean`` method returning ``RouterFunction`` is the one method body read, for its
``route()`` builder chain or ``route(GET(...), h).andRoute(...).andNest(...)`` expression,
nested ``path``/``nest`` prefixes and other router methods of the class it adds. They live
under ``spring.webflux.base-path`` (WebFlux) or the servlet context path (MVC). Their bodies
and responses are the handlers' business, which is code, so they carry path parameters only.
"""
from __future__ import annotations

import posixpath
import re
from typing import Any

import yaml

from scanning.scanners._treesitter import java_string, node_text, syntax_errors
from scanning.scanners.base import (
    DiscoveredEndpoint,
    Parameter,
    RepositoryIndex,
    Scanner,
    ScanWarning,
    SourceFile,
    join_paths,
    path_parameter_names,
)

MAPPING_METHODS = {
    "GetMapping": ("GET",), "PostMapping": ("POST",), "PutMapping": ("PUT",),
    "PatchMapping": ("PATCH",), "DeleteMapping": ("DELETE",),
}
ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")
CONTROLLER_ANNOTATIONS = {"RestController", "Controller"}
# Annotations every controller wears that are never an application's own composed annotation:
# not looked up as `@interface` declarations.
_WELL_KNOWN_ANNOTATIONS = frozenset({
    "Override", "Deprecated", "SuppressWarnings", "RequestMapping", "RestController", "Controller",
    "ResponseBody", "ResponseStatus", "PathVariable", "RequestParam", "RequestBody", "RequestHeader",
    "Valid", "Validated", "PreAuthorize", "Secured", "Transactional", "CrossOrigin", "Operation", "Tag",
    "ApiOperation", "Api", "Autowired", "Bean", "Value",
})
AUTH_REQUIRED = {"PreAuthorize", "PostAuthorize", "Secured", "RolesAllowed", "SecurityRequirement"}
AUTH_PUBLIC = {"PermitAll", "AnonymousAllowed"}
PARAM_LOCATIONS = {"PathVariable": "path", "RequestParam": "query", "RequestHeader": "header",
                   "CookieValue": "cookie"}
CONFIG_NAMES = re.compile(r"(^|/)(application|bootstrap)(-[\w.-]+)?\.(properties|ya?ml)$")
# Maven/Gradle test source sets (src/test, src/integrationTest, src/testFixtures, src/it):
# controllers there (JHipster's ExceptionTranslatorTestController) exist for MockMvc tests
# and are never served by the application.
TEST_SOURCES = re.compile(r"(^|/)src/(it|test\w*|\w*Test\w*)/")
# OpenAPI documents openapi-generator makes controller interfaces from (`OwnersApi`), which
# exist only in the build output: their operations map the controllers' overriding methods.
SPEC_NAMES = re.compile(r"(^|/)[\w.-]*(openapi|swagger)[\w.-]*\.ya?ml$", re.IGNORECASE)

_SCALARS: dict[str, dict[str, Any]] = {
    **{t: {"type": "string"} for t in ("String", "CharSequence", "char", "Character")},
    **{t: {"type": "integer"} for t in ("int", "Integer", "long", "Long", "short", "Short", "byte",
                                        "Byte", "BigInteger")},
    **{t: {"type": "number"} for t in ("double", "Double", "float", "Float", "BigDecimal", "Number")},
    **{t: {"type": "boolean"} for t in ("boolean", "Boolean")},
    "UUID": {"type": "string", "format": "uuid"},
    "LocalDate": {"type": "string", "format": "date"},
    **{t: {"type": "string", "format": "date-time"} for t in ("LocalDateTime", "OffsetDateTime",
                                                              "ZonedDateTime", "Instant", "Date")},
    "URI": {"type": "string", "format": "uri"},
    "Object": {}, "JsonNode": {}, "ObjectNode": {"type": "object"},
}
_ARRAYS = {"List", "Set", "Collection", "Iterable", "ArrayList", "LinkedList", "HashSet", "SortedSet",
           "LinkedHashSet", "TreeSet", "Flux", "Stream"}
_MAPS = {"Map", "HashMap", "LinkedHashMap", "TreeMap", "MultiValueMap"}
_WRAPPERS = {"Optional", "ResponseEntity", "Mono", "HttpEntity", "CompletableFuture", "Callable",
             "DeferredResult", "CompletionStage"}
_NOT_PARAMETERS = {"MultipartFile", "HttpServletRequest", "HttpServletResponse", "Principal", "Model",
                   "BindingResult", "Authentication", "Pageable", "Locale"}

_CONSTRAINTS = {"NotNull", "NotBlank", "NotEmpty", "Size", "Min", "Max", "DecimalMin", "DecimalMax", "Email",
                "Pattern", "Positive", "PositiveOrZero"}
_BINDABLE = {"ModelAttribute", "Valid", "Validated"} | _CONSTRAINTS

# Spring Boot Actuator web endpoints (Boot 2.x/3.x): operations as (method, selector path).
# `logfile` needs a configured log file and `prometheus` a Prometheus registry on the
# classpath; `shutdown` is the one disabled unless enabled.
_ACTUATOR_ENDPOINTS: dict[str, tuple[tuple[str, str], ...]] = {
    "health": (("GET", ""), ("GET", "{path}")),
    "info": (("GET", ""),),
    "env": (("GET", ""), ("GET", "{toMatch}")),
    "configprops": (("GET", ""), ("GET", "{prefix}")),
    "beans": (("GET", ""),),
    "conditions": (("GET", ""),),
    "mappings": (("GET", ""),),
    "scheduledtasks": (("GET", ""),),
    "threaddump": (("GET", ""),),
    "heapdump": (("GET", ""),),
    "loggers": (("GET", ""), ("GET", "{name}"), ("POST", "{name}")),
    "metrics": (("GET", ""), ("GET", "{requiredMetricName}")),
    "caches": (("GET", ""), ("DELETE", ""), ("GET", "{cache}"), ("DELETE", "{cache}")),
    "logfile": (("GET", ""),),
    "prometheus": (("GET", ""),),
    "shutdown": (("POST", ""),),
}

MSG_UNRESOLVED_PLACEHOLDER = "mapping path {path!r} names a property that is not configured; mapping skipped"
MSG_UNRESOLVED_PREFIX = "servlet path {path!r} names a property that is not configured; paths are listed without it"
MSG_UNRESOLVED_CONSTANT = "mapping path {expr} is not a string constant of this class; mapping skipped"


# --- extract -----------------------------------------------------------------------------


def _value(node: Any) -> dict[str, Any]:
    """An annotation argument or constant initializer, as JSON."""
    typ = node.type
    if typ == "string_literal":
        return {"s": java_string(node) or ""}
    if typ == "identifier":
        return {"c": node_text(node), "q": None}
    if typ == "field_access":
        obj = node.child_by_field_name("object")
        field = node.child_by_field_name("field")
        return {"c": node_text(field) if field is not None else "", "q": node_text(obj) if obj is not None else None}
    if typ == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        operator = node.child_by_field_name("operator")
        if left is not None and right is not None and operator is not None and node_text(operator) == "+":
            return {"cat": [_value(left), _value(right)]}
    if typ == "element_value_array_initializer" or typ == "array_initializer":
        return {"arr": [_value(c) for c in node.named_children if c.type not in ("comment", "line_comment",
                                                                                 "block_comment")]}
    if typ in ("true", "false"):
        return {"lit": typ == "true"}
    if typ in ("decimal_integer_literal", "hex_integer_literal"):
        try:
            return {"lit": int(node_text(node).rstrip("lL"), 0)}
        except ValueError:
            return {"raw": node_text(node)}
    if typ == "decimal_floating_point_literal":
        try:
            return {"lit": float(node_text(node).rstrip("fFdD"))}
        except ValueError:
            return {"raw": node_text(node)}
    if typ == "unary_expression":
        inner = _value(node.named_children[0]) if node.named_children else {"raw": ""}
        if node_text(node).startswith("-") and isinstance(inner.get("lit"), (int, float)):
            return {"lit": -inner["lit"]}
    if typ == "parenthesized_expression" and node.named_children:
        return _value(node.named_children[0])
    return {"raw": node_text(node)}


def _annotations(modifiers: Any) -> tuple[dict[str, dict[str, Any]], dict[str, str], set[str]]:
    """Annotations by simple name (arguments by key, a lone argument as ``value``), their source
    text, and the modifier keywords."""
    found: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    keywords: set[str] = set()
    if modifiers is None:
        return found, texts, keywords
    for child in modifiers.children:
        if child.type in ("annotation", "marker_annotation"):
            name_node = child.child_by_field_name("name")
            name = node_text(name_node).rsplit(".", 1)[-1] if name_node is not None else ""
            args: dict[str, Any] = {}
            arg_list = child.child_by_field_name("arguments")
            if arg_list is not None:
                for arg in arg_list.named_children:
                    if arg.type == "element_value_pair":
                        key, value = arg.child_by_field_name("key"), arg.child_by_field_name("value")
                        if key is not None and value is not None:
                            args[node_text(key)] = _value(value)
                    elif arg.type not in ("line_comment", "block_comment", "comment"):
                        args["value"] = _value(arg)
            found[name] = args
            texts[name] = node_text(child)
        elif not child.is_named:
            keywords.add(child.type)
    return found, texts, keywords


def _type(node: Any) -> dict[str, Any]:
    typ = node.type
    if typ in ("integral_type", "floating_point_type", "boolean_type", "void_type"):
        return {"n": node_text(node), "a": []}
    if typ == "type_identifier":
        return {"n": node_text(node), "a": []}
    if typ == "scoped_type_identifier":
        return {"n": node_text(node).rsplit(".", 1)[-1], "a": []}
    if typ == "generic_type":
        base = node.named_children[0]
        args = next((c for c in node.named_children if c.type == "type_arguments"), None)
        return {"n": _type(base)["n"],
                "a": [_type(a) for a in args.named_children if a.type not in ("annotation", "marker_annotation")]
                if args is not None else []}
    if typ == "array_type":
        element = node.child_by_field_name("element")
        return {"n": "[]", "a": [_type(element)] if element is not None else []}
    if typ == "wildcard":
        bounded = [c for c in node.named_children if c.type not in ("annotation", "marker_annotation")]
        return _type(bounded[-1]) if bounded else {"n": "Object", "a": []}
    if typ == "annotated_type":
        inner = [c for c in node.named_children if c.type not in ("annotation", "marker_annotation")]
        return _type(inner[-1]) if inner else {"n": "Object", "a": []}
    return {"n": node_text(node), "a": []}


def _param(node: Any) -> dict[str, Any] | None:
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    annotations, _, _ = _annotations(modifiers)
    type_node = node.child_by_field_name("type")
    name_node = node.child_by_field_name("name")
    if type_node is None or name_node is None:
        return None
    param_type = _type(type_node)
    if node.child_by_field_name("dimensions") is not None:
        param_type = {"n": "[]", "a": [param_type]}
    return {"name": node_text(name_node), "type": param_type, "ann": annotations}


# `@interface` declarations too: a composed annotation (`@AnonymousGetMapping`, `@ApiController`)
# maps requests through the Spring annotations it carries.
_TYPE_DECLARATIONS = frozenset({"class_declaration", "interface_declaration", "record_declaration",
                                "enum_declaration", "annotation_type_declaration"})


# Fields of interfaces and annotation types are constants whether or not they say so.
_IMPLICITLY_STATIC = frozenset({"interface", "annotation_type"})


def _class_facts(node: Any, package: str, outer: str) -> list[dict[str, Any]]:
    kind = node.type.replace("_declaration", "")
    name_node = node.child_by_field_name("name")
    if name_node is None:
        return []
    name = node_text(name_node)
    modifiers = next((c for c in node.children if c.type == "modifiers"), None)
    annotations, texts, _ = _annotations(modifiers)
    facts: dict[str, Any] = {
        "name": name, "qualified": f"{package}.{outer}{name}".lstrip("."), "kind": kind,
        "line": node.start_point[0] + 1, "ann": annotations, "ann_text": texts,
        "constants": {}, "fields": [], "methods": [], "enum": [], "extends": None, "implements": [],
    }
    type_parameters = node.child_by_field_name("type_parameters")
    facts["tp"] = [node_text(name) for parameter in (type_parameters.named_children if type_parameters else [])
                   if parameter.type == "type_parameter"
                   for name in parameter.named_children[:1] if name.type in ("type_identifier", "identifier")]
    # type arguments given to supertypes (`extends CrudController<User, Long>`), by their name
    facts["super_args"] = {}
    superclass = node.child_by_field_name("superclass")
    if superclass is not None and superclass.named_children:
        supertype = _type(superclass.named_children[0])
        facts["extends"] = supertype["n"]
        if supertype["a"]:
            facts["super_args"][supertype["n"]] = supertype["a"]
    interfaces = node.child_by_field_name("interfaces")
    if interfaces is None:
        interfaces = next((c for c in node.children if c.type == "extends_interfaces"), None)
    if interfaces is not None:
        for type_list in interfaces.named_children:
            targets = type_list.named_children if type_list.type == "type_list" else [type_list]
            for target in targets:
                supertype = _type(target)
                facts["implements"].append(supertype["n"])
                if supertype["a"]:
                    facts["super_args"][supertype["n"]] = supertype["a"]
    nested: list[dict[str, Any]] = []
    if kind == "record":
        params = node.child_by_field_name("parameters")
        for component in params.named_children if params is not None else []:
            if component.type == "formal_parameter":
                param = _param(component)
                if param is not None:
                    facts["fields"].append({"name": param["name"], "type": param["type"], "ann": param["ann"]})
    body = node.child_by_field_name("body")
    for member in body.named_children if body is not None else []:
        mtype = member.type
        if mtype == "enum_constant":
            const_name = member.child_by_field_name("name")
            if const_name is not None:
                facts["enum"].append(node_text(const_name))
        elif mtype == "enum_body_declarations":
            for inner in member.named_children:
                _member(inner, facts, nested, package, f"{outer}{name}.")
        else:
            _member(member, facts, nested, package, f"{outer}{name}.")
    return [facts, *nested]


def _member(member: Any, facts: dict[str, Any], nested: list[dict[str, Any]], package: str, outer: str) -> None:
    mtype = member.type
    if mtype in _TYPE_DECLARATIONS:
        nested.extend(_class_facts(member, package, outer))
    elif mtype in ("field_declaration", "constant_declaration"):
        modifiers = next((c for c in member.children if c.type == "modifiers"), None)
        annotations, _, keywords = _annotations(modifiers)
        type_node = member.child_by_field_name("type")
        if type_node is None:
            return
        field_type = _type(type_node)
        is_static = "static" in keywords or facts["kind"] in _IMPLICITLY_STATIC or mtype == "constant_declaration"
        for declarator in member.children_by_field_name("declarator"):
            name_node = declarator.child_by_field_name("name")
            if name_node is None:
                continue
            value = declarator.child_by_field_name("value")
            if is_static:
                if value is not None and ("final" in keywords or facts["kind"] in _IMPLICITLY_STATIC):
                    facts["constants"][node_text(name_node)] = _value(value)
            elif "transient" not in keywords:
                facts["fields"].append({"name": node_text(name_node), "type": field_type, "ann": annotations})
    elif mtype == "method_declaration":
        modifiers = next((c for c in member.children if c.type == "modifiers"), None)
        annotations, texts, _ = _annotations(modifiers)
        name_node = member.child_by_field_name("name")
        type_node = member.child_by_field_name("type")
        params_node = member.child_by_field_name("parameters")
        params = []
        for p in params_node.named_children if params_node is not None else []:
            if p.type == "formal_parameter":
                param = _param(p)
                if param is not None:
                    params.append(param)
        returns = _type(type_node) if type_node is not None else {"n": "void", "a": []}
        method_facts: dict[str, Any] = {
            "name": node_text(name_node) if name_node is not None else "",
            "line": member.start_point[0] + 1,
            "ann": annotations, "ann_text": texts, "params": params,
            "returns": returns,
        }
        if returns["n"] == "RouterFunction":
            # A functional endpoint definition: the one method body worth reading
            body = member.child_by_field_name("body")
            method_facts["router"] = [item for statement in (body.named_children if body is not None else [])
                                      if statement.type == "return_statement" and statement.named_children
                                      for item in _router_items(statement.named_children[0], frozenset())]
        facts["methods"].append(method_facts)


# --- functional endpoints (RouterFunctions) -------------------------------------------------
#
# `route().GET("/x", h::get).path("/api", b -> b.POST(...)).build()` (the builder) and
# `route(GET("/x").and(accept(JSON)), h::get).andRoute(...).andNest(path("/n"), ...)` (the
# static form), in WebFlux and in Spring MVC alike, become items:
#   {"route": {"m": [methods], "path": value | None, "line": n, "handler": text}}
#   {"nest": {"path": value | None, "items": [...]}}
#   {"ref": method name, "line": n}   (another RouterFunction method of the class)
# where a value is what `_value` makes of a path argument (literal, constant, concatenation).

_FN_VERBS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_PATH_ARGUMENTS = frozenset({"string_literal", "identifier", "field_access", "binary_expression"})


def _arguments(node: Any) -> list[Any]:
    args = node.child_by_field_name("arguments")
    return [a for a in args.named_children if a.type not in ("line_comment", "block_comment")] if args else []


def _chain(node: Any) -> tuple[Any, list[tuple[str, list[Any], Any]]]:
    """`a.b(x).c(y)` as (a, [("b", [x], call b), ("c", [y], call c)]): the object the chain
    starts from (None for a bare call) and its calls, innermost first."""
    calls: list[tuple[str, list[Any], Any]] = []
    while node is not None and node.type == "method_invocation":
        name = node.child_by_field_name("name")
        calls.append((node_text(name) if name is not None else "", _arguments(node), node))
        node = node.child_by_field_name("object")
    calls.reverse()
    return node, calls


def _unparenthesized(node: Any) -> Any:
    while node is not None and node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node


def _predicate(node: Any) -> dict[str, Any]:
    """The methods and path a RequestPredicate matches: `GET("/x")`, `path("/x")`,
    `method(HttpMethod.PUT)`, joined by `.and(...)`; `accept(...)` and the like add nothing.
    `.or(...)` keeps its left side (the routes of both sides would need a path each)."""
    _, calls = _chain(_unparenthesized(node))
    methods: list[str] = []
    path: dict[str, Any] | None = None
    for name, args, _ in calls:
        if name in _FN_VERBS:
            methods.append(name)
            if args and path is None:
                path = _value(args[0])
        elif name == "path" and args and path is None:
            path = _value(args[0])
        elif name in ("method", "methods"):
            methods.extend(node_text(a).rsplit(".", 1)[-1].upper() for a in args
                           if node_text(a).rsplit(".", 1)[-1].upper() in _FN_VERBS)
        elif name == "and" and args:
            other = _predicate(args[0])
            methods.extend(m for m in other["m"] if m not in methods)
            path = path if path is not None else other["path"]
        elif name == "or":
            break
    return {"m": methods, "path": path}


def _line(call: Any) -> int:
    """The line of a call's name: in a chain, the line of its `.GET(`, not of the chain's start."""
    name = call.child_by_field_name("name")
    return (name if name is not None else call).start_point[0] + 1


def _route(predicate: dict[str, Any], handler: Any, call: Any) -> dict[str, Any]:
    return {"route": {"m": predicate["m"], "path": predicate["path"], "line": _line(call),
                      "handler": node_text(handler) if handler is not None else ""}}


def _consumer_items(node: Any) -> list[dict[str, Any]]:
    """The routes a `path(...)`/`nest(...)` argument adds: a builder lambda (`b -> b.GET(...)`,
    `b -> { b.GET(...); }`), a supplier of a router (`() -> route()...build()`), or a router."""
    node = _unparenthesized(node)
    if node is None:
        return []
    if node.type != "lambda_expression":
        return _router_items(node, frozenset())
    params = node.child_by_field_name("parameters")
    names = frozenset(node_text(p) for p in ([params] if params is not None and params.type == "identifier"
                                             else params.named_children if params is not None else [])
                      if p.type == "identifier")
    body = node.child_by_field_name("body")
    if body is None:
        return []
    if body.type != "block":
        return _router_items(body, names)
    items: list[dict[str, Any]] = []
    for statement in body.named_children:
        if statement.type in ("expression_statement", "return_statement") and statement.named_children:
            items.extend(_router_items(statement.named_children[0], names))
    return items


def _router_items(node: Any, builders: frozenset[str]) -> list[dict[str, Any]]:
    """What a RouterFunction expression (or, with `builders`, a builder lambda's statement) serves."""
    start, calls = _chain(_unparenthesized(node))
    if not calls:
        return []
    items: list[dict[str, Any]] = []
    builder = start is not None and start.type == "identifier" and node_text(start) in builders
    rest = calls
    if not builder:
        if start is not None and start.type not in ("identifier", "this", "field_access"):
            return []
        first, args, call = calls[0]
        if start is not None and start.type == "identifier" and node_text(start) != "RouterFunctions":
            return []  # `someRouter.and(...)`: a variable, not followed
        rest = calls[1:]
        if first == "route" and not args:
            builder = True
        elif first == "route" and len(args) == 2:
            items.append(_route(_predicate(args[0]), args[1], call))
        elif first == "nest" and len(args) == 2:
            items.append({"nest": {"path": _predicate(args[0])["path"], "items": _consumer_items(args[1])}})
        elif start is None or start.type == "this":
            # `userRoutes()`, `this.userRoutes(handler)`: resolved against the class's methods
            items.append({"ref": first, "line": _line(call)})
        else:
            return []
    for name, args, call in rest:
        if builder and name in _FN_VERBS and args:
            pattern = _value(args[0]) if len(args) > 1 and args[0].type in _PATH_ARGUMENTS else None
            items.append(_route({"m": [name], "path": pattern}, args[-1], call))
        elif builder and name == "path" and len(args) == 2:
            items.append({"nest": {"path": _value(args[0]), "items": _consumer_items(args[1])}})
        elif name in ("nest", "andNest") and len(args) == 2:
            items.append({"nest": {"path": _predicate(args[0])["path"], "items": _consumer_items(args[1])}})
        elif name in ("route", "andRoute") and len(args) == 2:
            items.append(_route(_predicate(args[0]), args[1], call))
        elif name in ("add", "and", "andOther") and len(args) == 1:
            items.extend(_consumer_items(args[0]))
    return items


def _recover_class(error: Any, package: str) -> list[dict[str, Any]]:
    """A class whose body holds a syntax error comes back as an ERROR node holding its
    modifiers, `class` keyword, name and the members that did parse: keep those members."""
    children = error.children
    for i, child in enumerate(children):
        if child.type in ("class", "interface") and i + 1 < len(children) and children[i + 1].type == "identifier":
            modifiers = children[i - 1] if i > 0 and children[i - 1].type == "modifiers" else None
            annotations, texts, _ = _annotations(modifiers)
            facts: dict[str, Any] = {
                "name": node_text(children[i + 1]),
                "qualified": f"{package}.{node_text(children[i + 1])}".lstrip("."), "kind": child.type,
                "line": (modifiers or child).start_point[0] + 1, "ann": annotations, "ann_text": texts,
                "constants": {}, "fields": [], "methods": [], "enum": [], "extends": None, "implements": [],
            }
            nested: list[dict[str, Any]] = []
            for member in children[i + 2:]:
                _member(member, facts, nested, package, f"{facts['name']}.")
            return [facts, *nested]
    return []


def extract_java(source: SourceFile) -> dict[str, Any]:
    root = source.tree_sitter("java").root_node
    package = ""
    imports: list[str] = []
    classes: list[dict[str, Any]] = []
    for child in root.named_children:
        if child.type == "package_declaration":
            package = node_text(child.named_children[-1]) if child.named_children else ""
        elif child.type == "import_declaration":
            imports.append(node_text(child).removeprefix("import").strip().rstrip(";").strip())
        elif child.type in _TYPE_DECLARATIONS:
            classes.extend(_class_facts(child, package, ""))
        elif child.type == "ERROR":
            classes.extend(_recover_class(child, package))
    return {"kind": "java", "package": package, "imports": imports, "classes": classes,
            "errors": syntax_errors(root)}


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            out.update(_flatten(value, f"{prefix}{key}."))
    else:
        out[prefix.rstrip(".")] = data
    return out


def _scalars(settings: dict[str, Any]) -> dict[str, str]:
    """Scalar settings (context paths, values the `${...}` property references in mappings name) and lists
    of scalars joined by commas, as a .properties file writes them (actuator exposure lists)."""
    out: dict[str, str] = {}
    for key, value in settings.items():
        if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
            value = ",".join(str(v) for v in value)
        if isinstance(value, (str, int, float, bool)) and len(str(value)) < 300:
            out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def extract_config(source: SourceFile) -> dict[str, Any]:
    """Settings of the documents that always apply, and those of profile-specific documents
    (`spring.config.activate.on-profile: dev`, Boot 2.3's `spring.profiles: dev`) by profile."""
    settings: dict[str, Any] = {}
    profiles: dict[str, dict[str, Any]] = {}
    if source.extension == ".properties":
        for raw in source.text.splitlines():
            line = raw.strip()
            if not line or line[0] in "#!":
                continue
            match = re.match(r"([^=:\s]+)\s*[=:\s]\s*(.*)$", line)
            if match:
                settings[match.group(1)] = match.group(2).strip()
    else:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            documents = list(yaml.load_all(source.text, Loader=loader))
        except yaml.YAMLError as exc:
            raise ValueError(f"invalid YAML: {exc}") from exc
        for document in documents:
            flat = _flatten(document) if isinstance(document, dict) else {}
            # (`spring.profiles.active`/`include` only name profiles: that document applies)
            condition = flat.get("spring.config.activate.on-profile", flat.get("spring.profiles"))
            if condition is None and not any(k.startswith("spring.config.activate.on-profile") for k in flat):
                settings.update(flat)
                continue
            # a profile-specific document applies when its profile is active; expressions
            # (`dev & !cloud`) and lists are not evaluated
            names = str(condition).split(",") if isinstance(condition, str) else []
            for name in (n.strip() for n in names):
                if re.fullmatch(r"[\w.-]+", name):
                    profiles.setdefault(name, {}).update(flat)
    return {"kind": "config", "settings": _scalars(settings),
            "profiles": {name: _scalars(values) for name, values in profiles.items()}}


def extract_spec(source: SourceFile) -> dict[str, Any]:
    """The operations of an OpenAPI document: operationId -> method and path. A document that
    does not parse maps nothing; saying so is the spec importer's business, not this scanner's."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        document = yaml.load(source.text, Loader=loader)
    except yaml.YAMLError:
        document = None
    operations: dict[str, dict[str, str]] = {}
    paths = document.get("paths") if isinstance(document, dict) else None
    if isinstance(paths, dict) and ("openapi" in document or "swagger" in document):
        for path, item in paths.items():
            for method, operation in (item.items() if isinstance(item, dict) else ()):
                if str(method).upper() in ANY_METHOD + ("HEAD", "OPTIONS") and isinstance(operation, dict) \
                        and isinstance(operation.get("operationId"), str):
                    operations[operation["operationId"]] = {"m": str(method).upper(), "p": str(path)}
    return {"kind": "openapi", "operations": operations}


# --- link --------------------------------------------------------------------------------


class SpringScanner(Scanner):
    name = "spring"
    language = "java"
    version = "4"
    extensions = (".java", ".properties", ".yml", ".yaml")

    def wants(self, source: SourceFile) -> bool:
        if source.extension == ".java":
            return "/build/" not in "/" + source.rel_path and "/target/" not in "/" + source.rel_path \
                and not TEST_SOURCES.search(source.rel_path)
        return bool(CONFIG_NAMES.search(source.rel_path) or (source.extension != ".properties"
                                                             and SPEC_NAMES.search(source.rel_path))) \
            and "/test/" not in "/" + source.rel_path

    def detect(self, index: RepositoryIndex, facts: dict[str, dict[str, Any]]) -> bool:
        if index.manifest_mentions("spring-boot", "org.springframework"):
            return True
        return any(
            imp.startswith("org.springframework.web") for f in facts.values() for imp in f.get("imports", ())
        )

    def extract(self, source: SourceFile) -> dict[str, Any]:
        try:
            if source.extension == ".java":
                return extract_java(source)
            if CONFIG_NAMES.search(source.rel_path):
                return extract_config(source)
            return extract_spec(source)
        except RecursionError as error:
            raise ValueError("expressions nested too deeply to analyse") from error

    def link(
        self, facts: dict[str, dict[str, Any]], index: RepositoryIndex
    ) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        return _SpringLinker(facts, index).run()


def _module_root(path: str) -> str:
    marker = path.find("src/main/")
    return path[:marker] if marker >= 0 else posixpath.dirname(path) + "/"


class _SpringLinker:
    def __init__(self, facts: dict[str, dict[str, Any]], index: RepositoryIndex | None = None) -> None:
        self.facts = facts
        self.manifests = index.manifests if index is not None else {}
        self.unresolved_prefixes: set[str] = set()
        self.warnings: list[ScanWarning] = []
        self.classes: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        self.qualified: dict[str, tuple[str, dict[str, Any]]] = {}
        for file in sorted(facts):
            for cls in facts[file].get("classes", []):
                self.classes.setdefault(cls["name"], []).append((file, cls))
                self.qualified[cls["qualified"]] = (file, cls)
        self.configs = {f: facts[f]["settings"] for f in sorted(facts) if facts[f].get("kind") == "config"}
        self.profile_settings = {f: facts[f].get("profiles", {}) for f in self.configs}
        self.settings_cache: dict[str, dict[str, str]] = {}
        self.specs = {f: facts[f]["operations"] for f in sorted(facts) if facts[f].get("kind") == "openapi"}

    def run(self) -> tuple[list[DiscoveredEndpoint], list[ScanWarning]]:
        endpoints: dict[tuple[str, str], DiscoveredEndpoint] = {}
        for file in sorted(self.facts):
            f = self.facts[file]
            if f.get("kind") != "java":
                continue
            for error in f.get("errors", [])[:1]:
                self.warnings.append(ScanWarning(file=file, line=error["line"],
                                                 message=error["message"] + "; declarations in it may be missed"))
            for cls in f["classes"]:
                if cls["kind"] != "class":
                    continue
                if self.is_controller(file, cls):
                    for endpoint in self.controller(file, cls):
                        endpoints.setdefault(endpoint.key, endpoint)
                for method in cls["methods"]:
                    if "Bean" in method["ann"] and method.get("router"):
                        for endpoint in self.functional(file, cls, method):
                            endpoints.setdefault(endpoint.key, endpoint)
                if "SpringBootApplication" in cls["ann"]:
                    for endpoint in self.actuator(file, cls) + self.springdoc(file, cls):
                        endpoints.setdefault(endpoint.key, endpoint)
        return list(endpoints.values()), self.warnings

    # --- lookups -----------------------------------------------------------------------

    def find_class(self, name: str, file: str) -> tuple[str, dict[str, Any]] | None:
        candidates = self.classes.get(name.rsplit(".", 1)[-1], [])
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        f = self.facts.get(file, {})
        for imp in f.get("imports", []):
            if imp.endswith("." + name) and imp in self.qualified:
                return self.qualified[imp]
        package = f.get("package", "")
        for candidate in candidates:
            if candidate[1]["qualified"].rsplit(".", 1)[0] == package:
                return candidate
        return candidates[0]

    def settings_for(self, file: str) -> dict[str, str]:
        """The application configuration of the module holding `file`: its application
        file, overlaid with what the profiles it activates (`spring.profiles.active`) set in
        its own profile documents and in the application-{profile} files beside it."""
        root = _module_root(file)
        if root in self.settings_cache:
            return self.settings_cache[root]
        best: tuple[int, str] | None = None
        for config_file in self.configs:
            config_root = _module_root(config_file)
            if CONFIG_NAMES.search(config_file).group(3):  # type: ignore[union-attr]
                continue  # application-{profile}: applies only through an active profile
            if root.startswith(config_root) or config_root == "/":
                # application.properties of src/main/resources beats stray copies elsewhere
                rank = len(config_root) * 2 + (1 if "src/main/resources/" in config_file else 0)
                if best is None or rank > best[0]:
                    best = (rank, config_file)
        settings: dict[str, str] = {}
        if best is not None:
            config_file = best[1]
            settings = dict(self.configs[config_file])
            directory = posixpath.dirname(config_file)
            stem = CONFIG_NAMES.search(config_file).group(2)  # type: ignore[union-attr]
            for profile in (p.strip() for p in settings.get("spring.profiles.active", "").split(",")):
                if not profile:
                    continue
                settings.update(self.profile_settings.get(config_file, {}).get(profile, {}))
                for extension in ("yml", "yaml", "properties"):  # .properties wins, as in Spring
                    other = posixpath.join(directory, f"{stem}-{profile}.{extension}")
                    settings.update(self.configs.get(other, {}))
                    settings.update(self.profile_settings.get(other, {}).get(profile, {}))
        self.settings_cache[root] = settings
        return settings

    def static_import(self, name: str, file: str) -> tuple[str, dict[str, Any]] | None:
        for imp in self.facts.get(file, {}).get("imports", []):
            if not imp.startswith("static "):
                continue
            target = imp.removeprefix("static ").strip()
            owner, _, member = target.rpartition(".")
            if member in (name, "*") and owner in self.qualified:
                return self.qualified[owner]
        return None

    def context_path(self, file: str) -> str:
        settings = self.settings_for(file)
        parts = []
        for value in (settings.get("server.servlet.context-path") or settings.get("server.servlet.contextPath", ""),
                      settings.get("spring.mvc.servlet.path", "")):
            # `${CONTEXT_PATH:/shop}`: the environment is unknown here, the default is the path
            resolved = self.property_references(value, file) if "${" in value else value
            if resolved is None:
                if value not in self.unresolved_prefixes:
                    self.unresolved_prefixes.add(value)
                    self.warnings.append(ScanWarning(file=file, message=MSG_UNRESOLVED_PREFIX.format(path=value)))
                resolved = ""
            parts.append(resolved)
        return join_paths(*parts)

    def property_references(self, text: str, file: str) -> str | None:
        """`${api.base:/api}` from the module's configuration (or its default); None if unknown."""
        settings = self.settings_for(file)

        def value(match: re.Match[str]) -> str:
            key, _, default = match.group(1).partition(":")
            if key in settings:
                return settings[key]
            if match.group(1).count(":"):
                return default
            raise KeyError(key)

        try:
            return re.sub(r"\$\{([^}]*)\}", value, text)
        except KeyError:
            return None

    def strings(self, value: dict[str, Any] | None, file: str, cls: dict[str, Any], line: int) -> list[str] | None:
        """Literal paths of an annotation value; None (and a warning) when not resolvable."""
        if value is None:
            return [""]
        if "arr" in value:
            out: list[str] = []
            for item in value["arr"]:
                resolved = self.strings(item, file, cls, line)
                if resolved is None:
                    return None
                out.extend(resolved)
            return out
        single = self.constant(value, file, cls, set())
        if single is not None and "${" in single:
            resolved = self.property_references(single, file)
            if resolved is None:
                self.warnings.append(ScanWarning(file=file, line=line, message=MSG_UNRESOLVED_PLACEHOLDER.format(
                    path=single)))
                return None
            single = resolved
        if single is None:
            self.warnings.append(ScanWarning(file=file, line=line, message=MSG_UNRESOLVED_CONSTANT.format(
                expr=_describe(value))))
            return None
        return [single]

    def constant(self, value: dict[str, Any], file: str, cls: dict[str, Any], seen: set[str]) -> str | None:
        if "s" in value:
            return value["s"]
        if "cat" in value:
            parts = [self.constant(v, file, cls, seen) for v in value["cat"]]
            return None if any(p is None for p in parts) else "".join(parts)  # type: ignore[arg-type]
        if "c" in value:
            owner_file, owner = file, cls
            if value["q"] is not None:
                found = self.find_class(value["q"], file)
                if found is None:
                    return None
                owner_file, owner = found
            elif value["c"] not in cls["constants"]:
                # `import static com.acme.web.ApiPaths.USERS;` (or `ApiPaths.*`)
                found = self.static_import(value["c"], file)
                if found is None:
                    return None
                owner_file, owner = found
            key = f"{owner['qualified']}.{value['c']}"
            if key in seen or value["c"] not in owner["constants"]:
                return None
            return self.constant(owner["constants"][value["c"]], owner_file, owner, seen | {key})
        return None

    # --- endpoints -----------------------------------------------------------------------

    def controller(self, file: str, cls: dict[str, Any]) -> list[DiscoveredEndpoint]:
        class_mapping = self.type_mapping(file, cls)
        if class_mapping is None:
            base_paths: list[str] | None = [""]
        else:
            value, value_file, value_cls = class_mapping
            base_paths = self.strings(value, value_file, value_cls, cls["line"])
        if base_paths is None:
            return []
        context = self.context_path(file)
        out: list[DiscoveredEndpoint] = []
        for method_file, owner, method in self.methods_of(file, cls):
            for ann_name, args in method["ann"].items():
                mapping = self.request_mapping(ann_name, args, method_file)
                if mapping is None:
                    continue
                http_methods, value, origin = mapping
                value_file, value_cls = origin or (method_file, owner)
                paths = self.strings(value, value_file, value_cls, method["line"])
                if paths is None:
                    continue
                for base in base_paths:
                    for path in paths:
                        full = join_paths(context, base, path)
                        for http in http_methods:
                            out.append(self.endpoint(http, full, method_file, owner, cls, method))
        for method, operation in self.generated_operations(file, cls):
            for base in base_paths:
                full = join_paths(context, base, operation["p"])
                out.append(self.endpoint(operation["m"], full, file, cls, cls,
                                         _as_generated(method, operation["m"], full)))
        return out

    def generated_operations(self, file: str, cls: dict[str, Any]
                             ) -> list[tuple[dict[str, Any], dict[str, str]]]:
        """Methods a controller overrides from an interface the build generates (named in
        `implements`, declared nowhere in the repository), mapped by the OpenAPI operation whose
        operationId is the method's name, from a document of the controller's module."""
        if not self.specs or not any(self.find_class(name, file) is None for name in cls["implements"]):
            return []
        root = _module_root(file)
        operations: dict[str, dict[str, str]] = {}
        for spec_file in sorted(self.specs, key=lambda f: len(_module_root(f))):
            if root.startswith(_module_root(spec_file)) or _module_root(spec_file) == "/":
                operations.update(self.specs[spec_file])
        return [(method, operations[method["name"]]) for method in cls["methods"]
                if "Override" in method["ann"] and method["name"] in operations
                and not self.is_mapped(method, file)]

    def build_mentions(self, file: str, *needles: str) -> bool:
        """Whether a build file of `file`'s module (or of a module above it) names a dependency."""
        root = _module_root(file)
        return any(root.startswith(posixpath.dirname(path) + "/" if "/" in path else "")
                   and any(needle in text for needle in needles)
                   for path, text in self.manifests.items())

    def actuator(self, file: str, cls: dict[str, Any]) -> list[DiscoveredEndpoint]:
        """The Spring Boot Actuator endpoints an application exposes over HTTP: those its build
        pulls in, `management.endpoints.web.exposure.include` (default: health) less `exclude`
        and disabled ones, under `management.endpoints.web.base-path` (default /actuator)."""
        if not self.build_mentions(file, "spring-boot-starter-actuator", "spring-boot-actuator"):
            return []
        settings = self.settings_for(file)
        prefix = self.context_path(file)
        port = settings.get("management.server.port")
        if port and port != settings.get("server.port", "8080"):
            if port.strip() == "-1":
                return []
            # a management server of its own: the application's context path does not apply
            prefix = join_paths(settings.get("management.server.base-path")
                                or settings.get("management.server.servlet.context-path", ""))
        base = settings.get("management.endpoints.web.base-path", "/actuator")

        def listed(key: str, default: str) -> set[str]:
            return {item.strip().lower() for item in settings.get(key, default).split(",") if item.strip()}

        include = listed("management.endpoints.web.exposure.include", "health")
        exclude = listed("management.endpoints.web.exposure.exclude", "")
        by_default = settings.get("management.endpoints.enabled-by-default", "true") != "false"
        available = {
            "logfile": bool(settings.get("logging.file.name") or settings.get("logging.file.path")
                            or settings.get("management.endpoint.logfile.external-file")),
            "prometheus": self.build_mentions(file, "micrometer-registry-prometheus"),
        }
        out: list[DiscoveredEndpoint] = []
        exposed = []
        for endpoint_id, operations in _ACTUATOR_ENDPOINTS.items():
            enabled = settings.get(f"management.endpoint.{endpoint_id}.enabled",
                                   "true" if by_default and endpoint_id != "shutdown" else "false") != "false"
            if settings.get(f"management.endpoint.{endpoint_id}.access") == "none":
                enabled = False
            if ("*" in include or endpoint_id in include) and endpoint_id not in exclude and enabled \
                    and available.get(endpoint_id, True):
                exposed.append((endpoint_id, operations))
        if exposed and base.strip("/") and settings.get("management.endpoints.web.discovery.enabled") != "false":
            out.append(self.actuator_endpoint("GET", join_paths(prefix, base), file, cls, "links"))
        for endpoint_id, operations in exposed:
            mapped = settings.get(f"management.endpoints.web.path-mapping.{endpoint_id}", endpoint_id)
            for http, selector in operations:
                out.append(self.actuator_endpoint(http, join_paths(prefix, base, mapped, selector), file, cls,
                                                  endpoint_id))
        return out

    def springdoc(self, file: str, cls: dict[str, Any]) -> list[DiscoveredEndpoint]:
        """The documents springdoc-openapi serves (`/v3/api-docs`, its YAML form) and, with its
        UI starter, the Swagger UI entry point and its configuration, at their configured paths."""
        if not self.build_mentions(file, "springdoc-openapi"):
            return []
        settings = self.settings_for(file)
        prefix = self.context_path(file)
        out: list[DiscoveredEndpoint] = []
        docs = settings.get("springdoc.api-docs.path", "/v3/api-docs")
        if settings.get("springdoc.api-docs.enabled", "true") != "false":
            out.append(self.actuator_endpoint("GET", join_paths(prefix, docs), file, cls, "api-docs", "springdoc"))
            out.append(self.actuator_endpoint("GET", join_paths(prefix, docs + ".yaml"), file, cls, "api-docs.yaml",
                                              "springdoc"))
        if self.build_mentions(file, "springdoc-openapi-ui", "-webmvc-ui", "-webflux-ui") \
                and settings.get("springdoc.swagger-ui.enabled", "true") != "false":
            ui = settings.get("springdoc.swagger-ui.path", "/swagger-ui.html")
            out.append(self.actuator_endpoint("GET", join_paths(prefix, ui), file, cls, "swagger-ui", "springdoc"))
            out.append(self.actuator_endpoint("GET", join_paths(prefix, docs, "swagger-config"), file, cls,
                                              "swagger-config", "springdoc"))
        return out

    @staticmethod
    def actuator_endpoint(http: str, path: str, file: str, cls: dict[str, Any], endpoint_id: str,
                          provider: str = "actuator") -> DiscoveredEndpoint:
        """An endpoint the framework serves for the application class in `file`."""
        return DiscoveredEndpoint(
            method=http, path=path, framework="spring", file=file, line=cls["line"],
            handler=f"{provider}:{endpoint_id}",
            parameters=[Parameter(name=name, location="path", required=True, schema={"type": "string"})
                        for name in path_parameter_names(path)],
            responses={"200": {"description": ""}},
        )

    def functional(self, file: str, cls: dict[str, Any], method: dict[str, Any]) -> list[DiscoveredEndpoint]:
        """The endpoints of a `@Bean RouterFunction` method: WebFlux routes live under
        `spring.webflux.base-path`, Spring MVC ones under the servlet context path."""
        reactive = any(".web.reactive." in imp for imp in self.facts[file].get("imports", []))
        base = self.settings_for(file).get("spring.webflux.base-path", "") if reactive else self.context_path(file)
        out: list[DiscoveredEndpoint] = []
        self.expand(file, cls, method["router"], [base], {method["name"]}, out)
        return out

    def expand(self, file: str, cls: dict[str, Any], items: list[dict[str, Any]], prefixes: list[str],
               entered: set[str], out: list[DiscoveredEndpoint]) -> None:
        methods = {m["name"]: m for m in cls["methods"] if m.get("router") is not None}
        for item in items:
            if "route" in item:
                route = item["route"]
                paths = self.strings(route["path"], file, cls, route["line"])
                for path in paths or []:
                    full = join_paths(*prefixes, path)
                    for http in route["m"] or ANY_METHOD:
                        out.append(DiscoveredEndpoint(
                            method=http, path=full, framework="spring", file=file, line=route["line"],
                            handler=route["handler"],
                            parameters=[Parameter(name=name, location="path", required=True,
                                                  schema={"type": "string"}) for name in path_parameter_names(full)],
                        ))
            elif "nest" in item:
                nest = item["nest"]
                line = next((i["route"]["line"] for i in nest["items"] if "route" in i), cls["line"])
                for prefix in self.strings(nest["path"], file, cls, line) or []:
                    self.expand(file, cls, nest["items"], [*prefixes, prefix], entered, out)
            elif item["ref"] in methods and item["ref"] not in entered:
                # `.add(userRoutes())`: that method's routes, under this nesting
                self.expand(file, cls, methods[item["ref"]]["router"], prefixes, entered | {item["ref"]}, out)

    def annotation_type(self, name: str, file: str) -> tuple[str, dict[str, Any]] | None:
        """The repository's `@interface` declaration of an annotation used in `file`."""
        if name in MAPPING_METHODS or name in _WELL_KNOWN_ANNOTATIONS:
            return None
        found = self.find_class(name, file)
        return found if found is not None and found[1]["kind"] == "annotation_type" else None

    def request_mapping(self, name: str, args: dict[str, Any], file: str, depth: int = 0
                        ) -> tuple[tuple[str, ...], dict[str, Any] | None, tuple[str, dict[str, Any]] | None] | None:
        """What an annotation maps: (methods, path value, where that value resolves — None for
        where it is written), or None for an annotation that maps nothing. A composed annotation
        maps what the Spring mapping annotation it carries maps, with its own `value`/`path`
        (its `@AliasFor` attributes) in place of the carried one's when it is given."""
        if name in MAPPING_METHODS:
            return MAPPING_METHODS[name], _path_arg(args), None
        if name == "RequestMapping":
            return _request_methods(args.get("method")) or ANY_METHOD, _path_arg(args), None
        found = self.annotation_type(name, file) if depth < 4 else None
        if found is None:
            return None
        annotation_file, annotation = found
        for meta_name, meta_args in annotation["ann"].items():
            carried = self.request_mapping(meta_name, meta_args, annotation_file, depth + 1)
            if carried is None:
                continue
            http_methods, value, origin = carried
            if _path_arg(args) is not None:
                return http_methods, _path_arg(args), None
            return http_methods, value, origin or (annotation_file, annotation)
        return None

    def carries(self, name: str, file: str, wanted: set[str], depth: int = 0) -> bool:
        """Whether annotation `name` is one of `wanted` or a composed annotation carrying one."""
        if name in wanted:
            return True
        found = self.annotation_type(name, file) if depth < 4 else None
        return found is not None and any(self.carries(meta, found[0], wanted, depth + 1) for meta in found[1]["ann"])

    def is_controller(self, file: str, cls: dict[str, Any]) -> bool:
        return cls["kind"] == "class" and any(self.carries(name, file, CONTROLLER_ANNOTATIONS) for name in cls["ann"])

    def is_mapped(self, method: dict[str, Any], file: str) -> bool:
        return any(self.request_mapping(name, args, file) is not None for name, args in method["ann"].items())

    def type_mapping(self, file: str, cls: dict[str, Any]
                     ) -> tuple[dict[str, Any] | None, str, dict[str, Any]] | None:
        """The path value of the class's @RequestMapping (written on it, carried by a composed
        annotation, else inherited from an interface or superclass) and where it resolves."""
        queue: list[tuple[str, dict[str, Any]]] = [(file, cls)]
        seen: set[str] = set()
        while queue:
            current_file, current = queue.pop(0)
            if current["qualified"] in seen:
                continue
            seen.add(current["qualified"])
            for name, args in current["ann"].items():
                mapping = self.request_mapping(name, args, current_file)
                if mapping is not None:
                    value_file, value_cls = mapping[2] or (current_file, current)
                    return mapping[1], value_file, value_cls
            for name in ([current["extends"]] if current["extends"] else []) + current["implements"]:
                found = self.find_class(name, current_file)
                if found is not None:
                    queue.append(found)
        return None

    def methods_of(self, file: str, cls: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
        """The class's methods, then mapped methods it inherits (interfaces, superclasses)."""
        out = [(file, cls, m) for m in cls["methods"]]
        names = {m["name"] for m in cls["methods"] if self.is_mapped(m, file)}
        # each supertype with what its type parameters stand for, seen from the controller:
        # `UserController extends CrudController<User, Long>` makes CrudController's T a User
        queue: list[tuple[str, str, dict[str, Any], dict[str, dict[str, Any]]]] = [
            (file, n, cls, {}) for n in ([cls["extends"]] if cls["extends"] else []) + cls["implements"]]
        seen = {cls["qualified"]}
        while queue:
            from_file, name, child, child_binding = queue.pop(0)
            found = self.find_class(name, from_file)
            if found is None or found[1]["qualified"] in seen:
                continue
            seen.add(found[1]["qualified"])
            parent_file, parent = found
            args = child.get("super_args", {}).get(name, [])
            binding = {param: _bind(args[i], child_binding) if i < len(args) else {"n": "Object", "a": []}
                       for i, param in enumerate(parent.get("tp", []))}
            for method in parent["methods"]:
                if method["name"] not in names and self.is_mapped(method, parent_file):
                    names.add(method["name"])
                    out.append((parent_file, parent, _bound_method(method, binding) if binding else method))
            queue.extend((parent_file, n, parent, binding)
                         for n in ([parent["extends"]] if parent["extends"] else []) + parent["implements"])
        return out

    def endpoint(self, http: str, path: str, file: str, owner: dict[str, Any], cls: dict[str, Any],
                 method: dict[str, Any]) -> DiscoveredEndpoint:
        parameters: list[Parameter] = []
        body: dict[str, Any] | None = None
        declared_path: dict[str, Parameter] = {}
        for param in method["params"]:
            ann = param["ann"]
            if param["type"]["n"] in ("Pageable", "Sort"):
                parameters.extend(self.paging_parameters(param, file))
                continue
            if "RequestBody" in ann:
                body = self.rooted(self.schema(param["type"], file, set()), param["type"], file,
                                   "deserialization.unwrap_root_value")
                continue
            location_ann = next((a for a in PARAM_LOCATIONS if a in ann), None)
            if location_ann is None:
                if set(ann) <= _BINDABLE:
                    parameters.extend(self.bound_query_parameters(param, file))
                continue
            if param["type"]["n"] in _NOT_PARAMETERS | _MAPS:
                continue
            args = ann[location_ann]
            name_value = args.get("value") or args.get("name")
            name = name_value["s"] if name_value and "s" in name_value else param["name"]
            schema = self.schema(param["type"], file, set())
            schema.update(_constraints(ann, schema))
            if location_ann == "PathVariable":
                declared_path[name] = Parameter(name=name, location="path", required=True, schema=schema)
                continue
            optional = param["type"]["n"] == "Optional"
            default = args.get("defaultValue")
            required_arg = args.get("required")
            required = bool(required_arg["lit"]) if required_arg and "lit" in required_arg else not optional
            if default is not None and "s" in default:
                required = False
                schema["default"] = _coerce(default["s"], schema)
            parameters.append(Parameter(name=name, location=PARAM_LOCATIONS[location_ann],
                                        required=required, schema=schema))
        path_params = [declared_path.get(name) or Parameter(name=name, location="path", required=True,
                                                            schema={"type": "string"})
                       for name in path_parameter_names(path)]
        auth_required, auth = _auth(method, owner, cls)
        status = _status(method)
        returns = method["returns"]
        responses: dict[str, dict[str, Any]] = {}
        if returns["n"] != "void":
            response_schema = self.rooted(self.schema(returns, file, set()), returns, file,
                                          "serialization.wrap_root_value")
            responses[status] = {"description": "", "schema": response_schema} if response_schema else {
                "description": ""}
        else:
            responses[status] = {"description": ""}
        return DiscoveredEndpoint(
            method=http, path=path, framework="spring", file=file, line=method["line"],
            handler=f"{owner['name']}.{method['name']}", parameters=path_params + parameters,
            request_body=body, responses=responses, auth_required=auth_required, auth=auth,
        )

    def paging_parameters(self, param: dict[str, Any], file: str) -> list[Parameter]:
        """The request parameters Spring Data binds a `Pageable` (page, size, sort) or a `Sort`
        from, with `spring.data.web.*` names and bounds and `@PageableDefault` defaults."""
        settings = self.settings_for(file)
        pageable = "spring.data.web.pageable."
        one_based = settings.get(pageable + "one-indexed-parameters") == "true"
        sort = Parameter(name=settings.get("spring.data.web.sort.sort-parameter", "sort"), location="query",
                         schema={"type": "array", "items": {"type": "string"}})
        if param["type"]["n"] == "Sort":
            return [sort]
        prefix = settings.get(pageable + "prefix", "")
        defaults = param["ann"].get("PageableDefault", {})
        size = _number(defaults.get("size") or defaults.get("value")) \
            or _number({"s": settings.get(pageable + "default-page-size", "20")}) or 20
        page = (_number(defaults.get("page")) or 0) + (1 if one_based else 0)
        most = _number({"s": settings.get(pageable + "max-page-size", "2000")}) or 2000
        return [
            Parameter(name=prefix + settings.get(pageable + "page-parameter", "page"), location="query",
                      schema={"type": "integer", "minimum": 1 if one_based else 0, "default": page}),
            Parameter(name=prefix + settings.get(pageable + "size-parameter", "size"), location="query",
                      schema={"type": "integer", "minimum": 1, "maximum": most, "default": size}),
            sort,
        ]

    def jackson_feature(self, file: str, feature: str) -> bool:
        """Whether `spring.jackson.<feature>` is on in the module's configuration (any spelling:
        UNWRAP_ROOT_VALUE, unwrap-root-value)."""
        wanted = "spring.jackson." + feature
        return any(key.lower().replace("-", "_") == wanted and value.strip().lower() == "true"
                   for key, value in self.settings_for(file).items())

    def rooted(self, schema: dict[str, Any], type_: dict[str, Any], file: str, feature: str) -> dict[str, Any]:
        """With Jackson's (UN)WRAP_ROOT_VALUE on, a repository class travels inside an object
        keyed by its @JsonRootName (else its simple name): `{"user": {...}}`."""
        while type_["n"] in _WRAPPERS and type_["a"]:
            type_ = type_["a"][0]
        if not schema or type_["n"] in _SCALARS or not self.jackson_feature(file, feature):
            return schema
        found = self.find_class(type_["n"], file)
        if found is None or found[1]["kind"] not in ("class", "record"):
            return schema
        root = found[1]["ann"].get("JsonRootName", {})
        named = root.get("value") or root.get("name")
        key = named["s"] if named and named.get("s") else found[1]["name"]
        return {"type": "object", "properties": {key: schema}, "required": [key]}

    def bound_query_parameters(self, param: dict[str, Any], file: str) -> list[Parameter]:
        """Spring binds an unannotated simple parameter as an optional request parameter, and an
        unannotated (or @ModelAttribute) object's fields as request parameters."""
        type_ = param["type"]
        name = type_["n"]
        if name in _NOT_PARAMETERS or name in _MAPS or name in ("Object", "JsonNode", "ObjectNode"):
            return []
        simple_items = (name == "[]" or name in _ARRAYS) and bool(type_["a"]) and type_["a"][0]["n"] in _SCALARS
        if name in _SCALARS or name == "Optional" or simple_items:  # `Long[] roleIds`: ?roleIds=1,2
            schema = self.schema(type_, file, set())
            schema.update(_constraints(param["ann"], schema))
            return [Parameter(name=param["name"], location="query", required=False, schema=schema)]
        found = self.find_class(name, file)
        if found is None:
            return []
        if found[1]["kind"] == "enum":
            return [Parameter(name=param["name"], location="query", required=False,
                              schema=self.schema(type_, file, set()))]
        schema = self.schema(type_, file, set())
        required = set(schema.get("required", []))
        return [Parameter(name=prop, location="query", required=prop in required, schema=prop_schema)
                for prop, prop_schema in schema.get("properties", {}).items()]

    def schema(self, type_: dict[str, Any], file: str, seen: set[str]) -> dict[str, Any]:
        name, args = type_["n"], type_["a"]
        if name in _SCALARS:
            return dict(_SCALARS[name])
        if name == "[]" or name in _ARRAYS:
            if name == "[]" and args and args[0]["n"] == "byte":
                return {"type": "string", "format": "binary"}
            return {"type": "array", "items": self.schema(args[0], file, seen) if args else {}}
        if name in _MAPS:
            return {"type": "object",
                    "additionalProperties": self.schema(args[1], file, seen) if len(args) > 1 else {}}
        if name in _WRAPPERS:
            return self.schema(args[0], file, seen) if args else {}
        if name in ("Void", "?"):
            return {}
        found = self.find_class(name, file)
        if found is None and name in _PAGES and args:
            return _page_schema(name, self.schema(args[0], file, seen))
        if found is None:
            return {"type": "object"}
        class_file, cls = found
        if cls["kind"] == "enum":
            return {"type": "string", "enum": list(cls["enum"])}
        if cls["qualified"] in seen:
            return {"type": "object"}  # a recursive DTO: stop rather than loop
        seen = seen | {cls["qualified"]}
        # `CommonResult<List<Item>>`: the class's type parameters stand for the arguments given
        # (Object, any value, for a raw `CommonResult`)
        binding = {name: args[i] if i < len(args) else {"n": "Object", "a": []}
                   for i, name in enumerate(cls.get("tp", []))}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field_file, field in self.fields_of(class_file, cls):
            ann = field["ann"]
            if "JsonIgnore" in ann:
                continue
            json_name = ann.get("JsonProperty", {}).get("value") or ann.get("JsonProperty", {}).get("name")
            prop = json_name["s"] if json_name and "s" in json_name else field["name"]
            field_schema = self.schema(_bind(field["type"], binding) if binding else field["type"], field_file, seen)
            field_schema.update(_constraints(ann, field_schema))
            properties[prop] = field_schema
            if {"NotNull", "NotBlank", "NotEmpty"} & set(ann):
                required.append(prop)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def fields_of(self, file: str, cls: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        chain: list[tuple[str, dict[str, Any]]] = []
        current: tuple[str, dict[str, Any]] | None = (file, cls)
        seen: set[str] = set()
        while current is not None and current[1]["qualified"] not in seen:
            seen.add(current[1]["qualified"])
            chain.append(current)
            parent = current[1]["extends"]
            current = self.find_class(parent, current[0]) if parent else None
        out: list[tuple[str, dict[str, Any]]] = []
        for class_file, klass in reversed(chain):
            out.extend((class_file, field) for field in klass["fields"])
        return out


# Spring Data's page types as Jackson writes them (PageImpl's properties; PagedModel, the
# stable form since Spring Data 3.3, nests the counters under "page").
_PAGES = frozenset({"Page", "Slice", "PageImpl", "SliceImpl", "PagedModel"})


def _page_schema(name: str, item: dict[str, Any]) -> dict[str, Any]:
    integer, boolean = {"type": "integer"}, {"type": "boolean"}
    counters = {"size": integer, "number": integer, "totalElements": integer, "totalPages": integer}
    content = {"type": "array", "items": item}
    if name == "PagedModel":
        return {"type": "object", "properties": {"content": content, "page": {"type": "object",
                                                                             "properties": counters}}}
    properties: dict[str, Any] = {"content": content, "size": integer, "number": integer,
                                  "numberOfElements": integer, "first": boolean, "last": boolean, "empty": boolean}
    if name in ("Page", "PageImpl"):
        properties.update(totalElements=integer, totalPages=integer)
    return {"type": "object", "properties": properties}


def _bind(type_: dict[str, Any], binding: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if type_["n"] in binding and not type_["a"]:
        return binding[type_["n"]]
    return {"n": type_["n"], "a": [_bind(arg, binding) for arg in type_["a"]]}


def _bound_method(method: dict[str, Any], binding: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {**method, "returns": _bind(method["returns"], binding),
            "params": [{**param, "type": _bind(param["type"], binding)} for param in method["params"]]}


def _as_generated(method: dict[str, Any], http: str, path: str) -> dict[str, Any]:
    """An overriding method with the binding annotations its generated interface declares:
    parameters named like path variables are those, other simple values query parameters, and
    an object the body of a method that takes one."""
    names = set(path_parameter_names(path))
    params = []
    for param in method["params"]:
        ann = dict(param["ann"])
        if not set(ann) & {"PathVariable", "RequestParam", "RequestBody", "RequestHeader", "CookieValue"}:
            if param["name"] in names:
                ann["PathVariable"] = {}
            elif param["type"]["n"] in _SCALARS or param["type"]["n"] in _ARRAYS:
                ann["RequestParam"] = {"required": {"lit": False}}
            elif http in ("POST", "PUT", "PATCH") and param["type"]["n"] not in _NOT_PARAMETERS:
                ann["RequestBody"] = {}
        params.append({**param, "ann": ann})
    return {**method, "params": params}


def _path_arg(args: dict[str, Any] | None) -> dict[str, Any] | None:
    if not args:
        return None
    return args.get("value") or args.get("path")


def _request_methods(value: dict[str, Any] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value["arr"] if "arr" in value else [value]
    out = []
    for item in items:
        name = item.get("c") or item.get("raw", "").rsplit(".", 1)[-1]
        if name and name.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"):
            out.append(name.upper())
    return tuple(out)


def _describe(value: dict[str, Any]) -> str:
    if "c" in value:
        return f"{value['q']}.{value['c']}" if value["q"] else value["c"]
    if "cat" in value:
        return " + ".join(_describe(v) for v in value["cat"])
    if "s" in value:
        return repr(value["s"])
    return str(value.get("raw", value))


def _number(value: dict[str, Any] | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value.get("lit"), (int, float)) and not isinstance(value.get("lit"), bool):
        return value["lit"]
    if "s" in value:
        try:
            return float(value["s"]) if "." in value["s"] else int(value["s"])
        except ValueError:
            return None
    return None


def _constraints(ann: dict[str, dict[str, Any]], schema: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    is_array = schema.get("type") == "array"
    if "Size" in ann:
        low, high = _number(ann["Size"].get("min")), _number(ann["Size"].get("max"))
        if low is not None:
            out["minItems" if is_array else "minLength"] = low
        if high is not None:
            out["maxItems" if is_array else "maxLength"] = high
    for name, key in (("Min", "minimum"), ("DecimalMin", "minimum"), ("Max", "maximum"), ("DecimalMax", "maximum")):
        if name in ann:
            bound = _number(ann[name].get("value"))
            if bound is not None:
                out[key] = bound
    if "Positive" in ann:
        out["exclusiveMinimum"] = 0
    if "PositiveOrZero" in ann:
        out["minimum"] = 0
    if "Email" in ann:
        out["format"] = "email"
    if "Pattern" in ann:
        regexp = ann["Pattern"].get("regexp")
        if regexp and "s" in regexp:
            out["pattern"] = regexp["s"]
    return out


def _coerce(raw: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw
    if kind == "boolean":
        return raw.lower() == "true"
    return raw


def _auth(method: dict[str, Any], owner: dict[str, Any], cls: dict[str, Any]) -> tuple[bool | None, str]:
    for holder in (method, owner, cls):
        for name, args in holder["ann"].items():
            text = holder["ann_text"].get(name, "@" + name)
            if name in AUTH_PUBLIC:
                return False, text
            if name in AUTH_REQUIRED:
                expression = args.get("value", {}).get("s", "")
                if re.search(r"permitAll|isAnonymous\(\)", expression):
                    return False, text
                return True, text
    return None, ""


def _status(method: dict[str, Any]) -> str:
    status = method["ann"].get("ResponseStatus")
    if status:
        value = status.get("value") or status.get("code")
        name = (value or {}).get("c", "")
        codes = {"OK": "200", "CREATED": "201", "ACCEPTED": "202", "NO_CONTENT": "204"}
        if name in codes:
            return codes[name]
    return "200"
