"""What the AI is asked about a voice report, and how its answer is checked before use.

The model sees only de-identified text. Its answer must be a JSON object with every field of
the proposal and the right types; anything else is rejected and the worker gets the
transcript alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from core.domain import PaymentMethod
from core.money import MAX_MINOR

SYSTEM_PROMPT = """You read a field worker's spoken report about a service order (cleaning,
repair, installation). Personal data was replaced by placeholders like [PERSON_1] or
[PHONE_1]: keep them exactly as they are. Answer with one JSON object and nothing else:
{"work_done": string (what was done, short), "materials": string (parts or materials used,
or ""), "amount": number or null (money received from the client, in the currency's main
unit), "payment_method": "cash" | "card" | "transfer" | null, "mark_done": boolean (the job
is finished), "next_visit": string or null (when to come back, as said), "follow_ups":
string (anything the office should do, or "")}. Use the report's language for the strings."""

FIELDS = (
    "work_done",
    "materials",
    "amount",
    "payment_method",
    "mark_done",
    "next_visit",
    "follow_ups",
)
TEXT_MAX = 1000


@dataclass(frozen=True, slots=True)
class Proposal:
    work_done: str
    materials: str
    amount_minor: int | None
    payment_method: PaymentMethod | None
    mark_done: bool
    next_visit: str | None
    follow_ups: str

    def as_dict(self) -> dict[str, object]:
        return {
            "work_done": self.work_done,
            "materials": self.materials,
            "amount_minor": self.amount_minor,
            "payment_method": self.payment_method.value if self.payment_method else None,
            "mark_done": self.mark_done,
            "next_visit": self.next_visit,
            "follow_ups": self.follow_ups,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Proposal:
        method = data.get("payment_method")
        amount = data.get("amount_minor")
        return cls(
            str(data.get("work_done", "")),
            str(data.get("materials", "")),
            int(amount) if isinstance(amount, int) else None,
            PaymentMethod(method) if isinstance(method, str) else None,
            bool(data.get("mark_done")),
            str(data["next_visit"]) if data.get("next_visit") else None,
            str(data.get("follow_ups", "")),
        )


def parse_proposal(answer: str) -> Proposal | None:
    """The model's answer as a proposal, or None when it is not what was asked for."""
    try:
        data = json.loads(_strip_fence(answer))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or any(key not in data for key in FIELDS):
        return None
    try:
        return Proposal(
            _text(data["work_done"]),
            _text(data["materials"]),
            _amount(data["amount"]),
            _method(data["payment_method"]),
            _flag(data["mark_done"]),
            _optional_text(data["next_visit"]),
            _text(data["follow_ups"]),
        )
    except ValueError:
        return None


def _strip_fence(answer: str) -> str:
    text = answer.strip()
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    return text


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("text expected")
    return value.strip()[:TEXT_MAX]


def _optional_text(value: object) -> str | None:
    return None if value is None else (_text(value) or None)


def _amount(value: object) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("number expected")
    minor = round(float(value) * 100)
    if minor < 0 or minor > MAX_MINOR:
        raise ValueError("amount out of range")
    return minor or None


def _method(value: object) -> PaymentMethod | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in {m.value for m in PaymentMethod}:
        raise ValueError("payment method expected")
    return PaymentMethod(value)


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError("boolean expected")
    return value


def restore_proposal(proposal: Proposal, restore: Callable[[str], str]) -> Proposal:
    """Put personal data back into the text fields (locally, after the model answered)."""
    return Proposal(
        restore(proposal.work_done),
        restore(proposal.materials),
        proposal.amount_minor,
        proposal.payment_method,
        proposal.mark_done,
        restore(proposal.next_visit) if proposal.next_visit else None,
        restore(proposal.follow_ups),
    )
