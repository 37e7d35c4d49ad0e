"""A killed process's jobs are taken over at once, not after their lease: on PostgreSQL by
the process's liveness mark (an advisory lock that dies with its connection), on SQLite by
handing back at start-up what the previous process left running."""

from __future__ import annotations

from datetime import timedelta

import pytest

from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.runtime.liveness import Liveness
from storage.uow import SqlUnitOfWork

LEASE = timedelta(minutes=5)


async def _enqueue(sessions, clock) -> None:
    async with SqlUnitOfWork(sessions, clock) as uow:
        await uow.jobs.enqueue("upload", {}, clock.now())
        await uow.commit()


async def test_a_dead_holders_job_is_taken_at_once_a_live_ones_is_not(db_url, clock):
    if not db_url.startswith("postgresql"):
        pytest.skip("advisory locks are PostgreSQL's")
    first, second = create_engine(db_url), create_engine(db_url)  # two processes
    try:
        alive, other = Liveness(first, "host-a:101:aaaaaa"), Liveness(second, "host-b:202:bbbbbb")
        await alive.hold()
        await other.hold()
        sessions_a, sessions_b = session_factory(first), session_factory(second)
        await _enqueue(sessions_a, clock)
        a = SqlJobQueue(sessions_a, liveness=True)
        b = SqlJobQueue(sessions_b, liveness=True)
        taken = await a.claim("host-a:101:aaaaaa:0", ["upload"], LEASE, clock.now())
        assert taken is not None
        assert await b.claim("host-b:202:bbbbbb:0", ["upload"], LEASE, clock.now()) is None
        await alive.release()  # process A dies: its connection, and its lock, are gone
        again = await b.claim("host-b:202:bbbbbb:0", ["upload"], LEASE, clock.now())
        assert again is not None and again.id == taken.id and again.attempts == 2
        assert not await a.complete(taken, clock.now()), "the dead holder is fenced out"
        await other.release()
    finally:
        await first.dispose()
        await second.dispose()


async def test_without_liveness_marks_only_the_lease_frees_a_job(db_url, clock):
    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        await _enqueue(sessions, clock)
        queue = SqlJobQueue(sessions)
        assert await queue.claim("gone:1:cccccc:0", ["upload"], LEASE, clock.now())
        assert await queue.claim("other:2:dddddd:0", ["upload"], LEASE, clock.now()) is None
        clock.advance(minutes=6)
        assert await queue.claim("other:2:dddddd:0", ["upload"], LEASE, clock.now())
    finally:
        await engine.dispose()


async def test_on_sqlite_a_new_process_takes_back_what_the_last_one_left_running(db_url, clock):
    if not db_url.startswith("sqlite"):
        pytest.skip("on PostgreSQL the liveness lock decides")
    engine = create_engine(db_url)
    try:
        sessions = session_factory(engine)
        await _enqueue(sessions, clock)
        queue = SqlJobQueue(sessions, liveness=True)
        assert await queue.claim("killed:1:eeeeee:0", ["upload"], LEASE, clock.now())
        assert await queue.claim("new:2:ffffff:0", ["upload"], LEASE, clock.now()) is None
        await Liveness(engine, "new:2:ffffff").hold()  # the restarted process starts
        assert await queue.claim("new:2:ffffff:0", ["upload"], LEASE, clock.now())
    finally:
        await engine.dispose()
