"""The diff is pure: tested without the database, by applying it to an in-memory table."""
from __future__ import annotations

from typing import Any

from hypothesis import given, strategies as st

from scanning.engine import ExistingEndpoint, compute_diff, merge_endpoint
from scanning.scanners.base import DiscoveredEndpoint, Parameter

KEYS = st.tuples(st.sampled_from(["GET", "POST"]), st.sampled_from(["/a", "/b", "/c/{id}", "/d"]))


def discovered(method: str, path: str, *, extra: str = "", framework: str = "toy") -> DiscoveredEndpoint:
    parameters = [Parameter(name=extra, location="query")] if extra else []
    return DiscoveredEndpoint(method=method, path=path, framework=framework, parameters=parameters)


SCANS = st.lists(st.tuples(KEYS, st.sampled_from(["", "q", "limit"])), max_size=6).map(
    lambda items: list({key: discovered(*key, extra=extra) for key, extra in items}.values())
)


class Table:
    """A stand-in for the endpoint table that applies a Diff the way the service does."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}

    def existing(self, status: str) -> list[ExistingEndpoint]:
        return [
            ExistingEndpoint(id=pk, method=r["method"], path=r["path"], status=r["status"], in_code=r["in_code"],
                             in_spec=r["in_spec"], fields=dict(r))
            for pk, r in self.rows.items() if r["status"] == status
        ]

    def apply(self, code, spec):
        diff = compute_diff(active=self.existing("active"), removed=self.existing("removed"), code=code, spec=spec)
        for fields in diff.added:
            self.rows[len(self.rows) + 1] = {**fields, "status": "active"}
        for existing in diff.removed:
            self.rows[existing.id]["status"] = "removed"
        for existing, fields in [*diff.restored, *diff.changed, *diff.refreshed]:
            self.rows[existing.id].update(fields, status="active")
        return diff

    def active_keys(self) -> set[tuple[str, str]]:
        return {(r["method"], r["path"]) for r in self.rows.values() if r["status"] == "active"}


@given(st.lists(st.tuples(SCANS, SCANS), min_size=1, max_size=4))
def test_after_a_full_scan_exactly_the_seen_endpoints_are_active(scans):
    table = Table()
    for code, spec in scans:
        table.apply(code, spec)
        assert table.active_keys() == {e.key for e in code} | {e.key for e in spec}


@given(SCANS, SCANS)
def test_rescanning_the_same_sources_changes_nothing(code, spec):
    table = Table()
    table.apply(code, spec)
    assert table.apply(code, spec).is_empty


@given(st.lists(SCANS, min_size=1, max_size=4), SCANS)
def test_a_spec_only_scan_never_removes_what_code_serves(code_scans, spec):
    table = Table()
    for code in code_scans:
        table.apply(code, None)
    served = table.active_keys()
    table.apply(None, spec)
    assert served <= table.active_keys()


@given(st.lists(st.tuples(SCANS, SCANS), min_size=1, max_size=5))
def test_a_key_never_has_two_active_rows(scans):
    table = Table()
    for code, spec in scans:
        table.apply(code, spec)
        active = [(r["method"], r["path"]) for r in table.rows.values() if r["status"] == "active"]
        assert len(active) == len(set(active))


def test_a_key_that_returns_reuses_its_row():
    table = Table()
    table.apply([discovered("GET", "/a")], None)
    table.apply([], None)
    diff = table.apply([discovered("GET", "/a")], None)
    assert (len(diff.restored), len(diff.added), len(table.rows)) == (1, 0, 1)


def test_code_wins_and_the_spec_fills_gaps():
    code = DiscoveredEndpoint(method="GET", path="/u/{id}", framework="express", file="a.js", line=3,
                              parameters=[Parameter(name="id", location="path", required=True)],
                              responses={"200": {"description": "OK"}})
    spec = DiscoveredEndpoint(method="GET", path="/u/{id}", framework="openapi", summary="One user",
                              parameters=[Parameter(name="id", location="path", required=True,
                                                    schema={"type": "integer"}),
                                          Parameter(name="fields", location="query")],
                              responses={"200": {"description": "OK", "schema": {"type": "object"}},
                                         "404": {"description": "Missing"}})
    merged = merge_endpoint(code, spec)
    assert (merged["framework"], merged["source_file"], merged["summary"]) == ("express", "a.js", "One user")
    assert [p["name"] for p in merged["parameters"]] == ["id", "fields"]
    assert merged["parameters"][0]["schema"] == {"type": "integer"}
    assert merged["responses"]["200"]["schema"] == {"type": "object"}
    assert set(merged["responses"]) == {"200", "404"}


def test_conditions_come_from_code_and_a_change_of_them_alone_is_no_contract_change():
    table = Table()
    table.apply([discovered("GET", "/metrics")], None)
    flagged = DiscoveredEndpoint(method="GET", path="/metrics", framework="toy", conditions=["settings.METRICS"])
    diff = table.apply([flagged], None)
    assert (diff.changed, [e.key for e, _ in diff.refreshed]) == ([], [("GET", "/metrics")])
    assert table.rows[1]["conditions"] == ["settings.METRICS"]
    spec_only = DiscoveredEndpoint(method="GET", path="/metrics", framework="openapi", conditions=["x"])
    assert merge_endpoint(None, spec_only)["conditions"] == []
