"""The API keeps the promises of its own `/openapi.json`: Schemathesis generates requests for every operation
(with a valid API key and a linked account) and checks each answer against the document.

Checked: no server error; every status, content type, header and body is the one documented; a request the
document calls valid is not refused; a method the document does not list is a 405 with an `Allow` header.
Bounded and derandomized (a fixed seed), so the run is the same every time.

The document states every rule a single field can carry (the catalogue's connectors, environments, scopes and
actions as enums, bounds, "not blank"). What depends on other fields or on the project's data is given the
tenant's real values, as the API key is: the profile's scopes (every action's required scopes must be among
them), the connect session's profile, account and return URL (on the project's allowed origins), and
`disabled: false` on a profile change (a disabled profile refuses new sessions, as it should), and the
account's own `type`, `provider`, `environment` and `origin_owner_id` on an account change (it refuses others).

Schemathesis drives its requests from a worker thread, through an ASGI bridge, into the app that the test's
event loop serves (the app, its store and the emulator live on that loop, as in every other API test).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events

from linkyard.config import Settings
from linkyard.connectors import get_connector
from tests.api.conftest import ALL_SCOPES, RETURN_ORIGIN, Harness

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
    "unsupported_method",
]
MAX_EXAMPLES = 12
SEED = 20261206


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The API fixtures' settings without request rate limits: the run sends requests as fast as the app
    answers, and 429s would stand in for the answers it is there to check (429 stays documented)."""
    return settings.model_copy(update={"rate_limit_per_key": None, "rate_limit_per_project": None})


class Bridge:
    """An ASGI app that hands each request to an httpx client on another event loop and relays its answer."""

    def __init__(self, client: httpx.AsyncClient, loop: asyncio.AbstractEventLoop) -> None:
        self.client = client
        self.loop = loop
        self.answered: Counter[int] = Counter()
        """How many answers of each status the run got."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        target = scope["raw_path"].decode() or scope["path"]
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in scope["headers"]
            if name.lower() != b"host"
        ]
        request = self.client.build_request(scope["method"], target, headers=headers, content=body)
        answer = await asyncio.wrap_future(
            asyncio.run_coroutine_threadsafe(self.client.send(request), self.loop)
        )
        self.answered[answer.status_code] += 1
        await send(
            {
                "type": "http.response.start",
                "status": answer.status_code,
                "headers": [(name, value) for name, value in answer.headers.raw],
            }
        )
        await send({"type": "http.response.body", "body": answer.content})


def run_schemathesis(app: Bridge, api_key: str, profile_id: str, account_id: str) -> list[str]:
    """Every failed check, one line each (operation, check, what went wrong)."""
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "headers": {"x-account-id": account_id},
            "auth": {"basic": {"username": api_key, "password": ""}},
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": False}},
            "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
            # Schemathesis gives the values above to its generated bodies, not to those of its coverage phase
            # (boundary values, field by field): there, a "valid" return URL is on no origin of the project.
            # Nor the account's own values to an account change's fixed fields (`type`, `provider`, ...).
            "operations": [
                *(
                    {
                        "include-path": path,
                        "include-method": method,
                        "phases": {"coverage": {"checks": {"positive_data_acceptance": {"enabled": False}}}},
                    }
                    for method, path in (("POST", "/connect_sessions"), ("PATCH", "/accounts/{account_id}"))
                ),
                # The request log lists take `next`, an opaque cursor only the API itself makes (a made-up one is
                # a 400), and free-text filters where a value shaped like an API key is refused (400) as on every
                # route: a generated value cannot be told valid from the document alone.
                {
                    "include-path-regex": "^/requests/",
                    "checks": {"positive_data_acceptance": {"enabled": False}},
                },
                # The unified lists' `next` is an opaque cursor: only one the API gave out is valid, and the
                # coverage phase's boundary strings are not (a 422 naming `next`, as documented).
                {
                    "include-path-regex": "^/unified/",
                    "include-method": "GET",
                    "phases": {"coverage": {"checks": {"positive_data_acceptance": {"enabled": False}}}},
                },
                # An upload names the employee and the category (a folder) by the account's own ids, and StackOne's
                # `category` without a `category_id`, and `path`, are refused as documented: a generated body cannot
                # be told valid from the document alone.
                {
                    "include-path-regex": "^/unified/hris/employees/[^/]+/documents/upload",
                    "include-method": "POST",
                    "checks": {"positive_data_acceptance": {"enabled": False}},
                },
                # StackOne's operations the provider cannot back answer 501 ("not supported by this provider",
                # documented): by design a server status, and a valid request is refused by it.
                {
                    "include-tag": "unified (not supported)",
                    "checks": {
                        "not_a_server_error": {"enabled": False},
                        "positive_data_acceptance": {"enabled": False},
                    },
                },
                # `GET` and `DELETE /mcp` accept nothing, by design: a stateless MCP server has no stream to
                # open and no session to end (405, or 404 for a named session, both documented).
                *(
                    {
                        "include-path": "/mcp",
                        "include-method": method,
                        "checks": {"positive_data_acceptance": {"enabled": False}},
                    }
                    for method in ("GET", "DELETE")
                ),
            ],
            "parameters": {
                "path.account_id": account_id,
                "body.scopes": [scope.name for scope in get_connector("factorialhr").scopes],
                "query.x-account-id": account_id,
                "body.disabled": False,
                "body.integration_id": profile_id,
                "body.account_id": account_id,
                "body.redirect_url": f"{RETURN_ORIGIN}/linked",
                # An account change may name the account's fixed facts only as they are (the harness links
                # customer-1 through a sandbox profile: a test account).
                "body.type": "test",
                "body.provider": "factorialhr",
                "body.environment": "sandbox",
                "body.origin_owner_id": "customer-1",
            },
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    failures: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            failures.append(f"error: {event}")
        if isinstance(event, events.ScenarioFinished) and event.status != Status.SUCCESS:
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        failure = check.failure_info.failure
                        interaction = event.recorder.interactions.get(case_id)
                        answer = interaction.response if interaction is not None else None
                        answered = "" if answer is None else f"{answer.status_code} {answer.content!r:.300}"
                        failures.append(
                            f"{event.recorder.label}: {check.name}: {failure.title}: {failure.message}\n"
                            f"    {check.failure_info.code_sample}\n    -> {answered}"
                        )
    return sorted(set(failures))


# Hypothesis warns about how Schemathesis builds its strategies (its own use of `random`, the size of a repr it
# prints): warnings about the tool, not the API. With warnings as errors they failed an example on its first run
# only (the warning is shown once), which Hypothesis then reported as a flaky failure of our operation.
@pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies",
    "ignore:Generating overly large repr",
)
async def test_every_operation_keeps_to_the_openapi_document(harness: Harness) -> None:
    tenant = await harness.tenant()
    application = await harness.application(scopes=ALL_SCOPES)
    profile = await harness.profile(tenant, application, scopes=ALL_SCOPES)
    _, account = await harness.link(tenant, await harness.admin_email())
    bridge = Bridge(harness.api, asyncio.get_running_loop())
    failures = await asyncio.to_thread(run_schemathesis, bridge, tenant.key, profile["id"], account["id"])
    assert failures == [], "\n".join(failures)
    # The run reached the operations: most answers are successes, none a refusal standing in for one.
    successes = sum(count for status, count in bridge.answered.items() if 200 <= status < 300)
    assert successes > 200 and 429 not in bridge.answered, bridge.answered
