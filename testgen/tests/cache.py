"""Clearing the cache between tests without wiping anyone else's Redis data."""
from __future__ import annotations

from django.core.cache import cache


def clear_test_cache() -> None:
    """Delete this test session's cache keys.

    `cache.clear()` on Redis is FLUSHDB: it would also drop the channel layer's groups and
    the broker's queues of other test sessions (and of anything else on that database).
    The test settings give every session its own key prefix, so delete just those keys.
    """
    backend = getattr(cache, "_cache", None)
    if backend is None or not hasattr(backend, "get_client"):
        cache.clear()
        return
    client = backend.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
