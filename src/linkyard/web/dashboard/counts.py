"""Counts on dashboard pages, bounded: exact up to `SHOWN_UP_TO`, then "1,000+"; never a full count per view.

A page view must cost the same at 100,000 linked accounts as at 10: counting at most `SHOWN_UP_TO + 1` rows is
a bounded index range, where `count(*)` reads every account of the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from linkyard.services.platform import Platform

SHOWN_UP_TO = 1000


@dataclass(frozen=True, slots=True)
class ShownCount:
    """A count as a page shows it: `1,000+` past the bound."""

    value: int
    more: bool

    @property
    def plural(self) -> bool:
        return self.more or self.value != 1

    def __bool__(self) -> bool:
        return self.value > 0

    def __str__(self) -> str:
        return f"{self.value:,}+" if self.more else f"{self.value:,}"


async def linked_accounts(
    platform: Platform, project_id: str, *, profile_id: str | None = None
) -> ShownCount:
    """The project's (or the profile's) linked accounts, counted up to the bound."""
    counted = await platform.store.accounts.count(project_id, profile_id=profile_id, up_to=SHOWN_UP_TO + 1)
    return ShownCount(min(counted, SHOWN_UP_TO), counted > SHOWN_UP_TO)
