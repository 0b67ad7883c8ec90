from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command



def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("discover_endpoints", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "users.routes").write_text("prefix /users\nGET /:id getUser\nparam verbose query\n")
    (tmp_path / "bad.routes").write_text("!broken\n")
    return tmp_path


def test_json_lists_method_path_framework_file_line_and_parameters(toy_only, tree):
    out, _ = run(str(tree), "--format", "json")
    assert json.loads(out) == [{
        "method": "GET", "path": "/users/{id}", "framework": "toy", "file": "users.routes", "line": 2,
        "handler": "getUser",
        "parameters": [
            {"name": "id", "location": "path", "required": True, "schema": {"type": "string"}, "description": ""},
            {"name": "verbose", "location": "query", "required": False, "schema": {}, "description": ""},
        ],
        "conditions": [],
    }]


def test_parse_failures_go_to_stderr(toy_only, tree):
    _, err = run(str(tree), "--format", "json")
    assert "bad.routes" in err


def test_the_table_shows_one_line_per_endpoint(toy_only, tree):
    out, _ = run(str(tree))
    lines = out.splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "FRAMEWORK", "LOCATION"]
    assert lines[1].split() == ["GET", "/users/{id}", "toy", "users.routes:2"]


def test_an_unknown_framework_is_an_error(toy_only, tree):
    with pytest.raises(CommandError, match="Unknown framework 'rails'"):
        run(str(tree), "--framework", "rails")


def test_a_missing_path_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="is not a directory"):
        run(str(tmp_path / "nope"))


def test_the_real_scanners_find_a_flask_app(tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text(
        "from flask import Flask\napp = Flask(__name__)\n\n@app.route('/items/<int:item_id>')\n"
        "def get_item(item_id):\n    return {}\n"
    )
    out, _ = run(str(tmp_path), "--format", "json")
    rows = json.loads(out)
    assert [(r["method"], r["path"], r["framework"], r["file"], r["line"]) for r in rows] == [
        ("GET", "/items/{item_id}", "flask", "app.py", 4)
    ]


@pytest.fixture
def conditional_flask_app(tmp_path: Path) -> Path:
    (tmp_path / "requirements.txt").write_text("flask\n")
    (tmp_path / "app.py").write_text(
        "import os\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.get('/items')\ndef items():\n    return []\n\n"
        "if os.environ.get('DEBUG'):\n    @app.get('/debug')\n    def debug():\n        return {}\n"
    )
    return tmp_path


def test_json_rows_give_the_conditions_a_route_is_served_under(conditional_flask_app):
    out, _ = run(str(conditional_flask_app), "--format", "json")
    assert [(r["path"], r["conditions"]) for r in json.loads(out)] == [
        ("/debug", ["os.environ.get('DEBUG')"]),
        ("/items", []),
    ]


def test_the_table_marks_conditional_routes(conditional_flask_app):
    lines = run(str(conditional_flask_app))[0].splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "FRAMEWORK", "LOCATION", "CONDITIONS"]
    assert lines[1].split() == ["GET", "/debug", "flask", "app.py:10", "if", "os.environ.get('DEBUG')"]
    assert lines[2].split() == ["GET", "/items", "flask", "app.py:5"]
