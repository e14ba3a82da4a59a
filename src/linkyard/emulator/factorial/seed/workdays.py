"""Calendar arithmetic on date ordinals: Easter Sunday, working days between two dates, the next weekday."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date


def easter_sunday(year: int) -> int:
    """Easter Sunday (Gregorian, anonymous algorithm) as a date ordinal."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1).toordinal()


def count_working_days(start: int, finish: int, holidays: Sequence[int]) -> int:
    """Monday-to-Friday days from `start` to `finish` (ordinals, inclusive) that are not in sorted `holidays`."""
    if finish < start:
        return 0
    weeks, rest = divmod(finish - start + 1, 7)
    count = weeks * 5 + sum(1 for day in range(start, start + rest) if day % 7 not in (0, 6))
    return count - (bisect.bisect_right(holidays, finish) - bisect.bisect_left(holidays, start))


def weekday_on_or_after(ordinal: int) -> int:
    weekday = ordinal % 7  # 0 Sunday ... 6 Saturday (ordinal 1 was a Monday)
    return ordinal + (1 if weekday == 0 else 2 if weekday == 6 else 0)
