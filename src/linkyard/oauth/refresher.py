"""The background refresher: runs the keeper's idle-account refresh periodically, with jitter, as one task."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from linkyard.oauth.keeper import IDLE_HORIZON, TokenKeeper
from linkyard.periodic import PeriodicJob

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 900.0


class Refresher(PeriodicJob):
    """Calls `keeper.refresh_idle(horizon=...)` every `interval` seconds ± `jitter` (a fraction).

    Every worker may run one: one at a time sweeps (the keeper takes the database's `idle-refresh` lock; the
    others skip their turn), and the keeper's row lock makes any refresh happen once. Start and
    stop it in the API's lifespan (`async with Refresher(keeper):`), before closing the keeper; a refresh
    already started when it stops finishes inside the keeper (see `TokenKeeper.aclose`).
    """

    name = "linkyard-token-refresher"
    description = "idle token refresh"

    def __init__(
        self,
        keeper: TokenKeeper,
        *,
        interval: float = DEFAULT_INTERVAL,
        jitter: float = 0.2,
        horizon: timedelta = IDLE_HORIZON,
        random_fraction: Callable[[], float] = random.random,
    ) -> None:
        super().__init__(interval=interval, jitter=jitter, random_fraction=random_fraction)
        self._keeper = keeper
        self._horizon = horizon

    async def run_once(self) -> None:
        refreshed = await self._keeper.refresh_idle(horizon=self._horizon)
        if refreshed:
            logger.info("refreshed %d idle account(s)", refreshed)
