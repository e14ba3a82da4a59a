"""Failed authentication is throttled per source address and per credential (security property 27).

Only failures are counted, against the address they came from and against what they tried: an API key's prefix
(`lk_` and 4 characters, as the dashboard shows keys), or the admin token. Beyond a burst
(`auth_failure_limit_per_address`, `auth_failure_limit_per_prefix`) a failure is answered 429 with
`Retry-After` instead of 401. A success is never counted, and never slowed or refused by this throttle:

- An API key is 256 random bits, so no answer helps anyone find one; it is checked first, and a live key works
  from a throttled address, or with a throttled prefix, as it does anywhere. (So an attacker who knows a key's
  prefix cannot lock its owner out.)
- The admin token is the one credential a person may choose, so guessing it must really stop: while the
  address, or the admin token from every address together, is over its burst, the token is not even compared
  (a right guess would give itself away), and the sign-in is answered 429 until `Retry-After`, the right
  token included. Sessions already signed in are not affected, nor is signing in with an API key.

An IPv6 source is counted by its /64 network, which one host commonly holds whole.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from limits import RateLimitItem

from linkyard.config import Settings
from linkyard.errors import RateLimited
from linkyard.services.rate_limits import Counters, rates
from linkyard.store.api_keys import API_KEY_PREFIX

_PREFIX_LENGTH = len(API_KEY_PREFIX) + 4  # the prefix a key is listed under
ADMIN = "admin"
"""The target of an attempt that could only be the admin token."""
_MAX_ADDRESS = 64


def source_address(client: tuple[str, int] | None) -> str:
    """What a request's source is counted under: its address, an IPv6 one by /64 (`unknown` without one)."""
    if client is None or not client[0]:
        return "unknown"
    host = client[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:_MAX_ADDRESS]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def target_of(credential: str) -> str | None:
    """The prefix of something shaped like an API key (`lk_xxxx`), else `None`."""
    if credential.startswith(API_KEY_PREFIX) and len(credential) > _PREFIX_LENGTH:
        return credential[:_PREFIX_LENGTH]
    return None


class AuthThrottle:
    """Counts failed authentications and says when to answer 429 instead of 401."""

    def __init__(
        self,
        counters: Counters,
        *,
        per_address: Sequence[RateLimitItem],
        per_target: Sequence[RateLimitItem],
    ) -> None:
        self._counters = counters
        self._per_address = tuple(per_address)
        self._per_target = tuple(per_target)

    @classmethod
    def from_settings(cls, settings: Settings, counters: Counters) -> AuthThrottle:
        return cls(
            counters,
            per_address=rates(settings.auth_failure_limit_per_address),
            per_target=rates(settings.auth_failure_limit_per_prefix),
        )

    async def failed(self, address: str, target: str | None) -> RateLimited | None:
        """Count a failed attempt from `address` on `target` (a key prefix, `ADMIN`, or `None`); the error to
        answer instead of 401 when the address or the target is over its burst."""
        refusal = await self._count(self._per_address, "failed-address", address, _BY_ADDRESS)
        if target is not None:
            per_target = await self._count(self._per_target, "failed-target", target, _BY_TARGET)
            refusal = refusal or per_target
        return refusal

    async def admin_locked(self, address: str) -> RateLimited | None:
        """The error to answer, without comparing the admin token, while `address` or the admin token is over
        its burst of failures; nothing is counted."""
        for items, scope, identity in (
            (self._per_address, "failed-address", address),
            (self._per_target, "failed-target", ADMIN),
        ):
            for item in items:
                if await self._counters.spent(item, scope, identity):
                    quota = await self._counters.quota(item, scope, identity)
                    return _refusal(_BY_ADDRESS if scope == "failed-address" else _BY_TARGET, quota.reset)
        return None

    async def _count(
        self, items: tuple[RateLimitItem, ...], scope: str, identity: str, message: str
    ) -> RateLimited | None:
        for item in items:
            if not await self._counters.hit(item, scope, identity):
                quota = await self._counters.quota(item, scope, identity)
                return _refusal(message, quota.reset)
        return None


_BY_ADDRESS = "Too many failed authentications from this address"
_BY_TARGET = "Too many failed authentications with this credential"


def _refusal(message: str, reset: int) -> RateLimited:
    return RateLimited(
        f"{message}: try again after Retry-After", retry_after=max(1, reset), code="auth_throttled"
    )
