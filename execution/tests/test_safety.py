"""Target safety: refused address classes, URL shapes, DNS pinning against rebinding."""
from __future__ import annotations

import httpcore
import pytest

from execution import safety
from execution.engine import CaseInput, run_cases
from execution.tests.conftest import engine_config, get

OK = {"type": "status", "expected": 200}


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fd00::1", "private"),
    ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("240.0.0.1", "reserved"), ("100.64.0.1", "reserved"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"),
])
def test_every_non_public_address_class_is_refused(address, kind):
    with pytest.raises(safety.TargetRefused) as refused:
        safety.pin_host("api.example.test", 443, allow_private=False, resolver=lambda host, port: [address])
    assert refused.value.details["kind"] == kind


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700:4700::1111"])
def test_public_addresses_are_pinned(address):
    assert safety.pin_host("api.example.test", 443, allow_private=False, resolver=lambda h, p: [address]) == address


def test_ip_literal_targets_are_checked_without_dns():
    with pytest.raises(safety.TargetRefused):
        safety.pin_hosts("http://169.254.169.254/latest", allow_private=False)


def test_private_targets_pass_when_the_setting_allows_them():
    assert safety.pin_host("localhost", 80, allow_private=True, resolver=lambda h, p: ["127.0.0.1"]) == "127.0.0.1"


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.com", safety.MESSAGE_SCHEME),
    ("file:///etc/passwd", safety.MESSAGE_SCHEME),
    ("http://user:pw@example.com", safety.MESSAGE_CREDENTIALS),
    ("http://", safety.MESSAGE_NO_HOST),
])
def test_malformed_target_urls_are_refused(url, message):
    with pytest.raises(safety.TargetRefused) as refused:
        safety.parse_target(url)
    assert refused.value.message == message


def test_an_unresolvable_host_is_refused():
    with pytest.raises(safety.TargetRefused) as refused:
        safety.pin_host("nowhere.invalid", 80, allow_private=False, resolver=lambda h, p: [])
    assert refused.value.code == "target_unresolvable"


class RebindingResolver:
    """Answers a public address first, then 127.0.0.1 on every later lookup."""

    def __init__(self, first: str = "93.184.216.34") -> None:
        self.first = first
        self.calls = 0

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return [self.first] if self.calls == 1 else ["127.0.0.1"]


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Records where connections go and refuses them (no traffic leaves loopback in tests)."""

    def __init__(self) -> None:
        self.connected: list[tuple[str, int]] = []

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connected.append((host, port))
        raise httpcore.ConnectError("recorded")

    async def sleep(self, seconds: float) -> None:
        return None


def test_connections_go_to_the_pinned_answer_not_a_rebinding_one():
    resolver, backend = RebindingResolver(), RecordingBackend()
    cases = [CaseInput(key=i, spec=get("/json", OK)) for i in range(3)]
    config = engine_config("http://api.example.test:8080", allow_private_targets=False, resolver=resolver,
                           network_backend=backend)
    results, _ = run_cases(cases, config)
    assert resolver.calls == 1
    assert set(backend.connected) == {("93.184.216.34", 8080)}
    assert all(r.status == "error" for r in results)


def test_of_several_answers_the_first_is_pinned():
    backend = RecordingBackend()
    config = engine_config("http://api.example.test", allow_private_targets=False,
                           resolver=lambda h, p: ["93.184.216.34", "127.0.0.1"], network_backend=backend)
    run_cases([CaseInput(key=0, spec=get("/json", OK))], config)
    assert backend.connected == [("93.184.216.34", 80)]


def test_a_pinned_hostname_reaches_the_pinned_address_with_its_own_host_header(api):
    """End to end: the name resolves to the server first, then to an address nothing listens on."""
    resolver = RebindingResolver(first="127.0.0.1")
    cases = [CaseInput(key=i, spec=get("/json", OK)) for i in range(5)]
    results, _ = run_cases(cases, engine_config(f"http://api.example.test:{api.port}", resolver=resolver,
                                                concurrency=2))
    assert [r.status for r in results] == ["passed"] * 5
    assert resolver.calls == 1
    assert set(api.app.state.hosts) == {f"api.example.test:{api.port}"}


def test_a_refused_target_stops_the_run_before_any_request():
    backend = RecordingBackend()
    config = engine_config("http://internal.example.test", allow_private_targets=False,
                           resolver=lambda h, p: ["10.0.0.5"], network_backend=backend)
    with pytest.raises(safety.TargetRefused):
        run_cases([CaseInput(key=0, spec=get("/json", OK))], config)
    assert backend.connected == []


def test_redirect_hosts_are_checked_too():
    with pytest.raises(safety.TargetRefused):
        safety.pin_hosts("https://api.example.test", extra_hosts=["metadata.internal"], allow_private=False,
                         resolver=lambda h, p: ["93.184.216.34"] if h == "api.example.test" else ["169.254.169.254"])


def test_an_unreachable_target_fails_the_reachability_check():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(safety.TargetRefused) as refused:
        safety.check_reachable(f"http://127.0.0.1:{port}", allow_private=True, timeout=1)
    assert refused.value.code == "target_unreachable"
