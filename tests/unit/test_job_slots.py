"""A runner with several slots: jobs in flight, batch claims, refills, stopping, cancelling."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from core.domain import Job
from tests.unit.fake_job_queue import LEASE, FakeQueue
from tests.unit.test_jobs import runner_for


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


class Gate:
    """A handler that holds every job until released, noting how many it held at once."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.held = 0
        self.most = 0
        self.ran: list[int] = []

    async def __call__(self, job: Job) -> None:
        self.held += 1
        self.most = max(self.most, self.held)
        try:
            await self.open.wait()
            self.ran.append(job.id)
        finally:
            self.held -= 1


async def _until(condition) -> None:
    for _ in range(400):  # two seconds
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("never happened")


async def test_a_runner_with_slots_keeps_that_many_jobs_in_flight_claimed_in_batches(queue, clock):
    ids = [queue.add("digest", clock.now()) for _ in range(20)]
    gate = Gate()
    stop = asyncio.Event()
    runner = runner_for(queue, clock, {"digest": gate}, concurrency=8)
    task = asyncio.create_task(runner.run(stop))
    await _until(lambda: gate.held == 8)
    await asyncio.sleep(0.02)
    assert gate.most == 8, "more in flight than slots"
    gate.open.set()
    await _until(lambda: len(gate.ran) == 20)
    stop.set()
    await asyncio.wait_for(task, timeout=1)
    assert sorted(gate.ran) == ids, "a job ran twice or never"
    assert {queue.rows[i].status for i in ids} == {"done"}
    assert queue.batches[0] == 8 and len(queue.batches) < 20, "one claim per job"


async def test_a_slot_freed_is_refilled_at_once_when_work_is_waiting(queue, clock):
    """A job that enqueues another (a follow-up) sees it run without a wake or a poll."""
    stop = asyncio.Event()
    ran: list[str] = []

    async def first(job: Job) -> None:
        ran.append(job.kind)
        queue.add("second", clock.now())

    async def second(job: Job) -> None:
        ran.append(job.kind)
        stop.set()

    queue.add("first", clock.now())
    handlers = {"first": first, "second": second}
    runner = runner_for(queue, clock, handlers, concurrency=4, poll_interval=timedelta(minutes=1))
    await asyncio.wait_for(runner.run(stop), timeout=2)
    assert ran == ["first", "second"]


async def test_stopping_finishes_the_jobs_in_flight(queue, clock):
    ids = [queue.add("plan", clock.now()) for _ in range(3)]
    gate = Gate()
    stop = asyncio.Event()
    task = asyncio.create_task(runner_for(queue, clock, {"plan": gate}, concurrency=3).run(stop))
    await _until(lambda: gate.held == 3)
    stop.set()
    await asyncio.sleep(0.02)
    assert not task.done(), "stopped with jobs in flight"
    gate.open.set()
    await asyncio.wait_for(task, timeout=1)
    assert {queue.rows[i].status for i in ids} == {"done"}


async def test_cancelling_a_runner_leaves_its_jobs_to_their_leases(queue, clock):
    """Like a killed process: nothing is completed or retried, the leases expire."""
    ids = [queue.add("reminder", clock.now()) for _ in range(2)]
    gate = Gate()
    runner = runner_for(queue, clock, {"reminder": gate}, concurrency=2)
    task = asyncio.create_task(runner.run(asyncio.Event()))
    await _until(lambda: gate.held == 2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gate.held == 0 and gate.ran == []
    assert {queue.rows[i].status for i in ids} == {"running"}
    clock.advance(minutes=6)
    assert await queue.claim("other", ["reminder"], LEASE, clock.now()) is not None
