from __future__ import annotations

import pytest

from scanning.engine import CachedFacts
from scanning.models import FactsBlob, FileFactsCache
from scanning.services import DatabaseFactsCache
from scanning.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_facts_round_trip_with_their_error():
    project = ProjectFactory()
    DatabaseFactsCache(project.pk).put_many("toy", "1", {
        "a" * 64: CachedFacts(facts={"routes": [1]}), "b" * 64: CachedFacts(facts={}, error="broken"),
    })
    found = DatabaseFactsCache(project.pk).get_many("toy", "1", ["a" * 64, "b" * 64, "c" * 64])
    assert found == {"a" * 64: CachedFacts(facts={"routes": [1]}), "b" * 64: CachedFacts(facts={}, error="broken")}


def test_identical_facts_of_several_scanners_are_stored_once():
    project = ProjectFactory()
    cache = DatabaseFactsCache(project.pk)
    shared = {"imports": ["express"]}
    for scanner in ("express", "fastify", "nestjs"):
        cache.put_many(scanner, "1", {"a" * 64: CachedFacts(facts=shared)})
    cache.put_many("other", "1", {"a" * 64: CachedFacts(facts={"imports": ["express"]})})
    assert FileFactsCache.objects.filter(project=project).count() == 4
    assert FactsBlob.objects.filter(project=project).count() == 1


def test_a_new_scanner_version_misses():
    project = ProjectFactory()
    DatabaseFactsCache(project.pk).put_many("toy", "1", {"a" * 64: CachedFacts(facts={"x": 1})})
    assert DatabaseFactsCache(project.pk).get_many("toy", "2", ["a" * 64]) == {}


def test_another_projects_facts_are_never_read():
    mine, theirs = ProjectFactory(), ProjectFactory()
    DatabaseFactsCache(theirs.pk).put_many("toy", "1", {"a" * 64: CachedFacts(facts={"x": 1})})
    assert DatabaseFactsCache(mine.pk).get_many("toy", "1", ["a" * 64]) == {}


def test_storing_the_same_key_twice_is_harmless():
    project = ProjectFactory()
    for _ in range(2):
        DatabaseFactsCache(project.pk).put_many("toy", "1", {"a" * 64: CachedFacts(facts={"x": 1})})
    assert FileFactsCache.objects.filter(project=project).count() == 1
