"""Idle job runners do not poll: they wake when a transaction that added jobs commits (in
this process through the unit of work; on PostgreSQL in any process, by NOTIFY) and when the
next job comes due. On both databases."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import text

from core.runtime.jobs import JobSignal
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue, listen_for_jobs
from storage.uow import SqlUnitOfWork


@pytest.fixture
async def sessions(db_url):
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


async def _enqueue(sessions, clock, signal: JobSignal | None, commit: bool = True, delay=0):
    on_jobs = signal.fire if signal is not None else None
    async with SqlUnitOfWork(sessions, clock, on_jobs=on_jobs) as uow:
        await uow.jobs.enqueue("upload", {}, clock.now() + timedelta(seconds=delay))
        if commit:
            await uow.commit()


async def test_a_commit_that_added_jobs_wakes_this_process_and_a_rollback_does_not(
    sessions, clock
):
    signal, woken = JobSignal(), []
    signal.listen(lambda: woken.append(1))
    await _enqueue(sessions, clock, signal, commit=False)
    assert woken == []
    await _enqueue(sessions, clock, signal)
    assert woken == [1]
    async with SqlUnitOfWork(sessions, clock, on_jobs=signal.fire) as uow:
        await uow.commit()  # no job added: nobody is woken
    assert woken == [1]


async def test_another_process_hears_of_new_jobs_on_postgresql(db_url, sessions, clock):
    if not db_url.startswith("postgresql"):
        pytest.skip("NOTIFY is PostgreSQL's; SQLite serves one process")
    engine = create_engine(db_url)  # the other process's own connections
    heard, stop = asyncio.Event(), asyncio.Event()
    listening = asyncio.create_task(listen_for_jobs(engine, heard.set, stop))
    try:
        await asyncio.sleep(0.3)  # LISTEN is in place
        await _enqueue(sessions, clock, None, commit=False)
        await asyncio.sleep(0.2)
        assert not heard.is_set(), "a rolled-back enqueue was announced"
        await _enqueue(sessions, clock, None)
        await asyncio.wait_for(heard.wait(), timeout=5)
    finally:
        stop.set()
        await listening
        await engine.dispose()


async def test_the_next_due_moment_is_the_earliest_pending_run_or_lease_end(sessions, clock):
    queue = SqlJobQueue(sessions)
    assert await queue.next_due(["upload"]) is None
    await _enqueue(sessions, clock, None, delay=90)
    await _enqueue(sessions, clock, None, delay=30)
    assert await queue.next_due(["upload"]) == clock.now() + timedelta(seconds=30)
    assert await queue.next_due(["digest"]) is None
    clock.advance(seconds=30)
    job = await queue.claim("w", ["upload"], timedelta(seconds=10), clock.now())
    assert job is not None
    assert await queue.next_due(["upload"]) == clock.now() + timedelta(seconds=10)  # lease


async def test_the_listener_comes_back_after_its_connection_is_dropped(db_url, sessions, clock):
    if not db_url.startswith("postgresql"):
        pytest.skip("NOTIFY is PostgreSQL's")
    engine = create_engine(db_url)
    heard, stop = [], asyncio.Event()
    listening = asyncio.create_task(listen_for_jobs(engine, lambda: heard.append(1), stop))
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    try:
        await asyncio.sleep(0.3)
        async with admin.connect() as connection:
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND query LIKE 'LISTEN%'"
                )
            )
        for _ in range(50):  # woken once on losing it, for what may have been missed
            if heard:
                break
            await asyncio.sleep(0.05)
        assert heard, "the dropped listener did not wake the runners"
        await asyncio.sleep(1.5)  # it listens again
        heard.clear()
        await _enqueue(sessions, clock, None)
        for _ in range(50):
            if heard:
                break
            await asyncio.sleep(0.1)
        assert heard, "no notification after the connection came back"
    finally:
        stop.set()
        await listening
        await engine.dispose()
        await admin.dispose()
