"""How a list action pages: one small strategy per style (cursor, page number, offset, Link header), each behind
the platform's `page_size` and opaque `next` cursor, and each configured by the connector's declaration."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from linkyard.connectors.envelope import FIELD_PATH, FieldPath, dig
from linkyard.connectors.parameters import ArgumentError, Parameter
from linkyard.errors import ProviderError

MAX_CURSOR_LENGTH = 1024
_BAD_CURSOR = "is not a cursor of this action: pass the `next` of the previous page unchanged"
_QUERY_NAME = r"^[A-Za-z0-9_.\-\[\]]{1,64}$"


def encode_next(action_id: str, position: str) -> str:
    """The platform's `next`: base64url (unpadded) of `{"action": ..., "at": <the provider's position>}`.

    Binding the cursor to its action turns a cursor pasted into another action into a 422 instead of a
    silently wrong page. Callers treat it as opaque.
    """
    raw = json.dumps({"action": action_id, "at": position}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_next(action_id: str, cursor: str) -> str:
    """The provider's position inside a `next` that `encode_next` made for `action_id`."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        raise ArgumentError("next", _BAD_CURSOR)
    try:
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        decoded = json.loads(raw)
    except ValueError:  # binascii.Error, UnicodeDecodeError and JSONDecodeError are all ValueErrors
        raise ArgumentError("next", _BAD_CURSOR) from None
    if not isinstance(decoded, dict) or decoded.get("action") != action_id:
        raise ArgumentError("next", _BAD_CURSOR)
    # `after_id` is where cursors made before pagination kinds were data kept the position: still honoured.
    position = decoded.get("at", decoded.get("after_id"))
    if not isinstance(position, str) or not position:
        raise ArgumentError("next", _BAD_CURSOR)
    return position


@dataclass(frozen=True, slots=True)
class Page:
    """One answer of the provider to a list call: the whole answer, its records, and its `Link` header's
    targets by relation (`{"next": "https://...?page=3"}`)."""

    answer: Any
    records: Sequence[Any]
    links: Mapping[str, str] = field(default_factory=dict)


class _Strategy(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def provider_names(self) -> frozenset[str]:
        """The provider's query parameters this style sets (its `*_param` fields): a call's own."""
        return frozenset(value for name, value in self if name.endswith("_param") and isinstance(value, str))


class NoPagination(_Strategy):
    """A single object, or a list the provider returns whole."""

    kind: Literal["none"] = "none"

    def parameters(self) -> tuple[Parameter, ...]:
        return ()

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        return []

    def next_cursor(self, action_id: str, arguments: Mapping[str, Any], page: Page) -> str | None:
        return None


class _Paged(_Strategy):
    """What every paging style shares: the platform's `page_size` (bounded) and `next` arguments."""

    default_page_size: int = Field(25, ge=1)
    max_page_size: int = Field(100, ge=1, le=1000)
    size_param: str | None = Field("limit", pattern=_QUERY_NAME)
    """The provider's query parameter for the page size; None when the provider has no such parameter."""

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

    def page_size(self, arguments: Mapping[str, Any]) -> int:
        return int(arguments.get("page_size", self.default_page_size))  # within bounds: the schema said so

    def size_pairs(self, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [] if self.size_param is None else [(self.size_param, str(self.page_size(arguments)))]


def _text(value: Any) -> str | None:
    """A position as text: a non-empty string, or an integer (ids often are); anything else is no position."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value if isinstance(value, str) and value else None


class Cursor(_Paged):
    """The provider hands out a cursor with each page and takes it back as `cursor_param`.

    `more_path`, when set, is a boolean in the answer that says whether another page follows (without it, a
    cursor in the answer means one does). `record_cursor`, when set, is the record field whose value on the
    last record is the cursor when the answer says more follows but gives none (providers that take the last
    id seen as the cursor).
    """

    kind: Literal["cursor"] = "cursor"
    cursor_param: str = Field("cursor", pattern=_QUERY_NAME)
    cursor_path: FieldPath = Field(pattern=FIELD_PATH)
    more_path: FieldPath | None = Field(None, pattern=FIELD_PATH)
    record_cursor: str | None = None

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        pairs = self.size_pairs(arguments)
        cursor = arguments.get("next")
        if cursor is not None:
            pairs.append((self.cursor_param, decode_next(action_id, cursor)))
        return pairs

    def next_cursor(self, action_id: str, arguments: Mapping[str, Any], page: Page) -> str | None:
        if self.more_path is not None and dig(page.answer, self.more_path) is not True:
            return None
        position = _text(dig(page.answer, self.cursor_path))
        if position is None and self.record_cursor is not None and page.records:
            last = page.records[-1]
            position = _text(last.get(self.record_cursor)) if isinstance(last, Mapping) else None
        return None if position is None else encode_next(action_id, position)


class _Counted(_Paged):
    """Styles whose position is a number the platform counts itself (a page number, an offset)."""

    more_path: FieldPath | None = Field(None, pattern=FIELD_PATH)
    """A value in the answer that is set (not null, false or empty) while another page follows, such as
    `next` in `{"results": [...], "next": "https://..."}`; without it, a full page means another may follow."""

    def start(self) -> int:
        raise NotImplementedError

    def step(self, arguments: Mapping[str, Any]) -> int:
        raise NotImplementedError

    def position(self, action_id: str, arguments: Mapping[str, Any]) -> int:
        cursor = arguments.get("next")
        if cursor is None:
            return self.start()
        text = decode_next(action_id, cursor)
        if not text.isascii() or not text.isdigit() or len(text) > 12:
            raise ArgumentError("next", _BAD_CURSOR)
        return int(text)

    def next_cursor(self, action_id: str, arguments: Mapping[str, Any], page: Page) -> str | None:
        if self.more_path is not None:
            more = bool(dig(page.answer, self.more_path))
        else:
            more = len(page.records) >= self.page_size(arguments)
        if not more or not page.records:
            return None
        return encode_next(action_id, str(self.position(action_id, arguments) + self.step(arguments)))


class PageNumber(_Counted):
    """Numbered pages: `page_param` counts pages from `first_page`, `size_param` sets their size."""

    kind: Literal["page"] = "page"
    page_param: str = Field("page", pattern=_QUERY_NAME)
    first_page: int = Field(1, ge=0)
    size_param: str | None = Field("per_page", pattern=_QUERY_NAME)

    def start(self) -> int:
        return self.first_page

    def step(self, arguments: Mapping[str, Any]) -> int:
        return 1

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [*self.size_pairs(arguments), (self.page_param, str(self.position(action_id, arguments)))]


class Offset(_Counted):
    """An offset into the whole list: `offset_param` items are skipped, `size_param` are returned."""

    kind: Literal["offset"] = "offset"
    offset_param: str = Field("offset", pattern=_QUERY_NAME)

    def start(self) -> int:
        return 0

    def step(self, arguments: Mapping[str, Any]) -> int:
        return self.page_size(arguments)

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        return [*self.size_pairs(arguments), (self.offset_param, str(self.position(action_id, arguments)))]


class LinkHeader(_Paged):
    """The answer's `Link` header (RFC 8288) names the next page, `rel="next"` (GitHub, Shopify, Okta).

    Only the query of that link is kept and sent again to the action's own path and base URL, so a provider
    (or anyone between) cannot steer the platform's next call, with its token, to another host or path.
    """

    kind: Literal["link_header"] = "link_header"
    size_param: str | None = Field("per_page", pattern=_QUERY_NAME)

    def query(self, action_id: str, arguments: Mapping[str, Any]) -> list[tuple[str, str]]:
        cursor = arguments.get("next")
        if cursor is None:
            return self.size_pairs(arguments)
        return parse_qsl(decode_next(action_id, cursor), keep_blank_values=True)

    def next_cursor(self, action_id: str, arguments: Mapping[str, Any], page: Page) -> str | None:
        target = page.links.get("next")
        if not target:
            return None
        query = urlsplit(target).query
        if not query:
            return None
        cursor = encode_next(action_id, query)
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ProviderError(f"The provider's link to the next page of {action_id} is too long to follow")
        return cursor


Pagination = Annotated[NoPagination | Cursor | PageNumber | Offset | LinkHeader, Field(discriminator="kind")]
