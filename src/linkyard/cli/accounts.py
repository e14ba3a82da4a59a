"""`linkyard accounts list|show|unlink`: a project's linked accounts (never their tokens)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from linkyard.cli.output import console, print_fields, print_json, print_table
from linkyard.cli.runtime import find_project, json_option, opened_platform, project_option, run

if TYPE_CHECKING:
    from linkyard.domain import Account, ConnectorProfile, ProviderAccount

app = typer.Typer(help="Linked accounts: one end user's authorised link to a provider.")


@app.command("list")
def list_accounts(
    project: str = project_option(),
    status: str | None = typer.Option(None, "--status", help="active, error, inactive or suspended."),
    origin_owner_id: str | None = typer.Option(None, "--origin-owner-id", help="Your id of the end user."),
    page: int = typer.Option(1, "--page", min=1),
    page_size: int = typer.Option(25, "--page-size", min=1, max=100),
    as_json: bool = json_option(),
) -> None:
    """The project's accounts, oldest first."""
    from linkyard.services.accounts import AccountPage
    from linkyard.services.accounts import list_accounts as list_project_accounts
    from linkyard.services.views import account_view

    if status is not None and status not in ("active", "error", "inactive", "suspended"):
        raise typer.BadParameter("must be active, error, inactive or suspended", param_hint="--status")

    async def work() -> AccountPage:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await list_project_accounts(
                platform,
                owner,
                origin_owner_ids=() if origin_owner_id is None else (origin_owner_id,),
                statuses=() if status is None else (status,),  # type: ignore[arg-type]  # checked above
                page=page,
                page_size=page_size,
            )

    found = run(work)
    if as_json:
        print_json([account_view(account, found.profiles[account.profile_id]) for account in found.accounts])
        return
    print_table(
        "Accounts",
        ["id", "status", "owner", "provider account", "profile", "token type", "updated"],
        (
            [
                a.id,
                a.status,
                f"{a.origin_owner_name} ({a.origin_owner_id})",
                who(a.provider_account),
                a.profile_id,
                a.token_type,
                a.updated_at,
            ]
            for a in found.accounts
        ),
        empty="No accounts.",
    )
    if found.has_more:
        console().print(f"More on --page {page + 1}.", style="dim")


@app.command("show")
def show(
    account_id: str = typer.Argument(..., help="The account's id (acc_...)."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """One account: status and its reasons, who linked, granted scopes."""
    from linkyard.services.accounts import account_profile
    from linkyard.services.views import account_view

    async def work() -> tuple[Account, ConnectorProfile]:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            return await account_profile(platform, owner, account_id)

    account, profile = run(work)
    view = account_view(account, profile)
    if as_json:
        print_json(view)
        return
    reasons = [f"{r.code}: {r.description}" for r in account.status_reasons]
    print_fields(
        f"Account {account.id}",
        [
            ("status", account.status),
            ("status reasons", reasons),
            ("provider", view["provider_name"]),
            ("provider account", view["provider_account"]),
            ("origin owner", f"{account.origin_owner_name} ({account.origin_owner_id})"),
            ("origin username", account.origin_username),
            ("profile", account.profile_id),
            ("token type", account.token_type),
            ("scopes", account.scopes),
            ("label", account.label),
            ("metadata", account.metadata),
            ("created", account.created_at),
            ("updated", account.updated_at),
        ],
    )


@app.command("unlink")
def unlink(
    account_id: str = typer.Argument(..., help="The account's id (acc_...)."),
    project: str = project_option(),
    as_json: bool = json_option(),
) -> None:
    """Unlink an account: revoke its token at the provider and wipe its credentials (as `DELETE /accounts/{id}`)."""
    from linkyard.services.accounts import unlink_account

    async def work() -> None:
        async with opened_platform() as platform:
            owner = await find_project(platform, project)
            await unlink_account(platform, owner, account_id)

    run(work)
    if as_json:
        print_json({"id": account_id, "unlinked": True})
        return
    console().print(f"Account {account_id} unlinked: token revoked at the provider, credentials wiped.")


def who(provider_account: ProviderAccount) -> str:
    """`email (company 1, employee 7)`: who linked, as the provider told us."""
    ids = f"company {provider_account.company_id}"
    if provider_account.employee_id:
        ids += f", employee {provider_account.employee_id}"
    name = provider_account.email or provider_account.name
    return f"{name} ({ids})" if name else ids
