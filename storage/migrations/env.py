"""Alembic environment: async engines, batch mode on SQLite, our metadata and naming rules."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import DEFAULT_DATABASE_URL, async_url, create_engine
from storage.tables import metadata

config = context.config
# Database-specific search structures created by migration 0002, outside the metadata: the
# SQLite FTS5 table (and its shadow tables client_fts_*), the pg_trgm GIN index and the partial
# name-order index over live clients.
IGNORED_TABLES = frozenset({"client_fts"})
IGNORED_INDEXES = frozenset({"ix_client_search_trgm", "ix_client_org_live_name"})


def _url() -> str:
    # `astracrm db ...` passes the configured URL; the plain `alembic` CLI reads the variable.
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    return async_url(url or DEFAULT_DATABASE_URL)


def _ignored_table(name: str | None) -> bool:
    return name is not None and any(name == t or name.startswith(t + "_") for t in IGNORED_TABLES)


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Skip reflecting the ignored tables at all (FTS5 virtual and shadow tables)."""
    return not (type_ == "table" and _ignored_table(name))


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Database-specific search structures live outside the metadata."""
    if type_ == "table":
        return not _ignored_table(name)
    if type_ == "index":
        return name not in IGNORED_INDEXES
    return True


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


def run() -> None:
    existing = config.attributes.get("connection")
    if existing is not None:
        _configure(existing)
        return
    asyncio.run(_run_online())


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
