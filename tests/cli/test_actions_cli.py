"""`linkyard actions list|run` and `linkyard tools export` on an account linked through the API; the calls go to a
real emulator on loopback (so through the provider client's own HTTP session, not a test transport)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from linkyard.domain.request_log import LogFilter, LogQuery
from linkyard.emulator.factorial import create_app as create_emulator
from linkyard.store import KeyRing, open_store
from tests.cli.conftest import Cli
from tests.cli.test_accounts import PUBLIC_URL, link_through_the_api
from tests.live_server import serve

EMPLOYEES = "/api/2026-10-01/resources/employees/employees"


def json_out(cli: Cli, *args: str) -> Any:
    """What a command that always prints JSON printed."""
    return json.loads(cli.ok(*args).stdout)


@dataclass(frozen=True)
class Linked:
    account_id: str
    emulator_url: str
    employee_ids: list[str]


@pytest.fixture
def linked(cli: Cli, project: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Linked]:
    """An account linked through the real flow against an emulator with 23 employees."""
    with serve(create_emulator(seed=5, employees=23)) as emulator_url:
        monkeypatch.setenv("LINKYARD_SANDBOX_FACTORIALHR_URL", emulator_url)
        monkeypatch.setenv("LINKYARD_PUBLIC_URL", PUBLIC_URL)
        result = asyncio.run(link_through_the_api(project["api_key"], emulator_url))
        company = httpx.get(f"{emulator_url}/_emulator/companies").json()[0]
        key = httpx.post(f"{emulator_url}/_emulator/api_keys", json={"company_id": company["id"]}).json()
        page = httpx.get(
            f"{emulator_url}{EMPLOYEES}", params={"limit": 100}, headers={"x-api-key": key["api_key"]}
        ).json()
        assert not page["meta"]["has_next_page"]
        yield Linked(result.account["id"], emulator_url, [str(e["id"]) for e in page["data"]])


def test_actions_list_shows_the_catalogue_and_what_an_account_may_run(cli: Cli, linked: Linked) -> None:
    catalogue = cli.json("actions", "list")
    enabled = cli.json("actions", "list", "--account", linked.account_id)
    table = cli.ok("actions", "list", "--account", linked.account_id).stdout

    assert [connector["key"] for connector in catalogue] == ["factorialhr"]
    all_ids = [action["id"] for action in catalogue[0]["actions"]]
    enabled_ids = [action["id"] for action in enabled[0]["actions"]]
    assert "factorialhr_get_employee" in enabled_ids and set(enabled_ids) <= set(all_ids)
    assert enabled[0]["actions"][0]["input_schema"]["type"] == "object"
    assert "factorialhr_get_employee" in table
    unknown = cli("actions", "list", "--account", "acc_nobody")
    assert unknown.exit_code == 1 and "account not found" in unknown.stderr


def test_actions_run_prints_what_the_api_answers_with_string_params_coerced(cli: Cli, linked: Linked) -> None:
    wanted = linked.employee_ids[4]

    one = json_out(
        cli,
        "actions",
        "run",
        "factorialhr_get_employee",
        "--account",
        linked.account_id,
        "--param",
        f"id={wanted}",
    )
    page = json_out(
        cli,
        "actions",
        "run",
        "factorialhr_list_employees",
        "--account",
        linked.account_id,
        "--param",
        "page_size=5",
    )
    chosen = json_out(
        cli,
        "actions",
        "run",
        "factorialhr_list_employees",
        "--account",
        linked.account_id,
        "--param",
        f"ids={linked.employee_ids[0]}",
        "--param",
        f"ids={linked.employee_ids[1]}",
    )

    assert set(one) == {"data"} and str(one["data"]["id"]) == wanted
    assert len(page["data"]) == 5 and page["next"]
    assert sorted(str(e["id"]) for e in chosen["data"]) == sorted(linked.employee_ids[:2])


def test_actions_run_all_pages_walks_next_to_the_last_page(cli: Cli, linked: Linked) -> None:
    result = cli.ok(
        "actions",
        "run",
        "factorialhr_list_employees",
        "--account",
        linked.account_id,
        "--param",
        "page_size=4",
        "--all-pages",
    )

    walked = json.loads(result.stdout)  # the progress bar is on stderr, never in the JSON
    assert walked["next"] is None
    assert [str(e["id"]) for e in walked["data"]] == linked.employee_ids


def test_actions_run_refuses_bad_input_before_calling_factorial(cli: Cli, linked: Linked) -> None:
    account = ("--account", linked.account_id)
    calls = httpx.get(f"{linked.emulator_url}/_emulator/stats").json()

    shapeless = cli("actions", "run", "factorialhr_get_employee", *account, "--param", "id")
    not_a_number = cli("actions", "run", "factorialhr_list_employees", *account, "--param", "page_size=many")
    no_pages = cli("actions", "run", "factorialhr_get_employee", *account, "--param", "id=1", "--all-pages")
    unknown = cli("actions", "run", "factorialhr_fly_to_the_moon", *account)

    assert shapeless.exit_code == 2 and "name=value" in shapeless.stderr
    assert not_a_number.exit_code == 2 and "page_size" in not_a_number.stderr
    assert "many" not in not_a_number.stderr
    assert no_pages.exit_code == 2 and "returns no pages" in no_pages.stderr
    assert unknown.exit_code == 1 and "no such action" in unknown.stderr
    assert httpx.get(f"{linked.emulator_url}/_emulator/stats").json() == calls


@pytest.mark.parametrize("format", ["openai", "anthropic", "mcp"])
def test_tools_export_prints_the_accounts_actions_as_tools(cli: Cli, linked: Linked, format: str) -> None:
    enabled = cli.json("actions", "list", "--account", linked.account_id)[0]["actions"]

    tools = json_out(cli, "tools", "export", "--account", linked.account_id, "--format", format)

    if format == "openai":
        names = [tool["function"]["name"] for tool in tools]
        schemas = [tool["function"]["parameters"] for tool in tools]
        assert {tool["type"] for tool in tools} == {"function"}
    elif format == "anthropic":
        names = [tool["name"] for tool in tools]
        schemas = [tool["input_schema"] for tool in tools]
    else:
        names = [tool["name"] for tool in tools]
        schemas = [tool["inputSchema"] for tool in tools]
        assert all("readOnlyHint" in tool["annotations"] for tool in tools)
    assert names and set(names) <= {action["id"] for action in enabled}
    get_employee = schemas[names.index("factorialhr_get_employee")]
    assert get_employee["properties"]["path"]["properties"]["id"]["type"] == "string"


def test_tools_export_refuses_an_unknown_format_or_param_style(cli: Cli, project: dict[str, str]) -> None:
    bad_format = cli("tools", "export", "--account", "acc_x", "--format", "yaml")
    bad_style = cli("tools", "export", "--account", "acc_x", "--format", "mcp", "--param-style", "deep")

    assert bad_format.exit_code == 2 and "openai, anthropic, mcp" in bad_format.stderr
    assert bad_style.exit_code == 2 and "nested" in bad_style.stderr


def test_an_action_run_from_the_cli_is_a_request_log_of_its_project(
    cli: Cli, linked: Linked, project: dict[str, str]
) -> None:
    wanted = f"id={linked.employee_ids[0]}"
    cli.ok("actions", "run", "factorialhr_get_employee", "--account", linked.account_id, "--param", wanted)

    async def logged() -> list[Any]:
        store = await open_store(cli.database_url, KeyRing.parse(cli.key_entry))
        try:
            query = LogQuery(filter=LogFilter(actions=("factorialhr_get_employee",)))
            found, _ = await store.request_logs.page(project["project_id"], "request", query)
        finally:
            await store.close()
        return found

    [log] = asyncio.run(logged())
    assert (log.action, log.account_id, log.source_type, log.status) == (
        "factorialhr_get_employee",
        linked.account_id,
        "internal",
        200,
    )
    assert log.step_count == 1
