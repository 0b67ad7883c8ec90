"""What the Python linkers share: one project per scan, memoized answers, scope rules."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from scanning.scanners._python import PythonProject, Ref, module_facts, shared_project
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


def _project(files: dict[str, str]) -> PythonProject:
    return PythonProject(json.loads(json.dumps(facts_of(files))))


def test_the_scanned_package_is_known_by_the_name_its_modules_import_it_by():
    project = _project(
        {
            "__init__.py": "",
            "api/__init__.py": "from orchestra.server.events.storage import database",
            "api/flows.py": "from orchestra.server.models import flows\nfrom orchestra.settings import get",
            "models/__init__.py": "",
            "models/flows.py": "def read_flow(): ...",
            "database.py": "class Engine: ...",
            "events/__init__.py": "",
            "events/storage/__init__.py": "from orchestra.server.events.storage.database import Engine",
            "events/storage/database.py": "class Engine: ...",
        }
    )
    # `orchestra.server.events.storage` also fits the imports under it (`database` is a
    # top-level module too), but it is a package of the tree under `orchestra.server`;
    # `orchestra` is refuted by `orchestra.settings`, which the tree lacks.
    assert project.package_aliases() == {"orchestra.server": ""}
    assert project.module_file("orchestra.server.models.flows", "api/flows.py") == "models/flows.py"
    assert project.module_file("orchestra.server", "api/flows.py") == "__init__.py"
    assert project.resolve("api/flows.py", "", "flows.read_flow").key == ("models/flows.py", "", "read_flow")
    assert project.resolve("api/__init__.py", "", "database").file == "events/storage/database.py"
    assert project.module_file("orchestra.settings", "api/flows.py") is None


def test_a_top_level_package_of_a_tree_that_is_no_package_gets_the_name_too():
    project = _project(
        {
            "server/__init__.py": "",
            "server/app.py": "from orchestra.server.routes import items\nfrom orchestra.server import routes",
            "server/routes/__init__.py": "",
            "server/routes/items.py": "router = 1",
            "docs/conf.py": "",
        }
    )
    assert project.package_aliases() == {"orchestra.server": "server"}
    assert project.module_file("orchestra.server.routes.items", "server/app.py") == "server/routes/items.py"


def test_a_framework_import_never_resolves_to_a_same_named_local_module():
    files = {
        "__init__.py": "",
        "urls.py": "from django.urls import include, path\nurlpatterns = [path('a/', include('api.urls'))]",
        "api/__init__.py": "",
        "api/urls.py": "from django.urls import path\nfrom . import views\nurlpatterns = [path('ping', views.ping)]",
        "api/views.py": "def ping(request): ...",
    }
    project = _project(files)
    # Every import under `django.` names something `urls.py` binds: the evidence alone would
    # make `django` the tree's name.
    assert project.package_aliases() == {}
    assert project.resolve("urls.py", "", "path") == Ref("external", name="django.urls.path")
    assert project.module_file("django.urls", "urls.py") is None


def test_an_external_package_sharing_module_names_with_the_tree_is_refuted_or_unproven():
    refuted = _project(
        {
            "__init__.py": "",
            "client.py": "class Client: ...",
            "models.py": "class Item: ...",
            "app.py": "from acme_sdk.client import Client\nfrom acme_sdk.models import Item",
            "tasks.py": "from acme_sdk.client import Client\nfrom acme_sdk.errors import ApiError",
        }
    )
    # Two imports fit the tree, but `acme_sdk.errors` is no module of it.
    assert refuted.package_aliases() == {}
    assert refuted.resolve("app.py", "", "Client") == Ref("external", name="acme_sdk.client.Client")
    unproven = _project(
        {"__init__.py": "", "client.py": "class Client: ...", "app.py": "from acme_sdk.client import Client"}
    )
    assert unproven.package_aliases() == {}
    absent_name = _project(
        {
            "__init__.py": "",
            "client.py": "class Session: ...",
            "models.py": "",
            "app.py": "from acme_sdk.client import Client\nfrom acme_sdk.models import Item",
        }
    )
    assert absent_name.package_aliases() == {}


def test_two_names_for_the_same_tree_are_ambiguous_and_neither_is_used():
    project = _project(
        {
            "__init__.py": "",
            "core/__init__.py": "",
            "core/models.py": "class Item: ...",
            "core/routes.py": "from alpha.core.models import Item\nfrom alpha.core import models",
            "core/admin.py": "from beta.core.models import Item\nfrom beta.core import models",
        }
    )
    assert project.package_aliases() == {}
    assert project.resolve("core/routes.py", "", "Item") == Ref("external", name="alpha.core.models.Item")


def test_a_name_the_tree_itself_holds_is_resolved_as_today():
    project = _project(
        {
            "__init__.py": "",
            "api.py": "X = 1",
            "shop/__init__.py": "",
            "shop/api.py": "X = 2",
            "main.py": "from shop.api import X\nfrom shop import api",
        }
    )
    assert project.package_aliases() == {}
    assert project.resolve("main.py", "", "X").file == "shop/api.py"


def test_the_same_import_written_in_two_packages_names_each_package_s_own_module():
    # Import targets are memoized per importing directory: siblings share the answer,
    # modules of another package get their own.
    project = _project(
        {
            "shop/__init__.py": "",
            "shop/models.py": "class Item: ...",
            "shop/views.py": "from .models import Item\nfrom models import Item as Absolute",
            "shop/admin.py": "from .models import Item\nfrom models import Item as Absolute",
            "blog/__init__.py": "",
            "blog/models.py": "class Item: ...",
            "blog/views.py": "from .models import Item\nfrom models import Item as Absolute",
            "blog/sub/__init__.py": "",
            "blog/sub/views.py": "from .models import Item\nfrom ..models import Item as Parent",
        }
    )
    found = {
        (path, name): project.resolve(path, "", name)
        for path in ("shop/views.py", "shop/admin.py", "blog/views.py", "blog/sub/views.py")
        for name in ("Item", "Absolute", "Parent")
        if project.lookup(path, "", name) is not None
    }
    assert {key: (ref.kind, ref.file or ref.name) for key, ref in found.items()} == {
        ("shop/views.py", "Item"): ("class", "shop/models.py"),
        ("shop/views.py", "Absolute"): ("class", "shop/models.py"),
        ("shop/admin.py", "Item"): ("class", "shop/models.py"),
        ("shop/admin.py", "Absolute"): ("class", "shop/models.py"),
        ("blog/views.py", "Item"): ("class", "blog/models.py"),
        ("blog/views.py", "Absolute"): ("class", "blog/models.py"),
        ("blog/sub/views.py", "Item"): ("external", ".models.Item"),  # no blog/sub/models.py
        ("blog/sub/views.py", "Parent"): ("class", "blog/models.py"),
    }
