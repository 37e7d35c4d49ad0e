"""`python -m bench recovery --quick` runs end to end on SQLite and writes its report: a real
process killed while holding jobs and outbox messages, the next one resuming them."""

from __future__ import annotations

import json

from bench.__main__ import main


def test_quick_recovery_benchmark_resumes_what_the_killed_process_held(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["recovery", "--quick", "--backends", "sqlite", "--out", str(out)]) == 0
    [written] = out.glob("recovery-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert report["benchmark"] == "recovery" and report["settings"]["quick"] is True
    [only] = report["runs"]["restart sqlite"]
    assert only["ready_s"] > 0 and only["jobs_s"] is not None and only["outbox_s"] is not None
    assert "restart sqlite" in capsys.readouterr().out
