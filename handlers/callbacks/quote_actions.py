"""The buttons of quotes (issue 20, item 5, docs/quotes.md): the client card's "📝 Quote",
and in the client's chat Approve (the free times), a time, Decline (and its confirmation) and
Ask a question. The client's buttons name the organization and the quote; a tap is checked
against the tapping person (linked as the quote's client there)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.callbacks.codec import Action
from handlers.callbacks.reminder_actions import Minutes


@dataclass(frozen=True)
class ClientQuote(Action, template="qn:{client_id}"):
    """From a client's card: prepare a quote for them (owners and managers)."""

    client_id: int


@dataclass(frozen=True)
class QuoteAnswer(Action, template="qa:{org_id}:{quote_id}:{what}"):
    """The client's Approve (`a`: the free times), Decline (`d`: are you sure?), the sure
    Decline (`x`), Ask a question (`q`: the next message goes to the quote's author) or Back
    (`b`: the three buttons again). All but `q` change the quote's own message in place."""

    org_id: int
    quote_id: int
    what: Literal["a", "d", "x", "q", "b"]


@dataclass(frozen=True)
class QuoteSlot(Action, template="qs:{org_id}:{quote_id}:{at}"):
    """Approve the quote with the visit at `at` (minutes since the epoch)."""

    org_id: int
    quote_id: int
    at: Minutes
