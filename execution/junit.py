"""JUnit XML of a run, in the shape CI systems (GitHub Actions, GitLab, Jenkins) read.

One ``<testsuite>`` per test type, one ``<testcase>`` per result with ``<failure>``,
``<error>`` or ``<skipped>``. ElementTree escapes markup; characters XML 1.0 cannot carry
at all (most control characters) are removed first, as a response body may contain them.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any
from xml.etree import ElementTree as ET

_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_DETAIL_CHARS = 4000


def _clean(text: Any) -> str:
    return _INVALID_XML.sub("", str(text))


def _seconds(ms: int | None) -> str:
    return f"{(ms or 0) / 1000:.3f}"


def _failure_details(result: Any) -> str:
    lines = [_clean(result.error)] if result.error else []
    for assertion in result.assertions or []:
        if not assertion.get("passed", True):
            label = assertion.get("type", "?")
            where = assertion.get("path") or assertion.get("name") or ""
            lines.append(
                f"- {label} {where}".rstrip()
                + f": expected {json.dumps(assertion.get('expected'), ensure_ascii=False)},"
                + f" actual {json.dumps(assertion.get('actual'), ensure_ascii=False)}"
            )
    return _clean("\n".join(lines))[:MAX_DETAIL_CHARS]


def render_junit(*, run: Any, results: Iterable[Any]) -> bytes:
    """The JUnit XML document for `run` and its `results` (ordered by type for grouping)."""
    results = list(results)
    counts = {status: sum(1 for r in results if r.status == status) for status in ("failed", "error", "skipped")}
    root = ET.Element("testsuites", {
        "name": _clean(f"TestGen {run.public_id}"),
        "tests": str(len(results)),
        "failures": str(counts["failed"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["skipped"]),
        "time": _seconds(run.duration_ms),
    })
    for test_type, group in groupby(results, key=lambda r: r.test_type or "test"):
        members = list(group)
        suite = ET.SubElement(root, "testsuite", {
            "name": _clean(f"{run.public_id}.{test_type}"),
            "tests": str(len(members)),
            "failures": str(sum(1 for r in members if r.status == "failed")),
            "errors": str(sum(1 for r in members if r.status == "error")),
            "skipped": str(sum(1 for r in members if r.status == "skipped")),
            "time": _seconds(sum(r.duration_ms or 0 for r in members)),
            "timestamp": (run.started_at or run.created_at).strftime("%Y-%m-%dT%H:%M:%S"),
        })
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "run", "value": run.public_id})
        ET.SubElement(properties, "property", {"name": "base_url", "value": _clean(run.base_url)})
        for result in members:
            case = ET.SubElement(suite, "testcase", {
                "classname": _clean(f"testgen.{test_type}"),
                "name": _clean(f"{result.test_case_public_id} {result.title}".strip()),
                "time": _seconds(result.duration_ms),
            })
            message = _clean(result.error.splitlines()[0] if result.error else "")[:500]
            if result.status == "failed":
                element = ET.SubElement(case, "failure", {"message": message or "assertion failed", "type": "AssertionFailed"})
                element.text = _failure_details(result)
            elif result.status == "error":
                element = ET.SubElement(case, "error", {"message": message or "error", "type": "ExecutionError"})
                element.text = _failure_details(result)
            elif result.status == "skipped":
                ET.SubElement(case, "skipped", {"message": message})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
