"""Target safety: which hosts a test run may connect to, and DNS pinning.

A run sends requests that users write to a URL that users choose, from our network. So:

* the base URL must be http(s) with a host and no embedded credentials;
* every host the run may reach (the target, plus any allowed redirect host) is resolved
  **once**, before the first request, and its first answer is checked: loopback, private,
  link-local (169.254.169.254, the cloud metadata service, is one), multicast, reserved,
  unspecified and other non-global addresses are refused unless private targets are
  allowed (development and tests);
* the connection then goes to that pinned address (``PinnedNetworkBackend``) while the
  Host header and TLS SNI keep the hostname, so a DNS server that answers "public" to the
  check and "127.0.0.1" to the connect (DNS rebinding) cannot slip past.

Only the pinned address is checked: it is the only one ever connected to.
"""
from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from testgen.api.errors import ApplicationError

Resolver = Callable[[str, int], list[str]]

MESSAGE_SCHEME = "The target URL must start with http:// or https://."
MESSAGE_NO_HOST = "The target URL has no host."
MESSAGE_CREDENTIALS = "The target URL must not embed credentials; use headers or an identity."
MESSAGE_UNRESOLVABLE = "The host {host} could not be resolved."
MESSAGE_REFUSED = "The host {host} resolves to {address}, a {kind} address; private targets are not allowed."
MESSAGE_UNREACHABLE = "The target {host}:{port} is unreachable: {reason}."
MESSAGE_NOT_PINNED = "The host {host} was not checked for this run; connections to it are refused."

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}


class TargetRefused(ApplicationError):
    """The target (or a redirect target) may not be contacted."""

    status_code = 400
    default_code = "target_refused"


def address_kind(address: str) -> str | None:
    """The refused class of an IP address (``loopback``, ``private``, ...), or None when it is public."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:127.0.0.1 and 64:ff9b::/96-style embeddings reach the IPv4 host behind them.
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return address_kind(str(mapped))
    # Order matters: 127.0.0.1 is also "private" to the ipaddress module; name the precise class.
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        # e.g. 100.64.0.0/10 (carrier-grade NAT): not routable from the internet either.
        return "reserved"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`, in its order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in seen:
            seen.append(address)
    return seen


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int


def parse_target(url: str) -> Target:
    """Check the URL's shape (scheme, host, no credentials); raise TargetRefused otherwise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise TargetRefused(MESSAGE_SCHEME, details={"url": [MESSAGE_SCHEME]})
    if parts.username is not None or parts.password is not None:
        raise TargetRefused(MESSAGE_CREDENTIALS, details={"url": [MESSAGE_CREDENTIALS]})
    host = (parts.hostname or "").lower()
    if not host:
        raise TargetRefused(MESSAGE_NO_HOST, details={"url": [MESSAGE_NO_HOST]})
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise TargetRefused(str(exc), details={"url": [str(exc)]}) from None
    return Target(scheme=scheme, host=host, port=port)


def pin_host(host: str, port: int, *, allow_private: bool, resolver: Resolver | None = None) -> str:
    """Resolve `host` once and return the address every connection to it will use."""
    host = host.lower().strip("[]")
    try:
        ipaddress.ip_address(host)
        addresses = [host]
    except ValueError:
        try:
            addresses = (resolver or system_resolver)(host, port)
        except (OSError, UnicodeError):
            addresses = []
    if not addresses:
        message = MESSAGE_UNRESOLVABLE.format(host=host)
        raise TargetRefused(message, code="target_unresolvable", details={"host": [message]})
    pinned = addresses[0]
    kind = address_kind(pinned)
    if kind is not None and not allow_private:
        message = MESSAGE_REFUSED.format(host=host, address=pinned, kind=kind)
        raise TargetRefused(message, details={"host": [message], "kind": kind})
    return pinned


class PinnedHosts(Mapping[str, str]):
    """hostname → the one address connections to it use, fixed for the life of a run."""

    def __init__(self, pins: Mapping[str, str]) -> None:
        self._pins = {host.lower(): address for host, address in pins.items()}

    def __getitem__(self, host: str) -> str:
        return self._pins[host.lower().strip("[]")]

    def __iter__(self) -> typing.Iterator[str]:
        return iter(self._pins)

    def __len__(self) -> int:
        return len(self._pins)

    def allows(self, host: str) -> bool:
        return host.lower().strip("[]") in self._pins


def pin_hosts(
    base_url: str,
    *,
    extra_hosts: Iterable[str] = (),
    allow_private: bool,
    resolver: Resolver | None = None,
) -> PinnedHosts:
    """Check the target URL and pin it and every extra allowed host; raise TargetRefused."""
    target = parse_target(base_url)
    pins = {target.host: pin_host(target.host, target.port, allow_private=allow_private, resolver=resolver)}
    for host in extra_hosts:
        host = host.lower()
        if host and host not in pins:
            pins[host] = pin_host(host, target.port, allow_private=allow_private, resolver=resolver)
    return PinnedHosts(pins)


class PinnedNetworkBackend(httpcore.AsyncNetworkBackend):
    """Connects to the pinned address of a host; refuses hosts that were never pinned.

    httpcore passes the URL's hostname to ``connect_tcp`` and again as ``server_hostname``
    to ``start_tls``, so swapping only the address here keeps SNI and certificate checks on
    the hostname, and the Host header is untouched.
    """

    def __init__(self, pins: PinnedHosts, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.pins = pins
        self.inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if not self.pins.allows(host):
            raise httpcore.ConnectError(MESSAGE_NOT_PINNED.format(host=host))
        return await self.inner.connect_tcp(
            self.pins[host], port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[typing.Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are never a test target.")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@functools.lru_cache(maxsize=2)
def _ssl_context(verify: bool) -> ssl.SSLContext:
    # Loading the CA bundle takes ~20 ms; every chunk of every run would pay it. A context is
    # safe to share between connections and threads once configured.
    return httpx.create_ssl_context(verify=verify, trust_env=False)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport and connection pool, with the pinned network backend underneath."""

    def __init__(
        self,
        pins: PinnedHosts,
        *,
        limits: httpx.Limits,
        verify: bool | ssl.SSLContext = True,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
    ) -> None:
        context = verify if isinstance(verify, ssl.SSLContext) else _ssl_context(bool(verify))
        super().__init__(verify=context, trust_env=False, limits=limits)
        # httpx builds its pool without a way to pass a network backend; we rebuild it with the
        # same settings (no proxy: the environment's proxies must not reroute test traffic).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedNetworkBackend(pins, network_backend),
        )


def check_reachable(
    base_url: str, *, allow_private: bool, resolver: Resolver | None = None, timeout: float = 5.0,
) -> dict[str, str]:
    """Pin the target and open (then close) one TCP connection to it; raise TargetRefused.

    Returns the pin ({hostname: address}) for the rest of the run to use.

    Run before any test, so an unreachable target makes the run `error` rather than a
    wall of identical connection failures.
    """
    target = parse_target(base_url)
    address = pin_host(target.host, target.port, allow_private=allow_private, resolver=resolver)
    try:
        socket.create_connection((address, target.port), timeout=timeout).close()
    except OSError as exc:
        message = MESSAGE_UNREACHABLE.format(host=target.host, port=target.port, reason=exc.strerror or exc)
        raise TargetRefused(message, code="target_unreachable", details={"url": [message]}) from None
    return {target.host: address}


def pinned_resolver(pins: Mapping[str, str], fallback: Resolver | None = None) -> Resolver:
    """A resolver answering from `pins` (fixed at run start), and from `fallback` for other hosts."""

    def resolve(host: str, port: int) -> list[str]:
        if host.lower() in pins:
            return [pins[host.lower()]]
        return (fallback or system_resolver)(host, port)

    return resolve
