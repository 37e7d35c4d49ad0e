"""The updates benchmark's quick mode runs end to end (a smoke test, never a timed assertion)."""

import json
from pathlib import Path

import pytest

from bench.__main__ import main
from bench.updates import _ratios, render


def test_updates_quick_mode_writes_a_comparison(tmp_path: Path):
    argv = ["updates", "--quick", "--backends", "sqlite", "--http", "aiohttp"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("updates-*.json")
    result = json.loads(written.read_text())
    run = result["runs"]["sqlite"]
    assert result["http"] == ["aiohttp"] and set(run["crm"]) == set(run["bare"]) == {"aiohttp"}
    assert run["crm"]["aiohttp"]["throughput"] > 0 and run["bare"]["aiohttp"]["throughput"] > 0
    assert set(run["crm"]["aiohttp"]["latency_ms"]) >= {"p50", "p95", "p99"}
    assert set(run["ratios"]) == {"crm/bare aiohttp"}, "no stock httpx bot ran to compare with"
    assert len(result["load_average"]["before"]) == 3


def test_both_clients_report_every_combination_and_ratio():
    def one(throughput: float) -> dict:
        return {"throughput": throughput, "latency_ms": {"p50": 1, "p95": 2, "p99": 3}}

    crm = {"aiohttp": one(900.0), "httpx": one(300.0)}
    bare = {"aiohttp": one(1500.0), "httpx": one(450.0)}
    ratios = _ratios(crm, bare)
    assert ratios == {"crm/bare aiohttp": 0.6, "crm/bare httpx": 0.667, "crm best/bare httpx": 2.0}
    result = {"runs": {"sqlite": {"crm": crm, "bare": bare, "ratios": ratios}}}
    lines = render(result).splitlines()
    bots = [tuple(line.split()[1:3]) for line in lines[2:6]]
    assert bots == [("crm", "aiohttp"), ("crm", "httpx"), ("bare", "aiohttp"), ("bare", "httpx")]
    assert any("crm best/bare httpx" in line and "2.0" in line for line in lines)


@pytest.mark.parametrize("http", ["both", "httpx"])
def test_the_http_option_parses(http: str):
    import argparse

    from bench.updates import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert parser.parse_args(["--http", http]).http == http
    assert parser.parse_args([]).http == "both"
