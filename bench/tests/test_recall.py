"""The recall benchmark's comparison rules: pure logic, no environment installed."""
from __future__ import annotations

from bench.recall import compare, normalize


def route(method: str, path: str) -> dict[str, str]:
    return {"method": method, "path": path}


def test_it_reads_an_express_regex_route_as_a_path_template() -> None:
    assert normalize(r"/^\/nodes\/((@[^\/]+\/)?[^\/]+)\/([^\/]+)$/") == "/nodes/{}/{}"
    assert normalize(r"/^\/resources\/((?:@[^\/]+\/)?[^\/]+)\/(.+)$/") == "/resources/{}/{}"
    assert normalize(r"/^\/library\/([^\/]+)\/([^\/]+)(?:$|\/(.*))/") == "/library/{}/{}"
    assert normalize(r"/^\/locales\/(.+)\/?$/") == "/locales/{}"


def test_it_leaves_a_path_that_is_not_a_regex_route_alone() -> None:
    assert normalize("/context/:scope(node|flow)/:id/*") == "/context/{}/{}/*"
    assert normalize("/api/v1/") == "/api/v1"


def test_it_matches_a_regex_route_with_the_template_the_scan_reports() -> None:
    truth = [route("GET", r"/^\/nodes\/((@[^\/]+\/)?[^\/]+)$/"), route("GET", r"/^\/nodes\/messages/")]
    scanned = [route("GET", "/nodes/{param1}"), route("GET", "/nodes/messages")]
    stats = compare(truth, scanned, django=False)
    assert (stats["recall"], stats["precision"]) == (1.0, 1.0)


def test_it_counts_an_optional_parameter_as_the_paths_with_and_without_it() -> None:
    truth = [route("PUT", "/:package/:_rev?/:revision?")]
    scanned = [route("PUT", "/{package}"), route("PUT", "/{package}/{_rev}"),
               route("PUT", "/{package}/{_rev}/{revision}")]
    stats = compare(truth, scanned, django=False)
    assert (stats["served"], stats["matched"], stats["extra"]) == (3, 3, [])


def test_it_reports_a_scanned_path_past_the_optional_parameters_as_not_served() -> None:
    stats = compare([route("GET", "/:package/:version?")], [route("GET", "/{package}/{version}/{tag}")],
                    django=False)
    assert stats["extra"] == [("GET", "/{}/{}/{}")]
    assert stats["missed"] == [("GET", "/{}"), ("GET", "/{}/{}")]


def test_it_gives_precision_over_the_unconditional_routes_apart() -> None:
    truth = [route("GET", "/login"), route("GET", "/login/code")]
    scanned = [route("GET", "/login"), {**route("GET", "/login/code"), "conditions": ["CODE_ENABLED"]},
               {**route("GET", "/passkeys"), "conditions": ["PASSKEYS_ENABLED"]}]
    stats = compare(truth, scanned, django=False)
    assert (stats["conditional"], stats["conditional_served"]) == (2, 1)
    assert stats["precision"] == 2 / 3
    assert stats["precision_unconditional"] == 1.0
    assert stats["extra_conditional"] == [("GET", "/passkeys")]


def test_it_gives_no_unconditional_precision_when_every_route_found_is_conditional() -> None:
    stats = compare([route("GET", "/flows")], [{**route("GET", "/flows"), "conditions": ["settings.admin"]}],
                    django=False)
    assert (stats["precision"], stats["precision_unconditional"]) == (1.0, None)


def test_it_reads_an_express_5_named_wildcard_as_a_parameter() -> None:
    stats = compare([route("GET", "/files/:appId/*filepath")], [route("GET", "/files/{appId}/{filepath}")],
                    django=False)
    assert (stats["recall"], stats["precision"]) == (1.0, 1.0)
    assert normalize("/legacy/*") == "/legacy/*"
