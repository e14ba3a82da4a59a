"""How a list action pages: one small strategy per provider style, behind the platform's opaque `next` cursor."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from linkyard.connectors.parameters import ArgumentError, Parameter

MAX_CURSOR_LENGTH = 1024
_BAD_CURSOR = "is not a cursor of this action: pass the `next` of the previous page unchanged"


def encode_next(action_id: str, after_id: str) -> str:
    """The platform's `next`: base64url (unpadded) of `{"action": ..., "after_id": ...}`.

    Binding the cursor to its action turns a cursor pasted into another action into a 422 instead of a
    silently wrong page. Callers treat it as opaque.
    """
    raw = json.dumps({"action": action_id, "after_id": after_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_next(action_id: str, cursor: str) -> str:
    """The provider cursor inside a `next` that `encode_next` made for `action_id`."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise ArgumentError("next", _BAD_CURSOR)
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        decoded = json.loads(raw)
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors
        raise ArgumentError("next", _BAD_CURSOR) from None
    if not isinstance(decoded, dict) or decoded.get("action") != action_id:
        raise ArgumentError("next", _BAD_CURSOR)
    after_id = decoded.get("after_id")
    if not isinstance(after_id, str) or not after_id:
        raise ArgumentError("next", _BAD_CURSOR)
    return after_id


class NoPagination(BaseModel):
    """A single object, or a list the provider returns whole."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["none"] = "none"

    def parameters(self) -> tuple[Parameter, ...]:
        return ()

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        return []

    def next_cursor(self, action_id: str, response: Mapping[str, Any], data: Sequence[Any]) -> str | None:
        return None


class FactorialCursor(BaseModel):
    """Factorial's cursor mode: `limit` and `after_id`, answered with `meta.has_next_page` and
    `meta.end_cursor`. The platform shows it as `page_size` and an opaque `next`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["factorial_cursor"] = "factorial_cursor"
    default_page_size: int = Field(25, ge=1)
    max_page_size: int = Field(100, ge=1, le=100)  # Factorial caps `limit` at 100

    def parameters(self) -> tuple[Parameter, ...]:
        return (
            Parameter(
                name="page_size",
                location="query",
                type="integer",
                description=(
                    f"How many items to return, from 1 to {self.max_page_size} "
                    f"(default {self.default_page_size})."
                ),
                minimum=1,
                maximum=self.max_page_size,
            ),
            Parameter(
                name="next",
                location="query",
                description=(
                    "The `next` value of the previous page, to fetch the page after it; leave it out for "
                    "the first page and send the same filters again."
                ),
                max_length=MAX_CURSOR_LENGTH,
            ),
        )

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        page_size = arguments.get("page_size", self.default_page_size)  # within bounds: the schema said so
        pairs = [("limit", str(page_size))]
        cursor = arguments.get("next")
        if cursor is not None:
            pairs.append(("after_id", decode_next(action_id, cursor)))
        return pairs

    def next_cursor(self, action_id: str, response: Mapping[str, Any], data: Sequence[Any]) -> str | None:
        meta = response.get("meta")
        if not isinstance(meta, Mapping) or meta.get("has_next_page") is not True:
            return None
        after_id = meta.get("end_cursor")
        if not isinstance(after_id, str) or not after_id:
            # Offset-mode answers carry no cursor; Factorial also accepts the last id as `after_id`.
            last = data[-1] if data else None
            after_id = last.get("id") if isinstance(last, Mapping) else None
            if isinstance(after_id, int) and not isinstance(after_id, bool):
                after_id = str(after_id)
            if not isinstance(after_id, str) or not after_id:
                return None
        return encode_next(action_id, after_id)


Pagination = Annotated[NoPagination | FactorialCursor, Field(discriminator="kind")]
