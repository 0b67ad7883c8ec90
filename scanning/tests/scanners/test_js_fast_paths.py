"""The JS scanners' shortcuts give exactly what the plain algorithm gives.

* Extraction runs its dispatch query in stretches that end at each `.get`/`.use`/... found in
  the text, so that skipped handler bodies are never traversed. The stretches only decide
  where the query stops: with no marks at all (one query over the whole tree, the plain
  algorithm) the facts are the same.
* The Express linker remembers resolutions per (file, ref object). Identical files may share
  one facts object (the scan engine answers a repeated content from the facts it already
  has), and a ref resolves relative to its file: the memo must not mix them up.
"""
from __future__ import annotations

import json
import re
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanning.engine import cut_cycles
from scanning.scanners import _treesitter
from scanning.scanners.base import RepositoryIndex, SourceFile
from scanning.scanners.express import ExpressScanner
from scanning.tests.scanners.fixtures_js import EXPRESS_SHOP, EXPRESS_TASKS_TS, FASTIFY_BLOG, NEST_APP
from scanning.tests.scanners.test_express import JS_TOKENS

FIXTURES = (EXPRESS_SHOP, EXPRESS_TASKS_TS, FASTIFY_BLOG, NEST_APP)
NO_MARKS = re.compile(rb"(?!)")  # never matches: one stretch, the whole tree

TRICKY = {
    "chains.js": """
        const router = require('express').Router();
        router.route('/a').get(list).post(create);
        router
          .route('/b')
          .get(function named(req, res) { return helper(res); })
          .put(update);
        app.use(x).use('/y', y);
        fastify.register(async (instance) => { instance.get('/in', h); }).register(other);
        obj.get; "router.get('/in-a-string')"; // router.get('/in-a-comment')
        (0, router.get)('/indirect', h);
        router.get('/nested', (req, res) => { inner.get('/never', h); return router.use(z); });
        module.exports = router;
    """,
    "classes.ts": """
        import { Router } from 'express';
        export class UsersRoute {
          public router = Router();
          constructor() { this.init(); }
          private init() { this.router.get('/', this.c.list); this.router.delete('/:id', this.c.remove); }
        }
        enum Role { Admin = 'admin', User = x.get(1) }
        interface Dto { id: number; get(): void }
        function factory(db) { const r = Router(); r.get('/f', h(db)); return r; }
        export default factory;
    """,
    "broken.js": "router.get('/ok', h);\nrouter.get('/broken', (req, res) => { ;;; );\nrouter.post('/after', h);",
    "empty.js": "",
    "blank.js": "\n\n   // only a comment\n",
}


def _facts(path: str, text: str) -> str:
    """The facts as the engine keeps them (self-references cut, see engine.checked_facts), as JSON."""
    source = SourceFile(path, textwrap.dedent(text).encode())
    language = _treesitter.js_language(source.extension)
    facts = _treesitter.extract_js_module(source.tree_sitter(language))
    return json.dumps(cut_cycles(facts, ExpressScanner.unknown_value))


def _both_ways(monkeypatch: pytest.MonkeyPatch, path: str, text: str) -> tuple[str, str]:
    in_stretches = _facts(path, text)
    with monkeypatch.context() as patch:
        patch.setattr(_treesitter, "_SKIPPING_VERB", NO_MARKS)
        whole_tree = _facts(path, text)
    return in_stretches, whole_tree


@pytest.mark.parametrize("path", sorted(TRICKY))
def test_querying_in_stretches_gives_the_facts_of_one_whole_tree_query(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    in_stretches, whole_tree = _both_ways(monkeypatch, path, TRICKY[path])
    assert in_stretches == whole_tree


def test_fixture_repositories_give_the_same_facts_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    for files in FIXTURES:
        for path, text in files.items():
            if path.endswith((".js", ".ts", ".mjs", ".tsx")):
                in_stretches, whole_tree = _both_ways(monkeypatch, path, text)
                assert in_stretches == whole_tree, path


@settings(max_examples=60, deadline=None)
@given(chunks=st.lists(st.tuples(st.integers(0, len(JS_TOKENS) - 1), st.integers(1, 150)), min_size=1, max_size=3),
       extension=st.sampled_from([".js", ".ts"]))
def test_property_scrambled_sources_give_the_same_facts_either_way(
    chunks: list[tuple[int, int]], extension: str
) -> None:
    text = "\n".join(" ".join(JS_TOKENS[start:start + size]) for start, size in chunks)
    in_stretches = _facts("src/f" + extension, text)
    saved = _treesitter._SKIPPING_VERB
    _treesitter._SKIPPING_VERB = NO_MARKS
    try:
        whole_tree = _facts("src/f" + extension, text)
    finally:
        _treesitter._SKIPPING_VERB = saved
    assert in_stretches == whole_tree


def test_identical_files_sharing_one_facts_object_still_resolve_relative_to_their_own_path() -> None:
    routes = """
        const router = require('express').Router();
        router.use('/inner', require('./inner'));
        module.exports = router;
    """
    files = {
        "app.js": """
            const express = require('express');
            const app = express();
            app.use('/a', require('./a/routes'));
            app.use('/b', require('./b/routes'));
        """,
        "a/routes.js": routes,
        "b/routes.js": routes,
        "a/inner.js": "const r = require('express').Router(); r.get('/alpha', h); module.exports = r;",
        "b/inner.js": "const r = require('express').Router(); r.get('/beta', h); module.exports = r;",
    }
    scanner = ExpressScanner()
    facts = {path: scanner.extract(SourceFile(path, textwrap.dedent(text).encode())) for path, text in files.items()}
    facts["b/routes.js"] = facts["a/routes.js"]  # as the scan engine does for a repeated content
    endpoints, _ = scanner.link(facts, RepositoryIndex(files=sorted(files)))
    assert sorted((e.method, e.path) for e in endpoints) == [("GET", "/a/inner/alpha"), ("GET", "/b/inner/beta")]


def test_route_call_arguments_are_described_whatever_wraps_or_interleaves_them() -> None:
    # Each argument is unwrapped and typed once, a member's name is its text, an arrow
    # function has no name to ask for, and only routing verbs have their arguments read.
    text = """
        const router = require('express').Router();
        (router as any).get('/wrapped', (h as any));
        router.post(/* path */ '/commented', [auth, (guard)], controller.create);
        router.put('/named', function update(req, res) {}, async function () {}, (req, res) => {});
        router.delete('/d', asyncHandler(remove), new Handler(), 42, -1, { a: 1 });
        other.push(router.get);
    """
    facts = json.loads(_facts("routes.ts", text))
    described = [
        (call["m"], [arg.get("name", arg.get("v")) for arg in call["args"]]) for call in facts["calls"]
    ]
    assert described == [
        ("get", ["/wrapped", "h"]),
        ("post", ["/commented", [{"t": "ref", "ref": {"k": "global", "name": "auth"}, "name": "auth"},
                                 {"t": "ref", "ref": {"k": "global", "name": "guard"}, "name": "guard"}],
                  "controller.create"]),
        ("put", ["/named", "update", "", ""]),
        ("delete", ["/d", "remove", "Handler", 42, -1, {"a": 1}]),
    ]
