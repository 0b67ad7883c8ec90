from __future__ import annotations

import pytest

from testgen.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_is_200_when_everything_is_up(api_client):
    response = api_client.get("/api/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {k: v["status"] for k, v in body["checks"].items()} == {
        "database": "ok", "cache": "ok", "broker": "ok",
    }


def test_health_is_503_when_cache_is_unreachable(api_client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    response = api_client.get("/api/health")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["status"] == "down"
    assert "error" in checks["cache"]
    assert checks["database"]["status"] == "ok"


def test_health_is_503_when_broker_is_unreachable(api_client, monkeypatch):
    from kombu import Connection

    from testgen import health

    monkeypatch.setattr(health, "broker_connection", lambda: Connection("redis://127.0.0.1:1/0"))
    response = api_client.get("/api/health")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["status"] == "down"


def test_health_reports_a_missing_worker_as_down(api_client, settings):
    settings.TESTGEN_HEALTH_WORKER_TIMEOUT = 0.5
    response = api_client.get("/api/health?worker=true")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "down"


@pytest.mark.celery_worker
def test_health_worker_ping_round_trips_through_a_real_worker(api_client, celery_worker, settings):
    settings.TESTGEN_HEALTH_WORKER_TIMEOUT = 20  # an upper bound for a loaded CI machine, not a speed goal
    response = api_client.get("/api/health?worker=true")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["worker"]["status"] == "ok"


@pytest.mark.redis
def test_ci_uses_redis_for_cache_broker_and_results(settings):
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert celery_app.conf.broker_url.startswith("redis://")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"


@pytest.mark.postgres
def test_ci_uses_postgresql():
    from django.db import connection

    assert connection.vendor == "postgresql"
