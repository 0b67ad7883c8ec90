"""What the Python linkers share: one project per scan, memoized answers, scope rules."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from scanning.scanners._python import PythonProject, module_facts, shared_project
from scanning.scanners.base import RepositoryIndex, SourceFile
from scanning.scanners.django import DjangoScanner
from scanning.scanners.fastapi import FastAPIScanner
from scanning.scanners.flask import FlaskScanner
from scanning.tests.scanners.fixtures_python import DJANGO_PROJECT, FASTAPI_APP, FLASK_APP

SCANNERS = (FastAPIScanner(), FlaskScanner(), DjangoScanner())


def facts_of(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    out = {}
    for path, text in files.items():
        if path.endswith(".py"):
            try:
                out[path] = module_facts(SourceFile(path, textwrap.dedent(text).encode()))
            except SyntaxError:
                continue
    return out


def linked(scanner: Any, facts: dict[str, dict[str, Any]], index: RepositoryIndex) -> str:
    endpoints, warnings = scanner.link(facts, index)
    return json.dumps(
        [[e.to_dict() for e in endpoints], [w.to_dict() for w in warnings]], sort_keys=True
    )


# FastAPI, Flask and Django code in one repository: every linker meets the others' modules.
MIXED = {**FASTAPI_APP, **{f"flaskapp/{p}": t for p, t in FLASK_APP.items()}, **DJANGO_PROJECT}


def test_linkers_sharing_one_project_report_what_they_report_alone():
    facts = facts_of(MIXED)
    alone = [linked(s, facts, RepositoryIndex(files=list(MIXED))) for s in SCANNERS]
    index = RepositoryIndex(files=list(MIXED))
    # Each scanner gets a dict of its own over the same facts documents, as in the engine.
    shared = [linked(s, dict(facts), index) for s in SCANNERS]
    assert shared == alone
    assert shared_project(dict(facts), index) is shared_project(facts, index)


def test_other_facts_with_the_same_index_get_a_project_of_their_own():
    index = RepositoryIndex(files=[])
    first = facts_of(FASTAPI_APP)
    assert linked(FastAPIScanner(), first, index)
    # Equal content in other documents: not assumed to be the same facts.
    again = json.loads(json.dumps(first))
    assert shared_project(again, index) is not shared_project(first, index)
    empty: dict[str, dict[str, Any]] = {}
    assert linked(FastAPIScanner(), empty, index) == json.dumps([[], []])


def test_linking_facts_read_back_from_json_is_the_same():
    facts = facts_of(MIXED)
    stored = json.loads(json.dumps(facts))
    for scanner in SCANNERS:
        assert linked(scanner, stored, RepositoryIndex(files=[])) == linked(
            scanner, facts, RepositoryIndex(files=[])
        )


def test_a_later_definition_wins_and_imports_yield_to_local_definitions():
    facts = facts_of(
        {
            "m.py": """
                def handler(): ...
                from os import path as handler
                from os import sep
                sep = "/"
                x = 1
                class x: ...
                def y(): ...
                y = 2
                a = b = 3
                def a(): ...
                if True:
                    def z(): ...
                else:
                    z = 4
                def outer():
                    inner = 5
            """
        }
    )
    project = PythonProject(json.loads(json.dumps(facts)))
    names = ("handler", "sep", "x", "y", "a", "b", "z")
    kinds = {name: project.lookup("m.py", "", name)[1] for name in names}
    assert kinds == {
        "handler": "function",  # imports carry no line: a local definition shadows them
        "sep": "assign",
        "x": "class",
        "y": "assign",
        "a": "function",
        "b": "assign",
        "z": "assign",
    }
    assert project.lookup("m.py", "outer", "inner")[:2] == ("outer", "assign")
    assert project.lookup("m.py", "outer", "sep")[:2] == ("", "assign")
    assert project.lookup("m.py", "", "inner") is None
