"""What the AI is asked about a recorded phone call, and how its answer is checked.

The model sees only de-identified text: known phone numbers (the client's, the team's) are
masked first in any spacing, then `core.deid` masks names, addresses and whatever else looks
personal. The answer must be a JSON object with every field and the right types; anything
else is rejected and the managers get the call without a summary.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from core.deid import PLACEHOLDER, Entity, Redacted, deidentify

SYSTEM_PROMPT = """You read the transcript of a phone call between a service business
(cleaning, repair, installation) and a client. Personal data was replaced by placeholders
like [PERSON_1], [PHONE_1] or [ADDRESS_1]: keep them exactly as they are. Answer with one
JSON object and nothing else: {"summary": string (what the call was about, one to three
sentences), "request": string (the work the client asks for, short, or ""), "address":
string or null (where the work is, as said), "when": string or null (when the client wants
it, as said), "follow_up": string (what the office should do next, or "")}. Use the
transcript's language for the strings."""

FIELDS = ("summary", "request", "address", "when", "follow_up")
TEXT_MAX = 1000
_SEPARATOR = r"[\s\-().]{0,3}"


@dataclass(frozen=True, slots=True)
class CallSummary:
    summary: str
    request: str
    address: str | None
    when: str | None
    follow_up: str

    def as_dict(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in FIELDS}

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> CallSummary:
        def text(name: str) -> str:
            value = data.get(name)
            return str(value) if value else ""

        return cls(
            text("summary"),
            text("request"),
            text("address") or None,
            text("when") or None,
            text("follow_up"),
        )


def parse_summary(answer: str) -> CallSummary | None:
    """The model's answer as a summary, or None when it is not what was asked for."""
    text = answer.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or any(key not in data for key in FIELDS):
        return None
    try:
        values = {name: _text(data[name], optional=name in ("address", "when")) for name in FIELDS}
    except ValueError:
        return None
    if not values["summary"]:
        return None
    return CallSummary.from_dict(values)


def _text(value: object, optional: bool) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ValueError("text expected")
    return value.strip()[:TEXT_MAX]


def restore_summary(summary: CallSummary, restore: Callable[[str], str]) -> CallSummary:
    """Put personal data back into every field (locally, after the model answered)."""
    return CallSummary(
        restore(summary.summary),
        restore(summary.request),
        restore(summary.address) if summary.address else None,
        restore(summary.when) if summary.when else None,
        restore(summary.follow_up),
    )


def deidentify_call(
    text: str,
    names: Iterable[str],
    addresses: Iterable[str],
    phones: Iterable[str],
    found: Iterable[Entity] = (),
) -> Redacted:
    """Known phones masked in any spacing, then everything `core.deid` finds. `found` are the
    entities a finder saw in the masked text (`mask_phones(text, phones).text`)."""
    masked = mask_phones(text, phones)
    rest = deidentify(masked.text, names, addresses, found)
    return Redacted(rest.text, {**masked.mapping, **rest.mapping})


def mask_phones(text: str, phones: Iterable[str]) -> Redacted:
    """Each known number (E.164) as `[PHONE_n]`, however it was spoken or written: the last
    ten digits with up to three separators between any two, after an optional prefix."""
    used = {m.group(0).upper() for m in PLACEHOLDER.finditer(text)}
    mapping: dict[str, str] = {}
    counter = itertools.count(1)
    for phone in dict.fromkeys(phones):
        digits = re.sub(r"\D", "", phone)[-10:]
        if len(digits) < 7:
            continue
        pattern = re.compile(
            r"(?<!\d)(?:(?:\+\s?\d{1,3}|8)"
            + _SEPARATOR
            + r")?"
            + _SEPARATOR.join(re.escape(d) for d in digits)
            + r"(?!\d)"
        )
        if not pattern.search(text):
            continue
        placeholder = next(p for n in counter if (p := f"[PHONE_{n}]") not in used)
        used.add(placeholder)
        mapping[placeholder] = phone
        text = pattern.sub(placeholder, text)
    return Redacted(text, mapping)
