"""The conversation of /quote and the client card's "📝 Quote" (`core.quotes.flow`): the
client (searched by phone or name, or the card's), the lines added one by one (a catalogue
item and its quantity, or a line typed whole), the valid-until day and the check screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from core.dialogs.engine import DialogData
from core.dialogs.offered import Candidate, Ref


class QuoteLine(NamedTuple):
    """A line added so far, priced as it will be stored (minor units, thousandths)."""

    name: str
    quantity_milli: int
    unit_price_minor: int
    unit: str
    discount_minor: int
    vat_bp: int | None
    item_id: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteData(DialogData):
    flow = "quote"
    client_id: int | None = None
    client_name: str | None = None
    client: str | None = None  # the phone or name typed
    candidates: tuple[Candidate, ...] | None = None
    client_pick: str | None = None  # a candidate's id
    today: dt.date | None = None  # the organization's date when the flow began
    language: str | None = None  # how the person writes numbers
    items: tuple[Ref, ...] | None = None  # active catalogue items offered
    lines: tuple[QuoteLine, ...] = ()
    line: str | None = None  # "item:<id>", the typed line, or "done"
    quantity: str | None = None  # of a picked item
    valid: dt.date | None = None
    confirm: str | None = None  # "send" or "cancel"


@dataclass(frozen=True, slots=True, kw_only=True)
class QuoteQuestionData(DialogData):
    """A client's "Ask a question" under a quote, or their reason after declining it
    (`reason`; `core.quotes.answers`): their next message in that chat goes to the quote's
    author, naming the quote."""

    flow = "quote_question"
    org_id: int
    quote_id: int
    reason: bool = False
