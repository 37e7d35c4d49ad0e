"""SQLite on the event loop's thread: write transactions of one file queue on an asyncio lock
(never blocking the loop), release it however they end, and time out like busy_timeout."""

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage import migrate, sqlite_inline
from storage.db import create_engine


@pytest.fixture
async def engines(tmp_path):
    url = f"sqlite:///{tmp_path}/inline.db"
    migrate.upgrade(url)
    pair = create_engine(url), create_engine(url)
    async with pair[0].begin() as connection:
        await connection.execute(text("CREATE TABLE tally (n INTEGER)"))
    yield pair
    for engine in pair:
        await engine.dispose()


async def _add(engine, n: int, hold: float, log: list[str]) -> None:
    async with engine.begin() as connection:
        # BEGIN IMMEDIATE, and the write lock, come with the transaction's first statement
        await connection.execute(text("INSERT INTO tally VALUES (:n)"), {"n": n})
        log.append(f"begin {n}")
        await asyncio.sleep(hold)  # e.g. a Bot API call inside the transaction
        log.append(f"end {n}")


async def test_writers_queue_without_blocking_the_loop(engines):
    log: list[str] = []
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    beat = asyncio.create_task(ticker())
    await asyncio.gather(_add(engines[0], 1, 0.2, log), _add(engines[1], 2, 0, log))
    beat.cancel()
    assert log == ["begin 1", "end 1", "begin 2", "end 2"], "one writer at a time, per file"
    assert ticks >= 10, "the loop kept running while the second writer waited"
    async with engines[0].connect() as connection:
        found = (await connection.execute(text("SELECT n FROM tally ORDER BY n"))).scalars()
        assert list(found) == [1, 2]


async def test_a_failed_transaction_releases_the_write_lock(engines):
    with pytest.raises(ZeroDivisionError):
        async with engines[0].begin() as connection:
            await connection.execute(text("INSERT INTO tally VALUES (1)"))
            _ = 1 / 0
    with pytest.raises(OperationalError):
        async with engines[0].begin() as connection:
            await connection.execute(text("INSERT INTO no_such_table VALUES (1)"))
    await asyncio.wait_for(_add(engines[1], 3, 0, []), 1)


async def test_a_writer_waits_no_longer_than_the_busy_timeout(engines, monkeypatch):
    monkeypatch.setattr(sqlite_inline, "WRITE_WAIT_SECONDS", 0.1)
    holder = asyncio.create_task(_add(engines[0], 1, 0.5, []))
    await asyncio.sleep(0.05)
    with pytest.raises(OperationalError, match="database is locked"):
        await _add(engines[1], 2, 0, [])
    await holder
