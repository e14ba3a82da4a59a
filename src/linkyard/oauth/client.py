"""The one long-lived HTTP client to providers: OAuth token calls and authenticated API calls.

Secrets travel in POST bodies and headers, never in URLs (URLs get logged); redirects are not followed, every
call has a deadline and every answer is size-capped. Every call goes through one aiohttp session
(`oauth.transport.HttpSession`, which keeps those rules), through the operator's outbound proxy when one is
configured. Transport failures are translated once, there, into the platform's errors: `ProviderTimeout` (408),
`ProviderError` (502); an OAuth error body becomes `ProviderOAuthError` here, carrying its `error` code.
"""

from __future__ import annotations

import base64
import json as jsonlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from types import TracebackType
from typing import Any
from urllib.parse import quote

from linkyard.domain import Clock, TokenSet, TokenType, utc_now
from linkyard.errors import ProviderError, ProviderErrorDetail, ProviderOAuthError
from linkyard.oauth.endpoints import ProviderEndpoints
from linkyard.oauth.tokens import parse_oauth_error, parse_token_response, redact_secrets
from linkyard.oauth.transport import HttpSession, ProviderResponse

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 5_000_000
# Headers worth showing in `provider_errors`; every other header is left out (cookies, auth challenges).
_SHOWN_HEADERS = ("content-type", "retry-after", "x-request-id")
_RAW_LIMIT = 500
_NOT_JSON = object()


def quiet_http_loggers(level: int = logging.WARNING) -> None:
    """Clamp the HTTP libraries' loggers to `level`: at INFO and DEBUG they log full URLs and wire events.

    Call it once at start-up (the API and the CLI do), after logging is configured.
    """
    for name in ("httpx", "httpcore", "hpack", "aiohttp.client", "aiohttp.internal"):
        logger = logging.getLogger(name)
        if logger.level < level:
            logger.setLevel(level)


class ProviderClient:
    """The HTTP client to providers, shared by the whole process; close it once.

    `proxy` is the operator's outbound proxy (`http://` or `https://`, off when `None`), used for every call.
    `pins` sends the connections for some host names to another address, as `curl --resolve` does (tests pin
    the providers' names to the emulator they serve on loopback); the requests themselves are unchanged.
    """

    def __init__(
        self,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Clock = utc_now,
        max_connections: int = 100,
        proxy: str | None = None,
        pins: Mapping[str, tuple[str, int]] | None = None,
    ) -> None:
        self._timeout = timeout
        self._max_response_bytes = max_response_bytes
        self._clock = clock
        self._http = HttpSession(
            headers={"accept": "application/json", "user-agent": "linkyard"},
            max_connections=max_connections,
            max_response_bytes=max_response_bytes,
            proxy=proxy,
            pins=pins,
        )

    async def exchange_code(
        self,
        endpoints: ProviderEndpoints,
        *,
        client_id: str,
        client_secret: str | None,
        code: str,
        redirect_uri: str,
        code_verifier: str | None,
        token_type: TokenType = "user",  # noqa: S107 - a token kind, not a secret
    ) -> TokenSet:
        """Trade an authorization code (and its PKCE verifier) for a token set."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier:
            form["code_verifier"] = code_verifier
        sent_at = self._clock()
        payload = await self._oauth_post(
            endpoints,
            endpoints.token_url,
            form,
            client_id=client_id,
            client_secret=client_secret,
            secrets=(code, code_verifier, client_secret),
            what="token",
        )
        return parse_token_response(payload, now=sent_at, token_type=token_type)

    async def refresh(
        self,
        endpoints: ProviderEndpoints,
        *,
        client_id: str,
        client_secret: str | None,
        refresh_token: str,
        token_type: TokenType = "user",  # noqa: S107 - a token kind, not a secret
    ) -> TokenSet:
        """A new token set for a refresh token; a response without `refresh_token` keeps the old one."""
        sent_at = self._clock()
        payload = await self._oauth_post(
            endpoints,
            endpoints.token_url,
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            client_id=client_id,
            client_secret=client_secret,
            secrets=(refresh_token, client_secret),
            what="token refresh",
        )
        return parse_token_response(
            payload, now=sent_at, previous_refresh_token=refresh_token, token_type=token_type
        )

    async def revoke(
        self, endpoints: ProviderEndpoints, *, client_id: str, client_secret: str | None, token: str
    ) -> None:
        """Revoke a token (RFC 7009: an unknown token is a success too)."""
        if endpoints.revoke_url is None:
            raise ProviderError("The provider has no token revocation endpoint")
        await self._oauth_post(
            endpoints,
            endpoints.revoke_url,
            {"token": token},
            client_id=client_id,
            client_secret=client_secret,
            secrets=(token, client_secret),
            what="token revocation",
            expect_json=False,
        )

    async def request(
        self,
        base_url: str,
        method: str,
        path: str,
        *,
        access_token: str,
        query: Sequence[tuple[str, str]] = (),
        json: Any = None,
        multipart: Sequence[tuple[str, str | tuple[str, str, bytes]]] | None = None,
        headers: Sequence[tuple[str, str]] = (),
        timeout: float | None = None,  # noqa: ASYNC109 - a budget for this call, enforced inside
        max_response_bytes: int | None = None,
    ) -> ProviderResponse:
        """One authenticated call to `base_url` + `path` (already URL-quoted); the answer, whatever its status.

        `headers` are the caller's own (the proxy's, already checked); the bearer token is set after them, so
        none of them can stand in for it. The body is read (within the client's size cap, or
        `max_response_bytes`) before this returns. Nothing is retried here: whether a call may be resent is
        the caller's decision.
        """
        if not path.startswith("/"):
            raise ValueError("path must start with /")
        sent = dict(headers)
        sent["authorization"] = f"Bearer {access_token}"
        return await self._http.send(
            method,
            base_url + path,
            headers=sent,
            query=query,
            json=json,
            multipart=multipart,
            budget=self._timeout if timeout is None else timeout,
            label=f"{method} {path}",
            max_response_bytes=max_response_bytes,
        )

    async def fetch(
        self,
        url: str,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - a budget for this call, enforced inside
        max_response_bytes: int | None = None,
    ) -> ProviderResponse:
        """`GET url` with no credential: a file at a temporary URL the provider handed out (the URL is the
        permission). The caller decides which URLs may be fetched; nothing is retried here."""
        return await self._http.send(
            "GET",
            url,
            headers={},
            budget=self._timeout if timeout is None else timeout,
            label="GET the provider's file",
            max_response_bytes=max_response_bytes,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ProviderClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _oauth_post(
        self,
        endpoints: ProviderEndpoints,
        url: str,
        form: dict[str, str],
        *,
        client_id: str,
        client_secret: str | None,
        secrets: Iterable[str | None],
        what: str,
        expect_json: bool = True,
    ) -> object:
        headers: dict[str, str] = {}
        if endpoints.client_auth == "basic" and client_secret is not None:
            pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}".encode()
            headers["authorization"] = f"Basic {base64.b64encode(pair).decode('ascii')}"
        else:
            form["client_id"] = client_id
            if client_secret is not None:
                form["client_secret"] = client_secret
        response = await self._http.send(
            "POST",
            url,
            headers=headers,
            form=form,
            budget=self._timeout,
            label=f"the provider's {what} endpoint",
        )
        status = response.status_code
        payload = _json(response.content)
        if 200 <= status < 300:
            if not expect_json:
                return None
            if payload is _NOT_JSON:
                raise ProviderError(f"The provider's {what} answer is not JSON")
            return payload
        hidden = [secret for secret in secrets if secret]
        oauth_error = parse_oauth_error(payload, redact=hidden) if 400 <= status < 500 else None
        if oauth_error is not None:
            error, description = oauth_error
            raw = {"error": error, "error_description": description}
            raise ProviderOAuthError(
                f"The provider refused the {what} request ({error})",
                error=error,
                http_status=status,
                description=description,
                provider_errors=[_detail(response, url, raw)],
            )
        raw_text = redact_secrets(response.text[:_RAW_LIMIT], hidden)
        detail = _detail(response, url, raw_text)
        if 300 <= status < 400:
            raise ProviderError(
                f"The provider's {what} endpoint redirected (not followed)", provider_errors=[detail]
            )
        raise ProviderError(f"The provider's {what} endpoint answered {status}", provider_errors=[detail])


def _json(body: bytes) -> object:
    """The decoded JSON of `body`, or `_NOT_JSON`; parse errors are not raised (they hold the body)."""
    try:
        return jsonlib.loads(body)
    except ValueError:
        return _NOT_JSON


def _detail(response: ProviderResponse, url: str, raw: Any) -> ProviderErrorDetail:
    headers = {name: response.headers[name] for name in _SHOWN_HEADERS if name in response.headers}
    return {"status": response.status_code, "url": url, "raw": raw, "headers": headers}
