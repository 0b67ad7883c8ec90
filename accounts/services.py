"""Writes for identity: accounts, sessions (JWT), password resets, API keys, OAuth links."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accounts.models import APIKey

# last_used_at is for humans ("used 3 minutes ago"); one write a minute per key is plenty
# and keeps authenticated requests read-only in the common case.
API_KEY_LAST_USED_RESOLUTION = dt.timedelta(seconds=60)


def api_key_record_use(*, api_key: APIKey) -> None:
    """Record that `api_key` was just used, writing at most once per resolution window."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < API_KEY_LAST_USED_RESOLUTION:
        return
    threshold = now - API_KEY_LAST_USED_RESOLUTION
    # Conditional update: concurrent requests with the same key do one write between them.
    from django.db.models import Q

    APIKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold)
    ).update(last_used_at=now)
    api_key.last_used_at = now
