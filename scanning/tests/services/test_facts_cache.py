from __future__ import annotations

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from scanning.engine import CachedFacts, decode_facts, encode_facts
from scanning.models import FileFacts
from scanning.services import DatabaseFactsCache
from scanning.tests.factories import FileFactsFactory, ProjectFactory

pytestmark = pytest.mark.django_db

SHA_A, SHA_B, SHA_C = "a" * 64, "b" * 64, "c" * 64


def test_facts_round_trip_with_their_error():
    project = ProjectFactory()
    DatabaseFactsCache(project.pk).put_many("toy", "1", {
        SHA_A: CachedFacts(facts={"routes": [1]}), SHA_B: CachedFacts(facts={}, error="broken"),
    })
    found = DatabaseFactsCache(project.pk).get_many("toy", "1", [SHA_A, SHA_B, SHA_C])
    assert found == {SHA_A: CachedFacts(facts={"routes": [1]}), SHA_B: CachedFacts(facts={}, error="broken")}


def test_one_row_per_front_end_and_file():
    project = ProjectFactory()
    cache = DatabaseFactsCache(project.pk)
    cache.put_many("javascript", "3", {SHA_A: CachedFacts(facts={"packages": ["express"]})})
    cache.put_many("python", "3", {SHA_A: CachedFacts(facts={"imports": []})})
    assert FileFacts.objects.filter(project=project).count() == 2
    assert cache.get_many("javascript", "3", [SHA_A]) == {SHA_A: CachedFacts(facts={"packages": ["express"]})}


def test_a_new_facts_version_misses():
    project = ProjectFactory()
    DatabaseFactsCache(project.pk).put_many("toy", "1", {SHA_A: CachedFacts(facts={"x": 1})})
    assert DatabaseFactsCache(project.pk).get_many("toy", "2", [SHA_A]) == {}


def test_another_projects_facts_are_never_read():
    mine = ProjectFactory()
    FileFactsFactory(sha256=SHA_A, facts='{"x": 1}')  # another project's row for the same content
    assert DatabaseFactsCache(mine.pk).get_many("toy", "1", [SHA_A]) == {}


def test_storing_the_same_key_twice_is_harmless():
    project = ProjectFactory()
    for _ in range(2):
        DatabaseFactsCache(project.pk).put_many("toy", "1", {SHA_A: CachedFacts(facts={"x": 1})})
    assert FileFacts.objects.filter(project=project).count() == 1


def test_reads_and_writes_are_a_few_queries_however_many_files(django_assert_max_num_queries):
    project = ProjectFactory()
    entries = {f"{n:064x}": CachedFacts(facts={"n": n}) for n in range(1200)}
    fields = [FileFacts._meta.get_field(name) for name in
              ("project", "front_end", "version", "sha256", "facts", "error", "created_at")]
    rows_per_insert = min(DatabaseFactsCache.CHUNK, connection.ops.bulk_batch_size(fields, list(entries)))
    inserts = -(-len(entries) // rows_per_insert)  # SQLite caps the parameters of a statement
    with django_assert_max_num_queries(inserts + 2):  # and a transaction around them
        DatabaseFactsCache(project.pk).put_many("toy", "1", entries)
    with django_assert_max_num_queries(3):  # one SELECT per 500 keys
        found = DatabaseFactsCache(project.pk).get_many("toy", "1", list(entries))
    assert found == entries


def test_integers_beyond_64_bits_come_back_exactly():
    project = ProjectFactory()
    facts = {"le": 10**30, "ge": -(2**70), "small": 3}
    DatabaseFactsCache(project.pk).put_many("toy", "1", {SHA_A: CachedFacts(facts=facts)})
    found = DatabaseFactsCache(project.pk).get_many("toy", "1", [SHA_A])[SHA_A].facts
    assert found == facts and isinstance(found["le"], int)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_the_codec_round_trips_every_json_document(value):
    assert decode_facts(encode_facts(value)) == value
