from __future__ import annotations

import socket

import pytest

from execution import safety


class FakeDNS:
    """Stands in for the system resolver: answers from `answers`; any other name does not resolve."""

    def __init__(self) -> None:
        self.answers: dict[str, list[str]] = {}
        self.lookups: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append(host)
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.answers[host])


@pytest.fixture
def fake_dns(monkeypatch: pytest.MonkeyPatch) -> FakeDNS:
    """No test reaches real DNS: `execution.safety.system_resolver` answers from a table."""
    dns = FakeDNS()
    monkeypatch.setattr(safety, "system_resolver", dns)
    return dns


@pytest.fixture
def private_targets_refused(settings) -> None:
    """Production's setting: project-supplied URLs may not lead to non-public addresses."""
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
