"""What every use case works with: the store, the settings, the provider client, the token keeper, the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

from linkyard.config import Settings
from linkyard.connectors import Connector
from linkyard.domain import Clock, utc_now
from linkyard.oauth.client import ProviderClient
from linkyard.oauth.endpoints import ProviderEndpoints, endpoints_for
from linkyard.oauth.keeper import TokenKeeper
from linkyard.services.auth_throttle import AuthThrottle
from linkyard.services.fair_share import UpstreamShares
from linkyard.services.rate_limits import Counters, RequestLimits
from linkyard.store import Store, open_store


def sandbox_url(settings: Settings, connector_key: str) -> str | None:
    """The operator's URL of a connector's sandbox (the local emulator), if one is configured."""
    return settings.sandbox_factorialhr_url if connector_key == "factorialhr" else None


def provider_client(
    settings: Settings, *, clock: Clock, pins: Mapping[str, tuple[str, int]] | None = None
) -> ProviderClient:
    """The process's one client to providers, through the operator's outbound proxy when one is set."""
    proxy = settings.outbound_proxy_url
    return ProviderClient(
        clock=clock,
        proxy=proxy.get_secret_value() if proxy else None,
        pins=pins,
        max_connections=settings.upstream_connections,
    )


@dataclass(frozen=True, slots=True)
class Guards:
    """What keeps one caller from crowding out the others: shares of the provider calls in progress, request
    rate limits, and the throttle on failed authentication (docs/limits.md)."""

    shares: UpstreamShares
    limits: RequestLimits
    auth_throttle: AuthThrottle

    @classmethod
    def from_settings(cls, settings: Settings) -> Guards:
        """The guards the settings describe; their counters' store is opened on first use."""
        counters = Counters(settings.rate_limit_storage_url)
        return cls(
            shares=UpstreamShares.from_settings(settings),
            limits=RequestLimits.from_settings(settings, counters),
            auth_throttle=AuthThrottle.from_settings(settings, counters),
        )

    def check(self) -> None:
        """Open the rate limits' store: an unusable `rate_limit_storage_url` is a `ConfigError` at start-up."""
        self.limits.check()

    def close(self) -> None:
        self.limits.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class Platform:
    """The long-lived collaborators of the use cases, built once by the app (or the CLI) and passed in."""

    store: Store
    settings: Settings
    provider: ProviderClient
    keeper: TokenKeeper
    clock: Clock
    guards: Guards

    def endpoints(self, connector: Connector, environment: str) -> ProviderEndpoints:
        """The provider's URLs for a profile's environment: from the catalogue and the operator only.

        Raises `ValidationFailed` (field `environment`) for an unknown environment or an unconfigured sandbox.
        """
        return endpoints_for(connector, environment, sandbox_url(self.settings, connector.key))


@asynccontextmanager
async def open_platform(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    provider_pins: Mapping[str, tuple[str, int]] | None = None,
) -> AsyncIterator[Platform]:
    """Build the platform for the length of the block (the API's lifespan, one CLI command), then close it.

    Without `store`, the database of `settings` is opened (`open_store` migrates it and refuses to start
    without a valid encryption key) and closed again; a given store is left open. For the length of the block
    the store hears other processes' changes (on PostgreSQL, a LISTEN connection), so that a key revoked or an
    account suspended elsewhere is refused here at once. Refreshes still in flight finish before the provider
    client closes. Every provider call goes through `settings.outbound_proxy_url` when it is set;
    `provider_pins` sends the connections for some host names elsewhere (`curl --resolve`: tests pin the
    sandbox's name to the emulator they serve on loopback).
    """
    chosen: Clock = clock or (store.clock if store is not None else utc_now)
    guards = Guards.from_settings(settings)
    guards.check()
    opened = store if store is not None else await open_store(settings, clock=chosen)
    provider = provider_client(settings, clock=chosen, pins=provider_pins)
    keeper = TokenKeeper(opened, provider, chosen, sandbox_url=sandbox_url(settings, "factorialhr"))
    try:
        async with opened.follow_changes():
            yield Platform(
                store=opened, settings=settings, provider=provider, keeper=keeper, clock=chosen, guards=guards
            )
    finally:
        try:
            await keeper.aclose()
            await provider.aclose()
        finally:
            guards.close()
            if store is None:
                await opened.close()
