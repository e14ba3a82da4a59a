"""`linkyard up --sandbox` as a person starts it: a real process in a directory of its own, and what it printed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from linkyard.connectors.factorialhr import API_VERSION
from tests.cli.conftest import Process, child_env, port_pair

START_TIMEOUT = 90.0  # a cold CI machine imports, migrates and seeds the emulator before it serves


@dataclass(frozen=True, kw_only=True)
class Sandbox:
    """The running sandbox: the dashboard and API on `api_url`, the Factorial emulator on `emulator_url`."""

    api_url: str
    emulator_url: str
    admin_token: str = field(repr=False)
    api_key: str = field(repr=False)
    project_id: str
    connect_link: str = field(repr=False)
    admin_email: str
    redirect_uri: str
    banner: str = field(repr=False)
    directory: Path
    """Where it runs: its `.linkyard/` (the SQLite database, the key file) is there."""

    def _api(self) -> httpx.Client:
        return httpx.Client(base_url=self.api_url, auth=(self.api_key, ""), timeout=10.0, trust_env=False)

    def _emulator(self) -> httpx.Client:
        return httpx.Client(base_url=self.emulator_url, timeout=10.0, trust_env=False)

    def new_connect_link(self, *, owner_id: str, owner_name: str, profile_id: str | None = None) -> str:
        """A fresh connect link of the Demo project (made through the API, as an integrator's backend would)."""
        body: dict[str, Any] = {"origin_owner_id": owner_id, "origin_owner_name": owner_name}
        if profile_id is not None:
            body["integration_id"] = profile_id
        with self._api() as api:
            answer = api.post("/connect_sessions", json=body)
        assert answer.status_code == 201, answer.text
        return str(answer.json()["auth_link_url"])

    def emulator_company(self) -> dict[str, Any]:
        """The emulator's seeded company: its admin and a few users who can sign in."""
        with self._emulator() as emulator:
            companies = emulator.get("/_emulator/companies").json()
        return dict(companies[0])

    def emulator_application(self, *, name: str, scopes: list[str]) -> dict[str, Any]:
        """An OAuth application made through the emulator's control API (for tests about other pages)."""
        with self._emulator() as emulator:
            answer = emulator.post(
                "/_emulator/oauth_applications",
                json={
                    "name": name,
                    "redirect_uris": [self.redirect_uri],
                    "scopes": scopes,
                    "confidential": True,
                },
            )
        assert answer.status_code == 201, answer.text
        return dict(answer.json())

    @contextmanager
    def emulator_failing(self, *, method: str, path: str, status: int) -> Iterator[None]:
        """Make the emulator answer `status` to matching requests while the block runs."""
        fault = {"method": method, "path": path, "status": status, "times": 100}
        with self._emulator() as emulator:
            assert emulator.post("/_emulator/faults", json=fault).status_code in (200, 201)
            try:
                yield
            finally:
                emulator.delete("/_emulator/faults")

    def employee_names(self) -> set[str]:
        """Every employee's full name, as the emulator's own API lists them (with a company API key)."""
        rows = self.emulator_records("employees/employees")
        return {str(row["full_name"]) for row in rows if row.get("full_name")}

    def emulator_records(self, resource: str) -> list[dict[str, Any]]:
        """Every record of one of the emulator's lists (`employees/employees`), in its order, as its own API
        answers a company API key: what the platform's answers are compared with."""
        company = self.emulator_company()
        records: list[dict[str, Any]] = []
        with self._emulator() as emulator:
            key = emulator.post("/_emulator/api_keys", json={"company_id": company["id"]}).json()["api_key"]
            url = f"/api/{API_VERSION}/resources/{resource}"
            params: dict[str, Any] = {"limit": 100}
            while True:
                page = emulator.get(url, params=params, headers={"x-api-key": key}).json()
                records += page["data"]
                cursor = (page.get("meta") or {}).get("end_cursor")
                if not (page.get("meta") or {}).get("has_next_page") or not cursor:
                    return records
                params["after_id"] = cursor


@contextmanager
def running_sandbox(directory: Path, *, admin_token: str, **settings: str) -> Iterator[Sandbox]:
    """Start `linkyard up --sandbox` in `directory` (its `.linkyard/` lands there) and stop its process group.

    `settings` are further `LINKYARD_*` environment variables for the process.
    """
    port = port_pair()
    process = Process(
        ["up", "--sandbox", "--port", str(port)],
        cwd=directory,
        env=child_env(LINKYARD_ADMIN_TOKEN=admin_token, **settings),
    )
    try:
        api_url = f"http://127.0.0.1:{port}"
        process.wait_until_serving(f"{api_url}/healthz", START_TIMEOUT)
        banner = "".join(process.stdout)
        dashboard = re.search(r"Dashboard:\s+(\S+)", banner)
        assert dashboard is not None and dashboard.group(1) == f"{api_url}/", banner
        assert "the one in LINKYARD_ADMIN_TOKEN" in banner, banner
        info = json.loads((directory / ".linkyard" / "sandbox.json").read_text(encoding="utf-8"))
        yield Sandbox(
            api_url=api_url,
            emulator_url=info["emulator_url"],
            admin_token=admin_token,
            api_key=info["api_key"],
            project_id=info["project_id"],
            connect_link=info["connect_link"],
            admin_email=info["admin_email"],
            redirect_uri=info["redirect_uri"],
            banner=banner,
            directory=directory,
        )
    finally:
        process.stop()
