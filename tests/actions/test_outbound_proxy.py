"""The operator's outbound proxy (`LINKYARD_OUTBOUND_PROXY_URL`): every call the platform makes to the provider,
token calls and action calls alike, goes through it, with its credentials; none goes around it."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import pytest

from linkyard.config import Settings
from tests.actions.conftest import API, Linked, Wire
from tests.api.conftest import FACTORIAL, Harness
from tests.forward_proxy import ForwardProxy
from tests.live_server import served


@pytest.fixture
async def proxy(wire: Wire) -> AsyncIterator[tuple[str, ForwardProxy]]:
    """A forward proxy on loopback that relays every request to the emulator (behind the `Wire`)."""
    assert wire.served is not None
    proxying = ForwardProxy(to=wire.served.url)
    async with served(proxying.app()) as running:
        yield running.url.replace("http://", "http://egress:pw@"), proxying


@pytest.fixture
def settings(settings: Settings, proxy: tuple[str, ForwardProxy]) -> Settings:
    """The actions' settings, with the outbound proxy set."""
    return Settings.model_validate({**settings.model_dump(), "outbound_proxy_url": proxy[0]})


async def test_every_provider_call_goes_through_the_outbound_proxy(
    harness: Harness, linked: Linked, wire: Wire, proxy: tuple[str, ForwardProxy]
) -> None:
    _, proxying = proxy
    response = await harness.rpc(
        linked.tenant, linked.account_id, "factorialhr_list_employees", query={"page_size": "2"}
    )

    assert response.status_code == 200, response.text
    basic = "Basic " + base64.b64encode(b"egress:pw").decode()
    relayed = [(method, url.split("?")[0]) for method, url, _ in proxying.seen]
    assert ("POST", f"{FACTORIAL}/oauth/token") in relayed, "the token exchange went through the proxy"
    assert ("GET", f"{FACTORIAL}{API}/employees/employees") in relayed
    assert {authorization for _, _, authorization in proxying.seen} == {basic}
    assert len(proxying.seen) >= len(wire.attempts), (
        "every API request the emulator saw came through the proxy"
    )


def test_the_proxy_setting_takes_http_urls_only_and_keeps_its_credentials_out_of_reprs() -> None:
    configured = Settings(outbound_proxy_url="http://egress:pw@proxy.internal:3128/")

    assert configured.outbound_proxy_url is not None
    assert configured.outbound_proxy_url.get_secret_value() == "http://egress:pw@proxy.internal:3128"
    assert "pw" not in repr(configured)
    assert Settings().outbound_proxy_url is None, "off by default"
    with pytest.raises(ValueError, match="outbound_proxy_url must be an absolute http"):
        Settings(outbound_proxy_url="socks5://proxy.internal:1080")
