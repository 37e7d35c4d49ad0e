"""`python -m bench footprint --quick` runs end to end and writes sane numbers (a smoke test,
never a timed assertion)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.__main__ import main
from tests.conftest import PG_URL

BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def test_quick_footprint_benchmark_writes_its_report(tmp_path: Path, capsys) -> None:
    out = tmp_path / "results"
    args = ["footprint", "--quick", "--backends", ",".join(BACKENDS), "--out", str(out)]
    assert main(args) == 0
    [written] = out.glob("footprint-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert report["benchmark"] == "footprint"
    assert {"platform", "cpus", "python", "sqlite"} <= report["machine"].keys()
    assert report["settings"]["quick"] is True
    assert len(report["load_average"]["before"]) == 3
    assert [run["backend"] for run in report["runs"]] == BACKENDS
    for run in report["runs"]:
        assert run["size"] == 5_000 and run["demo_org_clients"] > 1000
        assert run["exit_code"] == 0
        startup = run["startup"]
        assert 0 < startup["first_api_call_s"] <= startup["first_get_updates_s"]
        assert startup["ready_s"] > 0
        for phase in ("idle", "load", "after"):
            memory = run["memory"][phase]
            assert memory["samples"] > 0
            assert 10 < memory["rss_mb"] <= memory["rss_peak_mb"] <= memory["hwm_mb"]
        assert run["traffic"]["updates"] == 20 and run["traffic"]["bot_api_calls"] > 0
    printed = capsys.readouterr().out
    assert "idle MB" in printed and "load peak MB" in printed


def test_the_bot_loads_no_unconfigured_integration_sdk() -> None:
    """boto3 (S3) and gRPC / the Yandex Cloud SDK (YandexGPT) cost ~20 MB resident: they load
    only when their settings are there."""
    code = (
        "import sys, bot.runner, bot.logs\n"
        "print(sorted(m for m in ('boto3', 'botocore', 'grpc', 'yandex') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
