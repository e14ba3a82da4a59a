"""`GET /healthz`: the process is up and serving (no authentication, no database round trip)."""

from __future__ import annotations

from fastapi import APIRouter


def add_routes(routes: APIRouter) -> None:

    @routes.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}
