"""What every use case works with: the store, the settings, the provider client, the token keeper, the clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass

from linkyard.config import Settings
from linkyard.connectors import Connector, add_connectors
from linkyard.domain import Clock, utc_now
from linkyard.oauth.client import ProviderClient
from linkyard.oauth.endpoints import ProviderEndpoints, endpoints_for
from linkyard.oauth.keeper import TokenKeeper
from linkyard.services.auth_throttle import AuthThrottle
from linkyard.services.fair_share import UpstreamShares
from linkyard.services.rate_limits import Counters, RequestLimits
from linkyard.services.request_logs import ErrorStatus, RequestLogBook
from linkyard.store import Store as Store  # re-exported: the API and the CLI name the store's type from here
from linkyard.store import open_store


def sandbox_url(settings: Settings, connector_key: str) -> str | None:
    """The operator's URL of a connector's sandbox (the local emulator), if one is configured."""
    return settings.sandbox_url(connector_key)


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
    request_logs: RequestLogBook
    """Where finished request logs queue to be written (its flusher runs in the API's lifespan)."""

    def endpoints(self, connector: Connector, environment: str) -> ProviderEndpoints:
        """The provider's URLs for a profile's environment: from the catalogue and the operator only.

        Raises `ValidationFailed` (field `environment`) for an unknown environment or an unconfigured sandbox.
        """
        return endpoints_for(connector, environment, sandbox_url(self.settings, connector.key))


@asynccontextmanager
async def open_storage(settings: Settings, *, clock: Clock = utc_now) -> AsyncIterator[Store]:
    """The store of `settings` alone, for a command that needs nothing else (projects, API keys, housekeeping,
    key rotation): migrated, its key ring checked (`open_store`), closed on exit."""
    store = await open_store(settings, clock=clock)
    try:
        yield store
    finally:
        await store.close()


@asynccontextmanager
async def open_platform(
    settings: Settings,
    *,
    store: Store | None = None,
    clock: Clock | None = None,
    provider_pins: Mapping[str, tuple[str, int]] | None = None,
    follow_changes: bool = True,
    connectors: Sequence[Connector] = (),
    error_status: ErrorStatus | None = None,
) -> AsyncIterator[Platform]:
    """Build the platform for the length of the block (the API's lifespan, one CLI command), then close it.

    The one place the platform is assembled: the API's lifespan and every CLI command that needs more than the
    store come here. Without `store`, the database of `settings` is opened (`open_store` migrates it and
    refuses to start without a valid encryption key) and closed again; a given store is left open. With
    `follow_changes` (a serving process), the store hears other processes' changes for the length of the block
    (on PostgreSQL, a LISTEN connection), so that a key revoked or an account suspended elsewhere is refused
    here at once; a one-off command need not. Refreshes still in flight finish before the provider client
    closes. `connectors` join the built-in catalogue for the length of the block (connectors declared outside
    Linkyard's package: see `add_connectors`). Every provider call goes through `settings.outbound_proxy_url`
    when it is set; `provider_pins` sends the connections for some host names elsewhere (`curl --resolve`:
    tests pin the sandboxes' names to the emulators they serve on loopback). `error_status` is how an error
    answers (the API's table): a request log's status when its call ended in an error (500 without it).
    Request logs still queued are written before the store closes.
    """
    chosen: Clock = clock or (store.clock if store is not None else utc_now)
    with add_connectors(connectors):
        async with _platform(
            settings, store, chosen, provider_pins, follow_changes, error_status
        ) as platform:
            yield platform


@asynccontextmanager
async def _platform(
    settings: Settings,
    store: Store | None,
    chosen: Clock,
    provider_pins: Mapping[str, tuple[str, int]] | None,
    follow_changes: bool,
    error_status: ErrorStatus | None,
) -> AsyncIterator[Platform]:
    guards = Guards.from_settings(settings)
    guards.check()
    opened = store if store is not None else await open_store(settings, clock=chosen)
    proxy = settings.outbound_proxy_url
    provider = ProviderClient(
        clock=chosen,
        max_connections=settings.upstream_connections,
        proxy=proxy.get_secret_value() if proxy else None,
        pins=provider_pins,
    )
    book = RequestLogBook.from_settings(opened, chosen, settings)
    if error_status is not None:
        book.error_status = error_status
    keeper = TokenKeeper(opened, provider, chosen, sandbox_urls=settings.sandbox_urls, record=book.submit)
    try:
        async with opened.follow_changes() if follow_changes else nullcontext():
            yield Platform(
                store=opened,
                settings=settings,
                provider=provider,
                keeper=keeper,
                clock=chosen,
                guards=guards,
                request_logs=book,
            )
    finally:
        try:
            await keeper.aclose()
            await provider.aclose()
            await book.flush()
        finally:
            guards.close()
            if store is None:
                await opened.close()
