"""Request logs repository: logs and their steps written in batches, read a page at a time (keyset), deleted by
age and by count per project."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    false,
    func,
    insert,
    or_,
    select,
    true,
    update,
)

from linkyard.domain import Clock
from linkyard.domain.request_log import LogFilter, LogKind, LogQuery, RequestLog, StepLog
from linkyard.errors import NotFound
from linkyard.store.changes import Change
from linkyard.store.database import Database
from linkyard.store.tables import projects, request_log_steps, request_logs

PURGE_BATCH_SIZE = 500


def _dumps(value: Mapping[str, Any]) -> str:
    # Non-JSON leaves (a provider's odd value) become their text rather than failing the batch.
    return orjson.dumps(value, default=str).decode()


def _log_row(log: RequestLog) -> dict[str, Any]:
    return {
        "id": log.id,
        "project_id": log.project_id,
        "kind": log.kind,
        "category": log.category,
        "account_id": log.account_id,
        "action": log.action,
        # Never null: they order lists, and a keyset compares them.
        "provider": log.provider or "",
        "service": log.service or "",
        "resource": log.resource,
        "http_method": log.http_method,
        "path": log.path,
        "url": log.url,
        "query_params": _dumps(log.query_params),
        "status": log.status,
        "success": log.success,
        "duration_ms": log.duration_ms,
        "started_at": log.started_at,
        "ended_at": log.ended_at,
        "source_type": log.source_type,
        "source_value": log.source_value,
        "source_ip": log.source_ip,
        "is_worker": log.is_worker,
        "error": log.error,
        "request": _dumps(log.request),
        "response": _dumps(log.response),
        "step_count": len(log.steps),
    }


def _step_row(step: StepLog) -> dict[str, Any]:
    return {
        "id": step.id,
        "log_id": step.log_id,
        "project_id": step.project_id,
        "account_id": step.account_id,
        "action": step.action,
        "provider": step.provider or "",
        "service": step.service or "",
        "resource": step.resource,
        "position": step.position,
        "http_method": step.http_method,
        "url": step.url,
        "query_params": _dumps(step.query_params),
        "status": step.status,
        "success": step.success,
        "duration_ms": step.duration_ms,
        "started_at": step.started_at,
        "ended_at": step.ended_at,
        "error": step.error,
        "request": _dumps(step.request),
        "response": None if step.response is None else _dumps(step.response),
    }


def _step_from_row(m: Mapping[Any, Any]) -> StepLog:
    return StepLog(
        id=m["id"],
        log_id=m["log_id"],
        project_id=m["project_id"],
        account_id=m["account_id"],
        action=m["action"],
        provider=m["provider"] or None,
        service=m["service"] or None,
        resource=m["resource"],
        position=m["position"],
        http_method=m["http_method"],
        url=m["url"],
        query_params=orjson.loads(m["query_params"]),
        status=m["status"],
        success=m["success"],
        duration_ms=m["duration_ms"],
        started_at=m["started_at"],
        ended_at=m["ended_at"],
        error=m["error"],
        request=orjson.loads(m["request"]),
        response=None if m["response"] is None else orjson.loads(m["response"]),
    )


def _log_from_row(m: Mapping[Any, Any], steps: Sequence[StepLog] = ()) -> RequestLog:
    return RequestLog(
        id=m["id"],
        project_id=m["project_id"],
        kind=m["kind"],
        category=m["category"],
        account_id=m["account_id"],
        action=m["action"],
        provider=m["provider"] or None,
        service=m["service"] or None,
        resource=m["resource"],
        http_method=m["http_method"],
        path=m["path"],
        url=m["url"],
        query_params=orjson.loads(m["query_params"]),
        status=m["status"],
        success=m["success"],
        duration_ms=m["duration_ms"],
        started_at=m["started_at"],
        ended_at=m["ended_at"],
        source_type=m["source_type"],
        source_value=m["source_value"],
        source_ip=m["source_ip"],
        is_worker=m["is_worker"],
        error=m["error"],
        request=orjson.loads(m["request"]),
        response=orjson.loads(m["response"]),
        steps=tuple(steps),
        step_count=m["step_count"],
    )


def _conditions(table: Table, wanted: LogFilter) -> list[ColumnElement[bool]]:
    c = table.c
    found: list[ColumnElement[bool]] = []
    if wanted.unmatchable:
        found.append(false())
    groups = (
        (c.account_id, wanted.account_ids),
        (c.action, wanted.actions),
        (c.provider, wanted.providers),
        (c.service, wanted.services),
        (c.resource, wanted.resources),
        (c.http_method, tuple(method.upper() for method in wanted.http_methods)),
    )
    for column, values in groups:
        if values:
            found.append(column.in_(values))
    if wanted.request_ids:
        found.append((c.id if table is request_logs else c.log_id).in_(wanted.request_ids))
    log_only = (
        ("source_type", wanted.source_types),
        ("source_value", wanted.source_values),
        ("category", wanted.categories),
    )
    for name, values in log_only:
        if values:
            found.append(c[name].in_(values) if table is request_logs else false())
    if wanted.status_ranges:
        found.append(or_(*(c.status.between(low, high) for low, high in wanted.status_ranges)))
    if wanted.success is not None:
        found.append(c.success.is_(true()) if wanted.success else c.success.is_(false()))
    if wanted.start is not None:
        found.append(c.started_at >= wanted.start)
    if wanted.end is not None:
        found.append(c.started_at <= wanted.end)
    return found


def _paged(statement: Select[Any], table: Table, query: LogQuery) -> Select[Any]:
    """Keyset paging: rows after `query.after` in `query.order`, ties broken by id in the same direction."""
    column = table.c[query.order.field]
    key = table.c.id
    if query.after is not None:
        value, last_id = query.after
        if query.order.descending:
            statement = statement.where(or_(column < value, and_(column == value, key < last_id)))
        else:
            statement = statement.where(or_(column > value, and_(column == value, key > last_id)))
    if query.order.descending:
        statement = statement.order_by(column.desc(), key.desc())
    else:
        statement = statement.order_by(column.asc(), key.asc())
    return statement.limit(query.size + 1)


class RequestLogRepository:
    """Add request logs in batches; read a project's, a page at a time; delete old ones."""

    def __init__(self, database: Database, clock: Clock) -> None:
        self._db = database
        self._clock = clock

    async def add(self, logs: Sequence[RequestLog]) -> None:
        """Store `logs` and their steps in one transaction (logs of a project deleted meanwhile are dropped)."""
        if not logs:
            return
        async with self._db.write() as conn:
            known = set(
                (
                    await conn.execute(
                        select(projects.c.id).where(projects.c.id.in_({log.project_id for log in logs}))
                    )
                ).scalars()
            )
            kept = [log for log in logs if log.project_id in known]
            if not kept:
                return
            await conn.execute(insert(request_logs), [_log_row(log) for log in kept])
            steps = [_step_row(step) for log in kept for step in log.steps]
            if steps:
                await conn.execute(insert(request_log_steps), steps)

    async def page(
        self, project_id: str, kind: LogKind, query: LogQuery, *, with_steps: bool = False
    ) -> tuple[list[RequestLog], bool]:
        """A page of the project's logs of `kind` and whether more follow."""
        statement = select(request_logs).where(
            request_logs.c.project_id == project_id,
            request_logs.c.kind == kind,
            *_conditions(request_logs, query.filter),
        )
        async with self._db.read() as conn:
            rows = [
                row._mapping for row in (await conn.execute(_paged(statement, request_logs, query))).all()
            ]
            more = len(rows) > query.size
            rows = rows[: query.size]
            steps = await self._steps_of(conn, project_id, [row["id"] for row in rows]) if with_steps else {}
        return [_log_from_row(row, steps.get(row["id"], ())) for row in rows], more

    async def get(self, project_id: str, log_id: str, *, with_steps: bool = True) -> RequestLog:
        """One of the project's logs, with its steps; `NotFound` for another project's or an unknown id."""
        statement = select(request_logs).where(
            request_logs.c.project_id == project_id, request_logs.c.id == log_id
        )
        async with self._db.read() as conn:
            row = (await conn.execute(statement)).first()
            if row is None:
                raise NotFound("request log not found", code="request_log_not_found")
            steps = await self._steps_of(conn, project_id, [log_id]) if with_steps else {}
        return _log_from_row(row._mapping, steps.get(log_id, ()))

    async def steps_page(self, project_id: str, query: LogQuery) -> tuple[list[StepLog], bool]:
        """A page of the project's steps (of every log) and whether more follow."""
        statement = select(request_log_steps).where(
            request_log_steps.c.project_id == project_id, *_conditions(request_log_steps, query.filter)
        )
        async with self._db.read() as conn:
            result = await conn.execute(_paged(statement, request_log_steps, query))
            rows = [row._mapping for row in result.all()]
        return [_step_from_row(row) for row in rows[: query.size]], len(rows) > query.size

    async def set_body_logging(self, project_id: str, enabled: bool) -> None:
        """Turn the keeping of request and response bodies on or off for the project."""
        statement = (
            update(projects)
            .where(projects.c.id == project_id)
            .values(log_bodies=enabled, updated_at=self._clock())
        )
        async with self._db.write() as conn:
            result = await conn.execute(statement)
            if result.rowcount:
                # The project (and its setting) is cached with API keys: every process must re-read it.
                await self._db.announce(conn, Change("project", project_id))
        if result.rowcount == 0:
            raise NotFound("project not found")

    async def purge(
        self, *, started_before: datetime, keep_per_project: int, batch_size: int = PURGE_BATCH_SIZE
    ) -> int:
        """Delete logs (any project) started before `started_before`, and each project's beyond its newest
        `keep_per_project`, in batches, with their steps; returns how many logs."""
        deleted = await self._db.delete_in_batches(
            request_logs, request_logs.c.started_at < started_before, batch_size=batch_size
        )
        counts = (
            select(request_logs.c.project_id)
            .group_by(request_logs.c.project_id)
            .having(func.count() > keep_per_project)
        )
        async with self._db.read() as conn:
            crowded = list((await conn.execute(counts)).scalars())
        for project_id in crowded:
            newest = (
                select(request_logs.c.started_at, request_logs.c.id)
                .where(request_logs.c.project_id == project_id)
                .order_by(request_logs.c.started_at.desc(), request_logs.c.id.desc())
                .offset(keep_per_project)
                .limit(1)
            )
            async with self._db.read() as conn:
                edge = (await conn.execute(newest)).first()
            if edge is None:
                continue
            older = and_(
                request_logs.c.project_id == project_id,
                or_(
                    request_logs.c.started_at < edge.started_at,
                    and_(request_logs.c.started_at == edge.started_at, request_logs.c.id <= edge.id),
                ),
            )
            deleted += await self._db.delete_in_batches(request_logs, older, batch_size=batch_size)
        return deleted

    async def _steps_of(self, conn: Any, project_id: str, log_ids: Sequence[str]) -> dict[str, list[StepLog]]:
        if not log_ids:
            return {}
        statement = (
            select(request_log_steps)
            .where(request_log_steps.c.project_id == project_id, request_log_steps.c.log_id.in_(log_ids))
            .order_by(request_log_steps.c.log_id, request_log_steps.c.position)
        )
        found: dict[str, list[StepLog]] = {}
        for row in (await conn.execute(statement)).all():
            step = _step_from_row(row._mapping)
            found.setdefault(step.log_id, []).append(step)
        return found
