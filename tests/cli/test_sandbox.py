"""What `linkyard up --sandbox` sets up on each start, in-process against an emulator on loopback: restarting
rotates the demo project's API key (the printed key works, the previous one is refused, one sandbox key is live)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from linkyard.api import create_app
from linkyard.cli.sandbox import KEY_NAME, prepare_sandbox
from linkyard.config import Settings
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.services import create_api_key, list_api_keys, open_platform
from linkyard.store import generate_key_entry
from tests.live_server import serve
from tests.store.conftest import BACKENDS, database_url

__all__ = ["database_url"]

API_URL = "http://linkyard.test"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def emulator_url() -> Iterator[str]:
    with serve(create_emulator(seed=4, employees=5)) as url:
        yield url


async def test_each_start_prints_a_new_key_and_revokes_the_previous_sandbox_key(
    database_url: str, emulator_url: str
) -> None:
    settings = Settings(
        database_url=database_url,
        public_url=API_URL,
        encryption_keys=generate_key_entry("dev"),
        sandbox_urls={"factorialhr": emulator_url},
    )
    async with open_platform(settings) as platform:
        first = await prepare_sandbox(platform, api_url=API_URL, emulator_url=emulator_url)
        mine = await create_api_key(platform.store, first.project_id, "my own script")
        second = await prepare_sandbox(platform, api_url=API_URL, emulator_url=emulator_url)
        third = await prepare_sandbox(platform, api_url=API_URL, emulator_url=emulator_url)
        keys = await list_api_keys(platform.store, first.project_id)

        app = create_app(settings, store=platform.store)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=API_URL) as api,
        ):
            answers = {
                name: (await api.get("/accounts", auth=(key, ""))).status_code
                for name, key in (
                    ("first", first.api_key),
                    ("second", second.api_key),
                    ("third", third.api_key),
                    ("mine", mine.raw),
                )
            }

    assert first.project_id == second.project_id == third.project_id
    assert answers == {"first": 401, "second": 401, "third": 200, "mine": 200}
    live = [key for key in keys if key.name == KEY_NAME and key.revoked_at is None]
    assert len(live) == 1 and third.api_key.startswith(live[0].prefix)
    assert len([key for key in keys if key.name == KEY_NAME]) == 3
