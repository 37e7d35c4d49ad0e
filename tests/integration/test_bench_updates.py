"""The updates benchmark's quick mode runs end to end (a smoke test, never a timed assertion)."""

import json
from pathlib import Path

from bench.__main__ import main


def test_updates_quick_mode_writes_a_comparison(tmp_path: Path):
    assert main(["updates", "--quick", "--backends", "sqlite", "--out", str(tmp_path)]) == 0
    (written,) = tmp_path.glob("updates-*.json")
    result = json.loads(written.read_text())
    run = result["runs"]["sqlite"]
    assert run["crm"]["throughput"] > 0 and run["bare"]["throughput"] > 0
    assert set(run["crm"]["latency_ms"]) >= {"p50", "p95", "p99"}
