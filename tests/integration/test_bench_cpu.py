"""`python -m bench cpu --quick` runs end to end (a smoke test, never a timed assertion): both
bots answer /help and taps in both modes, every tap started its order, and the report has the
CPU per update and the ratio."""

from __future__ import annotations

import json
from pathlib import Path

from bench.__main__ import main
from bench.cpu import MODES, render
from bench.cpu_bots import KINDS


def test_cpu_quick_mode_compares_both_bots_per_update_kind(tmp_path: Path, capsys):
    argv = ["cpu", "--quick", "--backends", "sqlite", "--out", str(tmp_path)]
    assert main(argv) == 0
    (written,) = tmp_path.glob("cpu-*.json")
    result = json.loads(written.read_text(encoding="utf-8"))
    run = result["runs"]["sqlite"]
    check = run["tap_check"]
    assert check["ok"] and check["started"] == check["tapped"] >= 20 * len(MODES)
    for mode in MODES:
        for kind in KINDS:
            one = run[mode][kind]
            for bot in ("crm", "bare"):
                assert one[bot]["cpu_ms"] > 0 and one[bot]["emulator_cpu_ms"] > 0
                calls = 1 if kind == "help" else 2  # the reply; the answer and the edit
                assert calls <= one[bot]["api_calls"] < calls + 0.5, (mode, kind, bot)
            assert one["ratio"] == round(one["crm"]["cpu_ms"] / one["bare"]["cpu_ms"], 2)
    assert result["settings"]["http"] == "aiohttp" and len(result["load_average"]["after"]) == 3
    printed = capsys.readouterr().out
    assert "crm ms CPU" in printed and "ratio with emulator" in printed
    assert render(result).count("sqlite") == len(MODES) * len(KINDS) + 1
