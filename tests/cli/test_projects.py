"""`linkyard projects ...` and `linkyard api-keys ...`."""

from __future__ import annotations

import asyncio

import pytest

from linkyard.store import KeyRing, open_store
from tests.cli.conftest import Cli


def project_of_key(cli: Cli, raw_key: str) -> str | None:
    async def find() -> str | None:
        store = await open_store(cli.database_url, KeyRing.parse(cli.key_entry))
        async with store:
            project = await store.api_keys.find_project_by_key(raw_key)
            return None if project is None else project.id

    return asyncio.run(find())


def test_projects_create_json_prints_the_project_id_and_a_working_api_key(cli: Cli) -> None:
    created = cli.json("projects", "create", "Acme", "--allowed-origin", "https://app.example.com")

    assert set(created) == {"project_id", "api_key"}
    assert project_of_key(cli, created["api_key"]) == created["project_id"]
    listed = cli.json("projects", "list")
    assert [(p["id"], p["allowed_origins"]) for p in listed] == [
        (created["project_id"], ["https://app.example.com"])
    ]


def test_projects_create_prints_the_key_once_for_people(cli: Cli) -> None:
    result = cli.ok("projects", "create", "Acme")

    assert "prj_" in result.stdout and "lk_" in result.stdout


def test_projects_create_refuses_a_bad_origin_naming_it(cli: Cli) -> None:
    result = cli(
        "projects", "create", "Acme", "--allowed-origin", "https://ok.example", "--allowed-origin", "//evil"
    )

    assert result.exit_code == 2
    assert "allowed_origins[1]" in result.stderr
    assert "//evil" not in result.stderr
    assert cli.json("projects", "list") == []


def test_projects_update_replaces_the_allowed_origins_and_refuses_a_bad_one(cli: Cli) -> None:
    created = cli.json("projects", "create", "Acme", "--allowed-origin", "https://app.example.com")
    project_id = created["project_id"]

    updated = cli.json(
        "projects", "update", project_id, "--allowed-origin", "https://app.example.com",
        "--allowed-origin", "http://127.0.0.1:5173",
    )  # fmt: skip
    assert updated["allowed_origins"] == ["https://app.example.com", "http://127.0.0.1:5173"]
    refused = cli("projects", "update", project_id, "--allowed-origin", "https://ok.example/path")
    assert refused.exit_code == 2
    assert "allowed_origins[0]" in refused.stderr
    listed = cli.json("projects", "list")
    assert listed[0]["allowed_origins"] == ["https://app.example.com", "http://127.0.0.1:5173"]


def test_api_keys_create_list_and_revoke(cli: Cli, project: dict[str, str]) -> None:
    created = cli.json("api-keys", "create", "--name", "ci")
    assert project_of_key(cli, created["api_key"]) == project["project_id"]

    listed = cli.json("api-keys", "list")
    assert [(k["name"], k["revoked_at"]) for k in listed] == [("default", None), ("ci", None)]
    table = cli.ok("api-keys", "list").stdout
    assert created["id"] in table and created["api_key"] not in table

    revoked = cli.json("api-keys", "revoke", created["id"])

    assert revoked["revoked_at"] is not None
    assert project_of_key(cli, created["api_key"]) is None
    assert project_of_key(cli, project["api_key"]) == project["project_id"]


def test_project_scoped_commands_take_the_project_from_the_option_or_the_environment(
    cli: Cli, project: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    other = cli.json("projects", "create", "Other")

    assert len(cli.json("api-keys", "list", "--project", other["project_id"])) == 1
    monkeypatch.delenv("LINKYARD_PROJECT")
    missing = cli("api-keys", "list")
    assert missing.exit_code == 2 and "--project" in missing.output


def test_another_or_unknown_project_is_not_found(cli: Cli, project: dict[str, str]) -> None:
    other = cli.json("projects", "create", "Other")
    their_key = cli.json("api-keys", "list", "--project", other["project_id"])[0]["id"]

    foreign = cli("api-keys", "revoke", their_key)
    unknown = cli("api-keys", "list", "--project", "prj_nope")

    assert foreign.exit_code == 1 and foreign.stderr.strip() == "error: API key not found"
    assert unknown.exit_code == 1 and "project not found" in unknown.stderr
