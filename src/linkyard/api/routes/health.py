"""`GET /healthz`: the process is up and serving (no authentication, no database round trip)."""

from __future__ import annotations

from fastapi import APIRouter

from linkyard.api.schemas import Health


def add_routes(routes: APIRouter) -> None:

    @routes.get("/healthz", response_model=Health)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}
