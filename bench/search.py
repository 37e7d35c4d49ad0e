"""Client search latency at 100k clients per organization and 1M in the database.

For each backend and size: load synthetic clients into a scratch database (the production
migrations build the indexes), then time `storage.clients.search.search_client_ids` (the production
code path) for phone fragments, name substrings, short name prefixes and mixed queries, all
against the largest organization, warm, next to a plain `LIKE '%term%'` query over the same
rows. Prints a table and writes JSON to the output folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bench import db as bench_db
from bench.data import FakeClient, clients
from bench.report import machine, percentiles, table, write_json
from bench.search_explain import explain_kinds, render_plans
from core.clients.search import SearchQuery, parse_query, phone_digits
from core.text import search_key
from storage import migrate
from storage.clients.search import like_pattern, search_client_ids
from storage.db import create_engine, is_sqlite, session_factory


@dataclass(frozen=True)
class Options:
    explain: bool = False  # EXPLAIN each kind's p95 query
    repeat: int = 1  # timings of each search, the fastest kept


KINDS = ("phone4", "phone7", "name_sub", "name_prefix", "mixed")
QUICK_SIZE, QUICK_QUERIES = 2000, 20
LIMIT = 20
BIG_ORG_ID = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="2,000 rows, 20 queries a kind")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--backends", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument("--queries", type=int, default=250, help="queries of each kind")
    parser.add_argument("--out", default="bench/results", help="folder for the JSON file")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each search this many times and keep the fastest (a busy machine's "
        "preemptions out of the percentiles); 1 by default",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="also EXPLAIN each kind's p95 query (PostgreSQL: ANALYZE, BUFFERS) and print it",
    )
    parser.add_argument(
        "--database",
        default=None,
        help="keep and reuse this database (one backend, one size): loaded if empty, "
        "else upgraded to head and measured as it is",
    )


def main(args: argparse.Namespace) -> int:
    sizes = [QUICK_SIZE] if args.quick else [int(s) for s in args.sizes.split(",")]
    queries = QUICK_QUERIES if args.quick else args.queries
    backends = args.backends.split(",") if args.backends else default_backends()
    if args.database and (len(sizes) > 1 or len(backends) > 1):
        raise SystemExit("--database needs exactly one backend and one size")
    options = Options(explain=args.explain, repeat=max(1, args.repeat))
    result = asyncio.run(run(sizes, backends, queries, args.quick, args.database, options))
    print(render(result))
    print(f"\nwritten: {write_json(Path(args.out), 'search', result)}")
    return 0


def default_backends() -> list[str]:
    return ["sqlite", "postgresql"] if bench_db.server_url() else ["sqlite"]


async def run(
    sizes: list[int],
    backends: list[str],
    queries: int,
    quick: bool = False,
    database: str | None = None,
    options: Options | None = None,
) -> dict[str, Any]:
    options = options or Options()
    runs = []
    for size in sizes:
        population = list(clients(size))
        workload = make_queries(population, BIG_ORG_ID, queries, random.Random(size))
        for backend in backends:
            measured = await measure_backend(backend, population, workload, database, options)
            runs.append(measured)
    settings = {"quick": quick, "queries_per_kind": queries, "limit": LIMIT}
    settings["repeat"] = options.repeat
    return {"benchmark": "search", "machine": machine(), "settings": settings, "runs": runs}


def make_queries(
    population: list[FakeClient], org_id: int, count: int, rng: random.Random
) -> dict[str, list[str]]:
    """What people type, drawn from the organization's live clients."""
    pool = [c for c in population if c.organization_id == org_id and not c.deleted]
    makers = {"phone4": _phone(4), "phone7": _phone(7), "name_sub": _name_sub}
    makers |= {"name_prefix": _name_prefix, "mixed": _mixed}
    return {kind: [makers[kind](rng.choice(pool), rng) for _ in range(count)] for kind in KINDS}


def _phone(length: int) -> Callable[[FakeClient, random.Random], str]:
    def make(client: FakeClient, rng: random.Random) -> str:
        digits = rng.choice(phone_digits(client.phones[0]))
        start = rng.randint(1, len(digits) - length)
        return digits[start : start + length]

    return make


def _words(client: FakeClient) -> list[str]:
    return search_key(client.name).split()


def _name_sub(client: FakeClient, rng: random.Random) -> str:
    word = max(_words(client), key=len)
    length = rng.randint(3, min(6, len(word)))
    start = rng.randint(0, len(word) - length)
    return word[start : start + length]


def _name_prefix(client: FakeClient, rng: random.Random) -> str:
    return rng.choice(_words(client))[: rng.randint(1, 2)]


def _mixed(client: FakeClient, rng: random.Random) -> str:
    words = _words(client)
    if rng.random() < 0.5:
        return f"{words[0][: rng.randint(3, 6)]} {_phone(4)(client, rng)}"
    return f"{words[0]} {words[1][:1]}"


async def measure_backend(
    backend: str,
    population: list[FakeClient],
    workload: dict[str, list[str]],
    database: str | None = None,
    options: Options | None = None,
) -> dict[str, Any]:
    options = options or Options()
    async with _database(backend, database) as url:
        started = time.perf_counter()
        load = await _load(url, population, reuse=database is not None)
        print(f"{backend} {len(population):,} rows ready in {time.perf_counter() - started:.1f} s")
        engine = create_engine(url)
        try:
            results = {
                kind: await _measure_kind(engine, qs, options.repeat)
                for kind, qs in workload.items()
            }
            info = await _database_info(engine, url)
            if options.explain:
                tails = {kind: r["p95_query"] for kind, r in results.items()}
                info["plans"] = await explain_kinds(engine, BIG_ORG_ID, tails, LIMIT)
        finally:
            await engine.dispose()
    big = sum(1 for c in population if c.organization_id == BIG_ORG_ID)
    orgs = len({c.organization_id for c in population})
    shape = {"backend": backend, "size": len(population), "big_org_size": big, "orgs": orgs}
    return {**shape, "load": load, **info, "results": results}


def _database(backend: str, url: str | None) -> AbstractAsyncContextManager[str]:
    """A scratch database, or the one given (kept afterwards)."""
    return nullcontext(url) if url else bench_db.scratch(backend)


async def _load(url: str, population: list[FakeClient], reuse: bool) -> dict[str, float]:
    """Load the population, unless a kept database already holds it (then: upgrade, analyze)."""
    if reuse and await _client_count(url) == len(population):
        started = time.perf_counter()
        await asyncio.to_thread(migrate.upgrade, url)
        engine = create_engine(url)
        try:
            await bench_db._analyze(engine)
        finally:
            await engine.dispose()
        seconds = round(time.perf_counter() - started, 2)
        return {"insert_s": 0.0, "index_s": seconds, "total_s": seconds, "reused": 1.0}
    return await bench_db.load(url, population)


async def _client_count(url: str) -> int | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text("SELECT count(*) FROM client")) or 0)
    except DBAPIError:
        return None
    finally:
        await engine.dispose()


async def _measure_kind(engine: AsyncEngine, typed: list[str], repeat: int = 1) -> dict[str, Any]:
    parsed = [parse_query(t) for t in typed]
    sessions = session_factory(engine)
    async with sessions() as session:
        search = partial(search_client_ids, session, BIG_ORG_ID, limit=LIMIT)
        found = await _timed(search, parsed, repeat)
    async with sessions() as session:
        if engine.dialect.name == "postgresql":
            await session.execute(text("SET LOCAL enable_bitmapscan = off"))
        like = await _timed(lambda q: like_ids(session, BIG_ORG_ID, q), parsed)
    hits = sum(len(ids) for ids in found[1]) / max(len(parsed), 1)
    by_time = sorted(zip(found[0], typed, strict=True))
    return {
        "search": percentiles(found[0]),
        "p95_query": by_time[min(len(by_time) - 1, len(by_time) * 95 // 100)][1],
        "like": percentiles(like[0]),
        "avg_hits": round(hits, 2),
        "examples": typed[:5],
    }


async def _timed(
    call: Callable[[SearchQuery], Awaitable[list[int]]], parsed: list[SearchQuery], repeat: int = 1
) -> tuple[list[float], list[list[int]]]:
    """Milliseconds per query (the fastest of `repeat` in a row), after one unmeasured pass over
    all of them (warm)."""
    for query in parsed:
        await call(query)
    samples, results = [], []
    for query in parsed:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            found = await call(query)
            best = min(best, (time.perf_counter() - started) * 1000)
        results.append(found)
        samples.append(best)
    return samples, results


async def like_ids(session: AsyncSession, org_id: int, query: SearchQuery) -> list[int]:
    """The baseline: every term as `search_text LIKE '%term%'`, no trigram index."""
    postgres = session.get_bind().dialect.name == "postgresql"
    params: dict[str, Any] = {"org": org_id, "limit": LIMIT}
    likes = ""
    for i, term in enumerate(query.terms):
        params[f"p{i}"] = like_pattern(term)
        likes += f" AND c.search_text LIKE :p{i} ESCAPE '/'"
    order = 'c.name_norm COLLATE "C", c.id' if postgres else "c.name_norm, c.id"
    sql = (
        "SELECT c.id FROM client AS c WHERE c.organization_id = :org AND c.deleted_at IS NULL "
        f"AND c.merged_into_id IS NULL{likes} ORDER BY {order} LIMIT :limit"
    )
    return [int(i) for i in (await session.execute(text(sql), params)).scalars()]


async def _database_info(engine: AsyncEngine, url: str) -> dict[str, Any]:
    if is_sqlite(url):
        path = Path(engine.url.database or "")
        sizes = [p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists()]
        return {"db_bytes": sum(sizes), "server": f"SQLite {sqlite3.sqlite_version}"}
    async with engine.connect() as connection:
        size = await connection.scalar(text("SELECT pg_database_size(current_database())"))
        version = await connection.scalar(text("SHOW server_version"))
    return {"db_bytes": int(size or 0), "server": f"PostgreSQL {version}"}


def render(result: dict[str, Any]) -> str:
    headers = ["backend", "rows", "query", "p50 ms", "p95 ms", "p99 ms", "LIKE p50", "LIKE p95"]
    rows = []
    for run in result["runs"]:
        for kind, r in run["results"].items():
            s, like = r["search"], r["like"]
            rows.append([run["backend"], f"{run['size']:,}", kind, s["p50"], s["p95"], s["p99"]])
            rows[-1] += [like["p50"], like["p95"]]
    loads = [
        f"{r['backend']} {r['size']:,}: load {r['load']['total_s']} s "
        f"(insert {r['load']['insert_s']} s, indexes {r['load']['index_s']} s), "
        f"{r['db_bytes'] / 1e6:.0f} MB"
        for r in result["runs"]
    ]
    loads.append(f"{os.cpu_count()} CPUs")
    return table(headers, rows) + "\n\n" + "\n".join(loads + render_plans(result["runs"]))
