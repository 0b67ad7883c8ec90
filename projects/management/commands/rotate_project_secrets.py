from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from projects.services import project_secrets_rotate


class Command(BaseCommand):
    help = "Re-encrypt project credentials, secret headers and webhook secrets under the primary key."

    def handle(self, *args: Any, **options: Any) -> None:
        count = project_secrets_rotate()
        self.stdout.write(f"Re-encrypted the secrets of {count} project(s).")
