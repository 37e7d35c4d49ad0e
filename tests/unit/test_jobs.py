"""The job runner and backoff, against an in-memory queue with the SQL queue's semantics."""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from core.clock import RunningClock
from core.domain import Job
from core.errors import ExternalServiceError
from core.runtime.jobs import JobRunner, PermanentJobError, backoff, describe, is_permanent
from tests.unit.fake_job_queue import LEASE, FakeQueue


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


@dataclass
class Dead:
    """An on_dead hook that remembers its calls."""

    calls: list[tuple[int, str]] = field(default_factory=list)

    async def __call__(self, job: Job, error: str) -> None:
        self.calls.append((job.id, error))


def runner_for(queue, clock, handlers, **options) -> JobRunner:
    options.setdefault("rng", random.Random(7))
    return JobRunner(queue, handlers, clock, "w1", lease=LEASE, **options)


def test_backoff_is_seeded_jittered_and_capped():
    first = [backoff(n, rng=random.Random(42)) for n in range(1, 8)]
    again = [backoff(n, rng=random.Random(42)) for n in range(1, 8)]
    assert first == again
    assert backoff(3, rng=random.Random(1)) != backoff(3, rng=random.Random(2))
    rng = random.Random(5)  # capped even for huge attempt numbers
    samples = [backoff(n, cap=60.0, rng=rng) for n in (10, 100, 10_000)]
    assert all(timedelta(0) <= s <= timedelta(seconds=60) for s in samples)
    assert backoff(0, rng=random.Random(1)) <= timedelta(seconds=5)


def test_backoff_grows_exponentially_under_its_ceiling():
    rng = random.Random(3)
    for attempt in range(1, 10):
        ceiling = min(3600.0, 5.0 * 2 ** (attempt - 1))
        samples = [backoff(attempt, rng=rng).total_seconds() for _ in range(200)]
        assert all(0.0 <= s <= ceiling for s in samples)
        # Full jitter: uniform below the ceiling, so the mean is near half of it.
        assert statistics.mean(samples) == pytest.approx(ceiling / 2, rel=0.15)


def test_failures_are_classified_and_described_without_their_message():
    assert is_permanent(PermanentJobError("order_deleted"))
    assert is_permanent(ExternalServiceError("speechkit", "bad key", retryable=False))
    assert not is_permanent(ExternalServiceError("speechkit", "timeout"))
    assert not is_permanent(ValueError("Olga +79161234567"))
    assert describe(ValueError("Olga +79161234567")) == "ValueError"
    assert describe(ExternalServiceError("s3", "Olga")) == "ExternalServiceError: s3"
    assert describe(PermanentJobError("no_file")) == "PermanentJobError: no_file"


async def test_a_failing_handler_is_retried_with_backoff_until_it_succeeds(queue, clock):
    job_id = queue.add("upload", clock.now(), key="a.jpg")
    calls: list[int] = []

    async def flaky(job: Job) -> None:
        calls.append(job.attempts)
        if len(calls) < 3:
            raise TimeoutError("slow")

    runner = runner_for(queue, clock, {"upload": flaky})
    assert await runner.run_once()
    row = queue.rows[job_id]
    assert (row.status, row.last_error) == ("pending", "TimeoutError")
    assert row.run_at > clock.now()
    assert not await runner.run_once(), "claimable before its backoff"
    for _ in range(2):
        clock.set(row.run_at)
        assert await runner.run_once()
    assert calls == [1, 2, 3]
    assert row.status == "done"


@pytest.mark.parametrize(
    "error",
    [PermanentJobError("file_gone"), ExternalServiceError("gpt", "refused", retryable=False)],
)
async def test_a_permanent_error_buries_the_job_at_once_and_alerts_once(queue, clock, error):
    job_id = queue.add("summary", clock.now())

    async def broken(job: Job) -> None:
        raise error

    dead = Dead()
    runner = runner_for(queue, clock, {"summary": broken}, on_dead=dead)
    assert await runner.run_once()
    assert queue.rows[job_id].status == "dead"
    assert dead.calls == [(job_id, describe(error))]
    clock.advance(days=1)
    assert not await runner.run_once() and len(dead.calls) == 1, "alerted twice"


async def test_after_max_attempts_the_job_is_dead(queue, clock):
    job_id = queue.add("digest", clock.now(), max_attempts=3)

    async def always(job: Job) -> None:
        raise RuntimeError("nope")

    dead, failures = Dead(), []
    runner = runner_for(
        queue, clock, {"digest": always}, on_dead=dead, max_attempts=99, on_failure=failures.append
    )
    for _ in range(3):
        assert await runner.run_once()
        clock.advance(hours=2)
    assert (queue.rows[job_id].status, queue.rows[job_id].job.attempts) == ("dead", 3)
    assert dead.calls == [(job_id, "RuntimeError")]
    assert [job.id for job in failures] == [job_id] * 3  # every failed attempt, for /metrics
    assert not await runner.run_once()


async def test_a_job_whose_holders_keep_dying_is_buried_when_claimed_past_its_limit(queue, clock):
    job_id = queue.add("export", clock.now(), max_attempts=2)
    row = queue.rows[job_id]
    for worker in ("a", "b"):
        assert await queue.claim(worker, ["export"], LEASE, clock.now())
        clock.advance(minutes=6)
    ran: list[int] = []

    async def handler(job: Job) -> None:
        ran.append(job.id)

    dead = Dead()
    assert await runner_for(queue, clock, {"export": handler}, on_dead=dead).run_once()
    assert ran == [] and row.status == "dead"
    assert len(dead.calls) == 1 and dead.calls[0][1].startswith("LeaseExpired")


async def test_a_late_finisher_is_refused_and_the_runner_carries_on(queue, clock, caplog):
    job_id = queue.add("purge", clock.now())

    async def slow(job: Job) -> None:
        clock.advance(minutes=10)  # the lease ran out while we worked, and b took over
        assert await queue.claim("b", ["purge"], LEASE, clock.now())

    with caplog.at_level(logging.WARNING):
        assert await runner_for(queue, clock, {"purge": slow}).run_once()
    row = queue.rows[job_id]
    assert row.status == "running" and row.locked_by == "b"
    assert "losing its lease" in caplog.text


async def test_handler_exceptions_never_stop_the_loop_nor_leak_their_message(queue, clock, caplog):
    queue.add("bad", clock.now(), max_attempts=1)
    queue.add("good", clock.now())
    queue.fail_claims = 1
    stop = asyncio.Event()
    done: list[str] = []

    async def bad(job: Job) -> None:
        raise ValueError("client Olga Ivanova +79161234567")

    async def good(job: Job) -> None:
        done.append(job.kind)
        stop.set()

    async def broken_alert(job: Job, error: str) -> None:
        raise RuntimeError("notifier down")

    runner = runner_for(
        queue, clock, {"bad": bad, "good": good}, on_dead=broken_alert, poll_interval=timedelta(0)
    )
    with caplog.at_level(logging.DEBUG):
        await asyncio.wait_for(runner.run(stop), timeout=5)
    assert done == ["good"]
    assert await queue.counts() == {"pending": 0, "running": 0, "done": 1, "dead": 1}
    assert "ValueError" in caplog.text and "ConnectionError" in caplog.text
    for secret in ("Olga", "+7916", "hunter2", "notifier down"):
        assert secret not in caplog.text


async def test_wake_shortens_the_wait(queue, clock):
    stop = asyncio.Event()
    finished = asyncio.Event()

    async def handler(job: Job) -> None:
        finished.set()

    runner = runner_for(queue, clock, {"ping": handler}, poll_interval=timedelta(minutes=1))
    task = asyncio.create_task(runner.run(stop))
    await asyncio.sleep(0.05)  # the runner found nothing and is waiting for a minute
    queue.add("ping", clock.now())
    await asyncio.sleep(0.05)
    assert not finished.is_set(), "ran without being woken"
    runner.wake()
    await asyncio.wait_for(finished.wait(), timeout=1)
    stop.set()  # an idle runner stops at once, not at its next poll
    await asyncio.wait_for(task, timeout=1)


async def test_a_long_handler_keeps_its_lease_alive(queue, clock):
    job_id = queue.add("transcribe", clock.now())

    async def long(job: Job) -> None:
        await asyncio.sleep(0.2)

    runner = JobRunner(queue, {"transcribe": long}, clock, "w1", lease=timedelta(seconds=0.03))
    assert await runner.run_once()
    assert queue.extended.count(job_id) >= 3
    assert queue.rows[job_id].status == "done"


async def test_an_idle_runner_sleeps_until_the_next_job_is_due_not_a_poll():
    clock = RunningClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    queue, finished = FakeQueue(), asyncio.Event()
    queue.add("ping", clock.now() + timedelta(seconds=0.3))

    async def handler(job: Job) -> None:
        finished.set()

    runner = runner_for(queue, clock, {"ping": handler}, poll_interval=timedelta(minutes=1))
    stop = asyncio.Event()
    task = asyncio.create_task(runner.run(stop))
    await asyncio.wait_for(finished.wait(), timeout=2)  # not after the minute's poll
    stop.set()
    await asyncio.wait_for(task, timeout=1)
