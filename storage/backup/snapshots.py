"""Consistent snapshots of the database while the bot runs, and loading one into an empty one.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database page by page
into memory while other connections keep writing (it restarts when a page it copied changes
under it, so the copy is one consistent state, WAL included); `serialize` gives its bytes.
Loading deserializes them and backs them up into the target file, one transaction.

PostgreSQL: `pg_dump --format=custom` (one repeatable-read snapshot of the whole database,
taken without blocking writers) and `pg_restore --single-transaction --exit-on-error` (all or
nothing). Both need a client whose major version is at least the server's (docs/backups.md).
The password goes in PGPASSWORD, never on the command line.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from core.backup.model import BackupRefused
from storage import migrate
from storage.db import create_engine, is_sqlite


class _Schema:
    def __init__(self, url: str) -> None:
        self.url = url

    async def revision(self) -> str | None:
        engine = create_engine(self.url)
        try:
            async with engine.connect() as connection:
                tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
                if "alembic_version" not in tables:
                    return None
                found = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return found.scalar_one_or_none()
        finally:
            await engine.dispose()

    async def is_empty(self) -> bool:
        engine = create_engine(self.url)
        try:
            async with engine.connect() as connection:
                tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        finally:
            await engine.dispose()
        return not tables

    def known_revisions(self) -> Sequence[str]:
        script = ScriptDirectory.from_config(migrate.alembic_config(self.url))
        return [r.revision for r in reversed(list(script.walk_revisions()))]

    async def upgrade(self) -> None:
        await asyncio.to_thread(migrate.upgrade, self.url)


class SqliteSnapshots(_Schema):
    backend = "sqlite"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        database = make_url(url).database
        if not database or database == ":memory:":
            raise BackupRefused("backups need a SQLite database in a file")
        self.path = Path(database)

    async def dump(self) -> tuple[bytes, str]:
        return await asyncio.to_thread(self._dump), f"sqlite {sqlite3.sqlite_version}"

    def _dump(self) -> bytes:
        source = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        copy = sqlite3.connect(":memory:")
        try:
            source.backup(copy)
            return _rollback_journal(copy.serialize())
        finally:
            copy.close()
            source.close()

    async def load(self, snapshot: bytes) -> None:
        await asyncio.to_thread(self._load, snapshot)

    def _load(self, snapshot: bytes) -> None:
        copy = sqlite3.connect(":memory:")
        try:
            copy.deserialize(_rollback_journal(snapshot))
            self.path.parent.mkdir(parents=True, exist_ok=True)
            target = sqlite3.connect(self.path)
            try:
                copy.backup(target)
            finally:
                target.close()
        except sqlite3.DatabaseError as error:
            raise BackupRefused(f"the snapshot is not a SQLite database ({error})") from None
        finally:
            copy.close()


def _rollback_journal(image: bytes) -> bytes:
    """The database image marked as a rollback-journal database: page 1 copied from a WAL
    database says WAL (bytes 18 and 19 of the header are 2), which an in-memory database
    cannot open; 1 and 1 is the legacy format, and the bot turns WAL on again when it opens
    the restored file."""
    if image[:16] != b"SQLite format 3\x00" or len(image) < 100:
        raise BackupRefused("the snapshot is not a SQLite database")
    return image[:18] + b"\x01\x01" + image[20:]


class PostgresSnapshots(_Schema):
    backend = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        parsed = make_url(url)
        self._password = parsed.password
        self._libpq = parsed.set(drivername="postgresql", password=None).render_as_string()

    async def dump(self) -> tuple[bytes, str]:
        with tempfile.TemporaryDirectory(prefix="astracrm-dump-") as folder:
            path = Path(folder) / "dump"
            await self._run(
                "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                f"--file={path}", f"--dbname={self._libpq}",
            )  # fmt: skip
            data = await asyncio.to_thread(path.read_bytes)
        version = (await self._run("pg_dump", "--version")).decode().strip()
        return data, version

    async def load(self, snapshot: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="astracrm-restore-") as folder:
            path = Path(folder) / "dump"
            await asyncio.to_thread(path.write_bytes, snapshot)
            await self._run(
                "pg_restore", "--single-transaction", "--exit-on-error", "--no-owner",
                "--no-privileges", f"--dbname={self._libpq}", str(path),
            )  # fmt: skip

    async def _run(self, *command: str) -> bytes:
        env = dict(os.environ)
        if self._password:
            env["PGPASSWORD"] = self._password
        try:
            process = await asyncio.create_subprocess_exec(
                *command,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=env,
            )
        except FileNotFoundError:
            raise BackupRefused(
                f"{command[0]} is not installed (Debian: postgresql-client-15)"
            ) from None
        out, err = await process.communicate()
        if process.returncode != 0:
            first = err.decode(errors="replace").strip().splitlines()[:1]
            raise BackupRefused(
                f"{command[0]} failed: {first[0] if first else process.returncode}"
            )
        return out


def snapshots_for(url: str) -> SqliteSnapshots | PostgresSnapshots:
    return SqliteSnapshots(url) if is_sqlite(url) else PostgresSnapshots(url)
