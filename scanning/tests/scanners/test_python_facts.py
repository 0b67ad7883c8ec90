"""What `module_facts` extracts from one module: the cached facts format of the Python scanners."""

from __future__ import annotations

import textwrap
from typing import Any

from scanning.scanners._python import module_facts
from scanning.scanners.base import SourceFile


def facts(text: str) -> dict[str, Any]:
    return module_facts(SourceFile("m.py", textwrap.dedent(text).encode()))


def test_parameters_keep_names_annotations_and_the_defaults_of_the_last_positionals():
    (function,) = facts("def f(a, /, b: int, c=1, *, d: str, e=None): pass\n")["functions"]
    assert function["args"] == [
        {"name": "a"},
        {"name": "b", "ann": {"n": "int"}},
        {"name": "c", "def": {"c": 1}},
        {"name": "d", "ann": {"n": "str"}},
        {"name": "e", "def": {"c": None}},
    ]


def test_positional_only_defaults_line_up_with_their_parameters():
    (function,) = facts("def f(a=1, /, b=2): pass\n")["functions"]
    assert function["args"] == [{"name": "a", "def": {"c": 1}}, {"name": "b", "def": {"c": 2}}]


def test_function_bodies_keep_only_routing_structure():
    found = facts(
        """
        def create_app():
            total = compute()
            app = Flask(__name__)
            prefix = "/api"
            log("ready")
            app.register_blueprint(bp)
            return app
        """
    )
    assert [a["t"] for a in found["assigns"]] == [["app"], ["prefix"]]
    assert [c["e"]["call"] for c in found["calls"]] == [{"n": "app.register_blueprint"}]
    assert {a["s"] for a in found["assigns"]} == {"create_app"}


def test_blocks_are_visited_and_their_statements_keep_the_enclosing_scope():
    found = facts(
        """
        try:
            import ujson as json
        except ImportError:
            import json
        else:
            A = 1
        finally:
            B = 2
        with ctx():
            C = 3
        for x in y:
            D = 4
        else:
            E = 5
        """
    )
    assert [i[0] for i in found["imports"]] == ["json", "json"]
    assert [a["t"][0] for a in found["assigns"]] == ["A", "B", "C", "D", "E"]


def test_expressions_encode_names_attribute_chains_and_safe_strings():
    (assign,) = facts('X = f(a.b.c, call().attr, "nul\\x00", b"\\xff", -1, ...)\n')["assigns"]
    assert assign["v"]["args"] == [
        {"n": "a.b.c"},
        {"attr": "attr", "of": {"call": {"n": "call"}, "args": [], "kw": {}, "line": 1}},
        {"c": "nul\ufffd"},
        {"c": "\ufffd"},
        {"c": -1},
        {"ellipsis": True},
    ]


def test_a_mounting_factory_keeps_its_call_assignments_and_a_building_one_its_returned_name():
    found = facts(
        """
        def create_api_app():
            api = FastAPI()
            return api

        def create_app():
            app = FastAPI()
            api = create_api_app()
            app.mount("/api", api)
            return app

        def handler():
            total = compute()
            return total
        """
    )
    assert [(a["s"], a["t"]) for a in found["assigns"]] == [
        ("create_api_app", ["api"]),
        ("create_app", ["app"]),
        ("create_app", ["api"]),
    ]
    assert [f.get("rn") for f in found["functions"]] == [["api"], ["app"], None]


def test_a_loop_is_kept_with_the_range_of_calls_it_holds():
    found = facts(
        """
        for router in ROUTERS:
            app.include_router(router)
        for value in values:
            total = value
        """
    )
    assert found["loops"] == [
        {"t": {"n": "router"}, "it": {"n": "ROUTERS"}, "s": "", "line": 2, "c": [0, 1]}
    ]


def test_small_module_level_helpers_keep_their_returns():
    found = facts(
        '''
        def prefixed(route):
            """Docstring."""
            if prefix := os.environ.get("PREFIX"):
                return prefix + route
            return route

        def serialize(row):
            return {"id": row.id}

        def compute(route):
            route = route.strip()
            return route

        @cache
        def cached(route):
            return route

        def create_app():
            def inner(route):
                return route
        '''
    )
    returns = {f["name"]: f.get("returns") for f in found["functions"]}
    assert returns == {
        "prefixed": [
            {
                "if": {"call": {"n": "os.environ.get"}, "args": [{"c": "PREFIX"}], "kw": {}, "line": 4},
                "then": [{"ret": {"op": "Add", "l": {"n": "prefix"}, "r": {"n": "route"}}}],
                "else": [],
            },
            {"ret": {"n": "route"}},
        ],
        # a dict, a body that is not only returns, a decorated or nested function: not kept
        "serialize": None,
        "compute": None,
        "cached": None,
        "create_app": None,
        "inner": None,
    }


def test_calls_in_for_loops_carry_the_loops_innermost_first():
    found = facts(
        """
        for view, paths in ROUTES:
            for path in paths:
                app.add_url_rule(path, view_func=view)
        for x in items():
            log(x)
        app.register_blueprint(bp)
        """
    )
    first, second, third = found["calls"]
    assert first["loop"] == {
        "t": "path",
        "it": {"n": "paths"},
        "line": 3,
        "in": {"t": ["view", "paths"], "it": {"n": "ROUTES"}, "line": 2},
    }
    assert second["loop"] == {"t": "x", "it": {"call": {"n": "items"}, "args": [], "kw": {}, "line": 5}, "line": 5}
    assert "loop" not in third


def test_a_function_building_a_list_of_calls_keeps_what_it_returns():
    found = facts(
        """
        def build(client):
            patterns = []
            patterns.append(path("a", view))
            if client:
                return patterns
            return [path("v1/", include(patterns))]

        def names():
            return ["a", "b"]

        def passthrough(items):
            return items

        def empty():
            items = []
            return []
        """
    )
    built = {f["name"]: f.get("rl") for f in found["functions"]}
    assert built["build"][0]["list"][0]["call"] == {"n": "path"}
    assert built["build"][1] == {"n": "patterns"}
    # a list of constants, a parameter, an empty list: nothing a urlconf is built from
    assert built["names"] is None and built["passthrough"] is None and built["empty"] is None


def test_a_function_returning_its_parameter_unchanged_is_noted():
    found = facts(
        """
        def decorate_urlpatterns(urlpatterns, decorator):
            for pattern in urlpatterns:
                if hasattr(pattern, "url_patterns"):
                    decorate_urlpatterns(pattern.url_patterns, decorator)
                pattern.callback = decorator(pattern.callback)
            return urlpatterns

        def guarded(patterns, enabled):
            if not enabled:
                return patterns
            try:
                patterns.sort()
            finally:
                return patterns

        def filtered(urlpatterns, keep):
            return [p for p in urlpatterns if keep(p)]

        def copied(urlpatterns):
            patterns = list(urlpatterns)
            return patterns

        def rebound(urlpatterns):
            urlpatterns = urlpatterns[:1]
            return urlpatterns

        def extended(urlpatterns):
            urlpatterns += [path("x/", view)]
            return urlpatterns

        def sometimes(urlpatterns, flag):
            if flag:
                return
            return urlpatterns

        def matched(urlpatterns, kind):
            match kind:
                case "none":
                    return []
            return urlpatterns

        def looped(urlpatterns, others):
            for urlpatterns in others:
                pass
            return urlpatterns

        def keyword_only(*, urlpatterns):
            return urlpatterns

        def not_a_parameter(request):
            return urlpatterns
        """
    )
    returned = {f["name"]: f.get("ri") for f in found["functions"]}
    assert returned.pop("decorate_urlpatterns") == "urlpatterns"
    assert returned.pop("guarded") == "patterns"
    # another value, another name, a rebound, extended or looped-over parameter, a bare
    # `return` or one `_visit` does not see, a keyword-only parameter, a global
    assert set(returned.values()) == {None}
    assert len(returned) == 9


def test_a_factory_keeps_calls_passing_on_what_it_builds_and_assignments_it_registers():
    found = facts(
        """
        def construct_blueprint(datastore):
            total = compute()
            bp = Blueprint("rss", __name__)
            child = construct_child(datastore)
            other = construct_other(datastore)
            main_feed.construct_main_feed_routes(bp, datastore)
            single_watch.construct_routes(datastore, blueprint=bp)
            log("ready", datastore)
            bp.register_blueprint(child)
            return bp
        """
    )
    assert [a["t"] for a in found["assigns"]] == [["bp"], ["child"]]
    assert [c["e"]["call"]["n"] for c in found["calls"]] == [
        "main_feed.construct_main_feed_routes",
        "single_watch.construct_routes",
        "bp.register_blueprint",
    ]
    (function,) = found["functions"]
    assert function["rn"] == ["bp"]


def test_a_function_building_nothing_keeps_no_calls_passing_names():
    found = facts(
        """
        def helper(bp):
            register_routes(bp)
            bp = make()
            register_routes(bp)
        """
    )
    assert found["calls"] == [] and found["assigns"] == []


def test_facts_under_an_if_carry_its_tests_outermost_first_and_the_else_its_negation():
    found = facts(
        """
        if settings.A:
            if settings.B and not settings.C:
                app.include_router(one)
            elif settings.D:
                urlpatterns += more
        else:
            @app.get("/x")
            def x(): ...
        app.include_router(always)
        """
    )
    assert [c.get("if") for c in found["calls"]] == [["settings.A", "settings.B and not settings.C"], None]
    assert found["augassigns"][0]["if"] == ["settings.A", "not (settings.B and not settings.C)", "settings.D"]
    assert found["functions"][0]["if"] == ["not (settings.A)"]


def test_literal_tests_and_type_checking_add_no_condition_but_a_dead_branch_keeps_its_own():
    found = facts(
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from app.models import User
        else:
            User = None
        if True:
            app.include_router(one)
        else:
            app.include_router(never)
        if not (1 and False):
            app.include_router(two)
        """
    )
    assert [c.get("if") for c in found["calls"]] == [None, ["not (True)"], None]
    assert all("if" not in a for a in found["assigns"])


def test_a_test_written_over_several_lines_is_given_normalized():
    found = facts(
        """
        if (
            settings.FEATURE_A
            and settings.FEATURE_B
        ):
            app.include_router(one)
        """
    )
    assert found["calls"][0]["if"] == ["settings.FEATURE_A and settings.FEATURE_B"]
