from __future__ import annotations

import httpx
import pytest

from scanning import engine
from scanning.engine import ScanFailure, fetch_spec_url


def transport(handler) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Every host resolves to a public address unless the test says otherwise."""
    addresses = {"internal.example.com": "10.0.0.5", "meta.example.com": "169.254.169.254"}

    def getaddrinfo(host, *args, **kwargs):
        return [(2, 1, 6, "", (addresses.get(host, "93.184.216.34"), 0))]

    monkeypatch.setattr(engine.socket, "getaddrinfo", getaddrinfo)


def test_it_returns_the_body_text():
    text = fetch_spec_url("https://docs.example.com/o.json",
                          transport=transport(lambda r: httpx.Response(200, text='{"openapi": "3.0.0"}')))
    assert text == '{"openapi": "3.0.0"}'


def test_it_refuses_other_schemes():
    with pytest.raises(ScanFailure) as excinfo:
        fetch_spec_url("file:///etc/passwd")
    assert excinfo.value.message == engine.MSG_SPEC_URL_SCHEME


def test_it_refuses_a_private_address():
    with pytest.raises(ScanFailure) as excinfo:
        fetch_spec_url("https://internal.example.com/o.json", transport=transport(lambda r: httpx.Response(200)))
    assert excinfo.value.message == engine.MSG_SPEC_URL_PRIVATE


def test_it_checks_every_redirect_hop():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "http://meta.example.com/latest/meta-data"})

    with pytest.raises(ScanFailure) as excinfo:
        fetch_spec_url("https://docs.example.com/o.json", transport=transport(handler))
    assert excinfo.value.message == engine.MSG_SPEC_URL_PRIVATE


def test_it_follows_a_public_redirect():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        return httpx.Response(200, text="ok")

    assert fetch_spec_url("https://docs.example.com/old", transport=transport(handler)) == "ok"


def test_it_stops_reading_past_the_size_limit():
    with pytest.raises(ScanFailure) as excinfo:
        fetch_spec_url("https://docs.example.com/o.json", max_bytes=10,
                       transport=transport(lambda r: httpx.Response(200, content=b"x" * 100)))
    assert excinfo.value.message == engine.MSG_SPEC_TOO_LARGE.format(limit=10)


def test_a_timeout_is_transient():
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ScanFailure) as excinfo:
        fetch_spec_url("https://docs.example.com/o.json", timeout=2, transport=transport(handler))
    assert not excinfo.value.permanent
    assert excinfo.value.message == engine.MSG_SPEC_TIMEOUT.format(seconds=2)


@pytest.mark.parametrize(("status", "permanent"), [(404, True), (503, False), (429, False)])
def test_server_errors_are_transient_and_client_errors_permanent(status, permanent):
    with pytest.raises(ScanFailure) as excinfo:
        fetch_spec_url("https://docs.example.com/o.json", transport=transport(lambda r: httpx.Response(status)))
    assert excinfo.value.permanent is permanent
