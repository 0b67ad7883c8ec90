"""Scanners sharing a front end: one extraction and one cache entry per file for all of them."""
from __future__ import annotations

from pathlib import Path

import pytest

from scanning.engine import MemoryFactsCache, front_ends, scan_tree
from scanning.scanners.registry import all_scanners
from scanning.tests.toy import ToyScanner


class ToyFrontEnd(ToyScanner):
    """The toy format read by two "frameworks" that agree on its facts."""

    front_end = "toy-routes"


class ToyA(ToyFrontEnd):
    name = "toy_a"


class ToyB(ToyFrontEnd):
    name = "toy_b"


class ToyBNewer(ToyFrontEnd):
    name = "toy_b"
    version = "2"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "package.json").write_text('{"dependencies": {"toy-routes": "1"}}')
    (tmp_path / "api.routes").write_text("prefix /api\nGET /items list\nmount /v2 more.routes\n")
    (tmp_path / "more.routes").write_text("POST /things create\n")
    (tmp_path / "broken.routes").write_text("GET /ok ok\n!broken\n")
    return tmp_path


@pytest.fixture(autouse=True)
def count_extractions():
    ToyA.extract_calls = ToyB.extract_calls = 0


def extractions() -> int:
    return ToyA.extract_calls + ToyB.extract_calls


def test_a_shared_front_end_extracts_each_file_once_for_every_scanner(repo):
    result = scan_tree(repo, scanners=[ToyA(), ToyB()], cache=MemoryFactsCache())
    assert extractions() == 3  # three files, not six
    assert result.files_parsed == 3
    found = sorted((e.framework, e.method, e.path) for e in result.endpoints)
    # Both scanners linked the same facts; the second's duplicates are reported, not kept.
    assert found == [("toy_a", "GET", "/api/items"), ("toy_a", "POST", "/v2/things")]
    assert sorted(result.frameworks) == ["toy_a", "toy_b"]


def test_an_unparseable_file_is_one_warning_however_many_scanners_read_it(repo):
    result = scan_tree(repo, scanners=[ToyA(), ToyB()], cache=MemoryFactsCache())
    assert [w.file for w in result.warnings if "Could not parse" in w.message] == ["broken.routes"]


def test_the_cache_holds_one_entry_per_file_under_the_front_end(repo):
    cache = MemoryFactsCache()
    scan_tree(repo, scanners=[ToyA(), ToyB()], cache=cache)
    assert {key[:2] for key in cache.entries} == {("toy-routes", "1")}
    assert len(cache.entries) == 3

    again = scan_tree(repo, scanners=[ToyA(), ToyB()], cache=cache)
    assert again.files_parsed == 0 and extractions() == 3
    assert len(again.endpoints) == 2


def test_a_scanner_without_a_front_end_is_its_own():
    assert ToyScanner().facts_key == ("toy", "1")
    assert ToyA().facts_key == ("toy-routes", "1")


def test_scanners_of_one_front_end_must_agree_on_the_facts_version():
    with pytest.raises(ValueError, match="disagree on the facts version"):
        front_ends([ToyA(), ToyBNewer()])


def test_the_registered_scanners_group_into_their_front_ends():
    groups = {key[0]: sorted(s.name for s in members) for key, members in front_ends(all_scanners()).items()}
    assert groups == {
        "javascript": ["express", "fastify", "nestjs"],
        "python": ["django", "fastapi", "flask"],
        "spring": ["spring"],
    }


class ToyUpperCaseOnly(ToyFrontEnd):
    """Reads only the files whose name is in capitals: its own `wants` decides."""

    name = "toy_upper"

    def wants(self, source):
        return source.rel_path.rsplit("/", 1)[-1].isupper()


def test_a_scanner_s_own_wants_still_decides_and_the_default_one_reads_any_case(repo):
    (repo / "LOUD.ROUTES").write_text("GET /loud shout\n")
    (repo / "quiet.txt").write_text("GET /quiet whisper\n")
    default = scan_tree(repo, scanners=[ToyA()], cache=MemoryFactsCache())
    own = scan_tree(repo, scanners=[ToyUpperCaseOnly()], cache=MemoryFactsCache())
    assert sorted(e.path for e in default.endpoints) == ["/api/items", "/loud", "/v2/things"]
    assert [e.path for e in own.endpoints] == ["/loud"]
