"""The SQL job queue on both databases: transactional enqueue, safe concurrent claims, leases
that outlive dead workers, fencing of late finishers, backoff and the dead-letter state."""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from core.domain import Job
from core.runtime.jobs import JobRunner, backoff
from storage.db import create_engine, is_sqlite, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.tables import JobRow
from storage.uow import SqlUnitOfWork

LEASE = timedelta(minutes=5)


@pytest.fixture
async def sessions(db_url):
    engine = create_engine(db_url)
    yield session_factory(engine)
    await engine.dispose()


@pytest.fixture
def queue(sessions) -> SqlJobQueue:
    return SqlJobQueue(sessions)


async def enqueue(sessions, clock, kind="upload", n=1, dedup_key=None, **payload) -> list[int]:
    ids = []
    async with SqlUnitOfWork(sessions, clock) as uow:
        for i in range(n):
            data = {"n": i, **payload}
            ids.append(await uow.jobs.enqueue(kind, data, clock.now(), dedup_key=dedup_key))
        await uow.commit()
    return ids


async def row(sessions, job_id) -> JobRow:
    async with sessions() as session:
        return (await session.execute(select(JobRow).where(JobRow.id == job_id))).scalar_one()


class Recorder:
    """A handler that notes every execution; `fail` makes the first calls raise."""

    def __init__(self, fail: int = 0, error: Exception | None = None) -> None:
        self.ran: list[int] = []
        self.fail = fail
        self.error = error or RuntimeError("boom")

    async def __call__(self, job: Job) -> None:
        self.ran.append(job.id)
        await asyncio.sleep(0)  # give the other runners a chance to interleave
        if len(self.ran) <= self.fail:
            raise self.error


async def test_a_job_enqueued_in_a_rolled_back_unit_of_work_does_not_exist(sessions, queue, clock):
    async with SqlUnitOfWork(sessions, clock) as uow:
        await uow.jobs.enqueue("upload", {"key": "a"}, clock.now())
    assert await queue.claim("w", ["upload"], LEASE, clock.now()) is None
    assert await queue.counts() == {"pending": 0, "running": 0, "done": 0, "dead": 0}


async def test_a_committed_job_is_claimable_with_its_payload(sessions, queue, clock):
    [job_id] = await enqueue(sessions, clock, key="photos/1.jpg")
    assert await queue.claim("w", ["other"], LEASE, clock.now()) is None
    job = await queue.claim("w", ["upload"], LEASE, clock.now())
    assert job is not None and job.id == job_id
    assert job.payload == {"n": 0, "key": "photos/1.jpg"}
    assert job.attempts == 1 and job.extra["max_attempts"] == 8
    assert await queue.claim("w2", ["upload"], LEASE, clock.now()) is None
    assert await queue.counts() == {"pending": 0, "running": 1, "done": 0, "dead": 0}


async def test_a_repeated_dedup_key_makes_one_job(sessions, queue, clock):
    first = await enqueue(sessions, clock, dedup_key="digest:1:2026-03-02")
    second = await enqueue(sessions, clock, dedup_key="digest:1:2026-03-02")
    assert first[0] is not None and second == [None]
    assert (await queue.counts())["pending"] == 1


async def test_concurrent_runners_run_every_job_exactly_once(db_url, sessions, queue, clock):
    ids = await enqueue(sessions, clock, n=50)
    recorder = Recorder()
    engines = [create_engine(db_url) for _ in range(4)]  # one per "process"
    runners = [
        JobRunner(SqlJobQueue(session_factory(e)), {"upload": recorder}, clock, f"w{i}")
        for i, e in enumerate(engines)
    ]
    done_by: Counter[str] = Counter()

    async def drain(runner: JobRunner) -> None:
        while await runner.run_once():
            done_by[runner.worker_id] += 1

    try:
        async with asyncio.TaskGroup() as group:  # a failure cancels the other runners
            for runner in runners:
                group.create_task(drain(runner))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sorted(recorder.ran) == sorted(ids), "a job ran twice or never"
    assert sum(done_by.values()) == 50 and len(done_by) > 1
    assert await queue.counts() == {"pending": 0, "running": 0, "done": 50, "dead": 0}
    assert {(await row(sessions, i)).attempts for i in ids} == {1}


async def test_runners_with_slots_run_every_job_exactly_once(db_url, sessions, queue, clock):
    ids = await enqueue(sessions, clock, n=60)
    recorder = Recorder()
    engines = [create_engine(db_url) for _ in range(2)]  # one per "process"
    runners = [
        JobRunner(SqlJobQueue(session_factory(e)), {"upload": recorder}, clock, f"w{i}",
                  concurrency=8, poll_interval=timedelta(milliseconds=20))
        for i, e in enumerate(engines)
    ]  # fmt: skip
    stop = asyncio.Event()
    tasks = [asyncio.create_task(runner.run(stop)) for runner in runners]
    try:
        for _ in range(1500):  # 30 seconds
            if (await queue.counts())["done"] == 60:
                break
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        for engine in engines:
            await engine.dispose()
    assert sorted(recorder.ran) == sorted(ids), "a job ran twice or never"
    assert {(await row(sessions, i)).attempts for i in ids} == {1}


async def test_a_batch_claim_takes_lapsed_leases_first_then_the_earliest_due(
    sessions, queue, clock
):
    ids = await enqueue(sessions, clock, n=5)
    lost = await queue.claim("dies", ["upload"], LEASE, clock.now())
    assert lost is not None and lost.id == ids[0]
    clock.advance(minutes=6)
    [later] = await enqueue(sessions, clock)
    batch = await queue.claim_many("b", ["upload"], LEASE, clock.now(), 3)
    assert [(j.id, j.attempts) for j in batch] == [(ids[0], 2), (ids[1], 1), (ids[2], 1)]
    assert not await queue.complete(lost, clock.now()), "the dead holder is fenced off"
    rest = await queue.claim_many("c", ["upload", "export"], LEASE, clock.now(), 10)
    assert [j.id for j in rest] == [ids[3], ids[4], later]
    for job in [*batch, *rest]:
        assert await queue.complete(job, clock.now())
    assert await queue.claim_many("c", ["upload"], LEASE, clock.now(), 10) == []


async def test_a_claim_skips_a_row_another_transaction_has_locked(db_url, sessions, queue, clock):
    if is_sqlite(db_url):
        pytest.skip("SQLite has one writer at a time; SKIP LOCKED is PostgreSQL's")
    first, second = await enqueue(sessions, clock, n=2)
    async with sessions.begin() as session:
        await session.execute(select(JobRow).where(JobRow.id == first).with_for_update())
        job = await asyncio.wait_for(queue.claim("w", ["upload"], LEASE, clock.now()), 5)
    assert job is not None and job.id == second


async def test_an_expired_lease_is_claimed_again_and_the_dead_worker_is_refused(
    sessions, queue, clock
):
    [job_id] = await enqueue(sessions, clock)
    lost = await queue.claim("dies", ["upload"], LEASE, clock.now())
    assert lost is not None
    clock.advance(minutes=4)
    assert await queue.claim("b", ["upload"], LEASE, clock.now()) is None, "lease still held"
    clock.advance(minutes=2)
    taken = await queue.claim("b", ["upload"], LEASE, clock.now())
    assert taken is not None and taken.id == job_id and taken.attempts == 2
    assert not await queue.complete(lost, clock.now())
    assert not await queue.retry(lost, "late", clock.now(), clock.now())
    assert not await queue.bury(lost, "late", clock.now())
    assert not await queue.extend(lost, LEASE, clock.now())
    assert await queue.complete(taken, clock.now())
    assert not await queue.complete(taken, clock.now()), "completed twice"
    assert (await row(sessions, job_id)).status == "done"


async def test_a_heartbeat_extends_the_lease(sessions, queue, clock):
    await enqueue(sessions, clock)
    job = await queue.claim("a", ["upload"], LEASE, clock.now())
    clock.advance(minutes=4)
    assert await queue.extend(job, LEASE, clock.now())
    clock.advance(minutes=4)
    assert await queue.claim("b", ["upload"], LEASE, clock.now()) is None
    clock.advance(minutes=2)
    assert await queue.claim("b", ["upload"], LEASE, clock.now()) is not None


async def test_a_job_killed_mid_run_is_finished_once_by_another_runner(sessions, queue, clock):
    [job_id] = await enqueue(sessions, clock)
    started = asyncio.Event()
    held: list[Job] = []

    async def hangs(job: Job) -> None:
        held.append(job)
        started.set()
        await asyncio.Event().wait()  # the process is killed while here

    crashing = JobRunner(queue, {"upload": hangs}, clock, "killed", lease=LEASE)
    task = asyncio.create_task(crashing.run_once())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert (await queue.counts())["running"] == 1
    recorder = Recorder()
    survivor = JobRunner(queue, {"upload": recorder}, clock, "survivor", lease=LEASE)
    assert not await survivor.run_once(), "taken before the lease expired"
    clock.advance(minutes=6)
    assert await survivor.run_once()
    assert not await survivor.run_once()
    assert recorder.ran == [job_id]
    assert not await queue.complete(held[0], clock.now())
    done = await row(sessions, job_id)
    assert (done.status, done.attempts, done.locked_by) == ("done", 2, None)


async def test_a_failure_is_retried_after_its_backoff(sessions, queue, clock):
    [job_id] = await enqueue(sessions, clock)
    recorder = Recorder(fail=1, error=ConnectionError("Olga +79161234567"))
    runner = JobRunner(queue, {"upload": recorder}, clock, "w", rng=random.Random(11))
    start = clock.now()
    assert await runner.run_once()
    waiting = await row(sessions, job_id)
    delay = backoff(1, rng=random.Random(11))
    assert waiting.status == "pending" and waiting.last_error == "ConnectionError"
    assert waiting.run_at == start + delay and delay > timedelta(0)
    assert waiting.locked_by is None
    clock.set(waiting.run_at - timedelta(milliseconds=1))
    assert not await runner.run_once(), "claimable before its backoff"
    clock.set(waiting.run_at)
    assert await runner.run_once()
    assert recorder.ran == [job_id, job_id]
    done = await row(sessions, job_id)
    assert (done.status, done.attempts) == ("done", 2)


async def test_the_job_is_dead_after_its_max_attempts_and_managers_are_told_once(
    sessions, queue, clock
):
    [job_id] = await enqueue(sessions, clock)
    alerts: list[tuple[int, str]] = []

    async def on_dead(job: Job, error: str) -> None:
        alerts.append((job.id, error))

    recorder = Recorder(fail=100)
    runner = JobRunner(queue, {"upload": recorder}, clock, "w", on_dead=on_dead)
    while await runner.run_once():
        clock.advance(hours=2)  # past any backoff
    dead = await row(sessions, job_id)
    assert len(recorder.ran) == 8 == dead.attempts
    assert (dead.status, dead.last_error, dead.locked_by) == ("dead", "RuntimeError", None)
    assert alerts == [(job_id, "RuntimeError")]
    clock.advance(days=30)
    assert await queue.claim("w", ["upload"], LEASE, clock.now()) is None
    assert await queue.counts() == {"pending": 0, "running": 0, "done": 0, "dead": 1}


async def test_counts_every_status(sessions, queue, clock):
    await enqueue(sessions, clock, n=4)
    jobs = [await queue.claim("w", ["upload"], LEASE, clock.now()) for _ in range(3)]
    assert await queue.complete(jobs[0], clock.now())
    assert await queue.bury(jobs[1], "PermanentJobError: gone", clock.now())
    assert await queue.counts() == {"pending": 1, "running": 1, "done": 1, "dead": 1}
