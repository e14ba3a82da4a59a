"""Linked accounts: `GET /accounts` (a top-level array), `GET|PATCH|DELETE /accounts/{id}`, `/accounts/{id}/meta`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import StringConstraints

from linkyard import services
from linkyard.api.account_patch import AccountUpdate, account_changes
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import Account, AccountMeta, error_responses
from linkyard.domain import AccountStatus
from linkyard.services.account_cursors import MAX_CURSOR
from linkyard.services.accounts import DEFAULT_PAGE_SIZE, MAX_OFFSET, MAX_PAGE_SIZE
from linkyard.services.views import account_meta_view, account_view

MAX_FILTER_VALUES = 100
AccountId = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Provider = Annotated[str, StringConstraints(min_length=1, max_length=64)]
OwnerId = Annotated[str, StringConstraints(min_length=1, max_length=255)]
LIST_HEADERS = {
    "Link": {
        "description": 'RFC 8288: `<url>; rel="next"`, the URL of the next page (this query with its `next` '
        "cursor); absent on the last page",
        "schema": {"type": "string"},
    }
}


def add_routes(routes: APIRouter) -> None:

    @routes.get(
        "/accounts",
        response_model=list[Account],
        responses={200: {"description": "A page of accounts", "headers": LIST_HEADERS}, **error_responses()},
    )
    async def account_list(
        request: Request,
        response: Response,
        project: ProjectDep,
        platform: PlatformDep,
        account_ids: Annotated[list[AccountId] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
        providers: Annotated[list[Provider] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
        provider: Annotated[Provider | None, Query(deprecated=True)] = None,
        origin_owner_ids: Annotated[list[OwnerId] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
        origin_owner_id: OwnerId | None = None,
        status: Annotated[list[AccountStatus] | None, Query(max_length=MAX_FILTER_VALUES)] = None,
        page: Annotated[
            int | None,
            Query(
                ge=1,
                le=1_000_000,
                description=f"1-based; page * page_size at most {MAX_OFFSET:,} (else 400)",
            ),
        ] = None,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
        cursor: Annotated[
            str | None,
            Query(
                alias="next",
                min_length=1,
                max_length=MAX_CURSOR,
                description="The cursor of the next page, from the previous page's `Link` header; with the same "
                "filters, never with `page`",
            ),
        ] = None,
    ) -> list[dict[str, Any]]:
        """StackOne's filters, each repeatable (`account_ids=a&account_ids=b`, as StackOne's client sends
        them) and matching any of its values; `provider` and `origin_owner_id` (the single forms) are one
        more value of `providers` and `origin_owner_ids`. Filters combine: an account must pass every one.

        Pages: `page` (StackOne's client sends it) reaches `MAX_OFFSET` accounts deep; the whole list is walked
        by keyset, following each page's `Link: <...>; rel="next"` (RFC 8288), which costs the same at any
        depth."""
        found = await services.list_accounts(
            platform,
            project,
            account_ids=account_ids or (),
            connectors=[*(providers or ()), *([provider] if provider else ())],
            origin_owner_ids=[*(origin_owner_ids or ()), *([origin_owner_id] if origin_owner_id else ())],
            statuses=status or (),
            page=page,
            after=cursor,
            page_size=page_size,
        )
        if found.next is not None:
            following = request.url.remove_query_params("page").include_query_params(next=found.next)
            response.headers["Link"] = f'<{following}>; rel="next"'
        return [account_view(account, found.profiles[account.profile_id]) for account in found.accounts]

    @routes.get("/accounts/{account_id}", response_model=Account, responses=error_responses(404))
    async def account_detail(account_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return account_view(*await services.account_profile(platform, project, account_id))

    @routes.patch("/accounts/{account_id}", response_model=Account, responses=error_responses(404, 409))
    async def account_update(
        account_id: str, body: AccountUpdate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        """StackOne's `PatchAccountExternalDto`: what applies is applied, the rest refused field by field
        (422); see `linkyard.api.account_patch` and docs/platform-api.md."""
        account, profile = await services.account_profile(platform, project, account_id)
        changes = account_changes(body, account, profile)
        account = await services.update_account(platform, project, account_id, **changes)
        return account_view(account, profile)

    @routes.delete("/accounts/{account_id}", response_model=Account, responses=error_responses(404))
    async def account_delete(account_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        account, profile = await services.account_profile(platform, project, account_id)
        await services.unlink_account(platform, project, account_id)
        return account_view(account, profile)

    @routes.get("/accounts/{account_id}/meta", response_model=AccountMeta, responses=error_responses(404))
    async def account_meta(account_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        account, profile = await services.account_profile(platform, project, account_id)
        return account_meta_view(account, profile)
