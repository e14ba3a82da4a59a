"""Who may use the control API (`/_emulator/`), which can reset the world, mint API keys and read client secrets:
callers on the same machine when it is served on loopback, and anyone else only with the control token.

Serving it on another address without a token is refused at start (`check_exposure`); as a second line, a
control API without a token also refuses callers whose address is not loopback (for an app mounted by hand).
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

MIN_TOKEN_LENGTH = 16


class ControlExposed(ValueError):
    """The control API would be reachable from other machines without a token, or the token is too weak."""


def is_loopback(host: str) -> bool:
    """`localhost`, 127.0.0.0/8, `::1` (bracketed or not, IPv4-mapped too); any other name or address, and the
    wildcard addresses (`0.0.0.0`, `::`), may be reachable from elsewhere."""
    name = host.strip().removeprefix("[").removesuffix("]").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_loopback
    return address.is_loopback


def check_exposure(host: str | None, *, control: bool, control_token: str | None) -> None:
    """Raise `ControlExposed` when serving the control API on `host` (`None`: not known, as in-process) would
    leave it open to other machines, or when `control_token` is too weak to protect it."""
    if control_token is not None and (
        len(control_token) < MIN_TOKEN_LENGTH or control_token != control_token.strip()
    ):
        raise ControlExposed(
            f"the control token must be at least {MIN_TOKEN_LENGTH} characters, without surrounding spaces"
        )
    if control and control_token is None and host is not None and not is_loopback(host):
        raise ControlExposed(
            f"refusing to serve the unauthenticated control API (/_emulator/) on {host}, which is not a "
            "loopback address: give a control token (--control-token) to require it as a bearer token, or "
            "turn the control API off (--no-control)"
        )


class ControlAccess:
    """The control API's gate: with a token, a matching `Authorization: Bearer` header (compared in constant
    time); without one, a loopback caller."""

    def __init__(self, token: str | None) -> None:
        self._token = None if token is None else token.encode()

    def refusal(self, request: Request) -> Response | None:
        """The answer that refuses `request`, or `None` to let it through."""
        if self._token is None:
            client = request.client
            if client is None or is_loopback(client.host):
                return None
            return JSONResponse(
                {"errors": {"base": ["the control API answers only loopback callers unless it has a token"]}},
                status_code=403,
            )
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self._token):
            return None
        return JSONResponse(
            {"errors": {"base": ["the control API needs its token: Authorization: Bearer <control token>"]}},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="emulator-control"'},
        )
