"""Job queue claims: a runner of other kinds while 100,000 message jobs wait in the queue.

Digest broadcasts queue thousands of message jobs at once; uploads, transcriptions and the
like must still be claimed at once. Loads `--messages` pending message jobs (digests, plans,
reminders) and `--others` pending jobs of other kinds, all due, then times `--claims` single
claims by a runner of the other kinds, as the job runner makes them. Target: p95 < 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from bench import db as bench_db
from bench.report import machine, percentiles, table, write_json
from storage import migrate
from storage.db import create_engine, session_factory
from storage.jobs import SqlJobQueue
from storage.tables import metadata

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
MESSAGE_KINDS = ("digest", "plan", "reminder")
OTHER_KINDS = ("upload", "transcribe", "summarize", "erase_objects", "fetch_recording")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--others", type=int, default=1_000)
    parser.add_argument("--claims", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="5,000 / 200 jobs, 50 claims")
    parser.add_argument("--out", default="bench/results")


def _rows(count: int, kinds: tuple[str, ...], start: int) -> list[dict[str, Any]]:
    return [
        {
            "kind": kinds[i % len(kinds)],
            "payload": {"n": start + i},
            "status": "pending",
            "attempts": 0,
            "max_attempts": 8,
            "run_at": NOW - timedelta(seconds=(start + i) % 3600),
            "created_at": NOW,
            "updated_at": NOW,
        }
        for i in range(count)
    ]


async def _load(url: str, messages: int, others: int) -> None:
    engine = create_engine(url)
    try:
        table_ = metadata.tables["job"]
        for start in range(0, messages, 20_000):
            batch = _rows(min(20_000, messages - start), MESSAGE_KINDS, start)
            async with engine.begin() as connection:
                await connection.execute(insert(table_), batch)
        async with engine.begin() as connection:
            await connection.execute(insert(table_), _rows(others, OTHER_KINDS, messages))
        if engine.dialect.name == "postgresql":
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE job"))
    finally:
        await engine.dispose()


async def _claims(url: str, count: int) -> list[float]:
    engine = create_engine(url)
    queue = SqlJobQueue(session_factory(engine))
    samples = []
    try:
        for _ in range(count):
            started = time.perf_counter()
            jobs = await queue.claim_many("bench", OTHER_KINDS, timedelta(minutes=5), NOW, 1)
            samples.append((time.perf_counter() - started) * 1000)
            assert len(jobs) == 1 and jobs[0].kind in OTHER_KINDS
    finally:
        await engine.dispose()
    return samples


async def _run(backend: str, messages: int, others: int, claims: int) -> dict[str, Any]:
    async with bench_db.scratch(backend) as url:
        await asyncio.to_thread(migrate.upgrade, url)
        await _load(url, messages, others)
        samples = await _claims(url, claims)
    return {"backend": backend, "claim_ms": percentiles(samples[5:] or samples)}


def main(args: argparse.Namespace) -> int:
    messages, others, claims = (
        (5_000, 200, 50) if args.quick else (args.messages, args.others, args.claims)
    )
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not bench_db.server_url():
        backends.remove("postgresql")
    runs = [asyncio.run(_run(b, messages, others, claims)) for b in backends]
    rows = [
        [r["backend"], r["claim_ms"]["p50"], r["claim_ms"]["p95"], r["claim_ms"]["max"]]
        for r in runs
    ]
    print(f"claims of other kinds with {messages:,} message jobs and {others:,} others queued")
    print(table(["backend", "p50 ms", "p95 ms", "max ms"], rows))
    settings = {"messages": messages, "others": others, "claims": claims, "quick": args.quick}
    report = {"benchmark": "jobs", "machine": machine(), "settings": settings, "runs": runs}
    write_json(Path(args.out), "jobs", report)
    return 0
