"""The query plans of client searches: every statement `search_client_ids` sends for a query,
explained the way it ran (PostgreSQL: EXPLAIN ANALYZE with buffers, after the same SET LOCAL;
SQLite: EXPLAIN QUERY PLAN). For the benchmark's notes (`bench search --explain`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clients.search import parse_query
from storage.clients.search import search_client_ids
from storage.db import session_factory

PG_EXPLAIN = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
SQLITE_EXPLAIN = "EXPLAIN QUERY PLAN "


async def _sent(engine: AsyncEngine, org_id: int, typed: str, limit: int) -> list[Any]:
    """The statements (with their parameters) one search sends, after a warm-up search."""
    sent: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    query = parse_query(typed)
    async with session_factory(engine)() as session:
        await search_client_ids(session, org_id, query, limit)
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        try:
            await search_client_ids(session, org_id, query, limit)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", record)
    return sent


async def explain(engine: AsyncEngine, org_id: int, typed: str, limit: int) -> list[str]:
    """One search's plans as text lines, statement after statement (settings shown as sent)."""
    postgres = engine.dialect.name == "postgresql"
    lines: list[str] = []
    async with engine.connect() as connection:
        for statement, parameters in await _sent(engine, org_id, typed, limit):
            if statement.startswith("SET "):
                await connection.exec_driver_sql(statement)
                lines.append(f"-- {statement}")
                continue
            prefix = PG_EXPLAIN if postgres else SQLITE_EXPLAIN
            result = await connection.exec_driver_sql(prefix + statement, parameters)
            rows: list[Any] = list(result.all())
            lines.append(f"-- {len(statement)} characters of SQL, {len(parameters)} parameters")
            lines.extend(str(r[0]) if postgres else f"{r[1]:>3} {r[3]}" for r in rows)
        await connection.rollback()
    return lines


async def explain_kinds(
    engine: AsyncEngine, org_id: int, examples: dict[str, str], limit: int
) -> dict[str, dict[str, Any]]:
    """For each kind, its example query and the plans of its search."""
    return {
        kind: {"query": typed, "plan": await explain(engine, org_id, typed, limit)}
        for kind, typed in examples.items()
    }


def render_plans(runs: list[dict[str, Any]]) -> list[str]:
    """The plans of a report's runs, for printing after its table."""
    return [
        f"\n{r['backend']} {kind}, the p95 query {p['query']!r}:\n" + "\n".join(p["plan"])
        for r in runs
        for kind, p in r.get("plans", {}).items()
    ]
