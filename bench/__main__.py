"""`python -m bench <command>`: one subcommand per benchmark, or `all` of them in turn.

A benchmark module offers `add_arguments(parser)` and `main(args) -> int`; add it to
COMMANDS to make it a subcommand (and part of `all`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS = {
    "search": "bench.search",
    "digests": "bench.digests",
    "updates": "bench.updates",
    "footprint": "bench.footprint",
    "jobs": "bench.jobs",
    "idle": "bench.idle",
    "flood": "bench.flood",
    "cpu": "bench.cpu",
    "recovery": "bench.recovery",
    "deid": "bench.deid",
    "board": "bench.board",
    "bots": "bench.bots",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        summary = (module.__doc__ or name).strip().splitlines()[0]
        module.add_arguments(commands.add_parser(name, help=summary, description=summary))
    every = commands.add_parser("all", help="every benchmark in turn, each at its defaults")
    every.add_argument("--quick", action="store_true", help="each at its quick size")
    every.add_argument("--out", default="bench/results", help="folder for the JSON files")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "all":
        return int(importlib.import_module(COMMANDS[args.command]).main(args))
    failed = 0
    for name, module_name in COMMANDS.items():
        own = parser.parse_args([name, "--out", args.out, *(["--quick"] if args.quick else [])])
        print(f"\n== {name}", flush=True)
        failed += int(importlib.import_module(module_name).main(own)) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
