"""Test databases migrated once per process instead of once per use (tests/conftest.py wraps
`storage.migrate.upgrade` with `Upgrades`).

Upgrading to head costs Alembic its environment and every migration script even when there is
nothing to do: a few tenths of a second on every `LocalBot.start`, whose database the `db_url`
fixture already made (a copy of the SQLite template, or the worker's PostgreSQL database). So,
for head only and with one head, a database already stamped at head is left alone (Alembic
would find nothing to do); anything else (another revision, an older or empty database) goes
to Alembic as before. The SQLite template is Alembic's work, once per process, or a parent
run's (`TEMPLATE_ENV`, tests/test_any_hour.py: the same tree's migrations).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy.engine import make_url

from storage import migrate

TEMPLATE_ENV = "ASTRACRM_TEST_SQLITE_TEMPLATE"
Upgrade = Callable[..., None]


@functools.cache
def heads() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    config = migrate.alembic_config("sqlite://")
    return tuple(ScriptDirectory.from_config(config).get_heads())


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


async def _pg_revisions(url: str) -> set[str]:
    import asyncpg

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()
    return {row[0] for row in rows}


def revisions(url: str) -> set[str]:
    """The revisions stamped in the database (empty: none, no table, or not readable)."""
    try:
        path = _sqlite_path(url)
        if path is None:
            if make_url(url).get_backend_name() != "postgresql":
                return set()
            with ThreadPoolExecutor(max_workers=1) as pool:  # off any running event loop
                return pool.submit(asyncio.run, _pg_revisions(url)).result()
        if not path.is_file():
            return set()
        with contextlib.closing(sqlite3.connect(path)) as connection:
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        return {row[0] for row in rows}
    except Exception:  # noqa: BLE001 - whatever it is, Alembic decides
        return set()


class Upgrades:
    """`migrate.upgrade` that skips what Alembic would do for nothing or has done already."""

    def __init__(self, upgrade: Upgrade) -> None:
        self._upgrade = upgrade
        self._template: Path | None = None

    def template(self) -> Path:
        """This process's SQLite database at head (a parent run's if `TEMPLATE_ENV` names one)."""
        if self._template is None:
            given = os.environ.get(TEMPLATE_ENV)
            if given and Path(given).is_file():
                self._template = Path(given)
            else:
                folder = tempfile.mkdtemp(prefix="astracrm_head_")
                atexit.register(shutil.rmtree, folder, ignore_errors=True)
                path = Path(folder) / "head.db"
                self._upgrade(f"sqlite:///{path}")
                self._template = path
        return self._template

    def __call__(self, database_url: str, revision: str = "head") -> None:
        if revision != "head" or len(heads()) != 1:
            self._upgrade(database_url, revision)
            return
        if revisions(database_url) != set(heads()):
            self._upgrade(database_url, revision)
