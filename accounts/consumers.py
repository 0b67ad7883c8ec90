"""`ws/notifications/`: everything a user should hear about, whichever project it concerns."""
from __future__ import annotations

from testgen.events import user_group
from testgen.realtime import AuthenticatedConsumer


class NotificationsConsumer(AuthenticatedConsumer):
    """Finished jobs, failed runs, tests needing review — `testgen.events.NOTIFY_TYPES`."""

    def groups_for_user(self) -> list[str]:
        return [user_group(self.user.pk)]
