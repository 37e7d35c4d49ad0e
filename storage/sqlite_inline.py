"""SQLite on the event loop's own thread, behind SQLAlchemy's aiosqlite dialect.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a thread of its own and
hands each one over through a queue: about 60 thread handoffs per Telegram update here, which
cost more CPU than the SQL itself (profiled: ~2/3 of the per-update CPU). A local SQLite
statement takes microseconds, so this adapter runs it in place instead, offering the small
part of aiosqlite's interface that SQLAlchemy's dialect uses (`async_creator`).

What the thread used to absorb, waiting for another writer, is kept off the loop: write
transactions (`BEGIN IMMEDIATE`) of one database file queue on an asyncio lock in this process,
so SQLite's own busy wait only ever meets another process (SQLite serves one bot process).
"""

from __future__ import annotations

import asyncio
import sqlite3
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

from sqlalchemy.util.concurrency import await_

WRITE_WAIT_SECONDS = 10.0  # like PRAGMA busy_timeout: then "database is locked"
_write_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, WriteLock]] = (
    weakref.WeakKeyDictionary()
)


class WriteLock:
    """A first-come-first-served lock that can be taken without awaiting when it is free (the
    usual case: one bot process, transactions of microseconds), so taking it costs no trip
    through the event loop; a waiter is handed the lock by the one releasing it."""

    def __init__(self) -> None:
        self._held = False
        self._waiters: deque[asyncio.Future[None]] = deque()

    def locked(self) -> bool:
        return self._held

    def try_acquire(self) -> bool:
        if self._held or self._waiters:
            return False
        self._held = True
        return True

    async def acquire(self) -> None:
        if self.try_acquire():
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over as it was given up: hand it on
            elif waiter in self._waiters:
                self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # held on, by the waiter now
                return
        self._held = False


def _write_lock(path: str) -> WriteLock:
    """One lock per database file and event loop."""
    locks = _write_locks.setdefault(asyncio.get_running_loop(), {})
    lock = locks.get(path)
    if lock is None:
        lock = locks[path] = WriteLock()
    return lock


class _Cursor:
    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()
        self.arraysize = 1

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> _Cursor:
        if begins(sql):
            await self._connection.take_write_lock()
        try:
            self._cursor.execute(sql, () if parameters is None else parameters)
        except BaseException:
            if not self._connection._conn.in_transaction:
                self._connection.release_write_lock()
            raise
        return self

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> _Cursor:
        self._cursor.executemany(sql, rows)
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self.arraysize)

    async def close(self) -> None:
        self._cursor.close()


class _Opening:
    """What `connection.cursor()` returns in aiosqlite: something to `await ... __aenter__()`."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection

    async def __aenter__(self) -> _Cursor:
        return _Cursor(self._connection)


class _RunNow:
    """aiosqlite's request queue, as SQLAlchemy's isolation-level setter uses it."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # noqa: BLE001 - handed to the waiting caller
            future.set_exception(error)


class InlineConnection:
    def __init__(self, path: str) -> None:
        self._path = path
        self._conn: sqlite3.Connection = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False
        )
        self._connection: sqlite3.Connection | None = self._conn
        self._tx = _RunNow(self)
        self._holding: WriteLock | None = None
        # SQLAlchemy began a transaction and no statement has run in it yet: `BEGIN IMMEDIATE`
        # (and the write lock) comes with its first statement (storage/db.py), so a read run
        # before it (`BEFORE_BEGIN`) and a transaction with no statement take no lock.
        self.begin_pending = False

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def take_write_lock(self) -> None:
        lock = _write_lock(self._path)
        try:
            # Not `wait_for`: that starts a task for every transaction and gives up the
            # loop's turn even when the lock is free.
            async with asyncio.timeout(WRITE_WAIT_SECONDS):
                await lock.acquire()
        except TimeoutError as error:
            raise sqlite3.OperationalError("database is locked") from error
        self._holding = lock

    def take_write_lock_now(self) -> None:
        """From SQLAlchemy's side of the bridge (a greenlet): at once when the lock is free."""
        lock = _write_lock(self._path)
        if lock.try_acquire():
            self._holding = lock
        else:
            await_(self.take_write_lock())

    def begin_now(self) -> None:
        """`BEGIN IMMEDIATE` for the transaction SQLAlchemy began, before its first statement;
        from SQLAlchemy's side of the bridge (a greenlet), like `take_write_lock_now`."""
        self.begin_pending = False
        self.take_write_lock_now()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.release_write_lock()
            raise

    def release_write_lock(self) -> None:
        lock, self._holding = self._holding, None
        if lock is not None and lock.locked():
            lock.release()

    def commit_now(self) -> None:
        self.begin_pending = False
        try:
            self._conn.commit()
        finally:
            self.release_write_lock()

    def rollback_now(self) -> None:
        self.begin_pending = False
        try:
            self._conn.rollback()
        finally:
            self.release_write_lock()

    def cursor(self) -> _Opening:
        return _Opening(self)

    async def commit(self) -> None:
        self.commit_now()

    async def rollback(self) -> None:
        self.rollback_now()

    async def close(self) -> None:
        self.release_write_lock()
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        """Terminate: close at once (nothing runs elsewhere to stop)."""
        self.release_write_lock()
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)


def connector(path: str) -> Callable[[], Awaitable[InlineConnection]]:
    """`create_async_engine(..., async_creator=connector(path))`."""

    async def connect() -> InlineConnection:
        return InlineConnection(path)

    return connect


def begins(sql: str) -> bool:
    return sql.lstrip()[:15].upper() == "BEGIN IMMEDIATE"
