"""The control API under `/_emulator/`: what tests and benchmarks use to set the emulator up and observe it.

Not part of Factorial, and powerful (it mints API keys and shows client secrets): `control_access` decides who
may call it. JSON in, JSON out. Every request body is validated in full before anything changes: a
body that is not JSON gets 400, a wrong field, type or value 422, an unknown company 404, always as
`{"errors": {"<field>": ["<message>", ...]}}` (`base` for the body as a whole) and with the world untouched.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .control_access import ControlAccess
from .seed import describe_company, seed_company, seed_world
from .state import ApiKey, Fault, PkceMode, Rotation, World, timestamp
from .tokens import SCOPES, create_application, revoke_company_tokens, revoke_token
from .webhooks import WebhookDispatcher

PREFIX = "/_emulator"
DEFAULT_SEED = 42
DEFAULT_EMPLOYEES = 100
MAX_EMPLOYEES = 100_000
# Bounds that keep the world's arithmetic (datetimes, JSON's 64-bit integers) valid whatever a caller sends.
MAX_SECONDS = 100 * 366 * 86400  # a century: any token lifetime or clock jump a test could want
MAX_INT = 2**63 - 1

Body = TypeVar("Body", bound=BaseModel)
Endpoint = Callable[[Request], Awaitable[Response]]


class ControlError(Exception):
    """A rejected control call: rendered as `{"errors": errors}` with `status`."""

    def __init__(self, status: int, errors: dict[str, list[str]]) -> None:
        super().__init__(f"{status}: {errors}")
        self.status = status
        self.errors = errors


class _Body(BaseModel):
    """Request bodies: no unknown keys, no type coercion ("5" is not 5), no NaN or infinity."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def _redirect_uri(value: str) -> str:
    """The admin page's rule: an absolute http(s) URI, without spaces or a fragment."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        raise ValueError("must be a valid URI") from None
    if any(ch.isspace() for ch in value) or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URI without spaces")
    if "#" in value:
        raise ValueError("must not contain a fragment (#)")
    return value


def _scope(value: str) -> str:
    if value not in SCOPES:
        raise ValueError(f"unknown scope; known: {' '.join(SCOPES)}")
    return value


def _method(value: str) -> str:
    if value != "*" and not value.isalpha():
        raise ValueError("must be an HTTP method or '*'")
    return value.upper()


Seed = Annotated[int, Field(ge=0, le=MAX_INT)]
Seconds = Annotated[int, Field(ge=1, le=MAX_SECONDS)]


class ResetBody(_Body):
    seed: Seed | None = None
    employees: int | None = Field(default=None, ge=1, le=MAX_EMPLOYEES)


class CompanyBody(_Body):
    name: str = Field(min_length=1, max_length=200)
    employees: int = Field(ge=1, le=MAX_EMPLOYEES)
    seed: Seed | None = None


class ApplicationBody(_Body):
    name: str = Field(min_length=1, max_length=200)
    redirect_uris: list[Annotated[str, AfterValidator(_redirect_uri)]] = Field(min_length=1)
    scopes: list[Annotated[str, AfterValidator(_scope)]] = Field(min_length=1)
    confidential: bool = True
    company_id: int | None = None


class ApiKeyBody(_Body):
    company_id: int


class ClockBody(_Body):
    advance_seconds: float = Field(ge=0, le=MAX_SECONDS)


class RevokeBody(_Body):
    company_id: int | None = None
    token: str | None = Field(default=None, min_length=1)


class SettingsBody(_Body):
    """A partial update of `state.Settings`: only the keys sent change (`null` where a setting allows it)."""

    access_token_ttl: Seconds = 3600
    refresh_token_ttl: Seconds = 604800
    code_ttl: Seconds = 600
    rotation: Rotation = "strict"
    pkce: PkceMode = "optional"
    latency_ms: int = Field(default=0, ge=0, le=600_000)
    token_latency_ms: int = Field(default=0, ge=0, le=600_000)
    rate_limit_post_per_minute: int | None = Field(default=200, ge=1, le=MAX_INT)
    rate_limit_get_per_minute: int | None = Field(default=None, ge=1, le=MAX_INT)
    webhook_max_attempts: int = Field(default=20, ge=1, le=1000)
    webhook_retry_base_seconds: float = Field(default=60.0, ge=0, le=MAX_SECONDS)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, le=3600)


class FaultBody(_Body):
    method: Annotated[str, AfterValidator(_method)] = Field(min_length=1)
    path: str = Field(min_length=1)
    status: int | None = Field(default=None, ge=100, le=599)
    times: int = Field(default=1, ge=1, le=MAX_INT)
    retry_after: int | None = Field(default=None, ge=0, le=MAX_SECONDS)
    delay_ms: int = Field(default=0, ge=0, le=600_000)
    body: Any = None


def _validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors(include_input=False, include_url=False):
        field = ".".join(str(part) for part in error["loc"]) or "base"
        errors.setdefault(field, []).append(error["msg"])
    return errors


async def _parse(request: Request, model: type[Body]) -> Body:
    raw = await request.body()
    try:
        return model.model_validate_json(raw if raw.strip() else b"{}")
    except ValidationError as exc:
        invalid_json = any(error["type"] == "json_invalid" for error in exc.errors())
        raise ControlError(400 if invalid_json else 422, _validation_errors(exc)) from None


def _handled(endpoint: Endpoint, access: ControlAccess) -> Endpoint:
    async def wrapper(request: Request) -> Response:
        refusal = access.refusal(request)
        if refusal is not None:
            return refusal
        try:
            return await endpoint(request)
        except ControlError as exc:
            return JSONResponse({"errors": exc.errors}, status_code=exc.status)

    return wrapper


def _unknown_company(company_id: int) -> ControlError:
    return ControlError(404, {"company_id": [f"no company with id {company_id}"]})


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_api_key(world: World, company_id: int) -> str:
    """A JWT-shaped key like Factorial's (`eyJraWQiOiJmYWN...`: its header decodes as `{"kid":"fac...`)."""
    header = {"kid": f"factorial-{secrets.token_hex(8)}", "alg": "HS256", "typ": "JWT"}
    claims = {"company_id": company_id, "iat": int(world.clock.time()), "jti": secrets.token_hex(16)}
    segments = [
        _b64url(json.dumps(header, separators=(",", ":")).encode()),
        _b64url(json.dumps(claims, separators=(",", ":")).encode()),
        _b64url(secrets.token_bytes(32)),
    ]
    return ".".join(segments)


def control_routes(
    world: World,
    webhooks: WebhookDispatcher,
    *,
    seed: int | None = None,
    employees: int | None = None,
    token: str | None = None,
) -> list[BaseRoute]:
    """The `/_emulator/` routes.

    `seed` and `employees` are what `reset` restores by default: pass the ones the world was seeded with. Without
    them the seed falls back to 42 and the employee count to the size of the company seeded so far. With a
    `token`, every call needs it as a bearer token (401 otherwise); without one, only loopback callers get in.
    """
    access = ControlAccess(token)
    first = next(iter(world.companies.values()), None)
    default_seed = DEFAULT_SEED if seed is None else seed
    if employees is not None:
        default_employees = employees
    elif first is not None:
        default_employees = world.table("employees/employees").count(first.id) or DEFAULT_EMPLOYEES
    else:
        default_employees = DEFAULT_EMPLOYEES

    def company_or_404(company_id: int | None) -> int:
        if company_id is None:
            found = next(iter(world.companies), None)
            if found is None:
                raise ControlError(404, {"company_id": ["the emulator has no company"]})
            return found
        if company_id not in world.companies:
            raise _unknown_company(company_id)
        return company_id

    async def reset(request: Request) -> Response:
        body = await _parse(request, ResetBody)
        await webhooks.cancel_pending()
        world.reset()
        company = seed_world(
            world,
            seed=default_seed if body.seed is None else body.seed,
            employees=default_employees if body.employees is None else body.employees,
        )
        return JSONResponse(describe_company(world, company))

    async def add_company(request: Request) -> Response:
        body = await _parse(request, CompanyBody)
        company_seed = default_seed + len(world.companies) if body.seed is None else body.seed
        company = seed_company(world, name=body.name, employees=body.employees, seed=company_seed)
        return JSONResponse(describe_company(world, company), status_code=201)

    async def list_companies(request: Request) -> Response:
        companies = sorted(world.companies.values(), key=lambda company: company.id)
        return JSONResponse([describe_company(world, company) for company in companies])

    async def add_application(request: Request) -> Response:
        body = await _parse(request, ApplicationBody)
        company_id = company_or_404(body.company_id)
        application = create_application(
            world,
            company_id=company_id,
            name=body.name,
            redirect_uris=body.redirect_uris,
            scopes=body.scopes,
            confidential=body.confidential,
        )
        return JSONResponse(
            {
                "id": application.id,
                "client_id": application.client_id,
                "client_secret": application.client_secret,
                "name": application.name,
                "redirect_uris": application.redirect_uris,
                "scopes": application.scopes,
                "confidential": application.confidential,
                "company_id": application.company_id,
            },
            status_code=201,
        )

    async def add_api_key(request: Request) -> Response:
        body = await _parse(request, ApiKeyBody)
        company_id = company_or_404(body.company_id)
        key = new_api_key(world, company_id)
        world.api_keys[key] = ApiKey(key=key, company_id=company_id)
        return JSONResponse({"api_key": key}, status_code=201)

    async def advance_clock(request: Request) -> Response:
        body = await _parse(request, ClockBody)
        world.clock.advance(body.advance_seconds)
        return JSONResponse({"now": timestamp(world.clock.now())})

    async def revoke(request: Request) -> Response:
        """`{"revoked": n}`: how many grants died (a company's, a token's, or both)."""
        body = await _parse(request, RevokeBody)
        if body.company_id is None and body.token is None:
            raise ControlError(422, {"base": ["give company_id, token or both"]})
        if body.company_id is not None:
            company_or_404(body.company_id)
        revoked = 0
        if body.company_id is not None:
            revoked += revoke_company_tokens(world, body.company_id)
        if body.token is not None and revoke_token(world, body.token):
            revoked += 1
        return JSONResponse({"revoked": revoked})

    async def get_settings(request: Request) -> Response:
        return JSONResponse(asdict(world.settings))

    async def put_settings(request: Request) -> Response:
        body = await _parse(request, SettingsBody)
        for name in body.model_fields_set:
            setattr(world.settings, name, getattr(body, name))
        return JSONResponse(asdict(world.settings))

    async def add_fault(request: Request) -> Response:
        body = await _parse(request, FaultBody)
        if body.status is None and body.delay_ms == 0:
            raise ControlError(422, {"status": ["give status, delay_ms or both"]})
        fault = Fault(
            method=body.method,
            path=body.path,
            status=body.status,
            times=body.times,
            retry_after=body.retry_after,
            delay_ms=body.delay_ms,
            body=body.body,
        )
        world.faults.append(fault)
        return JSONResponse(asdict(fault), status_code=201)

    async def clear_faults(request: Request) -> Response:
        cleared = len(world.faults)
        world.faults.clear()
        return JSONResponse({"deleted": cleared})

    async def stats(request: Request) -> Response:
        return JSONResponse(world.stats.as_json())

    def route(path: str, endpoint: Endpoint, method: str) -> Route:
        return Route(f"{PREFIX}/{path}", _handled(endpoint, access), methods=[method])

    return [
        route("reset", reset, "POST"),
        route("companies", add_company, "POST"),
        route("companies", list_companies, "GET"),
        route("oauth_applications", add_application, "POST"),
        route("api_keys", add_api_key, "POST"),
        route("clock", advance_clock, "POST"),
        route("revoke", revoke, "POST"),
        route("settings", get_settings, "GET"),
        route("settings", put_settings, "PUT"),
        route("faults", add_fault, "POST"),
        route("faults", clear_faults, "DELETE"),
        route("stats", stats, "GET"),
    ]
