"""Helpers for the backup tests: an empty database to restore into (a new SQLite file, or a
PostgreSQL database of the test session's own, emptied for each test: the shared databases
other tests use are never touched), every row of every table, and the services around
backups."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from pyrage import x25519
from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import make_url

from core.backup.restore import RestoreService, Target
from core.backup.service import BackupService
from integrations.age import AgeCipher
from storage.backup.journal import StoreJournal
from storage.backup.snapshots import snapshots_for
from storage.db import create_engine, session_factory
from storage.files.local import LocalFileStore
from storage.uow import SqlUnitOfWork


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as connection:
        await connection.execute(text(statement))
    await engine.dispose()


@contextmanager
def scratch_database(like: str) -> Iterator[str]:
    """A PostgreSQL database of its own on the server of `like`, dropped at the end (creating
    and dropping one costs seconds: a session makes one and empties it for each test)."""
    name = f"astracrm_restore_{uuid.uuid4().hex[:10]}"
    _in_thread(_admin(like, f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(like).set(database=name).render_as_string(hide_password=False)
    finally:
        _in_thread(_admin(like, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def emptied(url: str) -> str:
    """The database with nothing in it, as new (its schema and extensions dropped)."""
    await _admin(url, "DROP SCHEMA public CASCADE")
    await _admin(url, "CREATE SCHEMA public")
    return url


def _in_thread(coroutine: Any) -> None:
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


async def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table (reflected, so tables no model names are in too) and its rows, in order."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            meta = MetaData()
            await connection.run_sync(meta.reflect)
            found: dict[str, list[tuple[Any, ...]]] = {}
            for table in meta.sorted_tables:
                order = list(table.primary_key.columns) or list(table.columns)
                rows = await connection.execute(select(table).order_by(*order))
                found[table.name] = [tuple(r) for r in rows]
            return found
    finally:
        await engine.dispose()


class Keys:
    """An age key pair made for the test."""

    def __init__(self) -> None:
        identity = x25519.Identity.generate()
        self.secret = str(identity)
        self.public = str(identity.to_public())


def backups(db_url: str, folder: Path, clock, keys: Keys, days: int = 30) -> BackupService:
    cipher = AgeCipher([keys.public], None)  # a backing-up process needs the public key only
    store = LocalFileStore(folder / "backups")
    return BackupService(snapshots_for(db_url), cipher, store, clock, days)


def restorer(folder: Path, secret: str) -> RestoreService:
    store = LocalFileStore(folder / "backups")
    journal = StoreJournal(LocalFileStore(folder / "erasure-journal"))
    return RestoreService(store, AgeCipher([], secret), journal)


@asynccontextmanager
async def target(url: str, clock, files_dir: Path) -> AsyncIterator[Target]:
    engine = create_engine(url)
    sessions = session_factory(engine)
    try:
        yield Target(
            snapshots_for(url),
            lambda: SqlUnitOfWork(sessions, clock),
            LocalFileStore(files_dir / "objects"),
            LocalFileStore(files_dir / "spool"),
        )
    finally:
        await engine.dispose()
