"""SQLAlchemy's side of SQLite on the event loop's thread (storage/sqlite_inline.py): the
aiosqlite dialect's DBAPI adapter, calling SQLite in place.

The dialect's own adapter awaits each call on the connection (making a cursor, executing with
the fetch, closing it, committing): a greenlet switch to the event loop's side and back each,
three or four per statement, though with the connection of sqlite_inline nothing ever waits
but a writer queued on the write lock. Here those calls are plain calls; only a `BEGIN
IMMEDIATE` that finds the lock held awaits it. Server-side cursors (streamed results) keep the
dialect's awaited path.

SQLAlchemy's `AsyncConnection.execute` insists that a statement awaited something (else it
takes the driver for a synchronous one), so each execute awaits once, on an awaitable that is
done at once: one switch there and back per statement instead of three or four.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

from storage.sqlite_inline import InlineConnection, begins


class _Now:
    """Awaited, done at once (no trip through the event loop's queue)."""

    __slots__ = ()

    def __await__(self) -> Any:
        return iter(())


_NOW = _Now()


class _SyncCursor(AsyncAdapt_aiosqlite_cursor):
    """SQLAlchemy's cursor for this driver, calling SQLite in place: aiosqlite's adapter awaits
    each call (making the cursor, executing, fetching, closing), a greenlet switch there and
    back each, several per statement, though nothing here ever waits but a writer queued on
    the lock."""

    __slots__ = ()
    _awaitable_cursor_close = False

    def _make_new_cursor(self, connection: Any) -> Any:
        return connection._conn.cursor()

    def _aenter_cursor(self, cursor: Any) -> Any:
        return cursor

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        connection: InlineConnection = self._connection  # type: ignore[assignment]
        cursor: Any = self._cursor  # sqlite3's
        if begins(operation):
            connection.take_write_lock_now()
        try:
            await_(_NOW)
            cursor.execute(operation, () if parameters is None else parameters)
            if cursor.description:
                self._rows = deque(cursor.fetchall())
        except Exception as error:  # noqa: BLE001 - SQLAlchemy's translation, re-raised
            if not connection._conn.in_transaction:
                connection.release_write_lock()
            self._adapt_connection._handle_exception(error)
        return None

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            cursor: Any = self._cursor  # sqlite3's
            await_(_NOW)
            cursor.executemany(operation, seq_of_parameters)
        except Exception as error:  # noqa: BLE001 - SQLAlchemy's translation, re-raised
            self._adapt_connection._handle_exception(error)
        return None


class _SyncConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _SyncCursor

    def commit(self) -> None:
        connection: InlineConnection = self._connection  # type: ignore[assignment]
        if connection._connection:
            try:
                connection.commit_now()
            except Exception as error:  # noqa: BLE001 - SQLAlchemy's translation, re-raised
                self._handle_exception(error)

    def rollback(self) -> None:
        connection: InlineConnection = self._connection  # type: ignore[assignment]
        if connection._connection:
            try:
                connection.rollback_now()
            except Exception as error:  # noqa: BLE001 - SQLAlchemy's translation, re-raised
                self._handle_exception(error)


class _Dbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> _SyncConnection:
        creator = kw.pop("async_creator_fn")
        return _SyncConnection(self, await_(creator(*arg, **kw)))


def dbapi() -> Any:
    """`create_async_engine(..., module=dbapi())`, with `async_creator=connector(path)`."""
    import aiosqlite

    return _Dbapi(aiosqlite, sqlite3)
