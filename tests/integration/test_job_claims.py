"""Claims served per kind (migration 0014, docs/job_queue.md), on both databases: a runner of
some kinds is never walked past another kind's queue; a batch across kinds comes earliest
first; concurrent claimers of mixed kinds take every job exactly once; the statements a claim
and an idle look send walk the partial indexes, never the table."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import event, insert, select, text

from bench.jobs_plans import plans
from storage.db import create_engine, is_sqlite, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.tables import JobRow
from storage.uow import SqlUnitOfWork

LEASE = timedelta(minutes=5)


@pytest.fixture
async def engine(db_url):
    engine = create_engine(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def queue(engine) -> SqlJobQueue:
    return SqlJobQueue(session_factory(engine))


async def add(engine, clock, kind: str, *seconds: float) -> list[int]:
    """One job of `kind` due at each offset from now (negative: due already)."""
    ids = []
    async with SqlUnitOfWork(session_factory(engine), clock) as uow:
        for offset in seconds:
            due = clock.now() + timedelta(seconds=offset)
            ids.append(await uow.jobs.enqueue(kind, {"due": offset}, due))
        await uow.commit()
    return ids


async def test_other_kinds_are_claimed_past_a_backlog_of_messages_due_before_them(
    engine, queue, clock
):
    digests = await add(engine, clock, "digest", *range(-3600, -3400))
    uploads = await add(engine, clock, "upload", -600, -590, -580)
    await add(engine, clock, "export", 300)  # not due yet
    taken = await queue.claim_many("w", ["upload", "export", "transcribe"], LEASE, clock.now(), 5)
    assert [job.id for job in taken] == uploads
    assert await queue.waiting() == {"digest": 200, "export": 1}
    batch = await queue.claim_many("s", ["digest", "plan", "reminder"], LEASE, clock.now(), 16)
    assert [job.id for job in batch] == digests[:16]


async def test_a_batch_across_kinds_is_the_earliest_due_of_all_of_them(engine, queue, clock):
    a = await add(engine, clock, "a", -60, -40, -20, 30)
    b = await add(engine, clock, "b", -50, -30, -10)
    c = await add(engine, clock, "c", -45)
    first = await queue.claim_many("w", ["a", "b", "c"], LEASE, clock.now(), 4)
    assert [job.id for job in first] == [a[0], b[0], c[0], a[1]]
    rest = await queue.claim_many("w", ["c", "b", "a", "a"], LEASE, clock.now(), 10)
    assert [job.id for job in rest] == [b[1], a[2], b[2]]
    assert await queue.claim_many("w", ["a", "b", "c"], LEASE, clock.now(), 10) == []
    clock.advance(seconds=30)
    [last] = await queue.claim_many("w", ["a"], LEASE, clock.now(), 10)
    assert last.id == a[3]


async def test_concurrent_claimers_of_mixed_kinds_take_every_job_exactly_once(
    db_url, engine, queue, clock
):
    wanted = []
    for kind in ("upload", "transcribe", "digest"):
        wanted += await add(engine, clock, kind, *(-i for i in range(40)))
    untouched = await add(engine, clock, "export", *(-i for i in range(10)))
    engines = [create_engine(db_url) for _ in range(4)]  # one per "process"
    asks = [["upload", "transcribe", "digest"], ["digest", "upload"], ["transcribe"], ["digest"]]
    taken: Counter[int] = Counter()

    async def drain(engine_, kinds: list[str], worker: str) -> None:
        own = SqlJobQueue(session_factory(engine_))
        while jobs := await own.claim_many(worker, kinds, LEASE, clock.now(), 5):
            for job in jobs:
                taken[job.id] += 1
                assert job.kind in kinds and job.attempts == 1
                assert await own.complete(job, clock.now())

    try:
        async with asyncio.TaskGroup() as group:
            for i, (engine_, kinds) in enumerate(zip(engines, asks, strict=True)):
                group.create_task(drain(engine_, kinds, f"w{i}"))
    finally:
        for engine_ in engines:
            await engine_.dispose()
    assert sorted(taken) == sorted(wanted) and set(taken.values()) == {1}
    assert await queue.waiting() == {"export": len(untouched)}


async def test_a_claim_passes_over_rows_another_claimer_holds_in_every_kind(
    db_url, engine, queue, clock
):
    if is_sqlite(db_url):
        pytest.skip("SQLite has one writer at a time; SKIP LOCKED is PostgreSQL's")
    uploads = await add(engine, clock, "upload", -30, -20)
    digests = await add(engine, clock, "digest", -60, -10)
    held = (uploads[0], digests[0])
    async with session_factory(engine).begin() as session:  # another claimer, mid-claim
        await session.execute(select(JobRow.id).where(JobRow.id.in_(held)).with_for_update())
        claim = queue.claim_many("w", ["upload", "digest"], LEASE, clock.now(), 3)
        taken = await asyncio.wait_for(claim, 5)
        assert [job.id for job in taken] == [uploads[1], digests[1]]
    again = await queue.claim_many("w", ["upload", "digest"], LEASE, clock.now(), 3)
    assert [job.id for job in again] == [digests[0], uploads[0]]


async def test_the_next_due_moment_is_found_per_kind_past_other_kinds(engine, queue, clock):
    await add(engine, clock, "digest", *range(-600, -500))
    assert await queue.next_due(["upload", "export"]) is None
    await add(engine, clock, "upload", 120)
    await add(engine, clock, "export", 60)
    assert await queue.next_due(["upload", "export"]) == clock.now() + timedelta(seconds=60)
    assert await queue.next_due(["digest", "upload"]) == clock.now() - timedelta(seconds=600)
    clock.advance(seconds=60)
    held = await queue.claim("w", ["export"], timedelta(seconds=10), clock.now())
    assert held is not None
    assert await queue.next_due(["upload", "export"]) == clock.now() + timedelta(seconds=10)


async def test_claims_and_idle_looks_walk_the_partial_indexes_not_the_table(
    db_url, engine, queue, clock
):
    # Enough queued that PostgreSQL fetches the claimed rows by id rather than reading the
    # whole table (which it rightly prefers for a few thousand rows).
    backlog = [
        {"kind": "digest", "payload": {}, "status": "pending", "attempts": 0,
         "max_attempts": 8, "run_at": clock.now() - timedelta(seconds=i),
         "created_at": clock.now(), "updated_at": clock.now()}
        for i in range(1, 20_001)
    ]  # fmt: skip
    async with engine.begin() as connection:
        await connection.execute(insert(JobRow.__table__), backlog)
    await add(engine, clock, "upload", -5, -4)
    if not is_sqlite(db_url):
        async with engine.connect() as connection:
            await connection.execute(text("ANALYZE job"))
            await connection.commit()
    kinds, now = ["upload", "export", "transcribe"], clock.now()
    claimed, [taken] = await plans(engine, lambda: queue.claim_many("w", kinds, LEASE, now, 1))
    assert taken.kind == "upload"
    messages = ["digest", "plan", "reminder"]
    batch, jobs = await plans(engine, lambda: queue.claim_many("s", messages, LEASE, now, 16))
    assert len(jobs) == 16
    looked, _ = await plans(engine, lambda: queue.next_due(kinds))
    abandoned, due = claimed
    assert "ix_job_running_kind_lease" in abandoned
    for plan in (due, batch[1], looked[0]):
        assert "ix_job_pending_kind_run_at" in plan
    for plan in (*claimed, *batch, *looked):
        body = plan.split("\n", 1)[1]  # the statement itself names the table
        assert "Seq Scan on job" not in body and "SCAN job" not in body, plan


async def test_a_claim_does_not_wait_for_the_disk_and_leaves_its_connection_as_it_was(
    db_url, clock
):
    if is_sqlite(db_url):
        pytest.skip("SQLite in WAL mode with synchronous=NORMAL does not sync at commit anyway")
    engine = create_engine(db_url, pool_size=1, max_overflow=0)
    sent: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    try:
        queue = SqlJobQueue(session_factory(engine))
        assert await queue.claim_many("w", ["upload"], LEASE, clock.now(), 1) == []
        assert not [s for s in sent if "synchronous_commit" in s], "no claim, nothing to commit"
        await add(engine, clock, "upload", -1)
        assert await queue.claim_many("w", ["upload"], LEASE, clock.now(), 1)
        assert [s for s in sent if "synchronous_commit" in s] == [
            "SET LOCAL synchronous_commit TO OFF"
        ]
        async with engine.connect() as connection:  # the same pooled connection
            assert (await connection.execute(text("SHOW synchronous_commit"))).scalar() == "on"
    finally:
        await engine.dispose()
