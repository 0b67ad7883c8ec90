"""0005 adds `Endpoint.conditions` to a table that already holds endpoints."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("scanning", "0004_facts_per_front_end")]
AFTER = [("scanning", "0005_endpoint_conditions")]


@pytest.mark.django_db(transaction=True)
def test_existing_endpoints_get_no_conditions_when_the_migration_applies():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    owner = old.get_model("accounts", "User").objects.create(email="o@example.com", password="x")
    project = old.get_model("projects", "Project").objects.create(owner=owner, name="api")
    now = timezone.now()
    old.get_model("scanning", "Endpoint").objects.create(
        project=project, method="GET", path="/a", fingerprint="f", first_seen=now, last_seen=now
    )
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert list(new.get_model("scanning", "Endpoint").objects.values_list("conditions", flat=True)) == [[]]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_the_models_need_no_other_migration():
    call_command("makemigrations", "scanning", "--check", "--dry-run", stdout=StringIO())
