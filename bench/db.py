"""Scratch databases for benchmarks: create, load in bulk, migrate, drop.

Rows are loaded with Core `insert()` executemany between migration 0001 and head, so the
search structures of 0002 are built the way a production upgrade builds them over existing
data (one FTS5 'rebuild', one GIN build) instead of row by row through triggers.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import column, insert, table, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.data import FakeClient
from storage import migrate
from storage.db import create_engine

BATCH = 50_000
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def server_url() -> str | None:
    return os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch(backend: str) -> AsyncIterator[str]:
    """A new empty database URL for `backend`, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="astracrm_bench_") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    server = server_url()
    if not server:
        raise RuntimeError("set BENCH_DATABASE_URL or TEST_DATABASE_URL for PostgreSQL")
    name = f"astracrm_bench_{uuid.uuid4().hex[:10]}"
    await _admin(server, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _org_rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "name": f"Org {i}",
            "timezone": "Europe/Moscow",
            "currency": "RUB",
            "language": "ru",
            "country": "RU",
            "status": "active",
            "photos_required": 0,
            "next_order_number": 1,
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(1, count + 1)
    ]


def client_row(c: FakeClient) -> dict[str, Any]:
    return {
        "id": c.id,
        "organization_id": c.organization_id,
        "name": c.name,
        "name_norm": c.name_norm,
        "search_text": c.search_text,
        "merged_into_id": c.id - 1 if c.merged else None,
        "created_at": NOW,
        "updated_at": NOW,
        "deleted_at": NOW if c.deleted else None,
    }


def _batches(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _at_0001(name: str, row: dict[str, Any]) -> Any:
    """The table with only the given columns: rows go in at revision 0001, and the models'
    defaults for columns added later (which the table does not have yet) must stay out."""
    return table(name, *(column(key) for key in row))


async def _insert(engine: AsyncEngine, clients: list[FakeClient]) -> None:
    orgs = _org_rows(max(c.organization_id for c in clients))
    async with engine.begin() as connection:
        await connection.execute(insert(_at_0001("organization", orgs[0])), orgs)
    for batch in _batches(client_row(c) for c in clients):
        async with engine.begin() as connection:
            await connection.execute(insert(_at_0001("client", batch[0])), batch)


async def _analyze(engine: AsyncEngine) -> None:
    if engine.dialect.name == "postgresql":
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE client"))


async def load(url: str, clients: list[FakeClient]) -> dict[str, float]:
    """Migrate to 0001, insert, upgrade to head; seconds spent on each step."""
    started = time.perf_counter()
    await asyncio.to_thread(migrate.upgrade, url, "0001")
    engine = create_engine(url)
    try:
        inserted = time.perf_counter()
        await _insert(engine, clients)
        indexed = time.perf_counter()
        await asyncio.to_thread(migrate.upgrade, url)
        await _analyze(engine)
        done = time.perf_counter()
    finally:
        await engine.dispose()
    return {
        "insert_s": round(indexed - inserted, 2),
        "index_s": round(done - indexed, 2),
        "total_s": round(done - started, 2),
    }
