"""Dates and timestamps for seeded rows, relative to the world's clock and built as fast as strings go."""

from __future__ import annotations

from datetime import date

from ..state import World

DAY_SECONDS = 86400
UNIX_EPOCH = date(1970, 1, 1).toordinal()
CLOCK_TEXT = tuple(f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(1440))  # "HH:MM" by minute
SECOND_TEXT = tuple(f"{second:02d}" for second in range(60))
_MILLIS_TEXT = tuple(f"{milli:03d}Z" for milli in range(1000))


class _Days(dict[int, str]):
    """ISO dates by ordinal, made on first use: `days[ordinal]` stays a C-level lookup in the hot loops."""

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = date.fromordinal(ordinal).isoformat()
        return text


class _Midnights(dict[int, str]):
    """The date part of a timestamp (`2026-06-01T`) by days since the Unix epoch, made on first use."""

    def __missing__(self, days: int) -> str:
        text = self[days] = f"{date.fromordinal(UNIX_EPOCH + days).isoformat()}T"
        return text


class SeedClock:
    """Dates and timestamps relative to the world's clock, as fast string builders (seeding makes ~10^5)."""

    def __init__(self, world: World) -> None:
        self.now = int(world.clock.time())
        self.today = world.clock.now().date().toordinal()
        self.days = _Days()
        self._midnights = _Midnights()

    def day(self, ordinal: int) -> str:
        return self.days[ordinal]

    def at(self, seconds: int) -> str:
        """Factorial's timestamp format (`2026-06-01T12:00:00.123Z`), ms derived from the instant."""
        days, rest = divmod(seconds, DAY_SECONDS)
        return (
            f"{self._midnights[days]}{CLOCK_TEXT[rest // 60]}:{SECOND_TEXT[rest % 60]}"
            f".{_MILLIS_TEXT[seconds * 7919 % 1000]}"
        )

    def start_of(self, ordinal: int) -> int:
        """Unix seconds at midnight UTC of `ordinal`."""
        return (ordinal - UNIX_EPOCH) * DAY_SECONDS

    def stamp(self, seconds: int) -> str:
        """A timestamp that is never in the future."""
        return self.at(seconds if seconds < self.now else self.now)
