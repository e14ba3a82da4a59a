"""The other provider records a mapping's fields read (`ResourceMapping.lookups`: a feedback's evaluation form),
joined into a page's records before they are mapped.

One list call (a few where the ids exceed what one call takes) per lookup for the whole page, narrowed to the ids
the page's records name, never a call per record; each is an action run through `run_action`, enforced as any is
(the scopes of the list it reads, 403 naming the missing ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from linkyard.connectors import Connector
from linkyard.connectors.retry import RetryPolicy
from linkyard.connectors.unified import ResourceMapping
from linkyard.domain import Project
from linkyard.services.actions import ActionResult
from linkyard.services.platform import Platform
from linkyard.services.unified.expansions import Reader, texts, unique


async def join_lookups(
    platform: Platform,
    project: Project,
    account_id: str,
    connector: Connector,
    mapping: ResourceMapping,
    records: Sequence[Any],
    *,
    policy: RetryPolicy,
) -> tuple[list[Any], list[ActionResult]]:
    """`records` (the provider's) each with its looked-up records under the lookups' names (None where it names
    none, or one the provider does not have), and the provider calls made, for `raw`. The provider's records
    are copied, not changed."""
    if not mapping.lookups or not records:
        return list(records), []
    reader = Reader(platform, project, account_id, connector, policy)
    joined = [dict(record) if isinstance(record, dict) else record for record in records]
    for name, lookup in mapping.lookups.items():
        named = [texts(lookup.search(record)) for record in joined]
        ids = unique(value for values in named for value in values)
        found = await reader.narrowed(lookup.action, lookup.param, ids, {})
        by_id = {str(record.get("id")): record for record in found}
        for record, values in zip(joined, named, strict=True):
            if isinstance(record, dict):
                record[name] = next((by_id[value] for value in values if value in by_id), None)
    return joined, reader.calls
