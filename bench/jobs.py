"""Job queue claims behind a broadcast: 100,000 queued message jobs and 1,000 of other kinds.

Digest broadcasts queue thousands of message jobs at once; uploads, transcriptions and the
like must still be claimed at once, and the broadcast's own runner must not slow down. Loads
`--messages` pending message jobs (digests, plans, reminders) and `--others` pending jobs of
other kinds, in two layouts: `interleaved` (every job due within the last hour, kinds mixed in
time) and `backlog` (the broadcast came due an hour ago and is still being sent; the other
jobs arrived since, so every due message is older than every other job). As in the bot, the
process holds its liveness mark and 16 message jobs in flight. Then it times, as the runners
make them: `--claims` claims of one job by the runner of the other kinds (each job completed,
untimed), as many claims of 16 by the message runner (DELIVERY_SLOTS), and the idle look
(`next_due`) of a runner none of whose kinds is queued; `--explain` prints the plans of
each. Target: claims of other kinds p95 < 5 ms on both databases, message claims no slower.
`claim_ms` in each run of the JSON is the other kinds' claims in the backlog layout (the
harder one).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench import db as bench_db
from bench.jobs_plans import plans
from bench.report import machine, percentiles, table, write_json
from core.domain import Job
from storage import migrate
from storage.db import create_engine, session_factory
from storage.runtime.jobs import SqlJobQueue
from storage.runtime.liveness import Liveness
from storage.tables import metadata

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
PROCESS = "bench:1:000001"
SLOTS = 16  # bot.background.DELIVERY_SLOTS
# The runners' kind sets as bot.background builds them (one runner for scheduled messages,
# the others for everything else); the loaded kinds are the ones that come in bulk.
MESSAGE_KINDS = ("digest", "plan", "plan_update", "reminder", "overdue", "untaken")
OTHER_KINDS = (
    "upload", "album_ack", "transcribe", "summarize", "erase_objects", "org_purge",
    "retention", "billing_tick", "billing_notice", "export", "fetch_recording",
    "transcribe_call", "summarize_call", "call_missed", "call_unknown", "call_summary",
)  # fmt: skip
LOADED_MESSAGES = ("digest", "plan", "reminder")
LOADED_OTHERS = ("upload", "transcribe", "summarize", "erase_objects", "fetch_recording")
IDLE_KINDS = tuple(kind for kind in OTHER_KINDS if kind not in LOADED_OTHERS)
LAYOUTS = ("interleaved", "backlog")


COLUMNS = {
    "other_claim_ms": "other kinds: claim 1",
    "message_claim_ms": f"messages: claim {SLOTS}",
    "idle_next_due_ms": "idle runner: next_due",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=1_000)
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--layouts", help=f"default: {','.join(LAYOUTS)}; backlog with --quick")
    parser.add_argument(
        "--quick", action="store_true", help="2,000 / 100 jobs, 20 claims, backlog only"
    )
    parser.add_argument("--explain", action="store_true", help="print the claims' plans")
    parser.add_argument("--out", default="bench/results")


def _rows(
    count: int, kinds: tuple[str, ...], start: int, due: Callable[[int], datetime]
) -> list[dict[str, Any]]:
    return [
        {
            "kind": kinds[i % len(kinds)],
            "payload": {"n": start + i},
            "status": "pending",
            "attempts": 0,
            "max_attempts": 8,
            "run_at": due(start + i),
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(count)
    ]


def _due(layout: str, message: bool) -> Callable[[int], datetime]:
    """When job n comes due: within the last hour, or (backlog) the broadcast an hour ago and
    the other jobs within the last ten minutes."""
    if layout == "interleaved":
        return lambda n: NOW - timedelta(seconds=n % 3600)
    if message:
        return lambda n: NOW - timedelta(hours=1)
    return lambda n: NOW - timedelta(seconds=n % 600)


async def _load(url: str, layout: str, messages: int, others: int) -> None:
    engine = create_engine(url)
    try:
        table_ = metadata.tables["job"]
        for start in range(0, messages, 20_000):
            count = min(20_000, messages - start)
            batch = _rows(count, LOADED_MESSAGES, start, _due(layout, message=True))
            async with engine.begin() as connection:
                await connection.execute(insert(table_), batch)
        batch = _rows(others, LOADED_OTHERS, messages, _due(layout, message=False))
        async with engine.begin() as connection:
            await connection.execute(insert(table_), batch)
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE job"))
    finally:
        await engine.dispose()


async def _samples(count: int, sample: Callable[[], Awaitable[float]]) -> dict[str, float]:
    """Percentiles of `count` samples, the first five left out (they warm the caches)."""
    found = [await sample() for _ in range(count)]
    return percentiles(found[5:] if len(found) > 10 else found)


def _since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


async def _measure(url: str, claims: int, explain: bool) -> dict[str, Any]:
    engine = create_engine(url)
    liveness = Liveness(engine, PROCESS)
    queue = SqlJobQueue(session_factory(engine), liveness=True)
    send, other = f"{PROCESS}:send", f"{PROCESS}:0"
    try:
        await liveness.hold()
        in_flight = await queue.claim_many(send, MESSAGE_KINDS, LEASE, NOW, SLOTS)
        assert len(in_flight) == SLOTS  # held by this live process for the whole run

        def claim_other() -> Awaitable[list[Job]]:
            return queue.claim_many(other, OTHER_KINDS, LEASE, NOW, 1)

        def claim_messages() -> Awaitable[list[Job]]:
            return queue.claim_many(send, MESSAGE_KINDS, LEASE, NOW, SLOTS)

        async def done(jobs: list[Job], count: int, kinds: tuple[str, ...]) -> None:
            assert len(jobs) == count and {job.kind for job in jobs} <= set(kinds)
            for job in jobs:
                assert await queue.complete(job, NOW)

        async def other_claim() -> float:
            started = time.perf_counter()
            jobs = await claim_other()
            spent = _since(started)
            await done(jobs, 1, LOADED_OTHERS)
            return spent

        async def message_claim() -> float:
            started = time.perf_counter()
            jobs = await claim_messages()
            spent = _since(started)
            await done(jobs, SLOTS, LOADED_MESSAGES)
            return spent

        async def idle_look() -> float:
            started = time.perf_counter()
            assert await queue.next_due(IDLE_KINDS) is None
            return _since(started)

        found: dict[str, Any] = {}
        if explain:  # first, so the plans are those of the full queue
            other_plans, jobs = await plans(engine, claim_other)
            await done(jobs, 1, LOADED_OTHERS)
            message_plans, jobs = await plans(engine, claim_messages)
            await done(jobs, SLOTS, LOADED_MESSAGES)
            idle_plans, _ = await plans(engine, lambda: queue.next_due(IDLE_KINDS))
            found["plans"] = {
                "other_claim": other_plans, "message_claim": message_plans, "idle": idle_plans
            }  # fmt: skip
        return found | {
            "other_claim_ms": await _samples(claims, other_claim),
            "message_claim_ms": await _samples(claims, message_claim),
            "idle_next_due_ms": await _samples(claims, idle_look),
        }
    finally:
        await liveness.release()
        await engine.dispose()


async def _run(
    backend: str, layouts: list[str], messages: int, others: int, claims: int, explain: bool
) -> dict[str, Any]:
    run: dict[str, Any] = {"backend": backend, "layouts": {}}
    for layout in layouts:
        async with bench_db.scratch(backend) as url:
            await asyncio.to_thread(migrate.upgrade, url)
            await _load(url, layout, messages, others)
            run["layouts"][layout] = await _measure(url, claims, explain)
    headline = run["layouts"].get("backlog") or run["layouts"][layouts[0]]
    run["claim_ms"] = headline["other_claim_ms"]
    return run


def main(args: argparse.Namespace) -> int:
    messages, others, claims = (
        (2_000, 100, 20) if args.quick else (args.messages, args.others, args.claims)
    )
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not bench_db.server_url():
        backends.remove("postgresql")
    chosen = args.layouts or ("backlog" if args.quick else ",".join(LAYOUTS))
    layouts = [layout for layout in chosen.split(",") if layout in LAYOUTS]
    runs = [
        asyncio.run(_run(b, layouts, messages, others, claims, args.explain)) for b in backends
    ]
    for run in runs:
        for layout, r in run["layouts"].items():
            for name, found in r.get("plans", {}).items():
                print(f"\n-- {run['backend']}, {layout}: {name}\n" + "\n\n".join(found))
    rows = [
        [
            run["backend"],
            layout,
            *(f"{r[key]['p50']:.2f} / {r[key]['p95']:.2f}" for key in COLUMNS),
        ]
        for run in runs
        for layout, r in run["layouts"].items()
    ]
    print(f"{messages:,} message jobs and {others:,} of other kinds queued; p50 / p95 ms")
    print(table(["backend", "layout", *COLUMNS.values()], rows))
    settings = {
        "messages": messages, "others": others, "claims": claims, "slots": SLOTS,
        "layouts": layouts, "quick": args.quick,
    }  # fmt: skip
    report = {"benchmark": "jobs", "machine": machine(), "settings": settings, "runs": runs}
    write_json(Path(args.out), "jobs", report)
    return 0
