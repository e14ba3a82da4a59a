"""The emulator's world: companies and their records, OAuth applications and grants, the clock, the counters.

Everything Factorial would keep in its database lives in one `World` object, held in memory. Rows are plain
dicts whose ids are integers internally; the REST layer turns them into strings for API versions that use
string ids. Keys starting with `_` are private to the emulator (a user's role, login access) and never leave it.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Row = dict[str, Any]
Rotation = Literal["strict", "grace"]
PkceMode = Literal["ignore", "optional", "require"]


class Clock:
    """Real time plus an offset that the control API can advance (token expiry without waiting)."""

    def __init__(self, source: Callable[[], float] = time.time) -> None:
        self._source = source
        self.offset = 0.0

    def time(self) -> float:
        return self._source() + self.offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def timestamp(moment: datetime) -> str:
    """Factorial's timestamp format: ISO-8601 with milliseconds and `Z`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Settings:
    """Behaviour switches, changed at run time through `PUT /_emulator/settings`."""

    access_token_ttl: int = 3600
    refresh_token_ttl: int = 604800
    code_ttl: int = 600
    rotation: Rotation = "strict"
    pkce: PkceMode = "optional"
    latency_ms: int = 0
    token_latency_ms: int = 0
    rate_limit_post_per_minute: int | None = 200
    rate_limit_get_per_minute: int | None = None
    webhook_max_attempts: int = 20
    webhook_retry_base_seconds: float = 60.0
    webhook_timeout_seconds: float = 10.0


@dataclass
class Fault:
    """An injected failure: the next `times` requests matching `method` and the `path` glob get it."""

    method: str
    path: str
    status: int | None
    times: int
    retry_after: int | None = None
    delay_ms: int = 0
    body: Any = None


@dataclass
class Stats:
    """Counters for tests and benchmarks, read through `GET /_emulator/stats`."""

    token_requests: Counter[str] = field(default_factory=Counter)
    token_errors: Counter[str] = field(default_factory=Counter)
    revocations: int = 0
    api_requests: int = 0
    requests_by_route: Counter[str] = field(default_factory=Counter)
    webhook_deliveries: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "token_requests": {
                "authorization_code": self.token_requests["authorization_code"],
                "refresh_token": self.token_requests["refresh_token"],
                **{
                    k: v
                    for k, v in self.token_requests.items()
                    if k not in ("authorization_code", "refresh_token")
                },
            },
            "token_errors": dict(self.token_errors),
            "revocations": self.revocations,
            "api_requests": self.api_requests,
            "requests_by_route": dict(self.requests_by_route),
            "webhook_deliveries": {
                "succeeded": self.webhook_deliveries["succeeded"],
                "failed": self.webhook_deliveries["failed"],
            },
        }


class Table:
    """One resource's rows for every company, in id order, with a per-company index for tenant isolation."""

    def __init__(self, name: str, ids: Iterator[int]) -> None:
        self.name = name
        self._ids = ids
        self._by_company: dict[int, dict[int, Row]] = {}
        self._ordered: dict[int, list[Row]] = {}  # cached id-ordered lists, dropped on insert and delete
        self._deleted: dict[int, dict[int, Row]] = {}  # soft-deleted rows, kept findable (Factorial's leaves)

    def insert(self, company_id: int, row: Row) -> Row:
        """Store `row` under a fresh id (ids only grow, so insertion order is id order)."""
        row["id"] = next(self._ids)
        row["company_id"] = company_id
        self._by_company.setdefault(company_id, {})[row["id"]] = row
        self._ordered.pop(company_id, None)
        return row

    def get(self, company_id: int, row_id: int) -> Row | None:
        return self._by_company.get(company_id, {}).get(row_id)

    def rows(self, company_id: int) -> list[Row]:
        """The company's rows, ordered by id ascending (a shared list: callers must not modify it)."""
        ordered = self._ordered.get(company_id)
        if ordered is None:
            ordered = self._ordered[company_id] = list(self._by_company.get(company_id, {}).values())
        return ordered

    def delete(self, company_id: int, row_id: int) -> Row | None:
        self._ordered.pop(company_id, None)
        return self._by_company.get(company_id, {}).pop(row_id, None)

    def soft_delete(self, company_id: int, row_id: int) -> Row | None:
        """Take a row out of the live rows but keep it for `rows_with_deleted` (the caller marks it deleted)."""
        row = self.delete(company_id, row_id)
        if row is not None:
            self._deleted.setdefault(company_id, {})[row_id] = row
        return row

    def rows_with_deleted(self, company_id: int) -> list[Row]:
        """The company's live and soft-deleted rows, ordered by id ascending."""
        deleted = self._deleted.get(company_id)
        if not deleted:
            return self.rows(company_id)
        return sorted([*self.rows(company_id), *deleted.values()], key=lambda row: row["id"])

    def count(self, company_id: int) -> int:
        return len(self._by_company.get(company_id, {}))


@dataclass
class Company:
    id: int
    name: str
    legal_name: str
    tin: str
    locale: str
    subscription_plan: str
    onboarded_on: str
    admin_employee_id: int = 0


@dataclass
class OAuthApplication:
    id: int
    company_id: int
    name: str
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    scopes: list[str]
    confidential: bool
    created_at: float


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    company_id: int
    employee_id: int
    redirect_uri: str
    scopes: list[str]
    resource_owner_type: Literal["user", "company"]
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float
    used: bool = False
    grant_id: int | None = None


@dataclass
class Grant:
    """One consent turned into tokens: every access and refresh token descends from a grant."""

    id: int
    client_id: str
    company_id: int
    employee_id: int | None  # None for a company token
    scopes: list[str]
    revoked: bool = False


@dataclass
class AccessToken:
    token: str
    grant_id: int
    created_at: float
    expires_at: float | None  # None: never expires (company token)
    revoked: bool = False
    used: bool = False


@dataclass
class RefreshToken:
    token: str
    grant_id: int
    access_token: str
    created_at: float
    expires_at: float
    used: bool = False
    revoked: bool = False
    successor_access_token: str | None = None  # grace mode: the old token works until this one is used


@dataclass(frozen=True)
class Principal:
    """Who is calling the REST API: an API key, a company token or a user token, always within one company."""

    company_id: int
    kind: Literal["api_key", "company", "user"]
    scopes: frozenset[str] | None  # None: every scope (API keys)
    employee_id: int | None = None  # the signed-in employee, for user tokens
    is_admin: bool = True  # user tokens of non-admins see restricted payloads

    def has_scope(self, scope: str | None) -> bool:
        return scope is None or self.scopes is None or scope in self.scopes


@dataclass
class ApiKey:
    key: str
    company_id: int


class World:
    """The whole emulated Factorial: every company's data and every credential."""

    def __init__(self, clock: Clock | None = None, settings: Settings | None = None) -> None:
        self.clock = clock or Clock()
        self.settings = settings or Settings()
        self.stats = Stats()
        self.faults: list[Fault] = []
        self.companies: dict[int, Company] = {}
        self._sequence = iter(range(1, 2**62))
        self.tables: dict[str, Table] = {}
        self.applications: dict[str, OAuthApplication] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.grants: dict[int, Grant] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.api_keys: dict[str, ApiKey] = {}
        self.users_by_email: dict[str, tuple[int, int]] = {}
        self.rate_windows: dict[tuple[int | str, str], list[float]] = {}
        self.lazily_seeded: set[tuple[int, str]] = set()  # (company, resource) the generic engine has seeded

    def reset(self) -> None:
        """Forget everything (companies, credentials, settings, faults, counters, clock offset)."""
        self.__init__(clock=Clock(self.clock._source))  # type: ignore[misc]

    def next_id(self) -> int:
        """A fresh id, unique across every table and company (as in a real database cluster)."""
        return next(self._sequence)

    def table(self, name: str) -> Table:
        existing = self.tables.get(name)
        if existing is None:
            existing = self.tables[name] = Table(name, self._sequence)
        return existing

    def add_company(self, **fields: Any) -> Company:
        company = Company(id=self.next_id(), **fields)
        self.companies[company.id] = company
        return company

    def employee(self, company_id: int, employee_id: int) -> Row | None:
        return self.table("employees/employees").get(company_id, employee_id)

    def user_by_email(self, email: str) -> tuple[Company, Row] | None:
        """The company and employee row of a person who can sign in with `email`."""
        found = self.users_by_email.get(email.strip().lower())
        if found is None:
            return None
        company_id, employee_id = found
        employee = self.employee(company_id, employee_id)
        if employee is None:
            return None
        return self.companies[company_id], employee

    def register_login(self, company_id: int, employee: Row) -> None:
        if employee.get("login_email"):
            self.users_by_email[employee["login_email"].lower()] = (company_id, employee["id"])

    def new_secret(self, nbytes: int = 32) -> str:
        return secrets.token_hex(nbytes)


def can_sign_in(employee: Row) -> bool:
    """Only active employees with login access can sign in (and their tokens die when they stop being so)."""
    return bool(employee.get("active")) and bool(employee.get("_can_login"))


def is_admin(employee: Row) -> bool:
    return employee.get("_role") == "admin"
