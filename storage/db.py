"""Database engines: one URL format for users, the right driver and pragmas underneath."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage import sqlite_adapter, sqlite_inline

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/astracrm.db"

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",  # 64 MB: search walks stay in memory (measured 3x faster)
)


def async_url(url: str) -> str:
    """Accept plain `sqlite:///` and `postgresql://` URLs and pick the asyncio drivers."""
    parsed = make_url(url)
    driver = parsed.drivername
    if driver in ("sqlite", "sqlite+pysqlite"):
        parsed = parsed.set(drivername="sqlite+aiosqlite")
    elif driver in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, **options: Any) -> AsyncEngine:
    url = async_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            options.setdefault("async_creator", sqlite_inline.connector(database))
            options.setdefault("module", sqlite_adapter.dbapi())
        engine = create_async_engine(url, **options)
        _configure_sqlite(engine)
        return engine
    options.setdefault("pool_size", 10)
    options.setdefault("max_overflow", 10)
    # No ping before every transaction (an extra round trip each, and PostgreSQL sees twice
    # the transactions): connections are recycled before servers and proxies drop idle ones,
    # and an update's first statement (storage/runtime/inbox.py) is retried once on a dropped
    # connection.
    options.setdefault("pool_recycle", 1800)
    engine = create_async_engine(url, **options)
    if engine.dialect.driver == "asyncpg":
        dialect = engine.sync_engine.dialect
        dialect.do_execute = _postgresql_execute  # type: ignore[method-assign]
        dialect.do_executemany = _postgresql_executemany  # type: ignore[method-assign]
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, a busy timeout, and `BEGIN IMMEDIATE` for every transaction.

    Taking the write lock at BEGIN means two transactions never both read and then fail to
    upgrade (SQLITE_BUSY_SNAPSHOT); they queue on the busy timeout instead.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    dialect = engine.sync_engine.dialect
    dialect.do_begin = _begin_immediate  # type: ignore[method-assign]
    dialect.do_execute = _sqlite_execute  # type: ignore[method-assign]
    dialect.do_executemany = _sqlite_executemany  # type: ignore[method-assign]
    dialect.do_execute_no_params = _sqlite_execute_no_params  # type: ignore[method-assign]


def _begin_immediate(dbapi_connection: Any) -> None:
    """The dialect's `do_begin` (it issues none: the driver is in autocommit mode). On the
    inline connection, `BEGIN IMMEDIATE` waits for the transaction's first statement
    (`_begin_pending`): a read run before it (`BEFORE_BEGIN`) and a transaction with no
    statement take no write lock. Otherwise at once, straight on the driver's cursor: through
    `exec_driver_sql` in a "begin" event it cost about 0.08 ms of CPU per transaction
    (docs/cpu-per-update.md). Errors are SQLAlchemy's as before (`do_begin` and `do_execute`
    are called where they are wrapped); event listeners on statements do not see it."""
    inline = getattr(dbapi_connection, "_connection", None)
    if isinstance(inline, sqlite_inline.InlineConnection):
        inline.begin_pending = True
        return
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()


def _begin_pending(cursor: Any, context: Any) -> None:
    inline = cursor._connection  # the driver's connection (InlineConnection or aiosqlite's)
    if getattr(inline, "begin_pending", False) and not (
        context is not None
        and context.execution_options.get(BEFORE_BEGIN)
        # a write needs the write lock (this process's queue on it) whatever it is marked
        and not (context.isinsert or context.isupdate or context.isdelete)
    ):
        try:
            inline.begin_now()
        except Exception as error:  # noqa: BLE001 - the adapter's translation, re-raised
            cursor._adapt_connection._handle_exception(error)


def _sqlite_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
    _begin_pending(cursor, context)
    cursor.execute(statement, parameters)


def _sqlite_executemany(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
    _begin_pending(cursor, context)
    cursor.executemany(statement, parameters)


def _sqlite_execute_no_params(cursor: Any, statement: str, context: Any = None) -> None:
    _begin_pending(cursor, context)
    cursor.execute(statement)


def _postgresql_execute(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
    """asyncpg's adapter starts a transaction (a round trip: BEGIN) before a statement when
    none is open; a `BEFORE_BEGIN` statement first in its transaction runs without one
    (autocommit, one round trip instead of BEGIN, the statement and a ROLLBACK or COMMIT when
    nothing follows). Under READ COMMITTED each statement reads what was committed when it
    started, in a transaction or not, so a read sees the same rows, and one statement is
    atomic on its own; the transaction begins with the next statement."""
    _postgresql_run(cursor.execute, cursor, statement, parameters, context)


def _postgresql_executemany(
    cursor: Any, statement: str, parameters: Any, context: Any = None
) -> None:
    """As `_postgresql_execute`: asyncpg's `executemany` is atomic on its own (one implicit
    transaction for all its rows when none is open)."""
    _postgresql_run(cursor.executemany, cursor, statement, parameters, context)


def _postgresql_run(
    run: Callable[[str, Any], Any], cursor: Any, statement: str, parameters: Any, context: Any
) -> None:
    if context is not None and context.execution_options.get(BEFORE_BEGIN):
        adapted = cursor._adapt_connection
        if adapted._transaction is None and adapted.isolation_level != "autocommit":
            level = adapted.isolation_level
            adapted.isolation_level = "autocommit"
            try:
                run(statement, parameters)
            finally:
                adapted.isolation_level = level
            return
    run(statement, parameters)


# An execution option for a statement that needs no transaction around it: when it is the
# first statement of its transaction it runs on its own, before the transaction begins (on
# SQLite without the write lock of `BEGIN IMMEDIATE`, reads only: a write there begins as
# usual; on PostgreSQL without BEGIN, reads and single writes), and the transaction begins
# with the next statement, if any. Taking no lock: nothing FOR UPDATE, no advisory or NOTIFY.
# The update's arrival (storage/team/arrival.py): a read-only update then costs no
# transaction of its own (docs/cpu-per-update.md, third round); the ledger's batch and the
# inbox's insert alone on PostgreSQL (storage/runtime/).
BEFORE_BEGIN = "astracrm_before_begin"


# Statements that changed data in a session so far (inserts, updates, deletes, flushes), in
# its `info` (counted by storage/uow.py's listeners).
WRITES = "astracrm_writes"


def written(session: AsyncSession) -> int:
    return int(session.sync_session.info.get(WRITES, 0))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


async def ping(url: str) -> None:
    """Open a connection and run one trivial query; raises if the database cannot be reached."""
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()


async def once_more_if_dropped(operation: Callable[[], Awaitable[T]], what: str) -> T:
    """Run `operation`; if it met a pooled connection that a database restart or failover
    dropped, run it once more (the pool is renewed by then). For the first statement of a
    piece of work (an update's inbox insert, a job runner's claim): this replaces a ping
    before every transaction."""
    try:
        return await operation()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        log.warning("%s: database connection dropped; retried", what)
        return await operation()
