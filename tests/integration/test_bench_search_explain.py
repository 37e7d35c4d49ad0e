"""`bench search --explain`: the plans of the statements a search really sends, on both
databases, and how the report prints them."""

from __future__ import annotations

import pytest

from bench.search import render
from bench.search_explain import explain, explain_kinds
from tests.integration import test_client_search as base

db = base.db  # every database


async def test_a_search_is_explained_statement_by_statement(db):
    await base.people(db)
    await base.filler(db, 1, 300)
    plans = await explain_kinds(db, 1, {"mixed": "иванов 4567", "name_prefix": "ив"}, 20)
    assert list(plans) == ["mixed", "name_prefix"]
    assert plans["mixed"]["query"] == "иванов 4567"
    for kind in plans:
        text = "\n".join(plans[kind]["plan"])
        if db.dialect.name == "postgresql":
            assert "-- SET LOCAL plan_cache_mode = force_generic_plan" in text
            assert "Buffers: shared hit=" in text and "Execution Time" in text
            assert "ix_client_org_live_name" in text  # the parts of the name order
            assert "Filter: (client_search_part_keys" not in text  # COST: no row computes them
        else:
            assert "client_fts" in text or "ix_client_org_live_name" in text
    phone = "\n".join(await explain(db, 1, "4567", 20))
    index = "ix_client_search_trgm" if db.dialect.name == "postgresql" else "client_fts"
    assert index in phone and "Filter: (client_search_part_keys" not in phone


def test_the_report_prints_the_plans_after_the_table():
    series = {"p50": 1.0, "p95": 2.0, "p99": 3.0, "mean": 1.5, "max": 3.0}
    run = {
        "backend": "postgresql",
        "size": 10,
        "db_bytes": 1e6,
        "load": {"total_s": 1.0, "insert_s": 0.5, "index_s": 0.5},
        "results": {"phone4": {"search": series, "like": series}},
        "plans": {"phone4": {"query": "4567", "plan": ["-- SET LOCAL x", "Result (...)"]}},
    }
    printed = render({"runs": [run]})
    assert printed.index("p95 ms") < printed.index("postgresql phone4, the p95 query '4567':")
    assert printed.endswith("-- SET LOCAL x\nResult (...)")


async def test_repeat_keeps_each_searchs_fastest_timing(monkeypatch):
    """`--repeat`: a preempted run does not count if the same search ran faster right after."""
    from bench import search as bench_search
    from core.clients.search import parse_query

    clock = [0.0]
    costs = iter([0.009, 0.004, 0.005, 0.002, 0.003, 0.007, 0.001, 0.006])  # seconds per call
    monkeypatch.setattr(bench_search.time, "perf_counter", lambda: clock[0])

    async def call(query):
        clock[0] += next(costs)
        return [len(query.terms)]

    queries = [parse_query("иванов"), parse_query("916 1")]
    samples, found = await bench_search._timed(call, queries, repeat=3)
    assert samples == pytest.approx([2.0, 1.0])  # warm pass: 9 and 4 ms, not measured
    assert found == [[1], [1]]
