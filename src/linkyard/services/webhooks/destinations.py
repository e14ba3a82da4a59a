"""Safe destinations for webhooks: which URLs may be stored, and which addresses a delivery may connect to.

The address check runs at delivery time, on the addresses DNS gives (`GuardedResolver`), and the connection is
made to those very addresses: a name that resolved to a public address when the webhook was saved and to
`127.0.0.1` now (DNS rebinding) is refused. A URL naming an address itself is checked the same way
(`check_literal_address`), since no resolver sees it.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from aiohttp import ThreadedResolver
from aiohttp.abc import AbstractResolver, ResolveResult

from linkyard.errors import FieldError, ValidationFailed

MAX_URL_LENGTH = 2_048


class UnsafeDestination(OSError):
    """A delivery's destination resolved to an address webhooks may not reach (an `OSError`, so that aiohttp
    reports it as the connection's failure, as it does any resolver's)."""


def check_webhook_url(url: str, *, allow_http: bool) -> str:
    """The URL a webhook may be saved with: absolute, https (http only where the operator allows it), a host,
    no credentials, no fragment. 422 naming `url` otherwise."""

    def refused(message: str) -> ValidationFailed:
        return ValidationFailed(message, errors=[FieldError(field="url", message=message)])

    text = url.strip()
    if not text or len(text) > MAX_URL_LENGTH or any(c.isspace() or ord(c) < 32 for c in text):
        raise refused("the URL must be an absolute URL without spaces")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise refused("the URL is not a valid URL") from None
    allowed = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in allowed:
        raise refused("the URL must use https" if not allow_http else "the URL must use https or http")
    if not parts.hostname:
        raise refused("the URL must name a host")
    if parts.username is not None or parts.password is not None:
        raise refused("the URL must not hold credentials")
    if parts.fragment:
        raise refused("the URL must not have a fragment")
    if port == 0:
        raise refused("the URL's port must be between 1 and 65535")
    return text


def is_public(address: str) -> bool:
    """Whether an address is a global unicast one (not private, loopback, link-local, multicast, reserved)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_literal_address(host: str, *, allow_private: bool) -> None:
    """Refuse a URL's host that is itself a non-public address (names are checked by `GuardedResolver`)."""
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return
    if not allow_private and not is_public(host.strip("[]")):
        raise UnsafeDestination("the webhook's address is not a public one")


class GuardedResolver(AbstractResolver):
    """DNS as usual, then only the public addresses are kept; none left is `UnsafeDestination`."""

    def __init__(self, *, allow_private: bool) -> None:
        self._inner = ThreadedResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if self._allow_private:
            return found
        kept = [entry for entry in found if is_public(entry["host"])]
        if not kept:
            raise UnsafeDestination("the webhook's host resolves to no public address")
        return kept

    async def close(self) -> None:
        await self._inner.close()

    def __repr__(self) -> str:
        return f"GuardedResolver(allow_private={self._allow_private})"
