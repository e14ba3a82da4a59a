"""Walk a connect link the way a browser does: hosted page, Connect, sign in and consent at the provider,
callback.

Used by `linkyard demo` and by tests. Every hop is a real HTTP request through one cookie-keeping client (the
flow binds its state to a cookie, the emulator its sign-in), redirects are followed by hand so that each step
is checked, and the forms posted are the ones the pages serve. Nothing here knows Linkyard's internals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx

from linkyard.cli.output import CommandFailed

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MAX_HOPS = 5


@dataclass(frozen=True, slots=True)
class LinkedFlow:
    """Where the flow ended: the last URL and what it answered (a success page or the return URL)."""

    final_url: str
    status_code: int
    account_id: str | None


@dataclass(slots=True)
class _Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _Page(HTMLParser):
    """The links and forms of a page: enough of a browser to press a button."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[_Form] = []
        self._open: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "a" and "href" in found:
            self.links.append(found["href"])
        elif tag == "form":
            self._open = _Form(found.get("action", ""), found.get("method", "get").lower())
            self.forms.append(self._open)
        elif (
            self._open is not None
            and tag == "input"
            and found.get("name")
            and found.get("type", "text") in ("hidden", "text", "email")
        ):
            self._open.fields[found["name"]] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def _read(response: httpx.Response) -> _Page:
    page = _Page()
    page.feed(response.text)
    return page


async def follow_connect_link(
    client: httpx.AsyncClient, auth_link_url: str, *, login_email: str
) -> LinkedFlow:
    """Open `auth_link_url`, press Connect, sign in at the provider as `login_email`, press Authorize and come
    back through the callback. A failure names the step, never a URL (they carry tokens, codes and states)."""
    hosted = await client.get(auth_link_url)
    _expect(hosted, {200}, "the hosted connect page")
    start = next((link for link in _read(hosted).links if "/connect/oauth2/" in link), None)
    if start is None:
        raise CommandFailed("the hosted connect page has no Connect link")
    started = await client.get(urljoin(auth_link_url, start))
    _expect(started, _REDIRECTS, "pressing Connect")
    authorize_url = urljoin(auth_link_url, started.headers["location"])

    consent_url, consent = await _provider_consent_page(client, authorize_url, login_email)
    form = next(
        (f for f in _read(consent).forms if f.method == "post" and f.action.endswith("/authorize")), None
    )
    if form is None:
        raise CommandFailed("the provider's consent page has no authorization form")
    decided = await client.post(
        urljoin(consent_url, form.action), data={**form.fields, "decision": "approve"}
    )
    _expect(decided, _REDIRECTS, "authorizing at the provider")
    callback_url = urljoin(consent_url, decided.headers["location"])

    answer = await client.get(callback_url)
    _expect(answer, {200, *_REDIRECTS}, "the OAuth callback")
    final_url = callback_url
    for _ in range(_MAX_HOPS):
        if answer.status_code not in _REDIRECTS:
            break
        final_url = urljoin(final_url, answer.headers["location"])
        status = dict(parse_qsl(urlsplit(final_url).query)).get("status")
        if status not in (None, "success"):
            raise CommandFailed(f"the connect flow ended with status {status!r}")
        if _origin(final_url) != _origin(callback_url):
            break  # the integrator's own return URL: not ours to open
        answer = await client.get(final_url)
    _expect(answer, {200, *_REDIRECTS}, "the page after the callback")
    account_id = dict(parse_qsl(urlsplit(final_url).query)).get("account_id")
    return LinkedFlow(final_url=final_url, status_code=answer.status_code, account_id=account_id)


async def _provider_consent_page(
    client: httpx.AsyncClient, authorize_url: str, login_email: str
) -> tuple[str, httpx.Response]:
    """The provider's consent page for `authorize_url`, signing in as `login_email` when it asks."""
    url = authorize_url
    response = await client.get(url)
    signed_in = False
    for _ in range(_MAX_HOPS):
        if response.status_code in _REDIRECTS:
            url = urljoin(url, response.headers["location"])
            response = await client.get(url)
            continue
        _expect(response, {200}, "the provider's authorization page")
        page = _read(response)
        sign_in = next((f for f in page.forms if urlsplit(f.action).path.endswith("/sign_in")), None)
        if sign_in is None:
            return url, response
        if signed_in:
            raise CommandFailed("the provider did not accept the sign-in")
        fields = {**sign_in.fields, "login_email": login_email}
        response = await client.post(urljoin(url, sign_in.action), data=fields)
        signed_in = True
    raise CommandFailed("the provider's authorization page redirected too many times")


def _expect(response: httpx.Response, statuses: set[int] | frozenset[int], step: str) -> None:
    if response.status_code not in statuses:
        raise CommandFailed(f"the connect flow stopped at {step}: HTTP {response.status_code}")
    if response.status_code in _REDIRECTS and "location" not in response.headers:
        raise CommandFailed(f"the connect flow stopped at {step}: a redirect without a location")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc
