from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanning.scanners.base import DiscoveredEndpoint, RepositoryIndex, SourceFile
from scanning.scanners.spring import MSG_UNRESOLVED_CONSTANT, MSG_UNRESOLVED_PLACEHOLDER, SpringScanner
from scanning.tests.scanners.fixtures_java import (
    CREATE_PRODUCT_SCHEMA,
    JAVA,
    PRODUCT_SCHEMA,
    SPRING_INVENTORY,
    SPRING_INVENTORY_ENDPOINTS,
)
from scanning.tests.scanners.fixtures_js import by_key, keys, params, scan_files, scan_repo, write_repo

SCANNER = SpringScanner()
PRODUCTS = "/inventory/api/products"


def inventory() -> dict[tuple[str, str], DiscoveredEndpoint]:
    return by_key(scan_files(SCANNER, SPRING_INVENTORY)[0])


def test_it_finds_exactly_the_served_endpoints_of_a_spring_boot_app(tmp_path: Path) -> None:
    endpoints, _, detected = scan_repo(SCANNER, write_repo(tmp_path, SPRING_INVENTORY))
    assert detected
    assert keys(endpoints) == SPRING_INVENTORY_ENDPOINTS


def test_request_params_carry_required_defaults_and_constraints() -> None:
    listing = inventory()[("GET", PRODUCTS)]
    assert params(listing) == [
        ("query", "page", False, {"type": "integer", "minimum": 0, "default": 0}),
        ("query", "size", False, {"type": "integer", "maximum": 100, "default": 20}),
        ("query", "q", False, {"type": "string"}),
    ]
    assert listing.responses == {"200": {"description": "", "schema": {"type": "array", "items": PRODUCT_SCHEMA}}}
    assert (listing.handler, listing.line) == ("ProductController.list", 26)


def test_path_variables_headers_and_cookies_are_parameters() -> None:
    endpoints = inventory()
    assert params(endpoints[("GET", PRODUCTS + "/{productId}")]) == [
        ("path", "productId", True, {"type": "integer"}),
        ("header", "X-Tenant-Id", True, {"type": "string"}),
    ]
    assert params(endpoints[("GET", PRODUCTS + "/export")]) == [("cookie", "session", False, {"type": "string"})]
    # a regex-constrained {warehouseId:[0-9]+} is normalized; its @PathVariable types it
    assert params(endpoints[("GET", "/inventory/warehouses/{warehouseId}/stock")]) == [
        ("path", "warehouseId", True, {"type": "string"})]


def test_unannotated_parameters_bind_as_query_parameters() -> None:
    search = inventory()[("GET", "/inventory/warehouses")]
    assert params(search) == [
        ("query", "city", True, {"type": "string"}),
        ("query", "minCapacity", False, {"type": "integer", "minimum": 1}),
        ("query", "region", False, {"type": "string"}),
    ]


def test_request_body_dto_becomes_json_schema() -> None:
    created = inventory()[("POST", PRODUCTS)]
    assert created.request_body == CREATE_PRODUCT_SCHEMA
    assert created.responses == {"201": {"description": "", "schema": PRODUCT_SCHEMA}}


def test_a_list_body_is_an_array_schema_of_the_dto() -> None:
    restock = inventory()[("POST", "/inventory/warehouses/{warehouseId}/restock")]
    assert restock.request_body == {
        "type": "array",
        "items": {"type": "object", "properties": {"sku": {"type": "string"}, "onHand": {"type": "integer"}}},
    }


def test_security_annotations_tell_auth() -> None:
    endpoints = inventory()
    assert (endpoints[("POST", PRODUCTS)].auth_required, endpoints[("POST", PRODUCTS)].auth) == (
        True, "@PreAuthorize(\"hasRole('ADMIN')\")")
    assert endpoints[("DELETE", PRODUCTS + "/{productId}")].auth == '@Secured("ROLE_ADMIN")'
    assert endpoints[("GET", "/inventory/warehouses/{warehouseId}/stock")].auth_required is False
    assert endpoints[("GET", PRODUCTS)].auth_required is None


def test_request_mapping_with_methods_array_yields_each_method() -> None:
    endpoints = inventory()
    for method in ("PUT", "PATCH"):
        update = endpoints[(method, PRODUCTS + "/{productId}")]
        assert (update.handler, update.request_body) == ("ProductController.update", CREATE_PRODUCT_SCHEMA)
        assert params(update) == [("path", "productId", True, {"type": "integer"})]


def test_mappings_inherited_from_an_interface_are_served() -> None:
    live = inventory()[("GET", "/inventory/status/live")]
    assert (live.handler, live.file) == ("HealthApi.live", f"{JAVA}/web/HealthApi.java")


def test_unresolvable_constant_and_syntax_error_are_warnings() -> None:
    endpoints, warnings = scan_files(SCANNER, SPRING_INVENTORY)
    assert sorted((w.file, w.line, w.message) for w in warnings) == [
        (f"{JAVA}/web/LegacyController.java", 5,
         "syntax error: unexpected syntax; declarations in it may be missed"),
        (f"{JAVA}/web/ProductController.java", 65,
         MSG_UNRESOLVED_CONSTANT.format(expr="FeatureFlags.SEARCH_PATH")),
    ]
    assert ("GET", "/inventory/legacy/ok") in keys(endpoints)


def test_non_controllers_and_profile_or_test_configs_do_not_count() -> None:
    paths = {p for _, p in keys(scan_files(SCANNER, SPRING_INVENTORY)[0])}
    assert not {p for p in paths if "not-served" in p or "local-only" in p or "test-only" in p}


def test_properties_context_path_applies_per_module() -> None:
    files = {
        "orders/src/main/resources/application.properties": "# orders service\nserver.servlet.context-path = /orders\n",
        "orders/src/main/java/o/OrderController.java": """
            package o;
            @RestController
            public class OrderController { @GetMapping("/all") public String all() { return ""; } }
        """,
        "billing/src/main/java/b/BillController.java": """
            package b;
            @RestController
            @RequestMapping("bills")
            public class BillController { @DeleteMapping("{id}") public void rm(@PathVariable int id) {} }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/orders/all"), ("DELETE", "/bills/{id}")}
    assert warnings == []


def test_facts_are_json_serializable() -> None:
    for path, text in SPRING_INVENTORY.items():
        source = SourceFile(path, textwrap.dedent(text).encode())
        if SCANNER.wants(source):
            facts = SCANNER.extract(source)
            assert json.loads(json.dumps(facts)) == facts


# --- Property 6: a generated route table rendered as Spring source is found exactly ----------

HTTP = ("GET", "POST", "PUT", "PATCH", "DELETE")
segment = st.one_of(st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True), st.just(None))
method_spec = st.tuples(st.sampled_from(HTTP), st.lists(segment, max_size=3), st.integers(0, 4))
controller_spec = st.tuples(
    st.lists(segment.filter(lambda s: s is not None), max_size=2),
    st.integers(0, 2),
    st.lists(method_spec, min_size=1, max_size=4),
)


def render(segments: list[str | None], counter: list[int]) -> tuple[str, list[str]]:
    parts, names = [], []
    for seg in segments:
        if seg is None:
            counter[0] += 1
            names.append(f"p{counter[0]}")
            parts.append("{" + names[-1] + "}")
        else:
            parts.append(seg)
    return "/" + "/".join(parts), names


def mapping(http: str, path: str, style: int, const: str) -> str:
    short = http.capitalize() + "Mapping"
    return [
        f'@{short}("{path}")',
        f'@{short}(value = "{path}")',
        f'@{short}(path = {{"{path}"}})',
        f'@RequestMapping(value = "{path}", method = RequestMethod.{http})',
        f"@{short}({const})",
    ][style]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(controllers=st.lists(controller_spec, min_size=1, max_size=3),
       context=st.one_of(st.none(), st.from_regex(r"/[a-z]{1,6}", fullmatch=True)))
def test_property_generated_spring_route_tables_are_found_exactly(
    controllers: list[tuple[list[str | None], int, list[tuple[str, list[str | None], int]]]], context: str | None
) -> None:
    counter = [0]
    files: dict[str, str] = {}
    expected: set[tuple[str, str]] = set()
    if context:
        files["src/main/resources/application.properties"] = f"server.servlet.context-path={context}\n"
    for c, (prefix_segments, class_style, methods) in enumerate(controllers):
        prefix = "/" + "/".join(prefix_segments) if prefix_segments else ""
        class_ann = ["", f'@RequestMapping("{prefix}")', f'@RequestMapping(path = {{"{prefix}"}})'][class_style] \
            if prefix else ""
        body = []
        for m, (http, segments, style) in enumerate(methods):
            path, names = render(segments, counter)
            const = f"PATH_{m}"
            body.append(f'    private static final String {const} = "{path}";')
            args = ", ".join(f"@PathVariable String {n}" for n in names)
            body.append(f"    {mapping(http, path, style, const)}\n    public String m{m}({args}) {{ return \"\"; }}")
            effective_prefix = prefix if class_ann else ""
            full = ((context or "") + effective_prefix + (path if path != "/" else "")) or "/"
            expected.add((http, full))
        files[f"src/main/java/gen/C{c}.java"] = "\n".join(
            ["package gen;", "import org.springframework.web.bind.annotation.*;", "@RestController", class_ann,
             f"public class C{c} {{", *body, "}"])
    endpoints, warnings = scan_files(SCANNER, files)
    assert warnings == []
    assert keys(endpoints) == expected


def test_pathologically_nested_java_is_a_value_error_not_a_crash() -> None:
    source = SourceFile("A.java", ('class A { static final String P = ' + '"a" + ' * 3000 + '"b"; }').encode())
    with pytest.raises(ValueError):
        SCANNER.extract(source)


JAVA_TOKENS = " ".join(SPRING_INVENTORY.values()).split()


@settings(max_examples=40, deadline=None)
@given(chunks=st.lists(st.tuples(st.integers(0, len(JAVA_TOKENS) - 1), st.integers(1, 150)), min_size=1, max_size=4))
def test_property_scrambled_sources_never_crash_the_spring_scanner(chunks: list[tuple[int, int]]) -> None:
    files = {f"src/main/java/F{i}.java": " ".join(JAVA_TOKENS[start:start + size])
             for i, (start, size) in enumerate(chunks)}
    endpoints, _ = scan_files(SCANNER, files)
    assert all(e.path.startswith("/") for e in endpoints)


def test_linking_facts_replayed_from_json_gives_the_same_endpoints() -> None:
    sources = [SourceFile(p, textwrap.dedent(t).encode()) for p, t in SPRING_INVENTORY.items()]
    facts = {s.rel_path: SCANNER.extract(s) for s in sources if SCANNER.wants(s)}
    replayed = json.loads(json.dumps(facts))
    index = RepositoryIndex(files=list(SPRING_INVENTORY))
    first, second = SCANNER.link(facts, index), SCANNER.link(replayed, index)
    assert [e.to_dict() for e in first[0]] == [e.to_dict() for e in second[0]]
    assert len(first[0]) == len(SPRING_INVENTORY_ENDPOINTS)


def test_property_placeholders_and_static_imports_resolve_paths() -> None:
    files = {
        "src/main/resources/application.properties": "api.base=/api/v2\nserver.port=8080\n",
        "src/main/java/a/Paths.java": 'package a; public class Paths { public static final String ORDERS = "/orders"; }',
        "src/main/java/a/OrderController.java": """
            package a;
            import static a.Paths.ORDERS;
            @RestController
            @RequestMapping("${api.base}")
            public class OrderController {
                @GetMapping(ORDERS) public String orders() { return ""; }
                @GetMapping("${feature.path:/beta}") public String beta() { return ""; }
                @GetMapping("${missing.key}/x") public String missing() { return ""; }
            }
        """,
    }
    endpoints, warnings = scan_files(SCANNER, files)
    assert keys(endpoints) == {("GET", "/api/v2/orders"), ("GET", "/api/v2/beta")}
    assert [(w.line, w.message) for w in warnings] == [
        (8, MSG_UNRESOLVED_PLACEHOLDER.format(path="${missing.key}/x"))]
