"""Linked accounts: `GET /accounts` (a top-level array), `GET|PATCH|DELETE /accounts/{id}`, `/accounts/{id}/meta`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from linkyard import services
from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.schemas import Account, AccountMeta, error_responses
from linkyard.domain import AccountStatus
from linkyard.services.accounts import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from linkyard.services.views import account_meta_view, account_view


class AccountUpdate(BaseModel):
    """What an integrator may change: the label, the metadata, and pause / resume."""

    model_config = ConfigDict(extra="forbid", strict=True)

    label: str | None = Field(None, max_length=200)
    metadata: dict[str, Any] | None = None
    status: Literal["active", "suspended"] | None = None


def add_routes(routes: APIRouter) -> None:

    @routes.get("/accounts", response_model=list[Account], responses=error_responses())
    async def account_list(
        project: ProjectDep,
        platform: PlatformDep,
        provider: Annotated[str | None, Query(max_length=64)] = None,
        origin_owner_id: Annotated[str | None, Query(max_length=255)] = None,
        status: AccountStatus | None = None,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
    ) -> list[dict[str, Any]]:
        found = await services.list_accounts(
            platform,
            project,
            connector=provider,
            origin_owner_id=origin_owner_id,
            status=status,
            page=page,
            page_size=page_size,
        )
        return [account_view(account) for account in found.accounts]

    @routes.get("/accounts/{account_id}", response_model=Account, responses=error_responses(404))
    async def account_detail(account_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        return account_view(await services.get_account(platform, project, account_id))

    @routes.patch("/accounts/{account_id}", response_model=Account, responses=error_responses(404, 409))
    async def account_update(
        account_id: str, body: AccountUpdate, project: ProjectDep, platform: PlatformDep
    ) -> dict[str, Any]:
        changes: dict[str, Any] = {name: getattr(body, name) for name in body.model_fields_set}
        if "status" in changes and changes["status"] is None:
            changes.pop("status")
        account = await services.update_account(platform, project, account_id, **changes)
        return account_view(account)

    @routes.delete("/accounts/{account_id}", response_model=Account, responses=error_responses(404))
    async def account_delete(account_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        account = await services.get_account(platform, project, account_id)
        await services.unlink_account(platform, project, account_id)
        return account_view(account)

    @routes.get("/accounts/{account_id}/meta", response_model=AccountMeta, responses=error_responses(404))
    async def account_meta(account_id: str, project: ProjectDep, platform: PlatformDep) -> dict[str, Any]:
        account, profile = await services.account_profile(platform, project, account_id)
        return account_meta_view(account, profile)
