"""De-identification recall on the labelled corpus, per type, and the must-stay words kept.

The corpus (tests/data/deid_corpus_*.txt) marks direct identifiers as `{P:...}` (person),
`{A:...}` (address), `{T:...}` (phone), `{E:...}` (e-mail), `{D:...}` (passport, SNILS, INN),
`{U:...}` (Telegram username), `{C:...}` (card), and words that must reach the model as
`[[...]]`. An identifier counts as hidden when every letter and digit of it is inside a hidden
span; a must-stay word counts as kept when none of its characters is. No names are known to
the de-identifier (the hard case: people nobody typed into the CRM).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bench.report import machine, write_json
from core.deid import find_spans
from integrations.blas import single_threaded_blas
from integrations.entities import LocalEntityFinder

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data"
TYPES = {
    "P": "person",
    "A": "address",
    "T": "phone",
    "E": "email",
    "D": "document",
    "U": "username",
    "C": "card",
}
_MARK = re.compile(r"\{([PATEDUC]):([^{}]*)\}|\[\[([^\[\]]*)\]\]")

Spans = Callable[[str], Iterable[tuple[int, int]]]


@dataclass(frozen=True)
class Snippet:
    language: str
    text: str
    identifiers: tuple[tuple[int, int, str], ...]  # start, end, type
    keep: tuple[tuple[int, int], ...]


def parse(line: str, language: str) -> Snippet:
    """One marked-up line as plain text with the labelled spans."""
    out: list[str] = []
    identifiers: list[tuple[int, int, str]] = []
    keep: list[tuple[int, int]] = []
    cursor = length = 0
    for match in _MARK.finditer(line):
        before = line[cursor : match.start()]
        out.append(before)
        length += len(before)
        value = match.group(2) if match.group(1) else match.group(3)
        if match.group(1):
            identifiers.append((length, length + len(value), TYPES[match.group(1)]))
        else:
            keep.append((length, length + len(value)))
        out.append(value)
        length += len(value)
        cursor = match.end()
    out.append(line[cursor:])
    return Snippet(language, "".join(out), tuple(identifiers), tuple(keep))


def corpus() -> list[Snippet]:
    snippets = []
    for language in ("ru", "en"):
        path = CORPUS / f"deid_corpus_{language}.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                snippets.append(parse(line.strip(), language))
    return snippets


@dataclass
class Score:
    found: Counter[str]
    total: Counter[str]
    kept: int
    keep_total: int
    missed: list[str]
    lost: list[str]
    seconds: float
    snippets: int

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    @property
    def kept_share(self) -> float:
        return self.kept / max(1, self.keep_total)


def score(spans: Spans, snippets: list[Snippet]) -> Score:
    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    kept = keep_total = 0
    missed: list[str] = []
    lost: list[str] = []
    started = time.perf_counter()
    results = [list(spans(s.text)) for s in snippets]
    seconds = time.perf_counter() - started
    for snippet, hidden in zip(snippets, results, strict=True):
        covered = {i for start, end in hidden for i in range(start, end)}
        for start, end, kind in snippet.identifiers:
            total[kind] += 1
            value = snippet.text[start:end]
            chars = [i for i in range(start, end) if snippet.text[i].isalnum()]
            if all(i in covered for i in chars):
                found[kind] += 1
            else:
                missed.append(f"{kind}: {value!r} in {snippet.text!r}")
        for start, end in snippet.keep:
            keep_total += 1
            if any(i in covered for i in range(start, end)):
                lost.append(f"{snippet.text[start:end]!r} in {snippet.text!r}")
            else:
                kept += 1
    return Score(found, total, kept, keep_total, missed, lost, seconds, len(snippets))


def report(result: Score, verbose: bool = False) -> str:
    lines = [f"{'type':<10}{'hidden':>8}{'of':>6}{'recall':>9}"]
    for kind in TYPES.values():
        if result.total[kind]:
            share = result.found[kind] / result.total[kind]
            lines.append(f"{kind:<10}{result.found[kind]:>8}{result.total[kind]:>6}{share:>9.1%}")
    found, total = sum(result.found.values()), sum(result.total.values())
    lines.append(f"{'all':<10}{found:>8}{total:>6}{result.recall:>9.1%}")
    lines.append(
        f"must-stay words kept: {result.kept} of {result.keep_total} ({result.kept_share:.1%})"
    )
    lines.append(
        f"{result.snippets} snippets, {result.seconds * 1000 / result.snippets:.2f} ms a snippet"
    )
    if verbose:
        lines += ["missed:", *result.missed, "lost:", *result.lost]
    return "\n".join(lines)


def production_spans(finder: LocalEntityFinder | None) -> Spans:
    """How the product finds what to hide: core's patterns and, if given, the NER adapter."""

    def spans(text: str) -> list[tuple[int, int]]:
        found = finder.find_now(text) if finder is not None else []
        return [(s.start, s.end) for s in find_spans(text, found=found)]

    return spans


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true", help="list misses and lost words")
    parser.add_argument("--patterns-only", action="store_true", help="without natasha")
    parser.add_argument("--quick", action="store_true", help="the same (the corpus is small)")
    parser.add_argument("--out", default=None, help="folder for a JSON file (optional)")


def main(args: argparse.Namespace) -> int:
    finder = None
    if not args.patterns_only:
        if not single_threaded_blas():
            print("numpy was loaded first: BLAS may run threads, timings may be inflated")
        started = time.perf_counter()
        finder = LocalEntityFinder()
        finder.load()
        print(f"natasha loaded in {time.perf_counter() - started:.2f} s")
    result = score(production_spans(finder), corpus())
    print(report(result, verbose=args.verbose))
    if args.out:
        data = {
            "benchmark": "deid",
            "machine": machine(),
            "settings": {"natasha": finder is not None},
            "recall": {kind: [result.found[kind], result.total[kind]] for kind in result.total},
            "kept": [result.kept, result.keep_total],
            "ms_per_snippet": round(result.seconds * 1000 / result.snippets, 3),
            "missed": result.missed,
            "lost": result.lost,
        }
        write_json(Path(args.out), "deid", data)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.deid", description=__doc__)
    add_arguments(parser)
    raise SystemExit(main(parser.parse_args()))
