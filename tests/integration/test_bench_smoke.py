"""`python -m bench search --quick` runs end to end (as CI runs it) and writes its JSON."""

from __future__ import annotations

import json

from bench import pg_private
from bench.__main__ import main
from bench.search import KINDS
from tests.conftest import PG_URL

BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def test_quick_search_benchmark_writes_its_report(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["search", "--quick", "--backends", ",".join(BACKENDS), "--out", str(out)]) == 0
    [written] = out.glob("search-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert report["benchmark"] == "search"
    assert {"platform", "cpus", "python", "sqlite"} <= report["machine"].keys()
    assert report["settings"]["quick"] is True
    assert [run["backend"] for run in report["runs"]] == BACKENDS
    for run in report["runs"]:
        assert run["size"] == 2000 and run["big_org_size"] == 1000 and run["orgs"] > 1
        assert {"insert_s", "index_s", "total_s"} <= run["load"].keys()
        assert run["db_bytes"] > 0
        assert list(run["results"]) == list(KINDS)
        for result in run["results"].values():
            for series in (result["search"], result["like"]):
                assert {"p50", "p95", "p99", "mean", "max"} <= series.keys()
                assert 0 <= series["p50"] <= series["p95"] <= series["p99"] <= series["max"]
            assert result["avg_hits"] > 0
    printed = capsys.readouterr().out
    assert "p95 ms" in printed and "name_prefix" in printed


def test_all_runs_every_benchmark_with_its_own_defaults(tmp_path, monkeypatch, capsys):
    import importlib

    import bench.__main__ as cli

    seen = {}
    for name, module_name in cli.COMMANDS.items():
        module = importlib.import_module(module_name)
        monkeypatch.setattr(
            module, "main", lambda args, name=name: seen.setdefault(name, args) and 0
        )
    assert cli.main(["all", "--quick", "--out", str(tmp_path)]) == 0
    assert set(seen) == set(cli.COMMANDS)
    assert all(args.quick and args.out == str(tmp_path) for args in seen.values())
    assert "== footprint" in capsys.readouterr().out


def test_quick_jobs_benchmark_claims_other_kinds_behind_a_broadcast(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["jobs", "--quick", "--backends", ",".join(BACKENDS), "--out", str(out)]) == 0
    [written] = out.glob("jobs-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert [run["backend"] for run in report["runs"]] == BACKENDS
    for run in report["runs"]:
        assert 0 < run["claim_ms"]["p50"] <= run["claim_ms"]["max"]
    assert "p95 ms" in capsys.readouterr().out


def test_quick_idle_benchmark_counts_an_idle_bots_transactions(tmp_path, capsys):
    private = pg_private.bindir() is not None
    if not (private or PG_URL):
        return  # PostgreSQL's statistics only
    out = tmp_path / "results"
    assert main(["idle", "--quick", "--out", str(out)]) == 0
    [written] = out.glob("idle-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    # On a cluster of its own nothing but the bot is counted (a shared server also charges
    # the bot's idle connections with catching up on other databases' DDL).
    assert report["settings"]["server"] == ("private" if private else "shared")
    run = report["run"]
    assert run["seconds"] >= 10 and run["transactions"] >= 0
    assert "tx/s" in capsys.readouterr().out


def test_quick_board_benchmark_delivers_every_change_to_every_board(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["board", "--quick", "--backends", ",".join(BACKENDS), "--out", str(out)]) == 0
    [written] = out.glob("board-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert [run["backend"] for run in report["runs"]] == BACKENDS
    for run in report["runs"]:
        assert run["boards"] == 10 and run["changes"] == 60 and run["missing"] == 0
        assert run["delivered"] == 600 and run["latency_ms"]["p95"] > 0
    assert "p95 ms" in capsys.readouterr().out


def test_quick_bots_benchmark_each_bot_within_its_own_limit(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["bots", "--quick", "--out", str(out)]) == 0
    [written] = out.glob("bots-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert [(r["bots"], r["messages"]) for r in report["runs"]] == [(1, 40), (2, 80)]
    for run in report["runs"]:
        assert run["max_in_1s_per_bot"] <= 30 and run["refused_429"] == 0
    assert "total msg/s" in capsys.readouterr().out
