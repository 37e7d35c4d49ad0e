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
IGNORED_TABLES = frozenset({"client_fts"})


def _url() -> str:
    # `astracrm db ...` passes the configured URL; the plain `alembic` CLI reads the variable.
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("DATABASE_URL")
    return async_url(url or DEFAULT_DATABASE_URL)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Database-specific search structures (FTS5 shadow tables) live outside the metadata."""
    if type_ == "table" and name is not None:
        return not any(name == t or name.startswith(t + "_") for t in IGNORED_TABLES)
    return True


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=include_object,
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
