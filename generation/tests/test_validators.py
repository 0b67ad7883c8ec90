"""The base URL a project gives a language-model provider: its shape, and where it may lead."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from execution.safety import TargetRefused, parse_target
from generation.validators import (
    MESSAGE_BASE_URL_CREDENTIALS,
    MESSAGE_BASE_URL_NO_HOST,
    MESSAGE_BASE_URL_PORT,
    MESSAGE_BASE_URL_REFUSED,
    MESSAGE_BASE_URL_SCHEME,
    MESSAGE_BASE_URL_UNRESOLVABLE,
    MESSAGE_BASE_URL_WHITESPACE,
    check_base_url_address,
    validate_base_url,
)


def refusal(url: str) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        validate_base_url(url)
    return caught.value.messages


# --- shape ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://ollama:11434/v1",
        "http://llm-gateway:8080",
        "http://llm_gateway:8080/v1",
        "https://api.openai.com/v1",
        "https://generativelanguage.googleapis.com/v1beta/openai/",
        "http://10.0.0.5:8000/v1",
        "http://[::1]:11434/v1",
        "http://[2001:db8::8a2e:370:7334]/v1",
        "HTTPS://LLM.Example.COM:443/v1?api-version=2024-06-01",
        "http://ollama./v1",
        "",
    ],
)
def test_it_accepts_absolute_http_urls_with_any_kind_of_host(url):
    validate_base_url(url)


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://llm.example.com/v1", MESSAGE_BASE_URL_SCHEME),
        ("file:///etc/passwd", MESSAGE_BASE_URL_SCHEME),
        ("ollama:11434/v1", MESSAGE_BASE_URL_SCHEME),
        ("llm.example.com", MESSAGE_BASE_URL_SCHEME),
        ("http:///v1", MESSAGE_BASE_URL_NO_HOST),
        ("http://:8080/v1", MESSAGE_BASE_URL_NO_HOST),
        ("http://user:secret@ollama:11434/v1", MESSAGE_BASE_URL_CREDENTIALS),
        ("https://sk-token@llm.example.com/v1", MESSAGE_BASE_URL_CREDENTIALS),
        ("http://ollama:0/v1", MESSAGE_BASE_URL_PORT),
        ("http://ollama:65536/v1", MESSAGE_BASE_URL_PORT),
        ("http://ollama:+80/v1", MESSAGE_BASE_URL_PORT),
        ("http://ollama:port/v1", MESSAGE_BASE_URL_PORT),
        ("http://oll ama:11434/v1", MESSAGE_BASE_URL_WHITESPACE),
        ("http://ollama:11434/v1\n", MESSAGE_BASE_URL_WHITESPACE),
        ("http://oll\tama/v1", MESSAGE_BASE_URL_WHITESPACE),
    ],
)
def test_it_refuses_what_is_not_an_http_url_with_a_bare_host(url, message):
    assert refusal(url) == [message]


@pytest.mark.parametrize(
    "url", ["http://[not-ipv6]/v1", "http://[::1/v1", "http://ex%61mple/v1", "http://a..b/"]
)
def test_it_refuses_hosts_that_are_neither_names_nor_addresses(url):
    assert len(refusal(url)) == 1


def test_credentials_are_never_echoed_in_the_message():
    assert "secret" not in refusal("http://user:secret@ollama:11434/v1")[0]


LABELS = st.from_regex(r"[a-z0-9](?:[a-z0-9_-]{0,20}[a-z0-9])?", fullmatch=True)
HOSTS = st.one_of(
    LABELS,
    st.lists(LABELS, min_size=2, max_size=4).map(".".join),
    st.ip_addresses(v=4).map(str),
    st.ip_addresses(v=6).map(lambda address: f"[{address}]"),
)
PATHS = st.lists(st.from_regex(r"[A-Za-z0-9._~-]{1,12}", fullmatch=True), max_size=4).map(
    lambda segments: "".join(f"/{segment}" for segment in segments)
)
PORTS = st.one_of(st.none(), st.integers(1, 65535))
OTHER_SCHEMES = st.from_regex(r"[a-z][a-z0-9+.-]{0,8}", fullmatch=True).filter(
    lambda scheme: scheme not in ("http", "https")
)
USERINFO = st.from_regex(r"[A-Za-z0-9._~-]{1,10}(:[A-Za-z0-9._~-]{0,10})?", fullmatch=True)


def build(scheme: str, host: str, port: int | None, path: str, userinfo: str = "") -> str:
    return f"{scheme}://{userinfo + '@' if userinfo else ''}{host}{f':{port}' if port else ''}{path}"


@given(st.sampled_from(["http", "https", "HTTP", "Https"]), HOSTS, PORTS, PATHS)
def test_every_http_url_with_a_host_is_accepted_and_parses_as_a_target(scheme, host, port, path):
    url = build(scheme, host, port, path)
    validate_base_url(url)
    assert parse_target(url).host == host.strip("[]")  # the check at use reads the same host


@given(OTHER_SCHEMES, HOSTS, PORTS, PATHS)
def test_every_other_scheme_is_refused(scheme, host, port, path):
    assert refusal(build(scheme, host, port, path)) == [MESSAGE_BASE_URL_SCHEME]


@given(st.sampled_from(["http", "https"]), USERINFO, HOSTS, PORTS, PATHS)
def test_every_url_with_embedded_credentials_is_refused(scheme, userinfo, host, port, path):
    assert refusal(build(scheme, host, port, path, userinfo)) == [MESSAGE_BASE_URL_CREDENTIALS]


# --- where it leads ------------------------------------------------------------------------------


def resolver(answers: dict[str, list[str]]):
    def resolve(host: str, port: int) -> list[str]:
        if host not in answers:
            raise OSError("Name or service not known")
        return answers[host]

    return resolve


def refused(url: str, answers: dict[str, list[str]] | None = None) -> TargetRefused:
    with pytest.raises(TargetRefused) as caught:
        check_base_url_address(url, allow_private=False, resolver=resolver(answers or {}))
    return caught.value


@pytest.mark.parametrize(
    "url, address, kind",
    [
        ("http://169.254.169.254/latest", "169.254.169.254", "link-local"),
        ("http://127.0.0.1:11434/v1", "127.0.0.1", "loopback"),
        ("http://10.0.0.5:8000/v1", "10.0.0.5", "private"),
        ("http://[::ffff:127.0.0.1]:11434/v1", "::ffff:127.0.0.1", "loopback"),
        ("http://[::1]/v1", "::1", "loopback"),
        ("http://0.0.0.0:8080", "0.0.0.0", "unspecified"),
        ("http://100.64.0.1/v1", "100.64.0.1", "reserved"),
    ],
)
def test_addresses_that_are_not_public_are_refused_naming_their_class(url, address, kind):
    error = refused(url)
    assert error.message == MESSAGE_BASE_URL_REFUSED.format(host=address, address=address, kind=kind)
    assert error.details["kind"] == kind


def test_a_name_resolving_to_a_private_address_is_refused():
    error = refused("http://ollama:11434/v1", {"ollama": ["172.18.0.4"]})
    assert "resolves to 172.18.0.4, a private address" in error.message


def test_a_name_is_refused_when_any_of_its_addresses_is_private():
    error = refused("https://llm.example.com/v1", {"llm.example.com": ["93.184.215.14", "10.9.8.7"]})
    assert "10.9.8.7, a private address" in error.message


def test_a_name_that_does_not_resolve_is_refused_as_unresolvable():
    error = refused("http://nowhere.example/v1")
    assert (error.code, error.message) == (
        "target_unresolvable",
        MESSAGE_BASE_URL_UNRESOLVABLE.format(host="nowhere.example"),
    )


def test_public_addresses_pass():
    answers = {"api.openai.com": ["162.159.140.245", "2606:4700::6812:1"]}
    check_base_url_address("https://api.openai.com/v1", allow_private=False, resolver=resolver(answers))
    check_base_url_address("http://8.8.8.8:8080/v1", allow_private=False, resolver=resolver({}))


def test_nothing_is_resolved_when_private_targets_are_allowed():
    def no_lookups(host: str, port: int) -> list[str]:
        raise AssertionError("resolved although private targets are allowed")

    check_base_url_address("http://ollama:11434/v1", allow_private=True, resolver=no_lookups)


def test_the_setting_decides_when_not_told(settings, fake_dns):
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = False
    fake_dns.answers["ollama"] = ["172.18.0.4"]
    with pytest.raises(TargetRefused):
        check_base_url_address("http://ollama:11434/v1")
    settings.TESTGEN_ALLOW_PRIVATE_TARGETS = True
    check_base_url_address("http://ollama:11434/v1")
    assert fake_dns.lookups == ["ollama"]


def test_a_stored_url_with_credentials_is_refused_at_use_without_echoing_them():
    error = refused("http://user:secret@llm.example.com/v1", {"llm.example.com": ["8.8.8.8"]})
    assert error.message == MESSAGE_BASE_URL_CREDENTIALS and "secret" not in str(error.details)
