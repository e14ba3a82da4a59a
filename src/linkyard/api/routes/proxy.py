"""`POST /unified/proxy`: call any endpoint the connector opens to the proxy on a linked account, with its token
(StackOne's `proxyRequest`); the provider's successful answer comes back as it is."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from linkyard.api.deps import PlatformDep, ProjectDep
from linkyard.api.routes.actions import MAX_ACCOUNT_ID, account_id_of
from linkyard.api.schemas import ProxyResult, error_responses, proxy_successes
from linkyard.connectors.proxying import MAX_PATH
from linkyard.connectors.retry import RetryPolicy
from linkyard.services.proxy import ProxyCall, proxy_request

# The provider's body is served from Linkyard's origin: never sniffed into HTML, never run as a page.
_CONFINED = {"x-content-type-options": "nosniff", "content-security-policy": "default-src 'none'; sandbox"}

ProxyMethod = Literal["get", "post", "put", "patch", "delete", "GET", "POST", "PUT", "PATCH", "DELETE"]


class ProxyRequestBody(BaseModel):
    """StackOne's `ProxyRequestBody`: `path` relative to the connector's base URL (with its query), `method`
    (GET when absent), `headers` to send, a JSON `body`; `url` may only repeat the account's own base URL."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = Field(
        None, max_length=MAX_PATH, description="Relative to the base URL, with its query"
    )
    method: ProxyMethod | None = None
    headers: dict[str, str | int | float] | None = None
    body: dict[str, Any] | None = None
    url: str | None = Field(None, max_length=MAX_PATH)


def add_routes(routes: APIRouter) -> None:

    @routes.post(
        "/unified/proxy",
        response_model=ProxyResult,
        responses={**proxy_successes(), **error_responses(403, 404, 405, 408, 409, 412, 502)},
    )
    async def unified_proxy(
        call: ProxyRequestBody,
        request: Request,
        project: ProjectDep,
        platform: PlatformDep,
        x_account_id: Annotated[str | None, Header(max_length=MAX_ACCOUNT_ID)] = None,
    ) -> Response:
        account_id = account_id_of(x_account_id, None)
        policy: RetryPolicy = request.app.state.retry_policy
        proxied = ProxyCall(
            path=call.path, method=call.method, headers=call.headers, body=call.body, url=call.url
        )
        answer = await proxy_request(platform, project, account_id, proxied, policy=policy)
        headers = {**answer.headers, **_CONFINED}
        if answer.status == 204:
            headers.pop("content-type", None)
            return Response(status_code=204, headers=headers)
        headers["cache-control"] = "no-store"
        return Response(answer.content, status_code=answer.status, headers=headers)
