"""The token keeper: a usable access token for an account, refreshed ahead of expiry exactly once across workers.

How one refresh per expiry is guaranteed (security items 10-14):
1. in this process, concurrent callers for one account share one task (`SingleFlight`);
2. that task re-reads the account, then takes the credentials row lock (`SELECT ... FOR UPDATE` on PostgreSQL,
   `BEGIN IMMEDIATE` on SQLite), which serialises the workers of every process;
3. under the lock it re-reads the token: if another worker already rotated it, it uses theirs and the provider is
   not called; otherwise it refreshes and stores the rotated pair in that same transaction, and hands the new
   access token out only after the commit.
`invalid_grant` is terminal, after one more re-read under the lock (a stale loser uses the winner's token).
A transient failure (5xx, timeout) is not: while the current token has not expired yet, callers keep getting
it and the refresh is tried again once the cache entry is re-validated.

Credentials that do not decrypt (tampered, moved from their row, sealed under a key the key ring no longer
has) are terminal too (security item 24): re-read under the lock, then the account goes to `error`
(`credentials_unreadable`), logged once by the worker that moved it there, and every call answers 412.

Caching: decrypted tokens and the account's status are kept in memory per (project, account) and re-read from
the database at least every `revalidate_after` (5 s by default), so the hot path costs no database access. A
re-read is one statement (the account, its profile and its credentials joined); a caller that has just read
them so (`run_action`, through the store's `read_recent`) passes that read in, and the keeper reads nothing. This
cache is not what refuses a suspended or unlinked account: `run_action` reads the account through the store's
read cache first, which every process's change evicts at once (`linkyard.store.read_cache`). In this process,
call `forget()` after such a change so that the token is not kept either.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

from linkyard.connectors import get_connector
from linkyard.domain import AccountStatus, Clock, ConnectorProfile, TokenSet
from linkyard.domain.token import REFRESH_LEAD
from linkyard.errors import (
    CredentialsUnreadable,
    CredentialsWiped,
    DecryptionFailed,
    LinkyardError,
    NotFound,
    PreconditionFailed,
    ProviderError,
    ProviderOAuthError,
    TokenRefreshError,
    ValidationFailed,
)
from linkyard.oauth.client import ProviderClient
from linkyard.oauth.endpoints import ProviderEndpoints, endpoints_for
from linkyard.oauth.reasons import (
    CREDENTIALS_UNREADABLE,
    REFRESH_FAILED,
    TOKEN_REVOKED,
    UNREADABLE_REASON,
    client_rejected_error,
    inactive_error,
    invalid_grant_reason,
    no_renewal_reason,
    revoked_reason,
    terminal_error,
    transient_error,
    unreadable_error,
)
from linkyard.oauth.recording import Recording, RecordingSink, current_recording, recording
from linkyard.oauth.singleflight import SingleFlight
from linkyard.store import AccountRead, IdleCandidate, Store

logger = logging.getLogger(__name__)

REVALIDATE_AFTER = timedelta(seconds=5)
IDLE_HORIZON = timedelta(days=5)
"""Refresh tokens may die unused (a week, at some providers): refresh an unused account before then."""
_PAGE = 100
SWEEP = "idle-refresh"
"""The idle refresher's job name: one worker at a time holds it (`Store.exclusively`)."""

Staleness = Callable[[TokenSet, datetime], bool]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Entry:
    """What this process knows of an account, and when it last checked the database."""

    status: AccountStatus
    profile_id: str
    token: TokenSet | None
    checked_at: datetime
    refresh_failed: bool = False
    """A refresh ahead of expiry failed transiently: serve the still valid token until the entry is stale."""
    reason: str | None = None
    """Why the account is not active (its status reason's code), for the 412."""


class TokenKeeper:
    """Access tokens for accounts: cached, refreshed ahead of expiry, rotated once across every worker."""

    def __init__(
        self,
        store: Store,
        provider: ProviderClient,
        clock: Clock,
        *,
        sandbox_urls: Mapping[str, str],
        lead: timedelta = REFRESH_LEAD,
        revalidate_after: timedelta = REVALIDATE_AFTER,
        max_cached: int = 10_000,
        record: RecordingSink | None = None,
    ) -> None:
        self._store = store
        self._record = (
            record  # where each refresh's request log goes (`services.request_logs`); None: nowhere
        )
        self._provider = provider
        self._clock = clock
        self._sandbox_urls = sandbox_urls  # by connector key: `Settings.sandbox_urls`
        self._lead = lead
        self._revalidate_after = revalidate_after
        self._max_cached = max_cached
        # Oldest first, evicted in constant time (see `ReadCache`'s entries).
        self._cache: OrderedDict[tuple[str, str], _Entry] = OrderedDict()
        self._flights = SingleFlight()

    async def access_token(self, project_id: str, account_id: str, *, read: AccountRead | None = None) -> str:
        """A usable access token of an active account, refreshed first if it is about to expire.

        `read`: the account as the caller read it from the database a moment ago (`Store.accounts.read_recent`);
        when it carries the sealed credentials, the keeper uses them instead of reading them again.

        Raises `PreconditionFailed` (412) for an account that is not active, `CredentialsWiped` (412) once
        unlinked, `CredentialsUnreadable` (412, the account is now `error`) when its credentials do not
        decrypt, `TokenRefreshError` (terminal: 412, the account is now `error`; transient: 502, or 408 on a
        timeout) and `NotFound` for an account that does not exist in the project.
        """
        entry = self._cache.get((project_id, account_id))
        if entry is not None:
            now = self._clock()
            if self._is_fresh(entry, now):
                token = _usable(entry)
                if not token.needs_refresh(now, self._lead) or (entry.refresh_failed and _valid(token, now)):
                    return token.access_token
        fresh = read if read is not None and read.credentials is not None else None
        if fresh is not None:
            # The caller has just read the account with its credentials: there is no read left to share with
            # concurrent callers, so the entry is made here, without a task; only a refresh (or credentials
            # that do not decrypt) goes to the single flight below.
            try:
                entry = self._remember_read(project_id, account_id, fresh, self._clock())
            except DecryptionFailed:
                pass
            else:
                token = _usable(entry)
                if not token.needs_refresh(self._clock(), self._lead):
                    return token.access_token
        return await self._flights.run(
            (project_id, account_id, "due"),
            lambda: self._readably(
                project_id,
                account_id,
                partial(self._obtain, project_id, account_id, fresh),
                again=partial(self._obtain, project_id, account_id, None),
            ),
        )

    async def report_unauthorized(self, project_id: str, account_id: str, rejected_token: str) -> str | None:
        """The provider answered 401 to a call made with `rejected_token`: a token for one retry, or None.

        A user token is refreshed once (the same single-flight, lock and re-read as `access_token`); a company
        token, which never expires, is confirmed once with a second call. None means the account is now in
        `error` (answer 412); a token that another worker already replaced is returned without either.
        Raises like `access_token` otherwise (`PreconditionFailed` if the account was not active already).
        """
        digest = hashlib.sha256(rejected_token.encode()).hexdigest()
        return await self._flights.run(
            (project_id, account_id, f"401:{digest}"),
            lambda: self._readably(
                project_id, account_id, partial(self._confirm, project_id, account_id, rejected_token)
            ),
        )

    async def refresh_idle(self, *, horizon: timedelta = IDLE_HORIZON) -> int:
        """Refresh active user-token accounts last refreshed more than `horizon` ago; how many were refreshed.

        One worker sweeps at a time (every host's on PostgreSQL, the host's on SQLite): the others return 0 at
        once. The sweep reads only the accounts due, in due order (`CredentialRepository.idle`); each candidate
        is re-checked under its row lock, so a refresh by a call in another worker is never repeated.
        """
        refreshed = 0
        async with self._store.exclusively(SWEEP) as sweeping:
            if not sweeping:
                return 0
            after: IdleCandidate | None = None
            while True:
                cutoff = self._clock() - horizon
                candidates = await self._store.credentials.idle(cutoff, after=after, limit=_PAGE)
                for candidate in candidates:
                    key = candidate.project_id, candidate.account_id
                    try:
                        refreshed += await self._readably(
                            *key, partial(self._refresh_if_idle, *key, cutoff, horizon)
                        )
                    except CredentialsUnreadable:
                        continue  # the account is in error now, and that was logged
                    except LinkyardError as exc:
                        logger.warning("idle refresh of account %s failed: %s", key[1], exc.code)
                if len(candidates) < _PAGE:
                    break
                after = candidates[-1]
        return refreshed

    async def unlink(self, project_id: str, account_id: str) -> bool:
        """Wipe the account's credentials, then revoke them at the provider; False if the revocation failed.

        The wipe waits for a refresh in flight (same row lock), so what is revoked is the live token and a
        refresh can never bring the credentials back; the wipe stands even when the provider cannot be
        reached (security item 15). Deleting the account afterwards is the caller's business.
        """
        account = await self._store.accounts.get(project_id, account_id)
        wiped = await self._store.credentials.wipe(project_id, account_id)
        self.forget(project_id, account_id)
        if wiped is None:
            return True
        try:
            profile, endpoints = await self._profile(project_id, account.profile_id)
            client_secret = await self._store.connector_profiles.client_secret(project_id, profile.id)
            await self._provider.revoke(
                endpoints,
                client_id=profile.client_id,
                client_secret=client_secret,
                token=wiped.refresh_token
                or wiped.access_token,  # a refresh token's revocation ends its grant
            )
        except LinkyardError as exc:
            logger.warning(
                "account %s: wiped, but the revocation at the provider failed (%s)", account_id, exc.code
            )
            return False
        return True

    def forget(self, project_id: str, account_id: str) -> None:
        """Drop what this process cached for an account (after an unlink, a re-link or a status change)."""
        self._cache.pop((project_id, account_id), None)

    async def aclose(self) -> None:
        """Let refreshes in flight finish (cutting one short could lose a rotated refresh token)."""
        await self._flights.wait()

    # --- the shared work ------------------------------------------------------------------------------

    async def _obtain(self, project_id: str, account_id: str, read: AccountRead | None) -> str:
        entry = await self._load(project_id, account_id, read)
        token = _usable(entry)
        if not token.needs_refresh(self._clock(), self._lead):
            return token.access_token
        try:
            fresh, _ = await self._refresh(
                project_id, account_id, entry, stale=lambda t, now: t.needs_refresh(now, self._lead)
            )
        except TokenRefreshError as exc:
            if exc.terminal or not _valid(token, self._clock()):
                raise
            # Refreshing ahead of expiry failed for now: the current token still works, so callers get it
            # and the next attempt waits until the entry is re-validated (`revalidate_after`).
            logger.warning(
                "refresh ahead of expiry of account %s failed (%s); retrying later", account_id, exc.code
            )
            self._remember(project_id, account_id, "active", entry.profile_id, token, refresh_failed=True)
            return token.access_token
        return fresh.access_token

    async def _confirm(self, project_id: str, account_id: str, rejected: str) -> str | None:
        entry = await self._load(project_id, account_id)
        token = _usable(entry)
        if token.access_token != rejected and not token.needs_refresh(self._clock(), self._lead):
            return token.access_token  # another worker replaced it meanwhile
        if token.refresh_token is None:
            return await self._confirm_without_refresh(project_id, account_id, entry, rejected)
        try:
            fresh, _ = await self._refresh(
                project_id,
                account_id,
                entry,
                stale=lambda t, now: t.access_token == rejected or t.needs_refresh(now, self._lead),
            )
        except TokenRefreshError as exc:
            if exc.terminal:
                return None
            raise
        return fresh.access_token

    async def _refresh_if_idle(
        self, project_id: str, account_id: str, cutoff: datetime, horizon: timedelta
    ) -> int:
        read = await self._store.accounts.read(project_id, account_id)
        if read.account.status != "active" or read.credentials is None:
            return 0
        token = read.credentials.token()
        if token is None or not _idle(token, cutoff):
            return 0
        entry = _Entry("active", read.account.profile_id, token, self._clock())
        return await self._flights.run(
            (project_id, account_id, "idle"),
            partial(self._refresh_idle, project_id, account_id, entry, horizon),
        )

    async def _refresh_idle(self, project_id: str, account_id: str, entry: _Entry, horizon: timedelta) -> int:
        _, refreshed = await self._refresh(
            project_id,
            account_id,
            entry,
            stale=lambda t, now: _idle(t, now - horizon) or t.needs_refresh(now, self._lead),
        )
        return int(refreshed)

    async def _refresh(
        self, project_id: str, account_id: str, entry: _Entry, *, stale: Staleness
    ) -> tuple[TokenSet, bool]:
        """Under the row lock: the token someone else stored, or a refreshed one stored before it is returned."""
        profile, endpoints = await self._profile(project_id, entry.profile_id)
        client_secret = await self._store.connector_profiles.client_secret(project_id, profile.id)
        refreshed = False
        outcome: TokenSet | ProviderOAuthError | None
        async with self._store.credentials.lock(project_id, account_id) as held:
            current = held.token
            if current is None:
                raise self._wiped(project_id, account_id)
            generation = held.generation
            if not stale(current, self._clock()):
                outcome = current  # another worker refreshed it while we waited for the lock
            elif current.refresh_token is None:
                await held.set_account_status(
                    "error", reason_code=REFRESH_FAILED, description=no_renewal_reason(profile)
                )
                outcome = None
            else:
                try:
                    with self._refresh_log(project_id, account_id, profile, endpoints):
                        new = await self._provider.refresh(
                            endpoints,
                            client_id=profile.client_id,
                            client_secret=client_secret,
                            refresh_token=current.refresh_token,
                            token_type=current.token_type,
                        )
                except ProviderOAuthError as exc:
                    if exc.error in ("invalid_client", "unauthorized_client"):
                        raise client_rejected_error(exc, profile) from exc
                    if exc.error != "invalid_grant":
                        raise transient_error(exc) from exc
                    outcome = exc  # nothing written; decided after one more re-read under the lock
                except ProviderError as exc:
                    raise transient_error(exc) from exc
                else:
                    outcome = replace(new, scopes=new.scopes or current.scopes)
                    await held.replace(outcome)
                    refreshed = True
        if isinstance(outcome, TokenSet):
            # Committed: only now may a new access token be used.
            if refreshed:
                logger.info("refreshed the access token of account %s", account_id)
            self._remember(project_id, account_id, "active", entry.profile_id, outcome)
            return outcome, refreshed
        if outcome is None:
            self._remember(project_id, account_id, "error", entry.profile_id, current, reason=REFRESH_FAILED)
            raise terminal_error(profile)
        return await self._give_up(project_id, account_id, entry, profile, generation, outcome), False

    @contextmanager
    def _refresh_log(
        self, project_id: str, account_id: str, profile: ConnectorProfile, endpoints: ProviderEndpoints
    ) -> Iterator[None]:
        """Record the refresh as a request log of its own (with its token call as a step), whether it runs
        for a caller's call (which then names its source) or in the background refresher (a worker's)."""
        if self._record is None:
            yield
            return
        caller = current_recording()
        entry = Recording(
            started_at=self._clock(),
            kind="request",
            category="oauth",
            source_type=caller.source_type if caller is not None else "worker",
            source_value=caller.path if caller is not None else None,
            is_worker=caller is None,
            project_id=project_id,
            account_id=account_id,
            action="refresh_token",
            provider=profile.connector,
            service="oauth",
            resource="token",
            http_method="POST",
            path=urlsplit(endpoints.token_url).path,
            url=endpoints.token_url,
            bodies=caller.bodies if caller is not None else False,
        )
        try:
            with recording(entry):
                yield
        except BaseException as exc:
            entry.failure = exc
            raise
        finally:
            answered = [step.status for step in entry.steps if step.status is not None]
            entry.finish(answered[-1] if answered else None)
            self._record(entry)

    async def _give_up(
        self,
        project_id: str,
        account_id: str,
        entry: _Entry,
        profile: ConnectorProfile,
        generation: int,
        refused: ProviderOAuthError,
    ) -> TokenSet:
        """`invalid_grant`: re-read under the lock once more; unless someone rotated meanwhile, mark `error`."""
        async with self._store.credentials.lock(project_id, account_id) as held:
            current = held.token
            if current is None:
                raise self._wiped(project_id, account_id)
            if held.generation == generation:
                await held.set_account_status(
                    "error", reason_code=REFRESH_FAILED, description=invalid_grant_reason(profile)
                )
        if held.generation != generation:
            # A stale loser: another worker (or a re-link) stored new credentials; use them.
            self._remember(project_id, account_id, "active", entry.profile_id, current)
            if current.needs_refresh(self._clock(), self._lead):
                raise transient_error(refused)
            return current
        logger.warning("account %s refused a token refresh (invalid_grant); it is now in error", account_id)
        self._remember(project_id, account_id, "error", entry.profile_id, current, reason=REFRESH_FAILED)
        raise terminal_error(profile, refused) from refused

    async def _confirm_without_refresh(
        self, project_id: str, account_id: str, entry: _Entry, rejected: str
    ) -> str | None:
        """A token that cannot be refreshed (a company token) got a 401: one confirmation call decides."""
        profile, endpoints = await self._profile(project_id, entry.profile_id)
        connector = get_connector(profile.connector)
        probe = connector.find_action(connector.identity.action)
        async with self._store.credentials.lock(project_id, account_id) as held:
            current = held.token
            if current is None:
                raise self._wiped(project_id, account_id)
            if current.access_token != rejected:
                self._remember(project_id, account_id, "active", entry.profile_id, current)
                return current.access_token  # replaced meanwhile (a re-link)
            status = 401
            if probe is not None:
                response = await self._provider.request(
                    endpoints.base_url, probe.method, probe.path, access_token=rejected
                )
                status = response.status_code
            if status == 401:
                await held.set_account_status(
                    "error", reason_code=TOKEN_REVOKED, description=revoked_reason(profile)
                )
            elif status == 429 or status >= 500:
                raise ProviderError(f"{connector.name} could not confirm the token (answered {status})")
        if status != 401:
            return rejected  # the token works: the 401 was a fluke, retry once
        logger.warning("account %s: the provider rejected its token twice; it is now in error", account_id)
        self._remember(project_id, account_id, "error", entry.profile_id, current, reason=TOKEN_REVOKED)
        return None

    # --- credentials that do not decrypt ---------------------------------------------------------------

    async def _readably(
        self,
        project_id: str,
        account_id: str,
        work: Callable[[], Awaitable[T]],
        *,
        again: Callable[[], Awaitable[T]] | None = None,
    ) -> T:
        """`work`, with credentials that fail to decrypt answered as `CredentialsUnreadable` (412), not a 500.

        Credentials found readable again under the lock were replaced meanwhile (a re-link): `again` (by
        default `work`; it must read them anew) runs once more with them.
        """
        try:
            return await work()
        except DecryptionFailed:
            await self._mark_unreadable(project_id, account_id)
        return await (again or work)()

    async def _mark_unreadable(self, project_id: str, account_id: str) -> None:
        """Re-read the credentials under the row lock; if they still do not decrypt, put the account in `error`
        (`credentials_unreadable`) and raise `CredentialsUnreadable`. Only the worker that moves the account out
        of `active` logs it, in one line: the next calls fail fast on the status and log nothing."""
        async with self._store.credentials.lock(project_id, account_id) as held:
            try:
                held.token  # noqa: B018 - decrypting is the check
            except DecryptionFailed:
                marked = await held.set_account_status(
                    "error",
                    reason_code=CREDENTIALS_UNREADABLE,
                    description=UNREADABLE_REASON,
                    only_from="active",
                )
            else:
                return
        self.forget(project_id, account_id)  # the next call reads the status (`error`) and stops there
        if marked:
            logger.warning(
                "account %s: its stored credentials cannot be decrypted (%s); it is now in error until it is "
                "linked again",
                account_id,
                CREDENTIALS_UNREADABLE,
            )
        raise unreadable_error()

    # --- reading and caching ---------------------------------------------------------------------------

    async def _load(self, project_id: str, account_id: str, read: AccountRead | None = None) -> _Entry:
        """The account's entry from `read` (read a moment ago by the caller), else from one joined read now."""
        checked_at = self._clock()
        if read is None:
            try:
                read = await self._store.accounts.read(project_id, account_id)
            except NotFound:
                self.forget(project_id, account_id)
                raise
        return self._remember_read(project_id, account_id, read, checked_at)

    def _remember_read(
        self, project_id: str, account_id: str, read: AccountRead, checked_at: datetime
    ) -> _Entry:
        """The account's entry from `read`, made at `checked_at` (its credentials decrypted: `DecryptionFailed`)."""
        account = read.account
        token = None
        if account.status == "active" and read.credentials is not None:
            token = read.credentials.token()
        reason = account.status_reasons[0].code if account.status_reasons else None
        return self._remember(
            project_id,
            account_id,
            account.status,
            account.profile_id,
            token,
            checked_at=checked_at,
            reason=reason,
        )

    def _remember(
        self,
        project_id: str,
        account_id: str,
        status: AccountStatus,
        profile_id: str,
        token: TokenSet | None,
        *,
        checked_at: datetime | None = None,
        refresh_failed: bool = False,
        reason: str | None = None,
    ) -> _Entry:
        key = (project_id, account_id)
        entry = _Entry(status, profile_id, token, checked_at or self._clock(), refresh_failed, reason)
        self._cache.pop(key, None)
        if len(self._cache) >= self._max_cached:
            self._cache.popitem(last=False)  # the least recently stored
        self._cache[key] = entry
        return entry

    def _is_fresh(self, entry: _Entry, now: datetime) -> bool:
        age = now - entry.checked_at
        return timedelta(0) <= age < self._revalidate_after

    async def _profile(self, project_id: str, profile_id: str) -> tuple[ConnectorProfile, ProviderEndpoints]:
        profile = await self._store.connector_profiles.get(project_id, profile_id)
        try:
            endpoints = endpoints_for(
                get_connector(profile.connector),
                profile.environment,
                self._sandbox_urls.get(profile.connector),
            )
        except ValidationFailed:
            raise PreconditionFailed(
                "The account's provider environment is not available on this server"
            ) from None
        return profile, endpoints

    def _wiped(self, project_id: str, account_id: str) -> CredentialsWiped:
        self.forget(project_id, account_id)
        return CredentialsWiped("The account was unlinked; its credentials are gone")


def _usable(entry: _Entry) -> TokenSet:
    if entry.status != "active":
        raise inactive_error(entry.status, entry.reason)
    if entry.token is None:
        raise CredentialsWiped("The account was unlinked; its credentials are gone")
    return entry.token


def _valid(token: TokenSet, now: datetime) -> bool:
    """Not expired yet (a token due for refresh may still be used until then)."""
    return token.expires_at is None or now < token.expires_at


def _idle(token: TokenSet, cutoff: datetime) -> bool:
    """A refreshable token last issued before `cutoff` (its refresh token would age out unused)."""
    reference = token.issued_at or token.expires_at
    return token.refresh_token is not None and reference is not None and reference <= cutoff
