"""Checks for a language-model provider's base URL that a project supplies.

Two layers, both used by the model field, the API serializer, the admin form, the service and
(the second) the providers when they build a request:

* `validate_base_url`: the shape. Any absolute http(s) URL with a host: dotted names and
  single-label ones (``http://ollama:11434/v1``, a docker-compose service name, which Django's
  URLValidator refuses), IPv4 and bracketed IPv6 literals, a port. Refused: other schemes, no
  host, ``user:password@`` (the key belongs in ``api_key``), a bad port, whitespace. The length
  limit is `BASE_URL_MAX_LENGTH`, which every field declares as its ``max_length``.
* `check_base_url_address`: where it leads. The Celery worker POSTs prompts to this URL from
  our network, so unless the server allows private targets (``TESTGEN_ALLOW_PRIVATE_TARGETS``,
  the same switch test runs obey) the host must resolve, and only to public addresses:
  loopback, private, link-local (169.254.169.254, the cloud metadata service), reserved and
  unspecified addresses are refused. The classification is `execution.safety.address_kind`.

Unlike a test run, the SDK clients resolve the host themselves and may fall back to any
address the resolver returns, so *every* answer is checked, not only the first. A resolver
that changes its answer between the check and the SDK's own lookup (DNS rebinding) is a
residual risk accepted here, as for spec URLs; the check is repeated before every call.
The server-wide ``TESTGEN_<PROVIDER>_BASE_URL`` comes from the operator and is not checked.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

from execution import safety
from execution.safety import Resolver, TargetRefused, address_kind, parse_target

BASE_URL_MAX_LENGTH = 500

MESSAGE_BASE_URL_WHITESPACE = "The base URL must not contain spaces or other whitespace."
MESSAGE_BASE_URL_INVALID = "The base URL is not a valid URL."
MESSAGE_BASE_URL_SCHEME = "The base URL must start with http:// or https://."
MESSAGE_BASE_URL_CREDENTIALS = (
    "The base URL must not embed a user name or password (user:password@); put the key in api_key."
)
MESSAGE_BASE_URL_NO_HOST = "The base URL has no host."
MESSAGE_BASE_URL_HOST = "The base URL's host {host!r} is not a valid host name or IP address."
MESSAGE_BASE_URL_PORT = "The base URL's port must be a number from 1 to 65535."
MESSAGE_BASE_URL_UNRESOLVABLE = (
    "The base URL's host {host} could not be resolved; only hosts that resolve to public "
    "addresses are allowed on this server."
)
MESSAGE_BASE_URL_REFUSED = (
    "The base URL's host {host} resolves to {address}, a {kind} address; only public addresses "
    "are allowed on this server."
)

# A DNS label; `_` is allowed because docker-compose service names may contain it.
_LABEL = r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST_NAME = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_MAX_HOST_NAME = 253


def validate_base_url(value: str) -> None:
    """Raise ValidationError unless `value` is blank or an absolute http(s) URL with a host.

    The field validator of every place a project's base URL is entered; it never touches DNS.
    """
    if not value:
        return
    # urlsplit silently drops tabs and newlines and strips the ends, so look at the raw text.
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValidationError(MESSAGE_BASE_URL_WHITESPACE, code="whitespace")
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed or invalid [IPv6] literal
        raise ValidationError(MESSAGE_BASE_URL_INVALID, code="invalid") from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(MESSAGE_BASE_URL_SCHEME, code="invalid_scheme")
    if "@" in parts.netloc:
        raise ValidationError(MESSAGE_BASE_URL_CREDENTIALS, code="credentials")
    host, port = _split_netloc(parts.netloc)
    if not host:
        raise ValidationError(MESSAGE_BASE_URL_NO_HOST, code="no_host")
    if not _valid_host(host):
        raise ValidationError(MESSAGE_BASE_URL_HOST.format(host=host), code="invalid_host")
    if port and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise ValidationError(MESSAGE_BASE_URL_PORT, code="invalid_port")


def _split_netloc(netloc: str) -> tuple[str, str]:
    """(host, port text) of a netloc without userinfo; brackets are kept on IPv6 literals."""
    if netloc.startswith("["):
        host, _, rest = netloc.partition("]")
        return host + "]", rest[1:] if rest.startswith(":") else rest
    host, _, port = netloc.partition(":")
    return host, port


def _valid_host(host: str) -> bool:
    if host.startswith("["):
        try:
            return isinstance(ipaddress.ip_address(host[1:-1]), ipaddress.IPv6Address)
        except ValueError:
            return False
    name = host.lower()
    if not name.isascii():
        try:
            name = name.encode("idna").decode("ascii")
        except UnicodeError:
            return False
    return len(name) <= _MAX_HOST_NAME and _HOST_NAME.fullmatch(name) is not None


def private_targets_allowed() -> bool:
    """Whether this server may contact loopback/private/link-local addresses (dev and tests)."""
    return bool(getattr(settings, "TESTGEN_ALLOW_PRIVATE_TARGETS", False))


def check_base_url_address(
    value: str, *, allow_private: bool | None = None, resolver: Resolver | None = None
) -> None:
    """Raise TargetRefused unless the host of a project's base URL resolves to public addresses only.

    Nothing is checked (and nothing resolved) when private targets are allowed; `allow_private`
    None reads the setting. Codes: ``target_refused`` (a shape the worker must not follow, or a
    non-public address) and ``target_unresolvable``.
    """
    if allow_private is None:
        allow_private = private_targets_allowed()
    if allow_private or not value:
        return
    try:
        # Again at use: rows stored before this validator existed may hold any URL.
        validate_base_url(value)
    except ValidationError as exc:
        raise TargetRefused(exc.messages[0], details={"base_url": exc.messages}) from None
    target = parse_target(value)
    try:
        ipaddress.ip_address(target.host)
        addresses = [target.host]  # as written: 3.11 prints ::ffff:127.0.0.1 as ::ffff:7f00:1
    except ValueError:
        try:
            # Looked up on the module at call time, so tests can replace the system resolver.
            addresses = (resolver or safety.system_resolver)(target.host, target.port)
        except (OSError, UnicodeError):
            addresses = []
    if not addresses:
        message = MESSAGE_BASE_URL_UNRESOLVABLE.format(host=target.host)
        raise TargetRefused(message, code="target_unresolvable", details={"base_url": [message]})
    for address in addresses:
        kind = address_kind(address)
        if kind is not None:
            message = MESSAGE_BASE_URL_REFUSED.format(host=target.host, address=address, kind=kind)
            raise TargetRefused(message, details={"base_url": [message], "kind": kind})


def validate_base_url_address(value: str, *, resolver: Resolver | None = None) -> None:
    """`check_base_url_address` as a Django validation step: ValidationError with its message."""
    try:
        check_base_url_address(value, resolver=resolver)
    except TargetRefused as exc:
        raise ValidationError(exc.message, code=exc.code) from None
