"""The seed's random numbers: `random.Random(seed)` with draws that are cheap enough for the hot loops."""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from typing import TypeVar

_POWERS = tuple(10**exponent for exponent in range(13))
_T = TypeVar("_T")


class SeededRandom:
    """`random.Random(seed)` with cheap integer draws: `randint` and friends cost ten times `random()`."""

    def __init__(self, seed: int) -> None:
        self.generator = random.Random(seed)
        self.random = self.generator.random

    def randrange(self, start: int, stop: int | None = None) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def choice(self, items: Sequence[_T]) -> _T:
        return items[int(self.random() * len(items))]

    def weighted(self, items: Sequence[_T], cumulative: Sequence[float]) -> _T:
        return items[bisect.bisect_right(cumulative, self.random() * cumulative[-1])]

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self.random()

    def digits(self, count: int) -> str:
        """`count` random decimal digits (leading zeros kept)."""
        if count <= 12:
            return f"{int(self.random() * _POWERS[count]):0{count}d}"
        return self.digits(12) + self.digits(count - 12)
