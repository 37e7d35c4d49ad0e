"""`python -m bench digests --quick` runs end to end and delivers every digest exactly once."""

from __future__ import annotations

import json

import pytest

from bench.__main__ import main
from bot.background import DELIVERY_SLOTS
from tests.conftest import PG_URL

BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_quick_digest_benchmark_delivers_every_digest_once(tmp_path, capsys, backend):
    out = tmp_path / "results"
    assert main(["digests", "--quick", "--backend", backend, "--out", str(out)]) == 0
    [written] = out.glob("digests-*.json")
    report = json.loads(written.read_text(encoding="utf-8"))
    assert report["benchmark"] == "digests"
    assert {"platform", "cpus", "python"} <= report["machine"].keys()
    settings, compute, delivery = report["settings"], report["compute"], report["delivery"]
    assert settings["quick"] is True and settings["orgs"] == 200 and settings["limit_per_s"] == 300
    assert settings["runners"] == 1 and settings["slots"] == DELIVERY_SLOTS
    assert compute["enqueued"] == 200 and compute["statements"] < 40
    assert delivery["messages"] == 200
    assert delivery["lost"] == 0 and delivery["duplicates"] == 0
    assert delivery["seconds"] >= delivery["ideal_seconds"] > 0
    printed = capsys.readouterr().out
    assert "429s seen" in printed and "lost" in printed
