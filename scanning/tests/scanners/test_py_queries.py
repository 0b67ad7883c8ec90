"""Query parameters read in Flask and Django view bodies (scanning.scanners._py_queries)."""
from __future__ import annotations

import ast
import textwrap
from typing import Any

from scanning.scanners._py_queries import query_reads


def reads(text: str) -> dict[str, list[tuple[str, bool, dict[str, Any]]]]:
    source = textwrap.dedent(text).lstrip("\n").encode()
    found = query_reads(ast.parse(source), source)
    return {line: [(r["name"], r["required"], r["schema"]) for r in items] for line, items in found.items()}


def test_reads_are_typed_by_type_or_default_and_subscripts_are_required() -> None:
    assert reads("""
        def search():
            q = request.args["q"]
            page = request.args.get("page", default=1, type=int)
            ratio = request.values.get("ratio", 0.5)
            exact = request.args.get("exact", False)
            label = request.args.get("label", 3, type=str)
            tags = request.args.getlist("tag", type=int)
            return [q, page, ratio, exact, label, tags]
    """) == {"1": [
        ("q", True, {"type": "string"}),
        ("page", False, {"type": "integer", "default": 1}),
        ("ratio", False, {"type": "number", "default": 0.5}),
        ("exact", False, {"type": "boolean", "default": False}),
        # a default of another type than `type=` says is not the parameter's default
        ("label", False, {"type": "string"}),
        ("tag", False, {"type": "array", "items": {"type": "integer"}}),
    ]}


def test_a_local_name_for_the_query_dict_is_followed() -> None:
    assert reads("""
        def listing(request):
            params = request.GET
            if "all" in params:
                return everything()
            return page(params.get("cursor"), params["size"])
    """) == {"1": [("all", False, {"type": "string"}), ("cursor", False, {"type": "string"}),
                   ("size", True, {"type": "string"})]}


def test_each_function_keeps_its_own_reads_and_mentions_are_not_reads() -> None:
    assert reads("""
        def create_app():
            app = Flask(__name__)

            @app.route("/")
            def index():
                return request.args.get("lang", "en")

            return app


        class Orders(APIView):
            def get(self, request):
                return self.request.query_params.get("status")


        def helper():
            "Reads request.args, says the docstring."
            return request.args
    """) == {"5": [("lang", False, {"type": "string", "default": "en"})],
             "12": [("status", False, {"type": "string"})]}


def test_a_module_without_query_reads_costs_a_search() -> None:
    assert reads("def view(request):\n    return request.POST.get('name')\n") == {}
