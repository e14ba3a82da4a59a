"""Projects (tenants) repository."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update

from linkyard.domain import Clock, Project, new_id
from linkyard.errors import NotFound
from linkyard.store.changes import Change
from linkyard.store.database import Database
from linkyard.store.tables import projects


def project_from_row(m: Mapping[Any, Any]) -> Project:
    return Project(
        id=m["id"],
        name=m["name"],
        allowed_origins=tuple(m["allowed_origins"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        log_bodies=bool(m["log_bodies"]),
    )


class ProjectRepository:
    """Create, read, update and delete projects; each method touches one project only."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def create(self, name: str, *, allowed_origins: Sequence[str] = ()) -> Project:
        now = self._clock()
        values = {
            "id": new_id("prj"),
            "name": name,
            "allowed_origins": list(allowed_origins),
            "created_at": now,
            "updated_at": now,
            "log_bodies": False,
        }
        async with self._db.write() as conn:
            await conn.execute(insert(projects).values(values))
        return project_from_row(values)

    async def get(self, project_id: str) -> Project:
        async with self._db.read() as conn:
            row = (await conn.execute(select(projects).where(projects.c.id == project_id))).first()
        if row is None:
            raise NotFound("project not found")
        return project_from_row(row._mapping)

    async def list_all(self) -> list[Project]:
        """Every project, oldest first: for the operator (CLI, admin dashboard), never for a tenant's key."""
        async with self._db.read() as conn:
            rows = (await conn.execute(select(projects).order_by(projects.c.created_at, projects.c.id))).all()
        return [project_from_row(row._mapping) for row in rows]

    async def update(
        self, project_id: str, *, name: str | None = None, allowed_origins: Sequence[str] | None = None
    ) -> Project:
        changes: dict[str, Any] = {"updated_at": self._clock()}
        if name is not None:
            changes["name"] = name
        if allowed_origins is not None:
            changes["allowed_origins"] = list(allowed_origins)
        statement = update(projects).where(projects.c.id == project_id).values(changes).returning(projects)
        async with self._db.write() as conn:
            row = (await conn.execute(statement)).first()
            if row is not None:
                await self._db.announce(conn, Change("project", project_id))
        if row is None:
            raise NotFound("project not found")
        return project_from_row(row._mapping)

    async def delete(self, project_id: str) -> None:
        """Delete a project and, by cascade, everything it owns (revoke its accounts' tokens first)."""
        async with self._db.write() as conn:
            result = await conn.execute(delete(projects).where(projects.c.id == project_id))
            if result.rowcount:
                await self._db.announce(conn, Change("project", project_id))
        if result.rowcount == 0:
            raise NotFound("project not found")
