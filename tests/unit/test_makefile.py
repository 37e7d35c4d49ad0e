"""`make run` on a fresh clone prints no pip warnings that read like failures."""

from __future__ import annotations

from pathlib import Path

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def test_every_pip_install_prints_errors_only():
    installs = [line for line in MAKEFILE.read_text().splitlines() if "pip install" in line]
    assert installs
    assert all(" -qq " in line for line in installs), installs
