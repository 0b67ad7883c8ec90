"""Facts must be trees: the cache stores them as JSON and linkers walk them recursively.

A real JavaScript idiom, `options = parseOptions(options)`, used to make the extractor's
facts refer to themselves; the first cache write then failed the whole scan.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanning.engine import MemoryFactsCache, _extract, cut_cycles, decode_facts, encode_facts, scan_tree
from scanning.scanners.base import SourceFile
from scanning.scanners.express import ExpressScanner
from scanning.scanners.registry import all_scanners
from scanning.services import DatabaseFactsCache
from scanning.tests.factories import ProjectFactory
from scanning.tests.toy import ToyScanner

SELF_REFERENCING_APP = """\
const express = require('express');

function withDefaults(options) {
  options = Object.assign({ limit: 20 }, options);
  return options;
}

class Range {
  constructor (range, options) {
    options = parseOptions(options);
    this.options = options;
  }
}

let left = wrap(right);
let right = wrap(left);

let app = express();
app = instrument(app);
const router = express.Router();
router.get('/ranges/:id', (req, res) => res.json(new Range(req.params.id)));
router.post('/ranges', (req, res) => res.status(201).end());
module.exports = router;
"""

SERVER = """\
const express = require('express');
const app = express();
app.use('/api', require('./ranges'));
app.listen(3000);
"""


@pytest.fixture
def js_repo(tmp_path: Path) -> Path:
    (tmp_path / "package.json").write_text('{"dependencies": {"express": "^4.19.0"}}')
    (tmp_path / "ranges.js").write_text(SELF_REFERENCING_APP)
    (tmp_path / "server.js").write_text(SERVER)
    return tmp_path


def routes(result: Any) -> list[tuple[str, str]]:
    return sorted((e.method, e.path) for e in result.endpoints)


@pytest.mark.django_db
def test_self_referring_javascript_scans_and_rescans_from_the_database_cache(js_repo):
    cache = DatabaseFactsCache(ProjectFactory().pk)
    first = scan_tree(js_repo, scanners=all_scanners(), cache=cache)
    again = scan_tree(js_repo, scanners=all_scanners(), cache=cache)

    expected = [("GET", "/api/ranges/{id}"), ("POST", "/api/ranges")]
    assert routes(first) == routes(again) == expected
    assert first.files_parsed == 2 and again.files_parsed == 0
    assert not [w for w in first.warnings if w.file == "ranges.js"]


def test_the_self_reference_becomes_an_unknown_value_in_the_facts(js_repo):
    scanner = ExpressScanner()
    source = SourceFile("ranges.js", (js_repo / "ranges.js").read_bytes())
    with pytest.raises(ValueError, match="[Cc]ircular"):
        encode_facts(scanner.extract(source))  # what the extractor returns is not a tree...

    entry = _extract(scanner, source)  # ...what the engine keeps is
    assert entry.error == ""
    assert decode_facts(entry.text) == entry.facts
    assert '{"k":"none"}' in entry.text


class CyclicToy(ToyScanner):
    """A front end without a value for "unknown": a cycle in its facts cannot be cut."""

    name = "cyclic_toy"

    def extract(self, source: SourceFile) -> dict[str, Any]:
        facts = super().extract(source)
        if "loop" in source.rel_path:
            facts["self"] = facts
        return facts


def test_facts_that_cannot_be_cut_are_a_warning_for_that_file_only(tmp_path):
    (tmp_path / "api.routes").write_text("GET /items list\n")
    (tmp_path / "loop.routes").write_text("GET /loops list\n")
    result = scan_tree(tmp_path, scanners=[CyclicToy()], cache=MemoryFactsCache())
    assert routes(result) == [("GET", "/items")]
    assert [(w.file, w.message) for w in result.warnings] == [
        ("loop.routes", "Could not parse the file: definitions that refer to themselves"),
    ]


# --- cut_cycles ----------------------------------------------------------------------------

JSON_TREES = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=25,
)


def containers(value: Any) -> list[Any]:
    found: list[Any] = []

    def walk(item: Any) -> None:
        if isinstance(item, (dict, list)):
            found.append(item)
            for child in item.values() if isinstance(item, dict) else item:
                walk(child)

    walk(value)
    return found


@given(JSON_TREES)
def test_cutting_a_tree_changes_nothing(tree):
    assert cut_cycles(tree, {"k": "none"}) == tree


@given(JSON_TREES, st.data())
def test_any_back_reference_is_cut_and_the_result_encodes(tree, data):
    """Make a random container refer to a random enclosing dict (or itself): the cut copy is a
    tree again, with the stand-in where the back reference was, and the input is untouched."""
    tree = {"root": tree}
    holder = data.draw(st.sampled_from(containers(tree)))
    enclosing = [c for c in containers(tree) if isinstance(c, dict) and any(h is holder for h in containers(c))]
    target = data.draw(st.sampled_from(enclosing))
    if isinstance(holder, dict):
        holder["back"] = target
    else:
        holder.append(target)
    with pytest.raises(ValueError):
        encode_facts(tree)

    cut = cut_cycles(tree, {"k": "none"})
    assert orjson.loads(orjson.dumps(cut)) == cut
    assert '{"k":"none"}' in orjson.dumps(cut).decode()


def test_shared_sub_trees_are_copied_once():
    leaf = {"v": 1}
    level = [leaf, leaf]
    for _ in range(40):  # 2**40 paths: a copy per path would never finish
        level = [{"of": level}, {"of": level}]
    cut = cut_cycles({"top": level}, None)
    assert cut["top"][0]["of"] is cut["top"][1]["of"]
