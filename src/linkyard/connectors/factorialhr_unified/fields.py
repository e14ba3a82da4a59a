"""The building blocks of Factorial's mapping: a unified field read from (and written back to) Factorial's JSON."""

from __future__ import annotations

from typing import Any


def read(source: str, **extra: Any) -> dict[str, Any]:
    """A field read with the JMESPath expression `source` over Factorial's record."""
    return {"source": source, **extra}


def same(field: str, **extra: Any) -> dict[str, Any]:
    """The Factorial field of the same meaning, written back to itself."""
    return {"source": field, "write": field, **extra}


def ids() -> dict[str, Any]:
    """StackOne's `id` is stable and the provider's own id is `remote_id`: Factorial's ids are both."""
    return {"id": read("id"), "remote_id": read("id")}
