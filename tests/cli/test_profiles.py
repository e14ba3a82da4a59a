"""`linkyard profiles list|show|create|delete`: the API's validation, the secret never shown."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli

SECRET = "s3cret-client-secret-4242"


@pytest.fixture(autouse=True)
def sandbox_url(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LINKYARD_SANDBOX_FACTORIALHR_URL", "http://factorial.test")


@pytest.mark.parametrize(
    ("args", "culprit"),
    [
        (["--scope", "employees", "--scope", "payroll_magic"], "scopes[1]: unknown scope"),
        (
            ["--scope", "employees", "--action", "factorialhr_list_time_off_requests"],
            "actions[0]: factorialhr_list_time_off_requests needs time_off",
        ),
        (["--action", "factorialhr_fly_to_the_moon"], "actions[0]: unknown action"),
        (["--environment", "staging"], "environment"),
        (["--token-type", "robot"], "token_type: must be one of: user, company"),
    ],
)
def test_profiles_create_refuses_what_the_api_refuses_naming_the_culprit(
    cli: Cli, project: dict[str, str], args: list[str], culprit: str
) -> None:
    result = cli(
        "profiles", "create", "--client-id", "client-1", "--client-secret-stdin", *args, input=SECRET
    )

    assert result.exit_code == 2
    assert culprit in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert SECRET not in result.output
    assert cli.json("profiles", "list") == []


def test_profiles_create_show_list_delete_without_ever_showing_the_secret(
    cli: Cli, project: dict[str, str]
) -> None:
    created = cli.json(
        "profiles",
        "create",
        "--client-id",
        "client-1",
        "--client-secret-stdin",
        "--scope",
        "employees",
        "--scope",
        "time_off",
        "--action",
        "factorialhr_list_employees",
        "--action",
        "factorialhr_list_time_off_requests",
        "--environment",
        "sandbox",
        "--label",
        "Main",
        input=SECRET + "\n",
    )

    assert created["client_secret_hint"] == "…4242"
    assert created["scopes"] == ["employees", "time_off"]
    assert created["actions"] == ["factorialhr_list_employees", "factorialhr_list_time_off_requests"]
    assert created["redirect_uri"].endswith("/connect/oauth2/factorialhr/callback")
    assert created["default"] is True
    shown = cli.ok("profiles", "show", created["id"])
    listed = cli.ok("profiles", "list")
    for output in (shown.output, listed.output):
        assert created["id"] in output and SECRET not in output
    assert "client-1" in listed.stdout and "Main" in listed.stdout
    assert cli.json("profiles", "show", created["id"]) == created

    cli.ok("profiles", "delete", created["id"])

    assert cli.json("profiles", "list") == []
    gone = cli("profiles", "show", created["id"])
    assert gone.exit_code == 1 and "not found" in gone.stderr


def test_profiles_create_takes_the_secret_from_the_option_too_but_not_from_both(
    cli: Cli, project: dict[str, str]
) -> None:
    both = cli(
        "profiles",
        "create",
        "--client-id",
        "c",
        "--client-secret",
        SECRET,
        "--client-secret-stdin",
        input=SECRET,
    )
    assert both.exit_code == 2 and SECRET not in both.output

    created = cli.json("profiles", "create", "--client-id", "c", "--client-secret", SECRET)

    assert created["client_secret_hint"] == "…4242" and created["environment"] == "production"
    public = cli.json("profiles", "create", "--client-id", "public-app")
    assert public["confidential"] is False and public["default"] is False
