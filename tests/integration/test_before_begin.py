"""A read marked `BEFORE_BEGIN` (the update's arrival, storage/team/arrival.py) runs before its
transaction begins, on both databases: on SQLite without the write lock (a read-only update
does not queue behind a writer), on PostgreSQL without BEGIN; the next statement begins the
transaction, and a transaction that ran no statement takes no lock (docs/cpu-per-update.md,
third round)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from core.runtime.outbox import Delivery, Method, Sent
from storage import migrate
from storage.db import BEFORE_BEGIN, create_engine
from storage.runtime.outbox import SqlOutboxRepository

_READ = text("SELECT count(*) FROM tally").execution_options(**{BEFORE_BEGIN: True})


@pytest.fixture
async def engine(db_url):
    migrate.upgrade(db_url)
    engine = create_engine(db_url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE tally (n INTEGER)"))
    yield engine
    async with engine.begin() as connection:
        await connection.execute(text("DROP TABLE tally"))
    await engine.dispose()


def _began(connection) -> bool:
    """Whether the database has a transaction open on the connection (not SQLAlchemy's)."""
    driver = connection.sync_connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        return driver._connection._conn.in_transaction
    return driver._transaction is not None


async def test_a_read_before_begin_opens_no_transaction(engine):
    async with engine.connect() as connection:
        assert (await connection.execute(_READ)).scalar_one() == 0
        assert not _began(connection), "the read ran on its own"
        await connection.execute(text("INSERT INTO tally VALUES (1)"))
        assert _began(connection), "the next statement began the transaction"
        assert (await connection.execute(_READ)).scalar_one() == 1, "in it: sees the insert"
        await connection.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(_READ)).scalar_one() == 0, "rolled back as one"


async def test_a_read_before_begin_does_not_wait_for_a_writer(engine):
    holding, done = asyncio.Event(), asyncio.Event()

    async def writer() -> None:
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO tally VALUES (1)"))
            holding.set()
            await done.wait()  # holds SQLite's write lock until the read is done

    task = asyncio.create_task(writer())
    await holding.wait()
    async with engine.connect() as connection:
        read = connection.execute(_READ)
        assert (await asyncio.wait_for(read, 2)).scalar_one() == 0, "the committed rows"
    done.set()
    await task
    async with engine.connect() as connection:
        assert (await connection.execute(_READ)).scalar_one() == 1


async def test_a_transaction_without_statements_takes_no_write_lock(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    async with engine.begin() as idle:
        assert not _began(idle)
        async with engine.begin() as other:  # would wait 10 s for a lock held by `idle`
            await asyncio.wait_for(other.execute(text("INSERT INTO tally VALUES (2)")), 2)


async def test_the_outbox_mark_alone_opens_no_transaction_and_joins_one_that_is_open(engine):
    """After sending, marking the rows is most often the only statement (the outbox sender):
    on PostgreSQL it runs on its own; after another statement it is part of its transaction."""
    async with AsyncSession(engine) as session:
        outbox = SqlOutboxRepository(session)
        now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
        hi = Delivery(chat_id=5, method=Method.SEND, params={"text": "hi"})
        stored = await outbox.add([hi, hi], "me", now, timedelta(seconds=30))
        await session.commit()
        await outbox.mark([Sent(stored[0].id, 10)])
        connection = await session.connection()
        assert not _began(connection) or engine.dialect.name == "sqlite", "the DELETE alone"
        await session.commit()
        await session.execute(text("INSERT INTO tally VALUES (1)"))
        await outbox.mark([Sent(stored[1].id, 11)])
        await session.rollback()  # the mark with it
        rows = await session.execute(text("SELECT id FROM outbox"))
        assert [row.id for row in rows] == [stored[1].id]
        await session.execute(text("DELETE FROM outbox"))
        await session.commit()
