"""`linkyard keys generate|rotate`."""

from __future__ import annotations

import asyncio
import base64

import pytest

from linkyard.domain import ProviderAccount, TokenSet, utc_now
from linkyard.store import KeyRing, generate_key_entry, open_store
from tests.cli.conftest import Cli


def test_keys_generate_prints_one_entry_a_key_ring_accepts(cli: Cli) -> None:
    entry = cli.ok("keys", "generate").stdout.strip()

    kid, _, key = entry.partition(":")
    assert kid and len(base64.b64decode(key)) == 32
    assert KeyRing.parse(entry).primary_kid == kid
    named = cli.json("keys", "generate", "--kid", "2026-01")
    assert named["kid"] == "2026-01" and KeyRing.parse(named["entry"]).primary_kid == "2026-01"


def test_keys_generate_refuses_a_bad_key_id_as_a_usage_error(cli: Cli) -> None:
    result = cli("keys", "generate", "--kid", "not a kid")

    assert result.exit_code == 2
    assert "--kid" in result.output


def test_keys_rotate_leaves_every_secret_readable_by_the_new_key_alone(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_ring = KeyRing.parse(cli.key_entry)

    async def seed() -> tuple[str, str, str]:
        store = await open_store(cli.database_url, old_ring)
        async with store:
            project = await store.projects.create("Acme")
            profile = await store.connector_profiles.create(
                project.id,
                connector="factorialhr",
                client_id="client",
                client_secret="client-secret-0123456789",
                environment="production",
            )
            account, _ = await store.accounts.upsert(
                project.id,
                profile_id=profile.id,
                origin_owner_id="org-1",
                origin_owner_name="Org",
                provider_account=ProviderAccount(company_id="1"),
                token=TokenSet(
                    access_token="AT-1", refresh_token="RT-1", expires_at=None, issued_at=utc_now()
                ),
            )
            return project.id, profile.id, account.id

    project_id, profile_id, account_id = asyncio.run(seed())
    new_entry = generate_key_entry("k2")
    monkeypatch.setenv("LINKYARD_ENCRYPTION_KEYS", f"{new_entry},{cli.key_entry}")

    rotated = cli.json("keys", "rotate", "--batch-size", "1")

    assert rotated["kid"] == "k2" and rotated["reencrypted"] >= 3

    async def read_with_new_key_only() -> tuple[str | None, TokenSet | None]:
        store = await open_store(cli.database_url, KeyRing.parse(new_entry))
        async with store:
            secret = await store.connector_profiles.client_secret(project_id, profile_id)
            return secret, await store.credentials.get(project_id, account_id)

    secret, token = asyncio.run(read_with_new_key_only())
    assert secret == "client-secret-0123456789"
    assert token is not None and (token.access_token, token.refresh_token) == ("AT-1", "RT-1")
    assert cli.json("keys", "rotate")["reencrypted"] == 0


def test_commands_that_open_the_store_refuse_to_run_without_a_key(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LINKYARD_ENCRYPTION_KEYS")

    result = cli("projects", "list")

    assert result.exit_code == 1
    assert "no encryption key configured" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
