"""What every unified route module shares: the bounds of its parameters, its header, its query conventions
(`fields`, `raw`, paging, `filter[updated_after]`) and the shape of its answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request

from linkyard.api.queries import PROXY_PARAMETER, proxied_values
from linkyard.api.routes.actions import MAX_ACCOUNT_ID
from linkyard.api.schemas import UNIFIED_SHAPES, error_responses
from linkyard.connectors.pagination import MAX_CURSOR_LENGTH
from linkyard.connectors.unified import model_of
from linkyard.services.platform import Platform
from linkyard.services.unified import UnifiedPage, UnifiedQuery, UnifiedRecord, Written
from linkyard.services.views import iso

MAX_ID = 64
MAX_PAGE_SIZE = 1000
"""The route's bound; a page is at most the connector's own (Factorial's: 100), and then `next` follows."""

MAX_FILTER = 254
"""An email's longest; no filter value of StackOne's is longer."""

ERRORS = error_responses(403, 404, 408, 409, 412, 429, 502)

AccountHeader = Annotated[str | None, Header(alias="x-account-id", max_length=MAX_ACCOUNT_ID)]
Raw = Annotated[bool, Query(description="true: add the provider's answers under `raw`")]


def fields_query(resource: str) -> Any:
    """`fields` of `resource` (`hris/employees`): comma-separated names of the unified model's fields (the
    document lists them as a pattern)."""
    names = "|".join(model_of(resource).fields)
    return Query(
        None,
        max_length=2000,
        pattern=f"^(({names})(,({names}))*)?$",
        description="Comma-separated unified fields to return (all when absent)",
    )


def field_names(text: str | None) -> list[str]:
    """The names of a `fields` query."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


Additions = tuple[list[str], list[str]]
"""`expand` and `include`, as name lists."""


def additions_query(resource: str) -> Callable[..., Awaitable[Additions]]:
    """A dependency reading `expand` and `include` where StackOne documents them for `resource` (elsewhere the
    route does not take them: `linkyard.api.queries` refuses them naming each)."""
    model = model_of(resource)
    expands = ", ".join(model.expands)
    includes = ", ".join(sorted(model.includes))
    expand_param: Any = Query(
        None, max_length=1000, description=f"Comma-separated related objects to embed: {expands}"
    )
    include_param: Any = Query(
        None, max_length=1000, description=f"Comma-separated extra parts to add: {includes}"
    )
    if model.expands and model.includes:

        async def both(expand: str | None = expand_param, include: str | None = include_param) -> Additions:
            return field_names(expand), field_names(include)

        return both
    if model.expands:

        async def expand_only(expand: str | None = expand_param) -> Additions:
            return field_names(expand), []

        return expand_only
    if model.includes:

        async def include_only(include: str | None = include_param) -> Additions:
            return [], field_names(include)

        return include_only

    async def neither() -> Additions:
        return [], []

    return neither


async def no_filters() -> dict[str, str]:
    """The filters of a list that has none of its own."""
    return {}


def list_query(
    resource: str, filters: Callable[..., Awaitable[dict[str, str]]] = no_filters
) -> Callable[..., Awaitable[UnifiedQuery]]:
    """A dependency reading StackOne's query conventions of a list of `resource` (`hris/employees`), with the
    resource's own `filters` (a dependency too: async, so FastAPI runs it on the loop rather than in a thread)."""
    fields_param = fields_query(resource)
    adds = additions_query(resource)

    async def read(
        request: Request,
        page_size: Annotated[int | None, Query(ge=1, le=MAX_PAGE_SIZE)] = None,
        next: Annotated[str | None, Query(max_length=MAX_CURSOR_LENGTH)] = None,
        fields: str | None = fields_param,
        raw: Raw = False,
        updated_after: Annotated[
            datetime | None, Query(description="Deprecated by StackOne: filter[updated_after]")
        ] = None,
        filter_updated_after: Annotated[
            datetime | None,
            Query(alias="filter[updated_after]", description="Only records updated at or after this time"),
        ] = None,
        given: dict[str, str] = Depends(filters),  # noqa: B008 - the resource's own
        additions: Additions = Depends(adds),  # noqa: B008 - the resource's own
    ) -> UnifiedQuery:
        return UnifiedQuery(
            expand=additions[0],
            include=additions[1],
            page_size=page_size,
            next=next,
            fields=field_names(fields),
            raw=raw,
            updated_after=filter_updated_after or updated_after,
            filters=given,
            # `proxy[...]`: documented on the lists that take it (`PROXY_PARAMETER`), refused on the others
            # before this runs (`linkyard.api.queries`); read from the query string as it came.
            proxy=proxied_values(request.query_params.multi_items()),
        )

    return read


def get_query(resource: str) -> Callable[..., Awaitable[UnifiedQuery]]:
    """A dependency reading the query of one record of `resource`: `fields`, `raw`, and `expand` and
    `include` where StackOne documents them."""
    fields_param = fields_query(resource)
    adds = additions_query(resource)

    async def read(
        fields: str | None = fields_param,
        raw: Raw = False,
        additions: Additions = Depends(adds),  # noqa: B008 - the resource's own
    ) -> UnifiedQuery:
        return UnifiedQuery(fields=field_names(fields), raw=raw, expand=additions[0], include=additions[1])

    return read


def page_answer(page: UnifiedPage) -> dict[str, Any]:
    """StackOne's answer of a list: `data`, `next`, and `raw` when asked for."""
    answer: dict[str, Any] = {"data": page.data, "next": page.next}
    if page.raw is not None:
        answer["raw"] = page.raw
    return answer


def record_answer(found: UnifiedRecord) -> dict[str, Any]:
    """StackOne's answer of one record: `data`, and `raw` when asked for."""
    answer: dict[str, Any] = {"data": found.data}
    if found.raw is not None:
        answer["raw"] = found.raw
    return answer


def add_read_routes(
    routes: APIRouter,
    area: str,
    resources: Iterable[str],
    list_route: Callable[[str], Callable[..., Any]],
    get_route: Callable[[str], Callable[..., Any]],
) -> None:
    """`GET /unified/<area>/<resource>` and `/unified/<area>/<resource>/{id}` of each resource, in StackOne's
    models and operation names (`hris_list_groups_teams`)."""
    for resource in resources:
        page, result = UNIFIED_SHAPES[f"{area}/{resource}"]
        operation = resource.replace("/", "_")
        common: dict[str, Any] = {
            "methods": ["GET"],
            "response_model_exclude_unset": True,
            "responses": ERRORS,
            "tags": [f"unified {area}"],
        }
        routes.add_api_route(
            f"/unified/{area}/{resource}",
            list_route(resource),
            response_model=page,
            name=f"{area}_list_{operation}",
            openapi_extra={"parameters": [PROXY_PARAMETER]},
            **common,
        )
        routes.add_api_route(
            f"/unified/{area}/{resource}/{{id}}",
            get_route(resource),
            response_model=result,
            name=f"{area}_get_{operation}",
            **common,
        )


def written_answer(platform: Platform, status: int, message: str, written: Written) -> dict[str, Any]:
    """StackOne's `CreateResult` (a create, or an operation on a record): the written record's ids, stamped
    with the platform's clock."""
    return {
        "statusCode": status,
        "message": message,
        "timestamp": iso(platform.clock()),
        "data": {"id": written.id, "remote_id": written.remote_id},
    }


def done_answer(platform: Platform, message: str) -> dict[str, Any]:
    """StackOne's `UpdateResult` (an update, a removal): what was done, stamped with the platform's clock."""
    return {"statusCode": 200, "message": message, "timestamp": iso(platform.clock())}
