"""`bench jobs --explain`: the plans of the statements a claim and an idle look send.

Each call is made once for real with its statements recorded; then each recorded statement
runs again under EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL or EXPLAIN QUERY PLAN on SQLite,
in a transaction that is rolled back, so the queue is left as the call left it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")


async def plans(engine: AsyncEngine, call: Callable[[], Awaitable[T]]) -> tuple[list[str], T]:
    """The plan of every SELECT or UPDATE `call` sends, each headed by its statement, and
    what `call` returned."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            sent.append((statement, parameters))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        result = await call()
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    postgresql = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if postgresql else "EXPLAIN QUERY PLAN "
    found = []
    async with engine.connect() as connection:
        for statement, parameters in sent:
            plan = await connection.exec_driver_sql(prefix + statement, parameters)
            rows = [" ".join(str(cell) for cell in row) for row in plan]
            found.append(f"{_one_line(statement)}\n" + "\n".join(rows))
        await connection.rollback()
    return found, result


def _one_line(statement: str) -> str:
    return " ".join(statement.split())
