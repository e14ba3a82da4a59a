"""`linkyard keys generate|rotate`: encryption keys for the secrets at rest."""

from __future__ import annotations

import typer

from linkyard.cli.output import console, print_json
from linkyard.cli.runtime import json_option, opened_store, run
from linkyard.errors import KeyRingError

app = typer.Typer(help="Encryption keys: generate a key entry, re-encrypt every secret under the first key.")


@app.command("generate")
def generate(
    kid: str | None = typer.Option(None, "--kid", help="Key id (letters, digits, '-'); random when absent."),
    as_json: bool = json_option(),
) -> None:
    """Print a new key entry `kid:base64key` to put first in LINKYARD_ENCRYPTION_KEYS."""
    from linkyard.services.keys import generate_key_entry

    try:
        entry = generate_key_entry(kid)
    except KeyRingError as error:
        raise typer.BadParameter(error.message, param_hint="--kid") from None
    if as_json:
        print_json({"kid": entry.split(":", 1)[0], "entry": entry})
        return
    typer.echo(entry)
    console(stderr=True).print(
        "Put it first in LINKYARD_ENCRYPTION_KEYS (comma-separated, keep the old keys after it), restart, "
        "then run `linkyard keys rotate`.",
        style="dim",
    )


@app.command("rotate")
def rotate(
    batch_size: int = typer.Option(500, min=1, max=100_000, help="Secrets per transaction."),
    as_json: bool = json_option(),
) -> None:
    """Re-encrypt every stored secret under the first key of LINKYARD_ENCRYPTION_KEYS.

    Safe while serving: each batch is a short transaction and a value changed meanwhile is left to its
    writer. Keep the old keys in the ring until this has finished.
    """
    from linkyard.services.keys import Reencrypted, reencrypt_secrets

    async def work() -> Reencrypted:
        async with opened_store() as (_, store):
            progress = console(stderr=True)

            async def on_batch(total: int) -> None:
                if not as_json:
                    progress.print(f"  {total} re-encrypted so far", style="dim")

            return await reencrypt_secrets(store, batch_size, on_batch=on_batch)

    done = run(work)
    total, kid = done.total, done.kid
    if as_json:
        print_json({"reencrypted": total, "kid": kid})
        return
    console().print(f"Re-encrypted {total} secret(s) under key [bold]{kid}[/]; every secret now uses it.")
