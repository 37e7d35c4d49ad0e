"""`python -m bench <command>`: one subcommand per benchmark module.

A benchmark module offers `add_arguments(parser)` and `main(args) -> int`; add it to
COMMANDS to make it a subcommand (updates, digests and footprint are meant to join search).
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
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, module_name in COMMANDS.items():
        module = importlib.import_module(module_name)
        summary = (module.__doc__ or name).strip().splitlines()[0]
        module.add_arguments(commands.add_parser(name, help=summary, description=summary))
    args = parser.parse_args(argv)
    return int(importlib.import_module(COMMANDS[args.command]).main(args))


if __name__ == "__main__":
    sys.exit(main())
